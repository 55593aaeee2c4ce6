import Foundation
import MCP

/// The model's `arguments` text as the object `tools/call` sends.
///
/// Models do send broken JSON (cut off, or an array); that becomes an error result the model
/// can read and correct, never a crash and never a request the server would reject for
/// reasons the model cannot see.
enum ToolArguments {
    /// The arguments object, or the text of the error result that explains what was wrong.
    static func parse(_ text: String) -> Result<[String: Value], ArgumentsError> {
        // A tool without parameters is often called with no arguments at all.
        if text.allSatisfy(\.isWhitespace) { return .success([:]) }
        let value: Value
        do {
            value = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        } catch {
            return .failure(ArgumentsError(message: "The arguments were not valid JSON; call the tool again with a JSON object."))
        }
        guard case .object(let object) = value else {
            return .failure(
                ArgumentsError(
                    message: "The arguments were not valid JSON for a tool call: expected an object, got \(kind(of: value)); "
                        + "call the tool again with a JSON object."))
        }
        return .success(object)
    }

    private static func kind(of value: Value) -> String {
        switch value {
        case .array: "an array"
        case .string, .data: "a string"
        case .int, .double: "a number"
        case .bool: "a boolean"
        case .null: "null"
        case .object: "an object"
        }
    }
}

/// Why a call's arguments were refused, as the error result the model reads.
struct ArgumentsError: Error, Sendable, Equatable {
    let message: String
}
