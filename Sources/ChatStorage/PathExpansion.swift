import ChatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Paths as a shell expands them: `~` and `~user`. (Reads the password database, so it
/// lives with the other I/O, not in the core.)
public enum PathExpansion {
    /// `"~"` and `"~/x"` in the home directory, `"~user/x"` in that user's; anything else unchanged.
    public static func expandingTilde(_ path: String, home: String? = nil) -> String {
        guard path.hasPrefix("~") else { return path }
        let rest = path.dropFirst()
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let user = String(rest[..<slash])
        let directory: String?
        if user.isEmpty {
            directory = home ?? homeDirectory()
        } else {
            directory = getpwnam(user).flatMap { $0.pointee.pw_dir.map { String(cString: $0) } }
        }
        guard let directory else { return path }
        return directory.withoutTrailingSlashes() + rest[slash...]
    }

    /// `$HOME`, or the password database's entry for this user.
    public static func homeDirectory() -> String? {
        if let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty { return home }
        return getpwuid(getuid()).flatMap { $0.pointee.pw_dir.map { String(cString: $0) } }
    }
}

extension String {
    fileprivate func withoutTrailingSlashes() -> String {
        var path = Substring(self)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }
}
