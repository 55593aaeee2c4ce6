import ChatCore
import ChatToolHost
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The client against the real, built tool host running the real `mcp-server-time` and a
/// small MCP server on the same `mcp` package that sleeps until it is cancelled. Without the
/// host or the venv these tests fail, saying how to get them (``RealParts``).
@Suite(.timeLimit(.minutes(1)))
struct ToolHostClientTests {
    init() {
        // As the chat does: a write to a dead host must fail with EPIPE.
        signal(SIGPIPE, SIG_IGN)
    }

    static func time() throws -> ToolServerConfig {
        ToolServerConfig(name: "time", connection: .stdio(command: try RealParts.timeServer(), arguments: [], environment: [:]))
    }

    static func sleepy(in directory: String) throws -> ToolServerConfig {
        let script = try HostPrograms.writeSleepyServer(in: directory)
        return ToolServerConfig(
            name: "sleepy", connection: .stdio(command: try RealParts.venvPython(), arguments: [script], environment: [:]))
    }

    static func client(_ servers: [ToolServerConfig], logs: String, cancelGrace: Duration = .seconds(2)) throws -> ToolHostClient {
        ToolHostClient.start(
            servers: servers, logDirectory: logs, callTimeout: .seconds(60), environment: ProcessInfo.processInfo.environment,
            clientVersion: "test", hostPath: try HostPrograms.host(), cancelGrace: cancelGrace)
    }

    private func tool(_ name: String, of client: ToolHostClient) async throws -> ToolSpec {
        let (tools, notices) = await client.tools(waitingUpTo: .seconds(30))
        #expect(notices.isEmpty)
        return try #require(tools.first { $0.name == name })
    }

    @Test func listsTheToolsAndTellsTheTimeInUTC() async throws {
        let logs = try TemporaryDirectory(prefix: "toolhost").path + "/logs"
        let client = try Self.client([Self.time()], logs: logs)
        let (tools, notices) = await client.tools(waitingUpTo: .seconds(30))
        #expect(notices.isEmpty)
        #expect(tools.map(\.name) == ["get_current_time", "convert_time"])
        let now = try #require(tools.first)
        #expect(OfferedTools(tools).entries.map(\.functionName) == ["time__get_current_time", "time__convert_time"])
        #expect(now.inputSchema.text.contains(#""required":["timezone"]"#))
        let result = await client.call(now, arguments: #"{"timezone":"UTC"}"#)
        #expect(!result.isError)
        #expect(result.content.contains(#/"datetime": "\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00"/#))
        #expect(await client.states().map(\.server) == ["time"])
        #expect(await client.states().first?.state == .ready(tools: 2))
        var info = stat()
        #expect(stat(logs, &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(stat(logs + "/tool-host.log", &info) == 0 && info.st_mode & 0o777 == 0o600)
        let host = try #require(client.hostProcessID)
        let servers = HostPrograms.children(of: host)
        #expect(servers.count == 1)
        await client.shutdown()
        #expect(HostPrograms.isGone(host))
        #expect(servers.allSatisfy(HostPrograms.isGone))
        let after = await client.call(now, arguments: #"{"timezone":"UTC"}"#)
        #expect(after == ToolResult(content: "time.get_current_time cannot be called: the tools are shut down.", isError: true))
    }

    @Test func aBadTimezoneIsAnErrorResult() async throws {
        let client = try Self.client([Self.time()], logs: TemporaryDirectory(prefix: "toolhost").path)
        let result = await client.call(try await tool("get_current_time", of: client), arguments: #"{"timezone":"Not/AZone"}"#)
        #expect(result.isError)
        #expect(result.content.contains("Invalid timezone"))
        await client.shutdown()
    }

    @Test func twoCallsAtOnceGetTheirOwnAnswers() async throws {
        let client = try Self.client([Self.time()], logs: TemporaryDirectory(prefix: "toolhost").path)
        let now = try await tool("get_current_time", of: client)
        async let utc = client.call(now, arguments: #"{"timezone":"UTC"}"#)
        async let tokyo = client.call(now, arguments: #"{"timezone":"Asia/Tokyo"}"#)
        let (first, second) = await (utc, tokyo)
        #expect(first.content.contains(#""timezone": "UTC""#) && first.content.contains("+00:00"))
        #expect(second.content.contains(#""timezone": "Asia/Tokyo""#) && second.content.contains("+09:00"))
        await client.shutdown()
    }

    @Test func cancellingACallCancelsItOnItsServerWhileOthersGoOn() async throws {
        let logs = try TemporaryDirectory(prefix: "toolhost").path
        let client = try Self.client([Self.sleepy(in: logs)], logs: logs)
        let sleep = try await tool("sleep", of: client)
        let long = Task { await client.call(sleep, arguments: #"{"seconds":3600}"#) }
        #expect(await Waiting.forLine("sleep called", in: logs + "/sleepy.log"))
        // Another call to the same server, while the first is pending.
        #expect(await client.call(sleep, arguments: #"{"seconds":0}"#) == ToolResult(content: "slept"))
        long.cancel()
        #expect(await long.value == ToolResult(content: "The call of sleepy.sleep was cancelled.", isError: true))
        #expect(await Waiting.forLine("sleep cancelled", in: logs + "/sleepy.log"))
        #expect(await client.call(sleep, arguments: #"{"seconds":0}"#) == ToolResult(content: "slept"))
        await client.shutdown()
    }

    /// 1.5 s was said as "1 s" (rounded down) before the one ``DurationText``.
    @Test(arguments: [(Duration.milliseconds(300), "300 ms"), (.milliseconds(1500), "1.5 s")])
    func aCancelTheHostDoesNotConfirmStillEndsTheCall(grace: Duration, said: String) async throws {
        let logs = try TemporaryDirectory(prefix: "toolhost").path
        let client = try Self.client([Self.sleepy(in: logs)], logs: logs, cancelGrace: grace)
        let sleep = try await tool("sleep", of: client)
        let long = Task { await client.call(sleep, arguments: #"{"seconds":3600}"#) }
        #expect(await Waiting.forLine("sleep called", in: logs + "/sleepy.log"))
        let host = try #require(client.hostProcessID)
        kill(host, SIGSTOP)
        // SIGSTOP takes effect a moment later on a busy machine; cancel only once it has.
        #expect(await Self.waitUntilStopped(host))
        long.cancel()
        let result = await long.value
        kill(host, SIGCONT)
        #expect(
            result
                == ToolResult(
                    content: "The call of sleepy.sleep was cancelled; the tool host did not confirm it within \(said).", isError: true))
        await client.shutdown()
        #expect(HostPrograms.isGone(host))
    }

    /// Returns once `pid`'s state in `/proc/PID/stat` is `T` (stopped), or false after 10 s.
    static func waitUntilStopped(_ pid: Int32) async -> Bool {
        await Waiting.until(timeout: .seconds(10)) {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            // "PID (COMM) STATE ...": the state follows the last ')'.
            guard let close = stat.lastIndex(of: ")") else { return false }
            return stat[stat.index(after: close)...].hasPrefix(" T")
        }
    }
}
