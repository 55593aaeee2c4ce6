import AsyncHTTPClient
import ChatCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import NIOCore
import NIOHTTP1

/// What an image request returned: the decoded images, any text, and the model.
public struct GeneratedImages: Sendable, Equatable {
    public var images: [GeneratedImage]
    /// Text the model sent with the images (OpenRouter's `message.content`, or OpenAI's
    /// `revised_prompt`s); may be empty.
    public var text: String
    /// The model that answered, when known.
    public var model: String?

    public init(images: [GeneratedImage], text: String = "", model: String? = nil) {
        self.images = images
        self.text = text
        self.model = model
    }
}

/// Something that turns a prompt into images. Errors: `ChatError` for HTTP and network
/// failures (format them with `oneLine(keyVariable: ImageGenerators.keyVariable(for:))`),
/// `ImageError` for everything about the images themselves and for a missing key.
public protocol ImageGenerator: Sendable {
    func generate(prompt: String) async throws -> GeneratedImages
}

/// How the image generators connect: timeouts, retries, proxy, size cap, wire log.
public struct ImageHTTPSettings: Sendable {
    public var connectTimeout: Double
    /// Longest silence on an open connection; image models often think for a minute.
    public var readTimeout: Double
    public var retry: RetryPolicy
    public var proxy: ProxySettings?
    /// Cap on one response body (images arrive base64-encoded inside JSON).
    public var maxBodyBytes: Int
    /// Wire log at `.debug`, `Authorization` redacted and long bodies cut.
    public var logger: Logger

    public init(
        connectTimeout: Double = 10, readTimeout: Double = 180, retry: RetryPolicy = .init(), proxy: ProxySettings? = nil,
        maxBodyBytes: Int = 64 * 1024 * 1024,
        logger: Logger = Logger(label: "bankfuture-chat.wire", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.retry = retry
        self.proxy = proxy
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
    }
}

// MARK: - OpenRouter

/// Asks an image-output model on OpenRouter: `POST {base}/chat/completions` with
/// `modalities: ["image","text"]`, reading `choices[0].message.images[].image_url.url`.
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
            self.baseURL = ImageHTTP.trimmedBase(baseURL)
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

    /// The request body: `{"model","messages":[{"role":"user","content":prompt}],"modalities":["image","text"],"stream":false}`.
    public static func requestBody(model: String, prompt: String) -> [UInt8] {
        Array(
            ("{\"model\":\(ImageHTTP.jsonString(model)),\"messages\":[{\"role\":\"user\",\"content\":\(ImageHTTP.jsonString(prompt))}],"
                + "\"modalities\":[\"image\",\"text\"],\"stream\":false}").utf8)
    }

    public func generate(prompt: String) async throws -> GeneratedImages {
        let config = configuration
        let http = ImageHTTP(settings: config.http, displayURL: config.baseURL)
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(config.apiKey)")
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "HTTP-Referer", value: config.referer)
        headers.add(name: "X-Title", value: config.title)
        headers.add(name: "X-OpenRouter-Title", value: config.title)
        headers.add(name: "User-Agent", value: "bankfuture-chat/\(BuildInfo.version)")
        let response = try await http.send(
            url: config.baseURL + "/chat/completions", method: .POST, headers: headers,
            body: Self.requestBody(model: config.model, prompt: prompt))
        let answer = try Self.answer(fromBody: response.body, contentType: response.contentType)
        var images: [GeneratedImage] = []
        for url in answer.urls {
            images.append(try await http.image(at: url, source: "the model \(config.model)"))
        }
        guard !images.isEmpty else {
            throw Self.noImageError(model: config.model, text: answer.text)
        }
        return GeneratedImages(images: images, text: answer.text, model: answer.model ?? config.model)
    }

    /// The error for an answer without images, quoting the start of any text it had.
    public static func noImageError(model: String, text: String) -> ImageError {
        var message = "the model \(model) returned no image; pick an image-output model such as \(defaultModel) (see /models)"
        let said = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingWhitespace()
        if !said.isEmpty { message += "; it answered: \"\(said.count > 100 ? String(said.prefix(97)) + "..." : said)\"" }
        return ImageError(message)
    }

    /// The text, model and image URLs of a 200 answer: one JSON body, or an event stream when
    /// the server streamed anyway. Error objects throw `ChatError` as in a chat turn.
    public static func answer(fromBody body: [UInt8], contentType: String = "application/json") throws -> (text: String, model: String?, urls: [String]) {
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

// MARK: - OpenAI-compatible images API

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
            self.baseURL = ImageHTTP.trimmedBase(baseURL)
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
    public static func missingKeyError(variable: String) -> ImageError {
        ImageError(
            "no API key for the openai image provider: \(variable) is not set; export \(variable)=... "
                + "(or name another variable with image_api_key_env, or set image_provider to openrouter)",
            exitCode: 2)
    }

    /// The request body: `{"model","prompt","n":1,"size"}`.
    public static func requestBody(model: String, prompt: String, size: String) -> [UInt8] {
        Array("{\"model\":\(ImageHTTP.jsonString(model)),\"prompt\":\(ImageHTTP.jsonString(prompt)),\"n\":1,\"size\":\(ImageHTTP.jsonString(size))}".utf8)
    }

    public func generate(prompt: String) async throws -> GeneratedImages {
        let config = configuration
        let key = config.apiKey.trimmingWhitespace()
        guard !key.isEmpty else { throw Self.missingKeyError(variable: config.apiKeyVariable) }
        let http = ImageHTTP(settings: config.http, displayURL: config.baseURL)
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(key)")
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "User-Agent", value: "bankfuture-chat/\(BuildInfo.version)")
        let response = try await http.send(
            url: config.baseURL + "/images/generations", method: .POST, headers: headers,
            body: Self.requestBody(model: config.model, prompt: prompt, size: config.size))
        let json: JSONValue
        do {
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
                do { bytes = try StrictBase64.decode(b64) } catch {
                    throw ImageError("\(source) sent an unusable image: \(error.message)")
                }
                var mimeType = "image/png"
                if case .string(let format)? = json["output_format"] ?? item["output_format"] {
                    mimeType = ImageFormat(mimeType: "image/" + format)?.mimeType ?? mimeType
                }
                images.append(GeneratedImage(bytes: bytes, fallbackMimeType: mimeType))
            } else if case .string(let url)? = item["url"] {
                images.append(try await http.image(at: url, source: source))
            }
            if case .string(let revised)? = item["revised_prompt"], !revised.isEmpty { notes.append(revised) }
        }
        guard !images.isEmpty else {
            throw ImageError(
                "\(source) at \(config.baseURL) returned no image; check image_model and image_base_url")
        }
        return GeneratedImages(images: images, text: notes.joined(separator: "\n"), model: config.model)
    }
}

// MARK: - Choosing a generator from the settings

/// Builds the image generator the settings ask for (`image_provider`).
public enum ImageGenerators {
    /// The variable that holds the key of the chosen provider: `api_key_env` for openrouter,
    /// `image_api_key_env` for openai. Pass it to `ChatError.oneLine(keyVariable:)`.
    public static func keyVariable(for settings: Settings) -> String {
        settings.imageProvider == .openai ? settings.imageAPIKeyEnv : settings.apiKeyEnv
    }

    /// The model the chosen provider is asked for: `image_model`, except that the openai
    /// provider replaces the OpenRouter default (`google/gemini-2.5-flash-image`) with `gpt-image-1`.
    public static func model(for settings: Settings) -> String {
        if settings.imageProvider == .openai && settings.imageModel == OpenRouterImageGenerator.defaultModel {
            return OpenAIImageGenerator.defaultModel
        }
        return settings.imageModel
    }

    /// The generator for `settings`, with its key from `environment`. A missing key or a
    /// bad proxy variable is an `ImageError` with exit code 2 that names the variable.
    /// The read timeout is at least `minimumReadTimeout`: image models are slow.
    public static func make(
        settings: Settings, environment: [String: String], minimumReadTimeout: Double = 120,
        logger: Logger = Logger(label: "bankfuture-chat.wire", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(ImageError) -> any ImageGenerator {
        let variable = keyVariable(for: settings)
        let key: String
        do {
            key = try APIKey.read(variable: variable, environment: environment) ?? ""
        } catch {
            throw ImageError(error.message, exitCode: 2)
        }
        let base = settings.imageProvider == .openai ? settings.imageBaseURL : settings.baseURL
        let proxy: ProxySettings?
        do {
            proxy = try ProxySettings.resolve(baseURL: base, environment: environment)
        } catch {
            throw ImageError(error.message, exitCode: 2)
        }
        let http = ImageHTTPSettings(
            connectTimeout: min(10, settings.timeoutSeconds), readTimeout: max(settings.timeoutSeconds, minimumReadTimeout),
            retry: RetryPolicy(maxRetries: settings.maxRetries), proxy: proxy, logger: logger)
        switch settings.imageProvider {
        case .openai:
            guard !key.isEmpty else { throw OpenAIImageGenerator.missingKeyError(variable: variable) }
            return OpenAIImageGenerator(
                configuration: .init(baseURL: base, apiKey: key, apiKeyVariable: variable, model: model(for: settings), http: http))
        case .openrouter:
            guard !key.isEmpty else {
                throw ImageError(ChatError.missingAPIKey(variable: variable).oneLine(keyVariable: variable), exitCode: 2)
            }
            return OpenRouterImageGenerator(
                configuration: .init(
                    baseURL: base, apiKey: key, model: model(for: settings), referer: settings.referer, title: settings.title,
                    http: http))
        }
    }
}

// MARK: - HTTP

/// One short-lived HTTP client per call (no shutdown for callers to remember), retries with
/// the policy, errors mapped to `ChatError` as the chat transport maps them.
struct ImageHTTP: Sendable {
    struct Response: Sendable {
        var status: Int
        var contentType: String
        var body: [UInt8]
    }

    let settings: ImageHTTPSettings
    /// The base URL shown in connection errors.
    let displayURL: String

    private func withClient<T: Sendable>(followRedirects: Bool, _ body: (HTTPClient) async throws -> T) async throws -> T {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(
            connect: .milliseconds(Int64(settings.connectTimeout * 1000)), read: .milliseconds(Int64(settings.readTimeout * 1000)))
        // Never follow a redirect with the API key; downloads of image URLs may be redirected.
        configuration.redirectConfiguration = followRedirects ? .follow(max: 5, allowCycles: false) : .disallow
        if let proxy = settings.proxy {
            let authorization = proxy.username.map { HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "") }
            configuration.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let result = try await body(client)
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Sends the request, retrying what the policy allows; a non-2xx status throws the
    /// decoded error (`ChatCompletionDecoder.error(status:body:retryAfter:)`).
    func send(url: String, method: HTTPMethod, headers: HTTPHeaders, body: [UInt8]?, followRedirects: Bool = false) async throws -> Response {
        try await withClient(followRedirects: followRedirects) { (client: HTTPClient) async throws -> Response in
            var retry = 0
            while true {
                do {
                    return try await attempt(client: client, url: url, method: method, headers: headers, body: body)
                } catch let error as ChatError {
                    guard !Task.isCancelled, let delay = settings.retry.delay(beforeRetry: retry + 1, after: error) else { throw error }
                    retry += 1
                    settings.logger.debug("retry \(retry) in \(delay) s after: \(error.oneLine())")
                    do { try await Task.sleep(for: .milliseconds(Int64(delay * 1000))) } catch { throw ChatError.cancelled }
                }
            }
        }
    }

    private func attempt(client: HTTPClient, url: String, method: HTTPMethod, headers: HTTPHeaders, body: [UInt8]?) async throws(ChatError)
        -> Response
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let logger = settings.logger
        if logger.logLevel <= .debug {
            logger.debug("> \(method.rawValue) \(url)")
            for (name, value) in headers {
                logger.debug("> \(name): \(name.lowercased() == "authorization" ? "Bearer [REDACTED]" : value)")
            }
            if let body { logger.debug("> \(Self.cut(body))") }
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(
                request, timeout: .milliseconds(Int64((settings.connectTimeout + settings.readTimeout) * 1000)))
        } catch {
            throw mapError(error)
        }
        let status = Int(response.status.code)
        let ok = (200..<300).contains(status)
        // An error page is cut to its start; an answer over the cap is refused.
        let bytes = try await ResponseBody.collect(response.body, limit: settings.maxBodyBytes, truncate: !ok, mapError: mapError)
        if logger.logLevel <= .debug {
            logger.debug("< HTTP \(status)")
            for (name, value) in response.headers { logger.debug("< \(name): \(value)") }
            logger.debug("< \(Self.cut(bytes))")
        }
        guard ok else {
            let retryAfter = response.headers.first(name: "retry-after").flatMap {
                RetryPolicy.parseRetryAfter($0, now: Date().timeIntervalSince1970)
            }
            throw ChatCompletionDecoder.error(status: status, body: bytes, retryAfter: retryAfter)
        }
        return Response(status: status, contentType: response.headers.first(name: "content-type") ?? "", body: bytes)
    }

    /// The image behind `url`: a `data:` URL is decoded, an `http(s)` URL is downloaded
    /// without any credentials. `source` names who sent it in errors.
    func image(at url: String, source: String) async throws -> GeneratedImage {
        let trimmed = url.trimmingWhitespace()
        let lower = trimmed.lowercased()
        if lower.hasPrefix("data:") {
            do { return try GeneratedImage(dataURL: trimmed) } catch {
                throw ImageError("\(source) sent an unusable image: \(error.message)")
            }
        }
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw ImageError("\(source) sent an image reference that is neither a data: nor an http(s) URL: \(trimmed.prefix(60))")
        }
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: "bankfuture-chat/\(BuildInfo.version)")
        headers.add(name: "Accept", value: "image/*")
        let download = ImageHTTP(settings: settings, displayURL: Self.origin(trimmed))
        let response = try await download.send(url: trimmed, method: .GET, headers: headers, body: nil, followRedirects: true)
        guard !response.body.isEmpty else { throw ImageError("the image at \(Self.origin(trimmed)) is empty") }
        let image = GeneratedImage(bytes: response.body, fallbackMimeType: response.contentType)
        guard image.format != nil else {
            let type = response.contentType.isEmpty ? "no Content-Type" : response.contentType
            throw ImageError("the download from \(Self.origin(trimmed)) is not a png, jpeg, webp or gif image (\(type))")
        }
        return image
    }

    /// `scheme://host[:port]` of a URL, so signed query strings stay out of messages.
    static func origin(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let host = rest.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
        return String(url[..<schemeEnd.upperBound]) + host
    }

    static func cut(_ bytes: [UInt8]) -> String {
        let limit = 2048
        let text = String(decoding: bytes.prefix(limit), as: UTF8.self)
        return bytes.count > limit ? text + "... (\(bytes.count) bytes)" : text
    }

    /// AsyncHTTPClient/NIO errors as the chat transport reports them.
    private func mapError(_ error: any Error) -> ChatError {
        HTTPFailure.chatError(for: error, url: displayURL, connectTimeout: settings.connectTimeout, readTimeout: settings.readTimeout)
    }
}

extension ImageHTTP {
    /// A JSON string literal.
    static func jsonString(_ s: String) -> String { JSONValue.quoted(s) }

    /// An API base without trailing slashes.
    static func trimmedBase(_ url: String) -> String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}
