import ChatCore
import Testing

@testable import ChatStorage

/// The pure parts of the index: the query as FTS5 strings, the snippet's marks, the text and
/// hashes kept per message.
@Suite struct SessionIndexTextTests {
    @Test func everyWordIsAQuotedStringAndTheLastOneAPrefix() {
        #expect(SessionSearchQuery("hello world").terms == [#""hello""#, #""world"*"#])
        #expect(SessionSearchQuery(#"foo"bar"#).terms == [#""foo""bar"*"#])
        #expect(SessionSearchQuery("AND * -x").terms == [#""AND""#, #""-x""#], "a one-letter last word is matched whole")
        #expect(SessionSearchQuery("* ( ) \" ^").isEmpty)
        #expect(SessionSearchQuery("a\u{0}b").terms == [#""a""#, #""b""#])
        #expect(SessionSearchQuery(Array(repeating: "w", count: 100).joined(separator: " ")).terms.count == SessionSearchQuery.maxWords)
        #expect(SessionSearchQuery("one two").anyTerm == #""one" OR "two"*"#)
    }

    @Test func theSnippetBecomesOneLineWithTheMarkedWordsAsRanges() {
        let parsed = SnippetText.parse("…ask \u{2}ПРИВЕТ\u{3}\n\n  and\tthe \u{2}мир\u{3} …")
        #expect(parsed.line == "…ask ПРИВЕТ and the мир …")
        #expect(parsed.highlights == [5..<11, 20..<23])
        #expect(SnippetText.parse("  \u{2}x\u{3}  ") == ("x", [0..<1]))
        #expect(SnippetText.parse("") == ("", []))
        // Characters of several scalars count once.
        let family = SnippetText.parse("👩‍👩‍👧  \u{2}семья\u{3} cafe\u{301} \u{2}x\u{3}")
        #expect(family.line == "👩‍👩‍👧 семья cafe\u{301} x")
        #expect(family.highlights == [2..<7, 13..<14])
    }

    @Test func controlCharactersNeverReachTheIndex() {
        let text = IndexedSession.searchable("red \u{1B}[31mtext\u{2}\u{3}\u{7F}\u{85}\r\nnext")
        #expect(!text.unicodeScalars.contains { IndexedSession.isControl($0) && $0 != "\n" })
        #expect(text.contains("\nnext"))
    }

    @Test func theIndexedTextIsPerMessageWithAttachmentNamesAndTheHashesAreStable() {
        let image = ChatCore.Attachment(
            id: "0a", kind: .image, name: "cat.png", mediaType: "image/png", byteCount: 3, source: .data(base64: "AAAA"))
        let archive = SessionArchive(
            model: "m", systemPrompt: "not indexed",
            messages: [ChatMessage(role: .user, parts: [.text("  look\tat\nthis"), .attachment(image)]), .assistant("a cat")],
            pending: .user("more"))
        let session = IndexedSession(archive)
        #expect((0..<session.count).map(session.text(at:)) == ["  look at\nthis\ncat.png\n", "a cat", "more"])
        #expect(session.turns == 1)
        #expect(session.firstUserLine == "look at")
        #expect(IndexedSession.hashes(from: IndexedSession.bytes(of: session.hashes)) == session.hashes)
        #expect(IndexedSession.hash(of: .user("a")) != IndexedSession.hash(of: .assistant("a")))
        #expect(IndexedSession.hash(of: .user("ab")) != IndexedSession.hash(of: ChatMessage(role: .user, parts: [.text("a"), .text("b")])))
        #expect(
            IndexedSession.hash(of: .user("ok"))
                != IndexedSession.hash(of: ChatMessage(role: .user, parts: [.text("ok"), .attachment(image)])))
        // Fixed arithmetic, no per-process seed: the same in every process that opens the
        // index. (A change to it needs a new SessionIndexSchema.version.)
        #expect(IndexedSession.hash(of: .user("hi, this is longer than eight bytes")) == 7_570_389_644_061_026_374)
    }
}
