import ChatCore

/// Asks an image-output model on OpenRouter: `POST {base}/chat/completions` with
/// `modalities: ["image","text"]` — or `["image"]` for a model that outputs only images (its
/// `architecture.output_modalities` in `GET /models?output_modalities=image`; such models
/// refuse the pair) — reading `choices[0].message.images[].image_url.url`.
public struct OpenRouterImageGenerator: ImageGenerator {
    public static let defaultModel = "google/gemini-2.5-flash-image"

    public struct Configuration: Sendable {
        /// API base such as `https://openrouter.ai/api/v1` (trailing slashes dropped).
        public var baseURL: String
        public var apiKey: String
        /// `image_model`.
        public var model: String
        /// `HTTP-Referer` header.
        public var referer: String
        /// `X-Title` and `X-OpenRouter-Title` headers.
        public var title: String
        public var http: ImageHTTPSettings

        public init(
            baseURL: String, apiKey: String, model: String = OpenRouterImageGenerator.defaultModel,
            referer: String = "https://bankfuture.com", title: String = "BankFuture", http: ImageHTTPSettings = .init()
        ) {
            self.baseURL = OpenRouterHTTP.Endpoint.trimmingTrailingSlashes(baseURL)
            self.apiKey = apiKey
            self.model = model
            self.referer = referer
            self.title = title
            self.http = http
        }
    }

    public var configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The request body: `{"model","messages":[{"role":"user","content":prompt}],"modalities":["image","text"],"stream":false}`
    /// (`["image"]` when `imageOnly`).
    ///
    /// Written by hand, not with `JSONEncoder`: its keys come out in an order that changes from
    /// one run to the next, and this one is documented (and checked byte for byte).
    public static func requestBody(model: String, prompt: String, imageOnly: Bool = false) -> [UInt8] {
        Array(
            ("{\"model\":\(JSONValue.quoted(model)),\"messages\":[{\"role\":\"user\",\"content\":\(JSONValue.quoted(prompt))}],"
                + (imageOnly ? "\"modalities\":[\"image\"]" : "\"modalities\":[\"image\",\"text\"]") + ",\"stream\":false}").utf8)
    }

    /// Whether `model` outputs images only, by the model list; false when the list cannot be had.
    static func outputsOnlyImages(
        _ model: String, http: OpenRouterHTTP, endpoint: OpenRouterHTTP.Endpoint, settings: ImageHTTPSettings
    ) async -> Bool {
        guard
            let response = try? await http.fetch(
                settings.get(endpoint, path: "/models?output_modalities=image"), retry: RetryPolicy(maxRetries: 0)),
            let models = try? ChatCompletionDecoder.models(fromBody: response.body),
            let outputs = models.first(where: { $0.id == model })?.outputModalities
        else { return false }
        return outputs.contains("image") && !outputs.contains("text")
    }

    public func generate(prompt: String) async throws -> GeneratedImages {
        let config = configuration
        return try await OpenRouterHTTP.using(config.http.client, configuration: .images(config.http)) { http in
            let endpoint = OpenRouterHTTP.Endpoint.openRouter(
                baseURL: config.baseURL, apiKey: config.apiKey, referer: config.referer, title: config.title)
            let imageOnly = await Self.outputsOnlyImages(config.model, http: http, endpoint: endpoint, settings: config.http)
            let request = config.http.post(
                endpoint, path: "/chat/completions", body: Self.requestBody(model: config.model, prompt: prompt, imageOnly: imageOnly))
            let response = try await http.fetch(request, retry: config.http.retry)
            let answer = try Self.answer(fromBody: response.body, contentType: response.contentType)
            var images: [GeneratedImage] = []
            for url in answer.urls {
                images.append(try await http.image(at: url, source: "the model \(config.model)", settings: config.http))
            }
            guard !images.isEmpty else {
                throw Self.noImageError(model: config.model, text: answer.text)
            }
            return GeneratedImages(images: images, text: answer.text, model: answer.model ?? config.model)
        }
    }

    /// The error for an answer without images, quoting the start of any text it had.
    public static func noImageError(model: String, text: String) -> ServiceFailure {
        var message = "the model \(model) returned no image; pick an image-output model such as \(defaultModel) (see /models)"
        let said = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingWhitespace()
        if !said.isEmpty { message += "; it answered: \"\(said.count > 100 ? String(said.prefix(97)) + "..." : said)\"" }
        return ServiceFailure(message)
    }

    /// The text, model and image URLs of a 200 answer: one JSON body, or an event stream when
    /// the server streamed anyway. Error objects throw `ChatError` as in a chat turn.
    public static func answer(
        fromBody body: [UInt8], contentType: String = "application/json"
    ) throws -> (text: String, model: String?, urls: [String]) {
        let firstByte = body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) })
        let isStream =
            contentType.lowercased().contains("text/event-stream")
            || (firstByte != UInt8(ascii: "{") && (firstByte == UInt8(ascii: "d") || firstByte == UInt8(ascii: ":")))
        guard isStream else {
            let response = try ChatCompletionDecoder.response(fromBody: body)
            let json = try? JSONParser.parse(body)
            var text = response.content
            if text.isEmpty, case .array(let choices)? = json?["choices"], case .array(let parts)? = choices.first?["message"]?["content"] {
                text = parts.compactMap { part -> String? in
                    if case .string(let t)? = part["text"] { return t }
                    return nil
                }.joined()
            }
            return (text, response.model, json.map(ChatCompletionDecoder.images(fromAnswer:)) ?? [])
        }
        var parser = ServerSentEventParser()
        var decoder = ChatCompletionDecoder()
        var response = ChatResponse()
        var urls: [String] = []
        var events = try parser.feed(body)
        events += parser.finish()
        for case .data(let payload) in events where payload != "[DONE]" {
            for event in try decoder.events(fromChunk: payload) { response.apply(event) }
            urls += ChatCompletionDecoder.images(fromChunk: payload)
        }
        return (response.content, response.model, urls)
    }
}
