import ChatCore

/// Calls an OpenAI-compatible images API: `POST {image_base_url}/images/generations` with
/// `{"model","prompt","n":1,"size":"1024x1024"}` and its own key, reading `data[].b64_json`
/// or downloading `data[].url` (without the key).
public struct OpenAIImageGenerator: ImageGenerator {
    public static let defaultModel = "gpt-image-1"
    public static let defaultBaseURL = "https://api.openai.com/v1"

    public struct Configuration: Sendable {
        /// API base such as `https://api.openai.com/v1` (trailing slashes dropped).
        public var baseURL: String
        /// The key; empty means missing, which fails with an error naming `apiKeyVariable`.
        public var apiKey: String
        /// The variable the key comes from (`image_api_key_env`), for error messages.
        public var apiKeyVariable: String
        public var model: String
        /// `size`, such as `1024x1024`.
        public var size: String
        public var http: ImageHTTPSettings

        public init(
            baseURL: String = OpenAIImageGenerator.defaultBaseURL, apiKey: String, apiKeyVariable: String = "OPENAI_API_KEY",
            model: String = OpenAIImageGenerator.defaultModel, size: String = "1024x1024", http: ImageHTTPSettings = .init()
        ) {
            self.baseURL = OpenRouterHTTP.Endpoint.trimmingTrailingSlashes(baseURL)
            self.apiKey = apiKey
            self.apiKeyVariable = apiKeyVariable
            self.model = model
            self.size = size
            self.http = http
        }
    }

    public var configuration: Configuration
    /// The client to send through; nil makes one for each call (connecting as `configuration.http` says).
    public var http: OpenRouterHTTP?

    public init(configuration: Configuration, http: OpenRouterHTTP? = nil) {
        self.configuration = configuration
        self.http = http
    }

    /// The error for a missing key of the `openai` provider.
    public static func missingKeyError(variable: String) -> ImageError {
        ImageError(
            "no API key for the openai image provider: \(variable) is not set; export \(variable)=... "
                + "(or name another variable with image_api_key_env, or set image_provider to openrouter)",
            exitCode: 2)
    }

    /// The request body: `{"model","prompt","n":1,"size"}`, written by hand in this documented
    /// order (`JSONEncoder`'s order changes from one run to the next).
    public static func requestBody(model: String, prompt: String, size: String) -> [UInt8] {
        Array("{\"model\":\(JSONValue.quoted(model)),\"prompt\":\(JSONValue.quoted(prompt)),\"n\":1,\"size\":\(JSONValue.quoted(size))}".utf8)
    }

    public func generate(prompt: String) async throws -> GeneratedImages {
        let config = configuration
        let key = config.apiKey.trimmingWhitespace()
        guard !key.isEmpty else { throw Self.missingKeyError(variable: config.apiKeyVariable) }
        return try await OpenRouterHTTP.using(http, configuration: .images(config.http)) { http in
            let request = config.http.post(
                .openAICompatible(baseURL: config.baseURL, apiKey: key), path: "/images/generations",
                body: Self.requestBody(model: config.model, prompt: prompt, size: config.size))
            let response = try await http.fetch(request, retry: config.http.retry)
            let json: JSONValue
            do throws(JSONSyntaxError) {
                json = try JSONParser.parse(response.body)
            } catch {
                throw ChatError.malformedResponse("the images answer is not valid JSON (\(error.reason), line \(error.line) column \(error.column))")
            }
            if let error = json["error"], error != .null {
                // A 200 that carries an error object: decoded (and thrown) as in a chat answer.
                _ = try ChatCompletionDecoder.response(fromBody: response.body)
            }
            guard case .array(let items)? = json["data"] else {
                throw ChatError.malformedResponse("the images answer has no \"data\" array")
            }
            let source = "the images endpoint (\(config.model))"
            var images: [GeneratedImage] = []
            var notes: [String] = []
            for item in items {
                if case .string(let b64)? = item["b64_json"] {
                    let bytes: [UInt8]
                    do throws(ImageError) { bytes = try StrictBase64.decode(b64) } catch {
                        throw ImageError("\(source) sent an unusable image: \(error.message)")
                    }
                    var mimeType = "image/png"
                    if case .string(let format)? = json["output_format"] ?? item["output_format"] {
                        mimeType = ImageFormat(mimeType: "image/" + format)?.mimeType ?? mimeType
                    }
                    images.append(GeneratedImage(bytes: bytes, fallbackMimeType: mimeType))
                } else if case .string(let url)? = item["url"] {
                    images.append(try await http.image(at: url, source: source, settings: config.http))
                }
                if case .string(let revised)? = item["revised_prompt"], !revised.isEmpty { notes.append(revised) }
            }
            guard !images.isEmpty else {
                throw ImageError("\(source) at \(config.baseURL) returned no image; check image_model and image_base_url")
            }
            return GeneratedImages(images: images, text: notes.joined(separator: "\n"), model: config.model)
        }
    }
}
