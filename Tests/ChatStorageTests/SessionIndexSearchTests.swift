import ChatCore
import Foundation
import Testing

@testable import ChatStorage

/// What `--sessions` and `--sessions QUERY` answer, through the real index file.
@Suite struct SessionIndexSearchTests {
    typealias Fixture = SessionFolderFixture

    /// Three conversations: "old" about Swift, "mid" in Russian, "new" about cooking.
    static func filled() throws -> Fixture {
        let folder = try Fixture()
        try folder.save(
            "old", Fixture.chat("How do I write an actor in Swift?\nsecond line", "Use the actor keyword.", "And async?", "Await it."),
            model: "anthropic/claude", at: 1_000)
        try folder.save("mid", Fixture.chat("ПРИВЕТ мир, как дела?", "Всё хорошо, спасибо."), model: "google/gemini", at: 2_000)
        try folder.save("new", Fixture.chat("A recipe for a café crème", "Heat the milk."), at: 3_000)
        return folder
    }

    @Test func listsNewestFirstWithTurnsModelAndFirstLine() throws {
        let folder = try Self.filled()
        defer { folder.remove() }
        let list = try folder.index().list()
        #expect(list.map(\.name) == ["new", "mid", "old"])
        #expect(
            list[2]
                == SessionSummary(
                    name: "old", modified: 1_000, turns: 2, model: "anthropic/claude", firstUserLine: "How do I write an actor in Swift?"))
        #expect(list[1].turns == 1)
        #expect(list[1].model == "google/gemini")
    }

    @Test func theIndexIsAPrivateFileInWALModeBesideTheSessions() throws {
        let folder = try Self.filled()
        defer { folder.remove() }
        _ = try folder.index().list()
        let mode = try FileManager.default.attributesOfItem(atPath: folder.indexPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        var journal = ""
        try SQLiteDatabase(path: folder.indexPath, create: false).run("PRAGMA journal_mode") { journal = $0.text(0) }
        #expect(journal == "wal")
        #expect(try folder.index().list().count == 3, "the index itself is not listed as a session")
    }

    @Test func aMissingSessionsFolderListsNothingAndCreatesNothing() throws {
        let folder = try Fixture()
        defer { folder.remove() }
        try FileManager.default.removeItem(atPath: folder.directory.path)
        #expect(try folder.index().list() == [])
        #expect(try folder.index().search("anything") == [])
        #expect(!FileManager.default.fileExists(atPath: folder.directory.path))
    }

    @Test(arguments: ["привет", "ПРИВЕТ", "Привет", "МИР", "всё"])
    func cyrillicIsFoundInAnyCase(query: String) throws {
        let folder = try Self.filled()
        defer { folder.remove() }
        let matches = try folder.index().search(query)
        #expect(matches.map(\.summary.name) == ["mid"])
    }

    @Test func caseAndDiacriticsDoNotMatter() throws {
        let folder = try Self.filled()
        defer { folder.remove() }
        let index = folder.index()
        #expect(try index.search("SWIFT").map(\.summary.name) == ["old"])
        #expect(try index.search("cafe creme").map(\.summary.name) == ["new"])
        #expect(try index.search("CAFÉ").map(\.summary.name) == ["new"])
    }

    @Test func theSnippetIsOneLineAndItsHighlightsAreTheMatchedWords() throws {
        let folder = try Self.filled()
        defer { folder.remove() }
        let match = try #require(try folder.index().search("привет").first)
        #expect(match.snippet == "ПРИВЕТ мир, как дела?")
        #expect(match.highlights == [0..<6])
        let old = try #require(try folder.index().search("actor").first)
        #expect(!old.snippet.contains("\n"))
        let words = old.highlights.map { String(Array(old.snippet)[$0]) }
        #expect(!words.isEmpty)
        #expect(words.allSatisfy { $0.lowercased() == "actor" }, "\(old.snippet) \(old.highlights)")
    }

    @Test func highlightsCountCharactersNotBytes() throws {
        let folder = try Fixture()
        defer { folder.remove() }
        try folder.save("emoji", Fixture.chat("👩‍👩‍👧 семья 家 and the word needle here"), at: 1)
        let match = try #require(try folder.index().search("needle").first)
        let range = try #require(match.highlights.first)
        #expect(String(Array(match.snippet)[range]) == "needle")
    }

    @Test func everyWordMustBeInTheSessionNotNecessarilyInOneMessage() throws {
        let folder = try Self.filled()
        defer { folder.remove() }
        let index = folder.index()
        // "actor" is in the first two messages, "await" in the fourth.
        #expect(try index.search("actor await").map(\.summary.name) == ["old"])
        #expect(try index.search("actor привет") == [])
    }

    @Test func theSnippetComesFromAMessageWithEveryWordWhenThereIsOne() throws {
        let folder = try Fixture()
        defer { folder.remove() }
        try folder.save("s", Fixture.chat("alpha first", "beta second", "now alpha and beta together", "alpha again"), at: 1)
        let match = try #require(try folder.index().search("alpha beta").first)
        #expect(match.snippet == "now alpha and beta together")
        #expect(match.highlights.map { String(Array(match.snippet)[$0]) } == ["alpha", "beta"])
        #expect(WordHits.common([[1, 3, 5, 9], [2, 3, 9, 10], [3, 9]]) == [3, 9])
    }

    @Test func theLastWordMatchesAsAPrefix() throws {
        let folder = try Self.filled()
        defer { folder.remove() }
        let index = folder.index()
        #expect(try index.search("swif").map(\.summary.name) == ["old"])
        #expect(try index.search("прив").map(\.summary.name) == ["mid"])
        #expect(try index.search("swif actor") == [], "only the last word is a prefix")
    }

    @Test func aConversationThatKeepsComingBackToTheWordRanksFirst() throws {
        let folder = try Fixture()
        defer { folder.remove() }
        try folder.save("once", Fixture.chat("tell me about kafka", "it is a log", "and databases?", "they store data"), at: 3)
        try folder.save(
            "often", Fixture.chat("kafka topics", "kafka partitions", "kafka consumers", "kafka offsets and kafka again"), at: 1)
        try folder.save("never", Fixture.chat("nothing relevant"), at: 2)
        #expect(try folder.index().search("kafka").map(\.summary.name) == ["often", "once"])
    }

    @Test func toolResultsAndAttachmentNamesAreSearchedButNotAttachmentData() throws {
        let folder = try Fixture()
        defer { folder.remove() }
        let image = ChatCore.Attachment(
            id: "00000000000000aa", kind: .image, name: "holiday-photo.png", mediaType: "image/png", byteCount: 4,
            source: .data(base64: "c2VjcmV0ZGF0YQ=="))
        try folder.save(
            "tools",
            [
                ChatMessage(role: .user, parts: [.text("what is in it?"), .attachment(image)]),
                ChatMessage(role: .assistant, parts: [], toolCalls: [ToolCall(id: "c1", name: "clock__now", arguments: "{}")]),
                .toolResult(callID: "c1", content: "the time is quarter past twelve"),
            ], at: 1)
        let index = folder.index()
        #expect(try index.search("quarter").map(\.summary.name) == ["tools"])
        #expect(try index.search("holiday photo").map(\.summary.name) == ["tools"])
        #expect(try index.search("c2VjcmV0ZGF0YQ") == [])
    }

    @Test func thePendingMessageIsSearchedButIsNotATurn() throws {
        let folder = try Fixture()
        defer { folder.remove() }
        try folder.save("p", Fixture.chat("first", "answer"), pending: .user("unanswered zebra question"), at: 1)
        let index = folder.index()
        #expect(try index.search("zebra").map(\.summary.name) == ["p"])
        #expect(try index.list().first?.turns == 1)
    }

    @Test(arguments: [
        "foo\"bar", "\"", "\"\"", "AND", "OR", "NOT", "NEAR", "NEAR(a b)", "*", "a*", "-x", "^x", "body:x", "(", ")", "{x}",
        "x AND", "AND OR NOT", "+", "'", "\\", "\u{0}", "\u{1B}[31m", "    *   ", "a:b:c", "\"unclosed",
    ])
    func hostileQueriesNeverFail(query: String) throws {
        let folder = try Self.filled()
        defer { folder.remove() }
        _ = try folder.index().search(query)
    }

    @Test func hostileQueriesMeanTheirWords() throws {
        let folder = try Fixture()
        defer { folder.remove() }
        try folder.save("a", Fixture.chat("foo bar AND baz", "x-ray NEAR the end"), at: 1)
        try folder.save("b", Fixture.chat("nothing here"), at: 2)
        let index = folder.index()
        #expect(try index.search("foo\"bar").map(\.summary.name) == ["a"])
        #expect(try index.search("AND").map(\.summary.name) == ["a"])
        #expect(try index.search("NEAR").map(\.summary.name) == ["a"])
        #expect(try index.search("-ray").map(\.summary.name) == ["a"])
        #expect(try index.search("*") == [], "no letter or digit: nothing to find")
    }

    @Test func anEmptyQueryListsEverySession() throws {
        let folder = try Self.filled()
        defer { folder.remove() }
        let index = folder.index()
        for query in ["", "   ", "\n\t"] {
            let matches = try index.search(query)
            #expect(matches.map(\.summary) == (try index.list()))
            #expect(matches.allSatisfy { $0.snippet.isEmpty && $0.highlights.isEmpty })
        }
    }

    @Test func veryLongQueriesAnswer() throws {
        let folder = try Self.filled()
        defer { folder.remove() }
        let index = folder.index()
        #expect(try index.search(String(repeating: "x", count: 100_000)) == [])
        #expect(try index.search(Array(repeating: "swift", count: 5_000).joined(separator: " ")).map(\.summary.name) == ["old"])
        _ = try index.search(String(repeating: "\"* AND ", count: 10_000))
    }
}

@Suite struct SessionIndexBranchTests {
    @Test func aHitOutsideTheCurrentBranchIsMarkedAndOneOnItIsPreferred() throws {
        let folder = try SessionFolderFixture()
        defer { folder.remove() }
        // q1 → "about kafka"; then /undo and a new branch about zookeeper, which is current.
        var session = ChatSession(model: "m/x")
        session.recordSuccess(user: "tell me about kafka", answer: "kafka is a log", usage: nil)
        _ = session.undo()
        session.recordSuccess(user: "tell me about zookeeper and kafka too", answer: "zookeeper coordinates", usage: nil)
        try folder.directory.write(SessionArchive(session), named: "branches")
        let index = folder.index()
        let elsewhere = try #require(try index.search("log").first)
        #expect(elsewhere.otherBranch)
        let both = try #require(try index.search("kafka").first)
        #expect(!both.otherBranch, "a hit on the current branch is shown when there is one")
        #expect(both.snippet.contains("zookeeper"))
        #expect(try index.search("coordinates").first?.otherBranch == false)
        #expect(SessionListing.matches([elsewhere], query: "log", offset: 0).contains("(other branch)"))
    }
}
