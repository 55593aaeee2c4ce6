import ChatCore

/// Which HTTP proxy to use for a base URL, from `HTTPS_PROXY`/`https_proxy`
/// (`HTTP_PROXY`/`http_proxy` for plain http) and `NO_PROXY`/`no_proxy`.
/// AsyncHTTPClient does not read these variables itself.
public struct ProxySettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?

    public init(host: String, port: Int, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    /// The proxy for requests to `baseURL`, or nil for a direct connection.
    /// Throws a one-line message when the proxy variable is not a usable URL.
    public static func resolve(baseURL: String, environment: [String: String]) throws(UsageError) -> ProxySettings? {
        guard let target = URLParts(baseURL) else { return nil }
        let names = target.scheme == "https" ? ["HTTPS_PROXY", "https_proxy"] : ["HTTP_PROXY", "http_proxy"]
        guard let (name, value) = names.lazy.compactMap({ n in environment[n].flatMap { $0.isEmpty ? nil : (n, $0) } }).first else {
            return nil
        }
        let noProxy = environment["NO_PROXY"] ?? environment["no_proxy"] ?? ""
        if bypasses(host: target.host, port: target.port, noProxy: noProxy) { return nil }
        let proxyURL = value.contains("://") ? value : "http://" + value
        guard let parts = URLParts(proxyURL), parts.scheme == "http", !parts.host.isEmpty else {
            throw UsageError("\(name)=\(redactedUserInfo(value)) is not a usable proxy; use http://host:port")
        }
        return ProxySettings(host: parts.host, port: parts.port, username: parts.user, password: parts.password)
    }

    /// `NO_PROXY` matching as curl does: `*`, exact hosts, domain suffixes (with or without a
    /// leading dot), optional `:port`.
    static func bypasses(host: String, port: Int, noProxy: String) -> Bool {
        let host = host.lowercased()
        for rawEntry in noProxy.split(separator: ",") {
            var entry = rawEntry.trimmingCharacters(in: " \t").lowercased()
            if entry == "*" { return true }
            if entry.isEmpty { continue }
            if let colon = entry.lastIndex(of: ":"), !entry.contains("]") || entry.hasSuffix("]") == false,
                let p = Int(entry[entry.index(after: colon)...])
            {
                if p != port { continue }
                entry = String(entry[..<colon])
            }
            if entry.hasPrefix(".") { entry.removeFirst() }
            if entry.hasPrefix("*.") { entry.removeFirst(2) }
            if host == entry || host.hasSuffix("." + entry) { return true }
        }
        return false
    }

    static func redactedUserInfo(_ value: String) -> String {
        guard let at = value.lastIndex(of: "@") else { return value }
        let schemeEnd = value.firstRange(of: "://")?.upperBound ?? value.startIndex
        return String(value[..<schemeEnd]) + "***@" + value[value.index(after: at)...]
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
