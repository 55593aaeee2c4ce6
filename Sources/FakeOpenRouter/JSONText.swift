/// A JSON value built by the fake to write responses.
///
/// The fake writes its own JSON instead of using `JSONSerialization` so that member order
/// is stable and realistic (`id` first, like OpenRouter), numbers print exactly as given,
/// and callers can splice in raw JSON text such as scripted error metadata.
enum JSONText: Sendable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSONText])
    case object([(String, JSONText)])
    /// Already-encoded JSON, inserted verbatim.
    case raw(String)

    /// The compact encoding of this value.
    var encoded: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .string(let s):
            JSONText.writeString(s, to: &out)
        case .int(let n):
            out += String(n)
        case .double(let d):
            // Swift's description is the shortest round-tripping form, and valid JSON when finite.
            out += d.isFinite ? "\(d)" : "null"
        case .bool(let b):
            out += b ? "true" : "false"
        case .null:
            out += "null"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += "," }
                JSONText.writeString(key, to: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        case .raw(let text):
            out += text
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
