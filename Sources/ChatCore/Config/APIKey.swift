/// The API key as read from the environment, checked before any request.
///
/// Surrounding whitespace is trimmed (a key pasted with its newline still works). Whitespace
/// or a control character inside it is refused: sent in a header it makes the HTTP library
/// fail with an error whose text holds the whole header. No message here ever shows any
/// part of the key; they name the variable only.
public enum APIKey {
    /// The key in `environment[variable]`, trimmed; nil when it is unset or blank.
    public static func read(variable: String, environment: [String: String]) throws(UsageError) -> String? {
        guard let raw = environment[variable] else { return nil }
        let key = raw.trimmingWhitespace()
        if key.isEmpty { return nil }
        if key.unicodeScalars.contains(where: isForbidden) {
            throw UsageError(
                "\(variable) has whitespace or a control character inside the key (a second line, a comment?); "
                    + "set it to the key alone, e.g. export \(variable)=sk-or-...")
        }
        return key
    }

    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}

/// The refusal to send a key in clear text: an `http://` API base whose host is not this
/// machine needs `--allow-insecure-http` or `allow_insecure_http: true`.
public enum ClearTextPolicy {
    /// Throws when `url` is `http://` on a host other than loopback and it is not allowed.
    /// `key` names the setting in the message (`base_url`, `image_base_url`).
    public static func check(_ url: String, key: String, allowed: Bool) throws(ConfigError) {
        guard !allowed, let parts = URLParts(url), parts.scheme == "http", !parts.isLoopback else { return }
        throw .setting(
            key: key,
            reason: "is \(url): plain http:// would send the API key unencrypted to \(parts.host); use https://, "
                + "or pass --allow-insecure-http (config allow_insecure_http: true) if the network is trusted")
    }
}
