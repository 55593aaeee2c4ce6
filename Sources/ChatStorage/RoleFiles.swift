import ChatCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The roles folder, `$XDG_CONFIG_HOME/bankfuture-chat/roles/`: one `NAME.md` per role; a
/// file replaces the built-in role of its name.
public struct RoleFiles: RoleSource {
    public var directory: String
    public var place: BuiltInRoles.Place

    public init(directory: String, place: BuiltInRoles.Place) {
        self.directory = directory
        self.place = place
    }

    /// The role `name`: its file, else the built-in one. A file that is there but cannot be
    /// read (not a regular file, over ``InputLimits/roleBytes``, unreadable) or is malformed
    /// is an error naming it; it never falls back to the built-in role of that name.
    public func role(_ name: String) throws(UsageError) -> RoleProfile {
        let path = directory + "/" + name + ".md"
        if !name.contains("/"), let bytes = try Self.bytes(of: path) {
            return try RoleProfile.parse(String(decoding: bytes, as: UTF8.self), name: name, path: path)
        }
        if let builtIn = BuiltInRoles.role(name, place: place) { return builtIn }
        throw UsageError(
            "unknown role \"\(name)\": no \(path), and no built-in role of that name (roles: \(names().joined(separator: ", ")))")
    }

    /// The role file's bytes; nil when there is no such file.
    private static func bytes(of path: String) throws(UsageError) -> [UInt8]? {
        do {
            return try FileBytes.contents(of: path, maxBytes: InputLimits.roleBytes)
        } catch {
            if error.code == ENOENT || error.code == ENOTDIR { return nil }
            if case .tooLarge(let limit) = error.kind {
                throw UsageError("role file \(path) is larger than \(InputLimits.size(limit)), the most a role may hold; shorten it")
            }
            throw UsageError("cannot read role file \(path): \(error.reason)")
        }
    }

    /// Every role's name: the files' and the built-in ones, sorted.
    public func names() -> [String] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }.map { String($0.dropLast(3)) }
        return Array(Set(files + BuiltInRoles.names)).sorted()
    }

    /// Every role that can be read (a bad file is listed with its problem).
    public func all() -> [Result<RoleProfile, UsageError>] {
        names().map { name in Result { () throws(UsageError) -> RoleProfile in try role(name) } }
    }
}
