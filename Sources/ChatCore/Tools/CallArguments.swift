/// A tool call's arguments as the model sent them (JSON text), and the forms the approval
/// needs: the compact text that is shown whole, and the key an object repeats.
public struct CallArguments: Sendable, Equatable {
    /// The text as the model sent it; this is what the tool receives.
    public let text: String

    public init(_ text: String) {
        self.text = text
    }

    /// The arguments to show: valid JSON without its insignificant whitespace — every
    /// token kept as written, so nothing the tool receives is left out or changed — or, when
    /// the text is not JSON, the text itself. Blank text is `{}`, as the tool gets it.
    public var compact: String {
        if text.allSatisfy(\.isWhitespace) { return "{}" }
        guard (try? JSONParser.parse(text)) != nil else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var inString = false
        var escaped = false
        for byte in text.utf8 {
            if inString {
                out.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue  // JSON's whitespace, outside strings
            case UInt8(ascii: "\""): inString = true
            default: break
            }
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The first key that an object of the arguments holds twice, nil when none does. Which
    /// of the two values a tool would get is not shown, so such a call is not run.
    public var repeatedKey: String? {
        guard let value = try? JSONParser.parse(text) else { return nil }
        return Self.repeatedKey(in: value)
    }

    private static func repeatedKey(in value: JSONValue) -> String? {
        switch value {
        case .object(let members):
            var seen = Set<String>()
            for (key, _) in members where !seen.insert(key).inserted { return key }
            for (_, member) in members {
                if let key = repeatedKey(in: member) { return key }
            }
            return nil
        case .array(let items):
            for item in items {
                if let key = repeatedKey(in: item) { return key }
            }
            return nil
        default:
            return nil
        }
    }
}
