/// A service outside the core failed — the editor, the clipboard, generating, decoding or
/// saving an image: one line for the user, and the exit code when it ends a one-shot run. The
/// problem underneath, when there was one, is kept.
public struct ServiceFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// One line that says what failed and, where it helps, what to do.
    public var message: String
    /// 2 for a usage or config problem (a missing key), 3 for a rejected key, else 1.
    public var exitCode: Int32
    /// What failed underneath, when it was another error.
    public var underlying: (any Error & Sendable)?

    public init(_ message: String, exitCode: Int32 = 1, underlying: (any Error & Sendable)? = nil) {
        self.message = message
        self.exitCode = exitCode
        self.underlying = underlying
    }

    public var description: String { message }

    /// Equal when they say the same and end a run the same way.
    public static func == (a: ServiceFailure, b: ServiceFailure) -> Bool {
        a.message == b.message && a.exitCode == b.exitCode
    }
}
