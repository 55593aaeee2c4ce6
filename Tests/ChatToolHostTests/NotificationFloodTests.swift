import ChatCore
import ChatToolHost
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A server that floods `notifications/message` during a call, against the real, built
/// tool host: the call's result arrives, the host's memory stays bounded, and the log
/// messages land in the server's log with their level.
@Suite(.timeLimit(.minutes(3)))
struct NotificationFloodTests {
    init() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// `Tests/Fixtures/mcp/flooding.py` with the venv's Python; a missing venv fails the test.
    static func floodingServer() throws -> ToolServerConfig {
        let script = RealParts.packageRoot + "/Tests/Fixtures/mcp/flooding.py"
        return ToolServerConfig(
            name: "flooding", connection: .stdio(command: try RealParts.venvPython(), arguments: [script], environment: [:]))
    }

    /// The host's peak resident memory (`VmHWM`), in bytes.
    static func peakMemory(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        let kilobytes = try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
        return kilobytes * 1024
    }

    @Test func aCallThatFloodsLogMessagesGetsItsResultInBoundedMemory() async throws {
        let logs = try TemporaryDirectory(prefix: "flood").path
        let client = ToolHostClient.start(
            servers: [try Self.floodingServer()], logDirectory: logs, callTimeout: .seconds(120),
            environment: ProcessInfo.processInfo.environment, clientVersion: "test", hostPath: try HostPrograms.host())
        let (tools, notices) = await client.tools(waitingUpTo: .seconds(30))
        #expect(notices.isEmpty)
        let flood = try #require(tools.first { $0.name == "flood" })
        let host = try #require(client.hostProcessID)
        let count = 200_000
        let result = await client.call(flood, arguments: #"{"count":\#(count),"size":2000}"#)
        #expect(result == ToolResult(content: "flooded \(count)"))
        let peak = try Self.peakMemory(of: host)
        #expect(peak < 300 * 1024 * 1024, "the tool host peaked at \(peak / 1024 / 1024) MB")
        // The messages are in the server's log with their level, and the log is bounded.
        let log = try String(contentsOfFile: logs + "/flooding.log", encoding: .utf8)
        #expect(log.contains("[debug] flood: log line 0 x"))
        #expect(log.contains("[error] flood: log line 3 x"))
        #expect(log.utf8.count < 64 * 1024 * 1024)
        await client.shutdown()
    }
}
