/// Which addresses may become terminal hyperlinks (OSC 8): well-formed `http` and `https`
/// URLs only. A link's target is not on screen, so `javascript:`, `file:`, `ssh:` or a
/// custom scheme a terminal hands to some program would be one click from running; such
/// addresses are shown as text.
public enum WebLink {
    /// Longest address made a link (a longer one is shown cut, so its link would differ).
    public static let maxLength = 2000

    /// Whether `url` is `http://` or `https://` (the scheme in any case) with a host, an
    /// optional numeric port, and nothing that is a control, whitespace or invisible
    /// (``TerminalText/isHidden(_:)``) anywhere: what is shown is all there is.
    public static func isLinkable(_ url: String) -> Bool {
        guard url.unicodeScalars.count <= maxLength, url.unicodeScalars.allSatisfy(isShownAsItIs) else { return false }
        guard let colon = url.firstIndex(of: ":") else { return false }
        let scheme = url[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else { return false }
        let rest = url[url.index(after: colon)...]
        guard rest.hasPrefix("//") else { return false }
        let authority = rest.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        // user@host shows a name that is not the host.
        guard !authority.contains("@") else { return false }
        return isHostAndPort(authority)
    }

    private static func isShownAsItIs(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x21, 0x7F...0x9F: false
        default: !scalar.properties.isWhitespace && !TerminalText.isHidden(scalar)
        }
    }

    /// `example.com`, `example.com:8080`, `[::1]:8080`, `127.0.0.1`.
    private static func isHostAndPort(_ authority: Substring) -> Bool {
        var host = authority
        var port: Substring = ""
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            guard host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return false }
                port = after.dropFirst()
                guard !port.isEmpty else { return false }
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
            guard !port.isEmpty else { return false }
        }
        guard !host.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return authority.hasPrefix("[")
            || host.allSatisfy { !$0.isASCII || $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }
    }
}
