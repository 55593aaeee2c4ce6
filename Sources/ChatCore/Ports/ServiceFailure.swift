/// A service outside the core (the editor, the clipboard, image generation) failed: one
/// line for the user.
public struct ServiceFailure: Error, Sendable, Equatable {
    public var message: String
    /// The exit code when it ends a one-shot run (2 for a missing key, 3 for a rejected one).
    public var exitCode: Int32

    public init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }
}
