import ChatCore
import ChatTools
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The provider against the real, official `mcp-server-time` from PyPI, installed by
/// `.ci/install-deps` in `.build/mcp-venv`. Without it these tests fail, saying how to install it.
@Suite(.timeLimit(.minutes(1)))
struct TimeServerTests {
    init() {
        signal(SIGPIPE, SIG_IGN)
    }

    private func provider(logs: String) throws -> MCPToolProvider {
        MCPToolProvider(
            servers: [
                ToolServerConfig(name: "time", connection: .stdio(command: try RealParts.timeServer(), arguments: [], environment: [:]))
            ],
            logDirectory: logs, callTimeout: .seconds(60), environment: ProcessInfo.processInfo.environment)
    }

    @Test func listsItsToolsAndTellsTheTimeInUTC() async throws {
        let provider = try provider(logs: TemporaryDirectory(prefix: "chattools").path)
        let (tools, notices) = await provider.tools(waitingUpTo: .seconds(30))
        #expect(notices.isEmpty)
        #expect(tools.map(\.name) == ["get_current_time", "convert_time"])
        let now = try #require(tools.first { $0.name == "get_current_time" })
        #expect(OfferedTools([now]).entries.first?.functionName == "time__get_current_time")
        #expect(now.inputSchema.text.contains(#""required":["timezone"]"#))
        let result = await provider.call(now, arguments: #"{"timezone":"UTC"}"#)
        #expect(!result.isError)
        #expect(result.content.contains(#""timezone": "UTC""#))
        #expect(result.content.contains(#/"datetime": "\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00"/#))
        await provider.shutdown()
    }

    @Test func aBadTimezoneIsAnErrorResult() async throws {
        let provider = try provider(logs: TemporaryDirectory(prefix: "chattools").path)
        let (tools, _) = await provider.tools(waitingUpTo: .seconds(30))
        let now = try #require(tools.first { $0.name == "get_current_time" })
        let result = await provider.call(now, arguments: #"{"timezone":"Not/AZone"}"#)
        #expect(result.isError)
        #expect(result.content.contains("Invalid timezone"))
        await provider.shutdown()
    }

    @Test func restartBringsItsToolsBackAndShutdownReapsIt() async throws {
        let provider = try provider(logs: TemporaryDirectory(prefix: "chattools").path)
        _ = await provider.tools(waitingUpTo: .seconds(30))
        let first = try #require(provider.processID(of: "time"))
        #expect(await provider.restart("time"))
        let (tools, _) = await provider.tools(waitingUpTo: .seconds(30))
        #expect(tools.count == 2)
        let second = try #require(provider.processID(of: "time"))
        await provider.shutdown()
        for pid in [first, second] { #expect(kill(pid, 0) == -1 && errno == ESRCH) }
    }
}
