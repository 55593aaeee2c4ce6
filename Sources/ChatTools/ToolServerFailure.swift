import ChatCore
import ChatProcess
import Foundation
import MCP

/// Why a server could not be started or reached, as the one line a person reads after
/// "MCP server NAME could not start: ", with the failure it comes from kept as `underlying`.
package struct ToolServerFailure: Error, Sendable, Equatable {
    private enum Code: Equatable {
        case notFound(command: String, searched: String)
        case system(SystemCallFailure)
        case handshake(String)
        case noAnswer(Duration)
    }

    private let code: Code
    /// The failure this one comes from: the system call's, or the SDK's in the handshake.
    package let underlying: (any Error)?

    private init(_ code: Code, underlying: (any Error)? = nil) {
        self.code = code
        self.underlying = underlying
    }

    /// No executable called `command` in any folder of `PATH`.
    package static func notFound(_ command: String, searched path: String) -> Self {
        Self(.notFound(command: command, searched: path))
    }

    /// A system call failed (`posix_spawn`, `pipe2`, `open` of the log).
    package static func system(_ failure: SystemCallFailure) -> Self {
        Self(.system(failure), underlying: failure)
    }

    /// The server started but the MCP handshake or the tool list failed.
    package static func handshake(_ error: any Error) -> Self {
        Self(.handshake(ErrorText.describe(error)), underlying: error)
    }

    /// The server did not finish the handshake in time.
    package static func noAnswer(within limit: Duration) -> Self {
        Self(.noAnswer(limit))
    }

    package var message: String {
        switch code {
        case .notFound(let command, let searched):
            return "\(command): command not found (searched PATH \(searched))"
        case .system(let failure):
            return failure.message
        case .handshake(let reason):
            return reason
        case .noAnswer(let limit):
            return "it did not finish the MCP handshake within \(DurationText.describe(limit))"
        }
    }

    /// The same failure: the same words, whatever the cause's own value.
    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code
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
}
