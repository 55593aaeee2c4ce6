import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// The tool list cache: a server seen before is not waited for — its tools from last time are
/// offered while it starts — and a call of one of them waits for the server and runs.
/// The server (`Tests/Fixtures/mcp/gated.py`) does not start until the test opens its gate, so
/// "still starting" lasts exactly as long as the test wants, with no timing.
@Suite(.serialized) struct ToolCacheTests {
    @Test func aServerSeenBeforeIsNotWaitedForAndItsToolRunsOnceItStarts() async throws {
        try await withFake { fake, sandbox in
            let gate = sandbox.root + "/gate"
            let server = try MCPFixtures.server("gated.py", [gate])
            _ = try sandbox.write("config/bankfuture-chat/config.json", #"{"model": "fake/echo", "mcp_servers": {"gated": \#(server)}}"#)
            // First run: the gate is open; the server starts and its list is kept.
            FileManager.default.createFile(atPath: gate, contents: Data())
            let first = try await chat(["-y", "first"], fake: fake, sandbox: sandbox)
            #expect(first.status == 0, "\(first.stderr)")
            let cache = try String(contentsOfFile: sandbox.root + "/state/bankfuture-chat/mcp/tools.json", encoding: .utf8)
            #expect(cache.contains("\"hello\""))

            // Second run: the gate is shut, so the server cannot start until the request is out.
            try FileManager.default.removeItem(atPath: gate)
            fake.enqueue(
                ToolApprovalTests.calling("gated__hello", arguments: #"{"name":"cache"}"#), .streamText(pieces: ["done"], model: "m/1"))
            let before = fake.chatRequests.count
            let run = Task { try await chat(["-y", "second"], fake: fake, sandbox: sandbox) }
            let sent = await Waiting.until { fake.chatRequests.count > before }
            #expect(sent, "the first request went out while the server was still starting")
            let offered = (fake.chatRequests.last?.json?["tools"] as? [[String: Any]])?.compactMap {
                ($0["function"] as? [String: Any])?["name"] as? String
            }
            #expect(offered == ["gated__hello"])
            // Now the server may start: the call waits for it, then runs.
            FileManager.default.createFile(atPath: gate, contents: Data())
            let second = try await run.value
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stdout.contains("done"))
            let results = fake.chatRequests.last?.messages.filter { $0.role == "tool" }.map(\.content)
            #expect(results == ["hello cache"])
        }
    }
}
