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
    /// Reads and validates the file at `path`: a regular file of at most
    /// ``InputLimits/configBytes``.
    public static func load(path: String) throws(ConfigError) -> ConfigFile {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.contents(of: path, maxBytes: InputLimits.configBytes)
        } catch {
            if error.code == ENOENT { throw .missingFile(path: path) }
            if case .tooLarge(let limit) = error.kind {
                throw .unreadable(path: path, reason: "larger than \(InputLimits.size(limit)), the most a config file may hold")
            }
            throw .unreadable(path: path, reason: error.reason)
        }
        return try parse(bytes, path: path)
    }
}
