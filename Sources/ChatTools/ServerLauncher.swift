import ChatCore
import ChatProcess
import MCP

#if canImport(Glibc)
import Glibc
#endif

/// A server brought up: the transport to speak MCP over, and how to end it.
package struct LaunchedServer: Sendable {
    package var transport: any Transport
    /// The child's pid, for a stdio server.
    package var processID: Int32?
    /// Notices of the start itself (a log that cannot be written), said once.
    package var notices: [String]
    /// Ends what the transport alone does not: the child process. Called after the client
    /// disconnected; returns once the child is reaped.
    package var stop: @Sendable () async -> Void

    package init(
        transport: any Transport, processID: Int32? = nil, notices: [String] = [], stop: @escaping @Sendable () async -> Void = {}
    ) {
        self.transport = transport
        self.processID = processID
        self.notices = notices
        self.stop = stop
    }
}

/// How a configured server is brought up. The provider's own starts programs (stdio) and
/// speaks streamable HTTP; tests give one that serves in-process SDK servers.
///
/// `onLost` is how a launched server reports that it went away — its process exited, its
/// output ended — with the words for the notice; it may be called on any thread.
package struct ServerLauncher: Sendable {
    package typealias OnLost = @Sendable (ServerLoss) -> Void

    let launch: @Sendable (ToolServerConfig, _ onLost: @escaping OnLost) async throws(ToolServerFailure) -> LaunchedServer

    package init(
        launch: @escaping @Sendable (ToolServerConfig, _ onLost: @escaping OnLost) async throws(ToolServerFailure) -> LaunchedServer
    ) {
        self.launch = launch
    }

    /// Programs on pipes, their stderr in `logDirectory`; URLs over streamable HTTP.
    static func standard(logDirectory: String, environment: [String: String], timer: ToolTimer) -> Self {
        Self { config, onLost throws(ToolServerFailure) in
            switch config.connection {
            case .stdio(let command, let arguments, let extra):
                return try launchProgram(
                    config.name, command: command, arguments: arguments,
                    environment: environment.merging(extra) { _, configured in configured },
                    logDirectory: logDirectory, timer: timer, onLost: onLost)
            case .http(let url):
                return LaunchedServer(transport: StreamableHTTPTransport(url: url))
            }
        }
    }

    /// How long a server has to exit after SIGTERM before it is killed.
    static let terminationGrace = Duration.seconds(2)

    private static func launchProgram(
        _ name: String, command: String, arguments: [String], environment: [String: String],
        logDirectory: String, timer: ToolTimer, onLost: @escaping OnLost
    ) throws(ToolServerFailure) -> LaunchedServer {
        let executable = try resolve(command, path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
        let log: PrivateLog.Opened
        do {
            log = try PrivateLog.openOrDiscard(directory: logDirectory, file: ServerLog.fileName(for: name))
        } catch {
            throw .system(error)
        }
        defer { close(log.descriptor) }
        let notices =
            log.unwritable.map { ["MCP server \(name): its log cannot be written (\($0.message)); its messages are discarded"] } ?? []
        let hint = log.path.map { "its log is \($0)" }
        let process: ChildProcess
        do {
            process = try ChildProcess.spawn(
                executable: executable, arguments: arguments, environment: environment, stderr: log.descriptor,
                onExit: { exit in onLost(.init(exit.description, hint: hint)) })
        } catch {
            throw .system(error)
        }
        // The transport's own copy of the log, for the server's log notifications.
        let messages = log.path == nil ? -1 : fcntl(log.descriptor, F_DUPFD_CLOEXEC, 3)
        let transport = PipeTransport(input: process.output, output: process.input, log: messages >= 0 ? messages : nil) { closing in
            // Output that ends is a process that ends, and its exit says how. One that can no
            // longer be understood, or no longer reads its input, is lost now: the calls
            // waiting on it fail at once, not at their timeout.
            if case .givenUp(let failure) = closing { onLost(.init("stopped: \(failure.message)", hint: hint)) }
            Task { await process.terminate(before: timer.deadline(after: terminationGrace)) }
        }
        return LaunchedServer(
            transport: transport, processID: process.pid, notices: notices,
            stop: { await process.terminate(before: timer.deadline(after: terminationGrace)) })
    }

    /// `command` itself when it names a path, else its first executable match in `path`.
    static func resolve(_ command: String, path: String) throws(ToolServerFailure) -> String {
        if command.contains("/") { return command }
        guard let found = ExecutableSearch.find(command, searchPath: path) else { throw .notFound(command, searched: path) }
        return found
    }
}
