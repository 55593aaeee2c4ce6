import ChatCore
import ChatTools
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The provider with real child processes: a command that cannot start, a server that dies
/// in the middle of a call or stops reading its input, what the child inherits, and that
/// nothing is left behind.
/// The fault server needs python3 (``RealParts/python()``): without it these tests fail, saying how to install it.
@Suite(.timeLimit(.minutes(1)))
struct ProcessFaultTests {
    init() {
        // As the chat does: a write to a dead server must fail with EPIPE.
        signal(SIGPIPE, SIG_IGN)
    }

    private func faultServer(
        _ name: String, logs: String, extra: [String] = [], clock: any Clock<Duration> = ContinuousClock()
    )
        throws -> MCPToolProvider
    {
        let script = try TestPrograms.writeFaultServer(in: logs)
        let config = ToolServerConfig(
            name: name, connection: .stdio(command: try RealParts.python(), arguments: [script] + extra, environment: ["FAULT": "1"]))
        return MCPToolProvider(
            servers: [config], logDirectory: logs + "/logs", callTimeout: .seconds(600),
            environment: ProcessInfo.processInfo.environment, clock: clock)
    }

    @Test func aCommandThatCannotStartIsOneNoticeNamingIt() async throws {
        let logs = try TemporaryDirectory(prefix: "chattools").path
        let provider = MCPToolProvider(
            servers: [
                ToolServerConfig(name: "missing", connection: .stdio(command: "/nonexistent/mcp-server", arguments: [], environment: [:])),
                ToolServerConfig(name: "unknown", connection: .stdio(command: "no-such-mcp-server", arguments: [], environment: [:])),
            ], logDirectory: logs, callTimeout: .seconds(60), environment: ["PATH": "/usr/bin:/bin"])
        let (tools, notices) = await provider.tools(waitingUpTo: .seconds(10))
        #expect(tools.isEmpty)
        #expect(
            notices == [
                "MCP server missing could not start: /nonexistent/mcp-server: posix_spawn failed: No such file or directory; "
                    + "the chat goes on without its tools",
                "MCP server unknown could not start: no-such-mcp-server: command not found (searched PATH /usr/bin:/bin); "
                    + "the chat goes on without its tools",
            ])
        #expect(provider.states().map(\.server) == ["missing", "unknown"])
        #expect(provider.states().allSatisfy { if case .failed = $0.state { true } else { false } })
        await provider.shutdown()
    }

    @Test func aServerThatExitsMidCallFailsTheCallAtOnceAndIsNamedOnce() async throws {
        let logs = try TemporaryDirectory(prefix: "chattools").path
        let provider = try faultServer("dies", logs: logs)
        let (tools, _) = await provider.tools(waitingUpTo: .seconds(30))
        let crash = try #require(tools.first { $0.name == "crash" })
        // The call timeout is 10 minutes: only the exit can end this call within the time limit.
        let result = await provider.call(crash, arguments: "{}")
        #expect(result == ToolResult(content: "MCP server dies exited (status 3) during the call; its tools are gone.", isError: true))
        let (after, notices) = await provider.tools(waitingUpTo: .seconds(10))
        #expect(after.isEmpty)
        #expect(notices == ["MCP server dies exited (status 3); its tools are gone; its log is \(logs)/logs/dies.log"])
        let (_, again) = await provider.tools(waitingUpTo: .seconds(10))
        #expect(again.isEmpty)
        #expect(provider.states().first?.state == .failed(reason: "exited (status 3)"))
        let next = await provider.call(crash, arguments: "{}")
        #expect(
            next == ToolResult(content: "MCP server dies is not available (exited (status 3)); its tools cannot be called.", isError: true))
        await provider.shutdown()
    }

    @Test func aServerThatClosesItsInputFailsThePendingCallsAtOnce() async throws {
        let logs = try TemporaryDirectory(prefix: "chattools").path
        let provider = try faultServer("deaf", logs: logs, extra: ["--close-input"], clock: ManualClock())
        let (tools, _) = await provider.tools(waitingUpTo: .seconds(30))
        let hang = try #require(tools.first { $0.name == "hang" })
        // Never answered, and its timeout never comes (the clock stands still).
        let pending = Task { await provider.call(hang, arguments: "{}") }
        // Answered once the server has both calls and has closed its stdin.
        #expect(
            await provider.call(try #require(tools.first { $0.name == "close_input" }), arguments: "{}") == ToolResult(content: "closed"))
        // This write fails with EPIPE: the server is given up, and every call waiting on it fails now.
        let lost = ToolResult(
            content: "MCP server deaf stopped: the server closed its input during the call; its tools are gone.", isError: true)
        #expect(await provider.call(try #require(tools.first { $0.name == "huge" }), arguments: #"{"bytes":1}"#) == lost)
        #expect(await pending.value == lost)
        let (_, notices) = await provider.tools(waitingUpTo: .seconds(10))
        #expect(notices == ["MCP server deaf stopped: the server closed its input; its tools are gone; its log is \(logs)/logs/deaf.log"])
        await provider.shutdown()
    }

    @Test func aResultOfManyMegabytesComesThroughThePipeAndIsCut() async throws {
        let logs = try TemporaryDirectory(prefix: "chattools").path
        let provider = try faultServer("big", logs: logs)
        let (tools, _) = await provider.tools(waitingUpTo: .seconds(30))
        let result = await provider.call(try #require(tools.first { $0.name == "huge" }), arguments: #"{"bytes":5000000}"#)
        #expect(!result.isError)
        #expect(result.content.hasPrefix(String(repeating: "x", count: 65536) + "\n[tool output cut at 64 KB: "))
        #expect(result.content.hasSuffix("(4934464 bytes) more not shown]"))
        await provider.shutdown()
    }

    @Test func theChildsStderrIsAppendedToAPrivateLog() async throws {
        let logs = try TemporaryDirectory(prefix: "chattools").path
        let provider = try faultServer("logged", logs: logs)
        let (tools, _) = await provider.tools(waitingUpTo: .seconds(30))
        _ = await provider.call(try #require(tools.first { $0.name == "crash" }), arguments: "{}")
        await provider.shutdown()
        let log = try String(contentsOfFile: logs + "/logs/logged.log", encoding: .utf8)
        #expect(log == "fault server started\ncrashing on purpose\n")
        var info = stat()
        #expect(stat(logs + "/logs", &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(stat(logs + "/logs/logged.log", &info) == 0 && info.st_mode & 0o777 == 0o600)
    }

    @Test func shutdownKillsAServerThatIgnoresSIGTERMAndReapsIt() async throws {
        let logs = try TemporaryDirectory(prefix: "chattools").path
        let clock = ManualClock()
        let provider = try faultServer("stubborn", logs: logs, extra: ["--ignore-term"], clock: clock)
        _ = await provider.tools(waitingUpTo: .seconds(30))
        let pid = try #require(provider.processID(of: "stubborn"))
        async let stopped: Void = provider.shutdown()
        await clock.waitForSleepers(1)  // the grace after SIGTERM
        #expect(kill(pid, 0) == 0)  // still there: it ignores SIGTERM
        clock.advance(by: .seconds(2))
        await stopped
        #expect(kill(pid, 0) == -1 && errno == ESRCH)  // gone and reaped: no zombie
    }

    @Test func restartStartsANewProcess() async throws {
        let logs = try TemporaryDirectory(prefix: "chattools").path
        let provider = try faultServer("again", logs: logs)
        _ = await provider.tools(waitingUpTo: .seconds(30))
        let first = try #require(provider.processID(of: "again"))
        #expect(await provider.restart("again"))
        let (tools, notices) = await provider.tools(waitingUpTo: .seconds(30))
        #expect(tools.map(\.name) == ["crash", "huge"])
        #expect(notices.isEmpty)
        let second = try #require(provider.processID(of: "again"))
        #expect(second != first)
        #expect(kill(first, 0) == -1 && errno == ESRCH)
        await provider.shutdown()
        #expect(kill(second, 0) == -1 && errno == ESRCH)
    }
}
