// Small text and path helpers, so the client needs only FoundationEssentials: Foundation
// proper (with ICU and its internationalization library) costs about 6 MB of resident
// memory and 6 ms of start-up, and these were the only things it was used for.

extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, newlines and other
    /// Unicode white space).
    public func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else {
            return ""
        }
        return String(self[first...last])
    }
}

/// File path text, with the rules of the classic path APIs: trailing slashes do not count,
/// and "/" stays "/".
public enum PathText {
    /// `"/a/b.txt"` → `"b.txt"`, `"/a/b/"` → `"b"`, `"/"` → `"/"`.
    public static func lastComponent(_ path: String) -> String {
        let trimmed = withoutTrailingSlashes(path)
        if trimmed == "/" { return "/" }
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// `"/a/b.txt"` → `"/a"`, `"/a"` → `"/"`, `"b.txt"` → `""`.
    public static func deletingLastComponent(_ path: String) -> String {
        let trimmed = withoutTrailingSlashes(path)
        if trimmed == "/" { return "/" }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        let parent = withoutTrailingSlashes(String(trimmed[..<slash]))
        return parent.isEmpty ? "/" : parent
    }

    private static func withoutTrailingSlashes(_ path: String) -> String {
        var path = Substring(path)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }
}
