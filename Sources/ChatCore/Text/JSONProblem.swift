#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One-line wording of a `JSONDecoder` failure: where in the document, and what was wrong,
/// without the decoder's multi-line debug text.
enum JSONProblem {
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "unreadable" }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(place(context)) must be \(name(type))"
        case .valueNotFound(let type, let context):
            return "\(place(context)) must be \(name(type)), not null"
        case .keyNotFound(let key, let context):
            return "\(place(context, adding: key.stringValue)) is missing"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                // The parser's own text names the line and column; keep its first line only.
                let first = context.debugDescription.split(whereSeparator: \.isNewline).first.map(String.init) ?? "invalid JSON"
                return TerminalText.oneLine(first, limit: 200)
            }
            return "\(place(context)) has an unusable value"
        @unknown default:
            return "unreadable"
        }
    }

    /// `"messages[3].content"`, or "the document" at the top.
    private static func place(_ context: DecodingError.Context, adding key: String? = nil) -> String {
        var path = ""
        for component in context.codingPath {
            if let index = component.intValue {
                path += "[\(index)]"
            } else {
                path += (path.isEmpty ? "" : ".") + component.stringValue
            }
        }
        if let key { path += (path.isEmpty ? "" : ".") + key }
        return path.isEmpty ? "the document" : "\"\(path)\""
    }

    private static func name(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "a whole number in range"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default: return type is any Collection.Type ? "an array" : "an object"
        }
    }

    /// A number as text, without trapping on huge or odd values.
    static func number(_ value: Double) -> String {
        if value.isFinite, abs(value) < 1e15, value == value.rounded() { return String(Int64(value)) }
        return String(value)
    }
}
