/// Example arguments for a tool call, made from the tool's `parameters` JSON Schema: every
/// `required` property, in order, with a plain value of its type.
///
/// Strings are `"example"` (`"UTC"` when the name contains `timezone`), numbers and integers 1,
/// booleans `true`, arrays one such item, objects their own required properties; an `enum`
/// gives its first string. A type list such as `["string","null"]` uses its first non-null type.
enum ToolArguments {
    /// The arguments object for `parameters` (an empty object when it requires nothing).
    static func example(for parameters: [String: Any]?) -> JSONText {
        let properties = parameters?["properties"] as? [String: Any] ?? [:]
        let required = parameters?["required"] as? [String] ?? []
        return .object(required.map { name in (name, value(named: name, schema: properties[name] as? [String: Any] ?? [:])) })
    }

    private static func value(named name: String, schema: [String: Any]) -> JSONText {
        if let first = (schema["enum"] as? [String])?.first { return .string(first) }
        let types = (schema["type"] as? String).map { [$0] } ?? schema["type"] as? [String] ?? []
        switch types.first(where: { $0 != "null" }) ?? "string" {
        case "integer", "number": return .int(1)
        case "boolean": return .bool(true)
        case "array": return .array([value(named: name, schema: schema["items"] as? [String: Any] ?? [:])])
        case "object": return example(for: schema)
        default: return .string(name.lowercased().contains("timezone") ? "UTC" : "example")
        }
    }
}
