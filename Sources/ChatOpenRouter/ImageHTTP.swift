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
