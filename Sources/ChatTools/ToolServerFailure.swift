import ChatCore
import Foundation
import MCP

#if canImport(Glibc)
import Glibc
#endif

/// Why a server could not be started or reached, as the one line a person reads after
/// "MCP server NAME could not start: ".
package struct ToolServerFailure: Error, Sendable, Equatable {
    private enum Code: Equatable {
        case notFound(command: String, searched: String)
        case system(call: String, subject: String, errno: Int32)
        case handshake(String)
        case noAnswer(Duration)
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// No executable called `command` in any folder of `PATH`.
    package static func notFound(_ command: String, searched path: String) -> Self {
        Self(.notFound(command: command, searched: path))
    }

    /// A system call failed: `call` (`posix_spawn`, `pipe`) on `subject` (the command).
    package static func system(_ call: String, subject: String, errno: Int32) -> Self {
        Self(.system(call: call, subject: subject, errno: errno))
    }

    /// The server started but the MCP handshake or the tool list failed.
    package static func handshake(_ error: any Error) -> Self {
        Self(.handshake(ErrorText.describe(error)))
    }

    /// The server did not finish the handshake in time.
    package static func noAnswer(within limit: Duration) -> Self {
        Self(.noAnswer(limit))
    }

    package var message: String {
        switch code {
        case .notFound(let command, let searched):
            return "\(command): command not found (searched PATH \(searched))"
        case .system(let call, let subject, let errno):
            return "\(subject): \(call) failed: \(ErrorText.systemError(errno))"
        case .handshake(let reason):
            return reason
        case .noAnswer(let limit):
            return "it did not finish the MCP handshake within \(DurationText.describe(limit))"
        }
    }
}

/// One line for an error from the SDK, the HTTP client or the system, mapped by type.
enum ErrorText {
    static func describe(_ error: any Error) -> String {
        let text: String
        switch error {
        case let error as MCPError:
            text = error.errorDescription ?? "\(error)"
        case let error as TransportFailure:
            text = error.message
        case let error as any LocalizedError:
            text = error.errorDescription ?? "\(error)"
        default:
            text = String(describing: error)
        }
        return TerminalText.oneLine(text, limit: TerminalText.errorTextLimit)
    }

    /// `strerror` text for `errno`, e.g. `No such file or directory`.
    package static func systemError(_ errno: Int32) -> String {
        String(cString: strerror(errno))
    }
}
