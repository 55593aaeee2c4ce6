/// A JSON value kept as its exact text, to be written into a request unchanged — the
/// model's reasoning details, a tool's input schema, the provider-routing object.
///
/// The core never interprets it; it checks once that the text is JSON so a request built
/// with it stays valid.
public struct RawJSON: Sendable, Equatable, Hashable {
    public let text: String

    /// The text, when it is one complete JSON value.
    public init?(validating text: String) {
        guard (try? JSONParser.parse(Array(text.utf8))) != nil else { return nil }
        self.text = text
    }

    /// Text the caller produced itself as valid JSON (an encoder's output).
    init(trusted text: String) {
        self.text = text
    }
}
