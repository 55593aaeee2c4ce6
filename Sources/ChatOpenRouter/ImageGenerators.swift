import ChatCore
import Logging

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
/// `ServiceFailure` for everything about the images themselves and for a missing key.
public protocol ImageGenerator: Sendable {
    func generate(prompt: String) async throws -> GeneratedImages
}

/// How the image generators connect: timeouts, retries, proxy, size cap, wire log, and the
/// client to send through.
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
    /// A client to share (its own connect timeout, proxy and logger apply then); nil makes one
    /// for each call, as the settings above say, and shuts it down after.
    public var client: OpenRouterHTTP?

    public init(
        connectTimeout: Double = 10, readTimeout: Double = 180, retry: RetryPolicy = .init(), proxy: ProxySettings? = nil,
        maxBodyBytes: Int = 64 * 1024 * 1024,
        logger: Logger = Logger(label: "bankfuture-chat.wire", factory: { _ in SwiftLogNoOpLogHandler() }),
        client: OpenRouterHTTP? = nil
    ) {
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.retry = retry
        self.proxy = proxy
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
        self.client = client
    }

    /// `GET {endpoint}{path}` (the model list).
    func get(_ endpoint: OpenRouterHTTP.Endpoint, path: String) -> OpenRouterHTTP.Request {
        OpenRouterHTTP.Request(
            endpoint: endpoint, path: path, method: .GET, body: nil, accept: "application/json", readTimeout: readTimeout,
            maxBodyBytes: maxBodyBytes)
    }

    /// `POST {endpoint}{path}` with a JSON body, as both image APIs are asked.
    func post(_ endpoint: OpenRouterHTTP.Endpoint, path: String, body: [UInt8]) -> OpenRouterHTTP.Request {
        OpenRouterHTTP.Request(
            endpoint: endpoint, path: path, method: .POST, body: RequestBody(bytes: body), accept: "application/json",
            readTimeout: readTimeout,
            maxBodyBytes: maxBodyBytes, logsBody: true)
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
    /// bad proxy variable is an `ServiceFailure` with exit code 2 that names the variable.
    /// The read timeout is at least `minimumReadTimeout`: image models are slow.
    ///
    /// With `http` (the chat transport's core, say) the generator sends through that client
    /// when it connects as the image API needs (the same proxy and connect timeout: both
    /// belong to a client); otherwise each request makes a client of its own.
    public static func make(
        settings: Settings, environment: [String: String], minimumReadTimeout: Double = 120,
        logger: Logger = Logger(label: "bankfuture-chat.wire", factory: { _ in SwiftLogNoOpLogHandler() }),
        http: OpenRouterHTTP? = nil
    ) throws(ServiceFailure) -> any ImageGenerator {
        let variable = keyVariable(for: settings)
        let key: String
        do {
            key = try APIKey.read(variable: variable, environment: environment) ?? ""
        } catch {
            throw ServiceFailure(error.message, exitCode: 2)
        }
        let base = settings.imageProvider == .openai ? settings.imageBaseURL : settings.baseURL
        let proxy: ProxySettings?
        do {
            proxy = try ProxySettings.resolve(baseURL: base, environment: environment)
        } catch {
            throw ServiceFailure(error.message, exitCode: 2)
        }
        var settingsHTTP = ImageHTTPSettings(
            connectTimeout: min(10, settings.timeoutSeconds), readTimeout: max(settings.timeoutSeconds, minimumReadTimeout),
            retry: RetryPolicy(maxRetries: settings.maxRetries), proxy: proxy, logger: logger)
        settingsHTTP.client = http.flatMap { $0.configuration.connectsLike(.images(settingsHTTP)) ? $0 : nil }
        switch settings.imageProvider {
        case .openai:
            guard !key.isEmpty else { throw OpenAIImageGenerator.missingKeyError(variable: variable) }
            return OpenAIImageGenerator(
                configuration: .init(baseURL: base, apiKey: key, apiKeyVariable: variable, model: model(for: settings), http: settingsHTTP))
        case .openrouter:
            guard !key.isEmpty else {
                throw ServiceFailure(ChatError.missingAPIKey(variable: variable).oneLine(keyVariable: variable), exitCode: 2)
            }
            return OpenRouterImageGenerator(
                configuration: .init(
                    baseURL: base, apiKey: key, model: model(for: settings), referer: settings.referer, title: settings.title,
                    http: settingsHTTP))
        }
    }
}

extension OpenRouterHTTP {
    /// The image behind `url`: a `data:` URL is decoded, an `http(s)` URL is downloaded
    /// without any credentials. `source` names who sent it in errors.
    func image(at url: String, source: String, settings: ImageHTTPSettings) async throws -> GeneratedImage {
        let trimmed = url.trimmingWhitespace()
        let lower = trimmed.lowercased()
        if lower.hasPrefix("data:") {
            do { return try GeneratedImage(dataURL: trimmed) } catch {
                throw ServiceFailure("\(source) sent an unusable image: \(error.message)")
            }
        }
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw ServiceFailure("\(source) sent an image reference that is neither a data: nor an http(s) URL: \(trimmed.prefix(60))")
        }
        let download = Request(
            endpoint: .download(trimmed), path: "", method: .GET, body: nil, accept: "image/*", readTimeout: settings.readTimeout,
            maxBodyBytes: settings.maxBodyBytes, logsBody: true)
        let response = try await fetch(download, retry: settings.retry)
        let origin = download.endpoint.displayURL
        guard !response.body.isEmpty else { throw ServiceFailure("the image at \(origin) is empty") }
        let image = GeneratedImage(bytes: response.body, fallbackMimeType: response.contentType)
        guard image.format != nil else {
            let type = response.contentType.isEmpty ? "no Content-Type" : response.contentType
            throw ServiceFailure("the download from \(origin) is not a png, jpeg, webp or gif image (\(type))")
        }
        return image
    }
}
