import Testing

@testable import ChatCore

@Suite struct ConversationTreeTests {
    /// q1 → a1 → q2 → a2, then q2' (a new version of q2) → a2'.
    static func twoVersions() -> ConversationTree {
        var tree = ConversationTree(branch: [.user("q1"), .assistant("a1"), .user("q2"), .assistant("a2")])
        tree.append(.user("q2'"), under: 2)
        tree.append(.assistant("a2'"), under: 5)
        return tree
    }

    @Test func appendingMovesThePositionAndTheBranchFollowsParents() {
        let tree = Self.twoVersions()
        #expect(tree.leaf == 6)
        #expect(tree.branch == [1, 2, 5, 6])
        #expect(tree.branchMessages.map(\.content) == ["q1", "a1", "q2'", "a2'"])
        #expect(tree.children(of: 2) == [3, 5])
        #expect(tree.children(of: nil) == [1])
        #expect(tree.leaves == [4, 6])
    }

    @Test func versionsCountSiblingsInTheOrderAdded() {
        let tree = Self.twoVersions()
        #expect(tree.version(of: 3) == (1, 2))
        #expect(tree.version(of: 5) == (2, 2))
        #expect(tree.version(of: 1) == (1, 1))
    }

    @Test func movingDoesNotRemoveAnything() throws {
        var tree = Self.twoVersions()
        try tree.move(to: 4)
        #expect(tree.branchMessages.map(\.content) == ["q1", "a1", "q2", "a2"])
        try tree.move(to: nil)
        #expect(tree.branch.isEmpty)
        #expect(tree.count == 6)
        #expect(throws: ConversationTree.Problem.self) { try tree.move(to: 7) }
    }

    @Test func whereBranchesLeaveEachOther() {
        let tree = Self.twoVersions()
        #expect(tree.commonAncestor(4, 6) == 2)
        #expect(tree.commonAncestor(4, nil) == nil)
        #expect(tree.newestLeaf(under: 2) == 6)
        #expect(tree.newestLeaf(under: 3) == 4)
    }

    @Test func restoringChecksOrderAndParents() throws {
        var tree = ConversationTree()
        try tree.restore(.init(id: 1, parent: nil, message: .user("a")))
        #expect(throws: ConversationTree.Problem.self) { try tree.restore(.init(id: 3, parent: 1, message: .user("b"))) }
        #expect(throws: ConversationTree.Problem.self) { try tree.restore(.init(id: 2, parent: 2, message: .user("b"))) }
        try tree.restore(.init(id: 2, parent: 1, message: .assistant("b"), model: "m", usage: Usage(promptTokens: 1)))
        #expect(tree.node(2)?.model == "m")
    }
}

@Suite struct ChatSessionTreeTests {
    @Test func undoMovesBackAndTheNextMessageIsANewVersion() {
        var session = ChatSession(model: "m")
        session.recordSuccess(user: "q1", answer: "a1", usage: nil)
        session.recordSuccess(user: "q2", answer: "a2", usage: nil)
        let undid = session.undo()
        #expect(undid)
        #expect(session.history == [.user("q1"), .assistant("a1")])
        session.recordSuccess(user: "q2b", answer: "a2b", usage: nil)
        #expect(session.tree.count == 6)
        #expect(session.tree.version(of: 5) == (2, 2))
        #expect(session.history.map(\.content) == ["q1", "a1", "q2b", "a2b"])
    }

    @Test func aFailedTurnIsPendingAndTheNextMessageTakesItsPlace() {
        var session = ChatSession(model: "m")
        session.recordSuccess(user: "q1", answer: "a1", usage: nil)
        session.beginTurn(user: .user("lost"))
        #expect(session.pending == .user("lost"))
        #expect(session.history.count == 2)
        session.beginTurn(user: .user("other"))
        #expect(session.tree.version(of: 4) == (2, 2), "the new message is a sibling of the failed one")
        #expect(session.pending == .user("other"))
    }

    @Test func aTurnCutShortInItsToolRoundsIsPendingAsAWhole() {
        var session = ChatSession(model: "m")
        session.beginTurn(user: .user("time?"))
        session.appendAnswer(ChatMessage(role: .assistant, parts: [], toolCalls: [ToolCall(id: "c", name: "t__now", arguments: "{}")]))
        session.appendAnswer(.toolResult(callID: "c", content: "12:00"))
        #expect(session.pending == .user("time?"))
        #expect(session.history.isEmpty)
        // /retry: the position goes back to the message; the new answer is a sibling of the cut round.
        session.beginTurn(user: .user("time?"))
        #expect(session.tree.leaf == 1)
        session.appendAnswer(.assistant("noon"), model: "m", usage: Usage(promptTokens: 2, completionTokens: 1))
        #expect(session.history.map(\.content) == ["time?", "noon"])
        #expect(session.tree.children(of: 1) == [2, 4])
        #expect(session.totalUsage.totalTokens == 3)
    }

    @Test func retryWithoutAFailureKeepsTheOldAnswer() {
        var session = ChatSession(model: "m")
        session.recordSuccess(user: "q", answer: "first", usage: nil)
        let message = session.takeRetryMessage()
        #expect(message == .user("q"))
        session.recordSuccess(user: "q", answer: "second", usage: nil)
        #expect(session.tree.count == 3)
        #expect(session.tree.version(of: 3) == (2, 2))
        #expect(session.lastAnswer == "second")
    }

    @Test func resumingKeepsTheIdTheTreeAndTheTotals() {
        var session = ChatSession(model: "m", systemPrompt: "s")
        session.recordSuccess(user: "q", answer: "a", usage: Usage(promptTokens: 5, completionTokens: 5, cost: 0.25))
        let resumed = ChatSession(resuming: SessionArchive(session))
        #expect(resumed.id == session.id)
        #expect(resumed.tree == session.tree)
        #expect(resumed.totalUsage == session.totalUsage)
        #expect(resumed.systemPrompt == "s")
    }
}
