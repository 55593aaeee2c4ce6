import ChatCore
import ChatToolHost
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A tool host that dies, one that cannot start, and one whose chat is gone.
/// Without the host or the venv these tests fail, saying how to get them (``RealParts``).
@Suite(.timeLimit(.minutes(1)))
struct HostFailureTests {
    init() {
        signal(SIGPIPE, SIG_IGN)
    }

    @Test func aHostKilledMidCallFailsTheCallAtOnceIsNamedOnceAndComesBackWithRestart() async throws {
        let logs = try TemporaryDirectory(prefix: "toolhost").path
        let client = try ToolHostClientTests.client([ToolHostClientTests.sleepy(in: logs)], logs: logs)
        let (tools, _) = await client.tools(waitingUpTo: .seconds(30))
        let sleep = try #require(tools.first)
        let first = try #require(client.hostProcessID)
        // The call timeout is a minute: only the host's death can end this call in time.
        let pending = Task { await client.call(sleep, arguments: #"{"seconds":3600}"#) }
        #expect(await Waiting.forLine("sleep called", in: logs + "/sleepy.log"))
        kill(first, SIGKILL)
        #expect(
            await pending.value
                == ToolResult(
                    content: "The call of sleepy.sleep failed: the tool host was killed by signal 9 during the call; tools are gone.",
                    isError: true))
        let (after, notices) = await client.tools(waitingUpTo: .seconds(10))
        #expect(after.isEmpty)
        #expect(notices == ["the tool host was killed by signal 9; tools are gone; its log is \(logs)/tool-host.log"])
        #expect(await client.tools(waitingUpTo: .seconds(10)).notices.isEmpty)
        #expect(await client.states().map(\.server) == ["sleepy"])
        #expect(await client.states().first?.state == .failed(reason: "the tool host was killed by signal 9"))
        #expect(
            await client.call(sleep, arguments: "{}")
                == ToolResult(content: "sleepy.sleep cannot be called: the tool host was killed by signal 9.", isError: true))
        #expect(await !client.restart("nobody"))
        #expect(await client.restart("sleepy"))
        let (again, quiet) = await client.tools(waitingUpTo: .seconds(30))
        #expect(again.map(\.name) == ["sleep"])
        #expect(quiet.isEmpty)
        #expect(try #require(client.hostProcessID) != first)
        #expect(await client.call(sleep, arguments: #"{"seconds":0}"#) == ToolResult(content: "slept"))
        await client.shutdown()
    }

    @Test func theEndOfTheChatsPipeEndsTheHostAndItsServers() async throws {
        let client = try ToolHostClientTests.client([ToolHostClientTests.time()], logs: TemporaryDirectory(prefix: "toolhost").path)
        #expect(await client.tools(waitingUpTo: .seconds(30)).tools.count == 2)
        let host = try #require(client.hostProcessID)
        let servers = HostPrograms.children(of: host)
        #expect(servers.count == 1)
        // As when the chat dies: the host reads EOF, ends its servers, and exits.
        #expect(await client.closeHostInput()?.description == "exited (status 0)")
        #expect(HostPrograms.isGone(host))
        #expect(servers.allSatisfy(HostPrograms.isGone))
        await client.shutdown()
    }
}

/// A host that is not there: no real host is needed.
@Suite struct MissingHostTests {
    private let server = ToolServerConfig(name: "time", connection: .stdio(command: "/bin/true", arguments: [], environment: [:]))

    private func client(hostPath: String?) throws -> ToolHostClient {
        ToolHostClient.start(
            servers: [server], logDirectory: try TemporaryDirectory(prefix: "toolhost").path, callTimeout: .seconds(60), environment: [:],
            clientVersion: "test", hostPath: hostPath)
    }

    @Test func aMissingHostIsOneNoticeAndEveryServerFails() async throws {
        let client = try client(hostPath: "/nonexistent/bankfuture-chat-tools")
        let reason =
            "the tool host (/nonexistent/bankfuture-chat-tools) could not start: posix_spawn failed: No such file or directory "
            + "(it is built with `make build`, or `swift build --product bankfuture-chat-tools`)"
        let (tools, notices) = await client.tools(waitingUpTo: .seconds(10))
        #expect(tools.isEmpty)
        #expect(notices == [reason + "; the chat goes on without tools"])
        #expect(await client.tools(waitingUpTo: .seconds(10)).notices.isEmpty)
        #expect(await client.states().map(\.state) == [.failed(reason: reason)])
        let spec = ToolSpec(server: "time", name: "now", description: "", inputSchema: RawJSON(validating: "{}")!)
        #expect(await client.call(spec, arguments: "{}") == ToolResult(content: "time.now cannot be called: \(reason).", isError: true))
        // Restart tries again, and says so again.
        #expect(await client.restart("time"))
        #expect(await client.tools(waitingUpTo: .seconds(10)).notices == [reason + "; the chat goes on without tools"])
        await client.shutdown()
    }

    @Test func aHostNobodyCanFindIsOneNotice() async throws {
        let client = try client(hostPath: nil)
        #expect(
            await client.tools(waitingUpTo: .seconds(10)).notices == [
                "the tool host could not start: neither BANKFUTURE_CHAT_TOOL_HOST nor /proc/self/exe tells where "
                    + "bankfuture-chat-tools is; the chat goes on without tools"
            ])
        await client.shutdown()
    }

    @Test func theHostIsLookedForBesideThisExecutable() throws {
        guard getenv(ToolHostClient.hostPathVariable) == nil else { return }
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let folder = URL(fileURLWithPath: executable).deletingLastPathComponent().path
        #expect(ToolHostClient.defaultHostPath() == folder + "/bankfuture-chat-tools")
    }
}
