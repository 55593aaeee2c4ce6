#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure of the terminal layer, worded for the user.
public enum TerminalError: Error, Equatable, CustomStringConvertible {
    /// There is no controlling terminal to read the user's lines from.
    case noTerminal(reason: String)
    /// A system call failed.
    case systemCall(String, errno: Int32)

    /// One line saying what happened and what to do.
    public var description: String {
        switch self {
        case .noTerminal(let reason):
            return "no terminal to read input from (\(reason)); pass MESSAGE for one-shot mode or use --stdin repl"
        case .systemCall(let call, let code):
            return "\(call) failed: \(errorText(code))"
        }
    }
}

/// The C library's text for an errno value.
func errorText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
}

/// errno of the calling thread.
func currentErrno() -> Int32 {
    errno
}
