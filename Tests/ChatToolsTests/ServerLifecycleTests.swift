import ChatCore
import Testing

@testable import ChatTools

/// The server state machine, fed inputs directly (the connection is a number).
@Suite struct ServerLifecycleTests {
    private let tool = ToolSpec(server: "s", name: "t", description: "", inputSchema: RawJSON(validating: "{}")!)

    /// A server whose start attached `connection` and listed one tool.
    private func readyServer(connection: Int) -> (lifecycle: ServerLifecycle<Int>, generation: Int) {
        var lifecycle = ServerLifecycle<Int>(server: "s")
        let generation = lifecycle.begin()
        _ = lifecycle.attach(connection, generation: generation)
        lifecycle.ready([tool], generation: generation)
        return (lifecycle, generation)
    }

    private func expectNoNotices(_ lifecycle: inout ServerLifecycle<Int>, sourceLocation: SourceLocation = #_sourceLocation) {
        let notices = lifecycle.takeNotices()
        #expect(notices.isEmpty, sourceLocation: sourceLocation)
    }

    @Test func aStartAttachesThenBecomesReady() {
        var lifecycle = ServerLifecycle<Int>(server: "s")
        let generation = lifecycle.begin()
        #expect(lifecycle.state == .starting)
        let attached = lifecycle.attach(7, generation: generation)
        #expect(attached)
        lifecycle.ready([tool], generation: generation)
        #expect(lifecycle.state == .ready(tools: 1))
        #expect(lifecycle.readyConnection?.connection == 7)
        expectNoNotices(&lifecycle)
    }

    @Test func aLossOfAReadyServerIsSaidOnceAndClosesItsConnection() {
        var (lifecycle, generation) = readyServer(connection: 7)
        let closed = lifecycle.lost(ServerLoss("exited (status 3)"), generation: generation)
        #expect(closed == 7)
        #expect(lifecycle.state == .failed(reason: "exited (status 3)"))
        #expect(lifecycle.tools.isEmpty)
        let first = lifecycle.takeNotices()
        #expect(first == ["MCP server s exited (status 3); its tools are gone"])
        expectNoNotices(&lifecycle)
        // Its transport closing too says nothing more.
        let again = lifecycle.lost(ServerLoss("stopped"), generation: generation)
        #expect(again == nil)
        expectNoNotices(&lifecycle)
    }

    @Test func eventsOfAStartThatWasReplacedChangeNothing() {
        var lifecycle = ServerLifecycle<Int>(server: "s")
        let old = lifecycle.begin()
        _ = lifecycle.attach(1, generation: old)
        let stopped = lifecycle.stop()
        #expect(stopped == 1)
        let new = lifecycle.begin()
        let lost = lifecycle.lost(ServerLoss("was killed by signal 15"), generation: old)
        #expect(lost == nil)
        let stale = lifecycle.attach(2, generation: old)
        #expect(!stale)
        lifecycle.ready([tool], generation: old)
        #expect(lifecycle.state == .starting)
        let current = lifecycle.attach(3, generation: new)
        #expect(current)
        lifecycle.ready([tool, tool], generation: new)
        #expect(lifecycle.state == .ready(tools: 2))
        expectNoNotices(&lifecycle)
    }

    @Test func aFailedStartNamesTheReason() {
        var lifecycle = ServerLifecycle<Int>(server: "s")
        let generation = lifecycle.begin()
        _ = lifecycle.attach(4, generation: generation)
        let closed = lifecycle.failed("Connection refused", generation: generation)
        #expect(closed == 4)
        #expect(lifecycle.state == .failed(reason: "could not start: Connection refused"))
        let notices = lifecycle.takeNotices()
        #expect(notices == ["MCP server s could not start: Connection refused; the chat goes on without its tools"])
    }

    @Test func anExitWhileStartingPointsAtTheLog() {
        var lifecycle = ServerLifecycle<Int>(server: "s")
        let generation = lifecycle.begin()
        let closed = lifecycle.lost(ServerLoss("exited (status 1)", hint: "its log is /l/s.log"), generation: generation)
        #expect(closed == nil)
        let notices = lifecycle.takeNotices()
        #expect(notices == ["MCP server s exited (status 1) while starting; its log is /l/s.log; the chat goes on without its tools"])
        #expect(lifecycle.state == .failed(reason: "exited (status 1) while starting"))
    }
}
