import Testing

@testable import ChatCore

@Suite struct ConversationJournalTests {
    static func session() -> ChatSession {
        var session = ChatSession(model: "m/a", systemPrompt: "be brief")
        session.recordSuccess(user: "q1", answer: "a1", usage: Usage(promptTokens: 3, completionTokens: 4, cost: 0.5))
        session.beginTurn(user: .user("q2"))
        session.appendAnswer(
            ChatMessage(
                role: .assistant, parts: [], toolCalls: [ToolCall(id: "c1", name: "t__now", arguments: #"{"tz":"UTC"}"#)],
                reasoningDetails: RawJSON(validating: #"[{"type":"reasoning.encrypted","data":"AbC="}]"#)),
            model: "m/a", usage: Usage(promptTokens: 1, completionTokens: 1))
        session.appendAnswer(.toolResult(callID: "c1", content: "12:00"))
        session.appendAnswer(.assistant("noon"), model: "m/a")
        _ = session.undo()
        return session
    }

    static func journal(_ events: [JournalEvent]) -> [UInt8] {
        events.flatMap(ConversationJournal.line)
    }

    @Test func aJournalOfEveryMessageReplaysToTheSameConversation() throws {
        let archive = SessionArchive(Self.session())
        let bytes = Self.journal(ConversationJournal.events(of: archive, created: 1_765_150_000))
        let replay = try ConversationJournal.replay(bytes, path: "j")
        #expect(replay.archive == archive)
        #expect(replay.damagedLines.isEmpty)
        #expect(replay.goodLength == bytes.count)
        #expect(!replay.needsRewrite)
        #expect(bytes.count { $0 == 0x0A } == archive.tree.count + 2, "start, one line per message, the moved position")
    }

    @Test func theCursorAppendsOnlyWhatChangedAndTheResultReplaysTheSame() throws {
        var session = ChatSession(model: "m", systemPrompt: "s")
        var cursor = JournalCursor(holding: SessionArchive(session))
        var bytes = Self.journal([.start(id: session.id, created: 1, model: "m", systemPrompt: "s", usage: nil)])
        #expect(cursor.events(to: session).isEmpty)

        session.beginTurn(user: .user("q"))
        let sent = cursor.events(to: session)
        #expect(sent.count == 1, "the user's message alone")
        bytes += Self.journal(sent)

        session.appendAnswer(.assistant("a"), model: "m", usage: Usage(promptTokens: 2, completionTokens: 2))
        session.model = "other/model"
        session.systemPrompt = nil
        _ = session.undo()
        session.addCost(Usage(promptTokens: 10, completionTokens: 0, cost: 0.01))
        let later = cursor.events(to: session)
        #expect(later.count == 5)
        bytes += Self.journal(later)

        let replay = try ConversationJournal.replay(bytes, path: "j")
        #expect(replay.archive == SessionArchive(session))
        #expect(replay.archive.usage.totalTokens == 14)
    }

    @Test func aTornLastLineIsLeftOutAndTheRestLoads() throws {
        let archive = SessionArchive(Self.session())
        let whole = Self.journal(ConversationJournal.events(of: archive, created: nil))
        let extra = ConversationJournal.line(.message(.init(id: archive.tree.count + 1, parent: 1, message: .user("cut"))))
        for cut in 1..<extra.count {
            let replay = try ConversationJournal.replay(whole + extra.prefix(cut), path: "j")
            if cut == extra.count - 1 {
                // Only the newline is missing: the line is whole.
                #expect(replay.archive.tree.count == archive.tree.count + 1)
                #expect(replay.goodLength == whole.count + cut)
            } else {
                #expect(replay.archive == archive, "cut at \(cut)")
                #expect(replay.damagedLines == [archive.tree.count + 3])
                #expect(replay.goodLength == whole.count)
            }
        }
    }

    @Test func aDamagedLineInTheMiddleIsLeftOutAndLaterMessagesAreRenumbered() throws {
        var events: [JournalEvent] = [.start(id: "abc", created: nil, model: "m", systemPrompt: nil, usage: nil)]
        events.append(.message(.init(id: 1, parent: nil, message: .user("q"))))
        var bytes = Self.journal(events)
        bytes += Array(#"{"event":"message","id":2,"pare"#.utf8) + [0x0A]
        bytes += Self.journal([.message(.init(id: 3, parent: 1, message: .assistant("a"))), .position(3)])
        let replay = try ConversationJournal.replay(bytes, path: "j")
        #expect(replay.damagedLines == [3])
        #expect(replay.needsRewrite)
        #expect(replay.archive.tree.branchMessages == [.user("q"), .assistant("a")])
        #expect(replay.archive.tree.leaf == 2)
    }

    @Test(arguments: [
        "", "not json\n", #"{"event":"message","id":1,"role":"user","content":"q"}"# + "\n",
        #"{"event":"start","journal":9,"id":"a","model":"m"}"# + "\n",
        #"{"event":"start","journal":1,"id":"a","model":"m"}"# + "\n"
            + #"{"event":"message","id":1,"parent":7,"role":"user","content":"q"}"#
            + "\n",
    ])
    func whatIsNotAJournalIsOneLineNamingTheFile(_ text: String) {
        #expect(throws: StorageError.self) { try ConversationJournal.replay(Array(text.utf8), path: "/x/j.jsonl") }
        do {
            _ = try ConversationJournal.replay(Array(text.utf8), path: "/x/j.jsonl")
        } catch {
            #expect(error.message.hasPrefix("cannot load /x/j.jsonl"))
            #expect(!error.message.contains("\n"))
        }
    }
}
