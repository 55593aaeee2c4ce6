#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One wire message as one line of JSON: JSON escapes every newline inside strings, so
/// the newline that ends the line is the only one.
enum WireLine {
    /// The longest line either side accepts: a tool result is cut at 64 KB by the host, but
    /// a tool list with long schemas, or a call's arguments, may be larger.
    static let limit = 64 * 1024 * 1024

    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // Our own types always encode.
        var bytes = [UInt8]((try? encoder.encode(value)) ?? Data("{}".utf8))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from line: [UInt8]) throws -> Value {
        try JSONDecoder().decode(type, from: Data(line))
    }
}
