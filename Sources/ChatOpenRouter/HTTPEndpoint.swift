extension OpenRouterHTTP {
    /// Where a request goes and what it says about itself: the API's base URL, its key, and the
    /// headers that API wants. The chat transport, both image providers and image downloads
    /// each name theirs, so one client serves them all.
    struct Endpoint: Sendable {
        /// The base URL (an API's without trailing slashes); a request's path is appended to it.
        var baseURL: String
        /// Sent as `Authorization: Bearer …`; nil sends no credentials at all.
        var apiKey: String?
        /// Headers sent after `Accept` (such as OpenRouter's `HTTP-Referer` and titles).
        var headers: [(name: String, value: String)]
        /// What connection errors name: the base URL, or only the origin of a download (its
        /// query string may be a signature).
        var displayURL: String
        /// Downloads follow redirects; API calls never do (a redirect would carry the key).
        var followsRedirects: Bool

        init(
            baseURL: String, apiKey: String?, headers: [(name: String, value: String)] = [], displayURL: String? = nil,
            followsRedirects: Bool = false
        ) {
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.headers = headers
            self.displayURL = displayURL ?? self.baseURL
            self.followsRedirects = followsRedirects
        }

        /// OpenRouter: the key, `HTTP-Referer`, `X-Title` and `X-OpenRouter-Title`.
        static func openRouter(baseURL: String, apiKey: String, referer: String, title: String) -> Endpoint {
            Endpoint(
                baseURL: trimmingTrailingSlashes(baseURL), apiKey: apiKey,
                headers: [("HTTP-Referer", referer), ("X-Title", title), ("X-OpenRouter-Title", title)])
        }

        /// An OpenAI-compatible API: its own base URL and key, nothing else.
        static func openAICompatible(baseURL: String, apiKey: String) -> Endpoint {
            Endpoint(baseURL: trimmingTrailingSlashes(baseURL), apiKey: apiKey)
        }

        /// An image URL an API answered with, as it is: no credentials, redirects followed.
        static func download(_ url: String) -> Endpoint {
            Endpoint(baseURL: url, apiKey: nil, displayURL: origin(url), followsRedirects: true)
        }

        /// An API base without trailing slashes, so `base + "/models"` has one slash.
        static func trimmingTrailingSlashes(_ url: String) -> String {
            var base = Substring(url)
            while base.hasSuffix("/") { base.removeLast() }
            return String(base)
        }

        /// `scheme://host[:port]` of a URL, so signed query strings stay out of messages.
        static func origin(_ url: String) -> String {
            guard let schemeEnd = url.firstRange(of: "://") else { return url }
            let host = url[schemeEnd.upperBound...].prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
            return String(url[..<schemeEnd.upperBound]) + host
        }
    }
}
