import ChatCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The error for a missing key of the `openai` provider.
    public static func missingKeyError(variable: String) -> ServiceFailure {
        ServiceFailure(
            "no API key for the openai image provider: \(variable) is not set; export \(variable)=... "
                + "(or name another variable with image_api_key_env, or set image_provider to openrouter)",
            exitCode: 2)
    }

    /// The request body: `{"model","prompt","n":1,"size"}`, written by hand in this documented
    /// order (`JSONEncoder`'s order changes from one run to the next).
    public static func requestBody(model: String, prompt: String, size: String) -> [UInt8] {
        Array(
            "{\"model\":\(JSONValue.quoted(model)),\"prompt\":\(JSONValue.quoted(prompt)),\"n\":1,\"size\":\(JSONValue.quoted(size))}".utf8)
    }

    public func generate(prompt: String) async throws -> GeneratedImages {
        let config = configuration
        let key = config.apiKey.trimmingWhitespace()
        guard !key.isEmpty else { throw Self.missingKeyError(variable: config.apiKeyVariable) }
        return try await OpenRouterHTTP.using(config.http.client, configuration: .images(config.http)) { http in
            let request = config.http.post(
                .openAICompatible(baseURL: config.baseURL, apiKey: key), path: "/images/generations",
                body: Self.requestBody(model: config.model, prompt: prompt, size: config.size))
            let response = try await http.fetch(request, retry: config.http.retry)
            let answer = try Answer(decoding: response.body)
            if answer.hasError {
                // A 200 that carries an error object: decoded (and thrown) as in a chat answer.
                _ = try ChatCompletionDecoder.response(fromBody: response.body)
            }
            guard let items = answer.data else {
                throw ChatError.malformedResponse("the images answer has no \"data\" array")
            }
            let source = "the images endpoint (\(config.model))"
            var images: [GeneratedImage] = []
            var notes: [String] = []
            for item in items {
                if let b64 = item.b64JSON {
                    let bytes: [UInt8]
                    do throws(ServiceFailure) { bytes = try StrictBase64.decode(b64) } catch {
                        throw ServiceFailure("\(source) sent an unusable image: \(error.message)")
                    }
                    var mimeType = "image/png"
                    if let format = answer.outputFormat ?? item.outputFormat {
                        mimeType = ImageFormat(mimeType: "image/" + format)?.mimeType ?? mimeType
                    }
                    images.append(GeneratedImage(bytes: bytes, fallbackMimeType: mimeType))
                } else if let url = item.url {
                    images.append(try await http.image(at: url, source: source, settings: config.http))
                }
                if let revised = item.revisedPrompt, !revised.isEmpty { notes.append(revised) }
            }
            guard !images.isEmpty else {
                throw ServiceFailure("\(source) at \(config.baseURL) returned no image; check image_model and image_base_url")
            }
            return GeneratedImages(images: images, text: notes.joined(separator: "\n"), model: config.model)
        }
    }

    /// A 200 answer of the images API: `{"data":[{"b64_json"|"url","revised_prompt"}],"output_format"}`.
    ///
    /// Decoded with `Codable`, leniently as the API is read everywhere here: a field of another
    /// type, or an item that is not an object, is passed over; only invalid JSON fails.
    struct Answer: Decodable, Equatable {
        struct Item: Decodable, Equatable {
            var b64JSON: String?
            var url: String?
            var revisedPrompt: String?
            var outputFormat: String?

            enum CodingKeys: String, CodingKey {
                case b64JSON = "b64_json", url, revisedPrompt = "revised_prompt", outputFormat = "output_format"
            }

            init(b64JSON: String? = nil, url: String? = nil, revisedPrompt: String? = nil, outputFormat: String? = nil) {
                self.b64JSON = b64JSON
                self.url = url
                self.revisedPrompt = revisedPrompt
                self.outputFormat = outputFormat
            }

            init(from decoder: any Decoder) throws {
                guard let item = try? decoder.container(keyedBy: CodingKeys.self) else { return }
                b64JSON = item.string(.b64JSON)
                url = item.string(.url)
                revisedPrompt = item.string(.revisedPrompt)
                outputFormat = item.string(.outputFormat)
            }
        }

        /// nil when the answer has no `data` array.
        var data: [Item]?
        var outputFormat: String?
        /// Whether a top-level `error` is present and not null.
        var hasError = false

        enum CodingKeys: String, CodingKey {
            case data, outputFormat = "output_format", error
        }

        init(data: [Item]?, outputFormat: String? = nil, hasError: Bool = false) {
            self.data = data
            self.outputFormat = outputFormat
            self.hasError = hasError
        }

        init(from decoder: any Decoder) throws {
            guard let answer = try? decoder.container(keyedBy: CodingKeys.self) else { return }
            data = (try? answer.decodeIfPresent([Item].self, forKey: .data)) ?? nil
            outputFormat = answer.string(.outputFormat)
            hasError = answer.contains(.error) && (try? answer.decodeNil(forKey: .error)) == false
        }

        init(decoding body: [UInt8]) throws(ChatError) {
            do {
                self = try JSONDecoder().decode(Answer.self, from: Data(body))
            } catch {
                throw .malformedResponse("the images answer is not valid JSON")
            }
        }
    }
}

extension KeyedDecodingContainer {
    /// The string at `key`; nil when it is absent, null or not a string.
    fileprivate func string(_ key: Key) -> String? {
        (try? decodeIfPresent(String.self, forKey: key)) ?? nil
    }
}
