import ChatProcess

#if canImport(Glibc)
import Glibc
#endif

/// Bringing a tool host up: its log, its process, its connection.
enum HostLauncher {
    /// Why it could not start, as "the tool host (PATH) could not start: REASON".
    struct Failure: Error {
        let reason: String
    }

    struct Launched {
        var outcome: Result<HostConnection, Failure>
        /// Said once: the log cannot be written.
        var notices: [String] = []
        var logPath: String?
    }

    /// The log's name in the log folder, beside the servers' `NAME.log`.
    static let logFile = "tool-host.log"

    /// Spawns the host at `path` with exactly `environment`, its stderr appended to its log,
    /// and writes `start` to it. Returns at once: the host starts its servers on its own.
    static func launch(
        path: String?, start: ToolHostStart, environment: [String: String], onGone: @escaping @Sendable (String) -> Void
    ) -> Launched {
        guard let path else {
            let reason =
                "the tool host could not start: neither \(ToolHostClient.hostPathVariable) nor /proc/self/exe tells where "
                + "\(ToolHostClient.hostExecutableName) is"
            return Launched(outcome: .failure(Failure(reason: reason)))
        }
        var launched = Launched(outcome: .failure(Failure(reason: "")))
        let log: PrivateLog.Opened
        do {
            log = try PrivateLog.openOrDiscard(directory: start.logDirectory, file: logFile)
        } catch {
            launched.outcome = .failure(Failure(reason: "the tool host (\(path)) could not start: \(error.message)"))
            return launched
        }
        defer { close(log.descriptor) }
        launched.logPath = log.path
        if let unwritable = log.unwritable {
            launched.notices.append("the tool host's log cannot be written (\(unwritable.message)); its messages are discarded")
        }
        do {
            let process = try ChildProcess.spawn(
                executable: path, arguments: [], environment: environment, stderr: log.descriptor, onExit: { _ in })
            launched.outcome = .success(try HostConnection(process: process, start: start, onGone: onGone))
        } catch {
            // The path is named once: "posix_spawn failed: No such file or directory".
            let why = error.subject == path ? "\(error.call) failed: \(SystemCallFailure.describe(error.errno))" : error.message
            // Most often a build of the chat alone: say how to get the host.
            let hint =
                error.errno == ENOENT
                ? " (it is built with `make build`, or `swift build --product \(ToolHostClient.hostExecutableName)`)" : ""
            launched.outcome = .failure(Failure(reason: "the tool host (\(path)) could not start: \(why)\(hint)"))
        }
        return launched
    }
}
