import ChatCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ConfigFile {
    /// Reads and validates the file at `path`.
    public static func load(path: String) throws(ConfigError) -> ConfigFile {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.contents(of: path)
        } catch {
            if error.code == ENOENT { throw .missingFile(path: path) }
            throw .unreadable(path: path, reason: error.reason)
        }
        return try parse(bytes, path: path)
    }
}
