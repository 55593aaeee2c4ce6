/// A conversation's stable id: 32 lowercase hex digits, made once when the conversation
/// starts and kept in its file, so every process and every branch sends the same
/// `session_id` (OpenRouter routes and caches a conversation by it).
public enum ConversationID {
    /// A new random id.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<32).map { _ in digits[Int(generator.next() % 16)] })
    }

    /// `text` when it can be sent as a `session_id` (1–256 printable ASCII characters without
    /// spaces); nil otherwise, and the caller makes a new one.
    public static func validated(_ text: String) -> String? {
        guard !text.isEmpty, text.utf8.count <= 256, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return text
    }
}
