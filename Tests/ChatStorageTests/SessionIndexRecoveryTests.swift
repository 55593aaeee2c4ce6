import ChatCore
import Foundation
import Testing

@testable import ChatStorage

/// The session files are the truth: the index follows them when they change, and gives the
/// same answers after it is deleted, damaged or of another version.
@Suite struct SessionIndexRecoveryTests {
    typealias Fixture = SessionFolderFixture

    struct Answers: Equatable {
        var list: [SessionSummary]
        var searches: [[SessionMatch]]
    }

    static func answers(_ index: SessionIndex) throws -> Answers {
        Answers(list: try index.list(), searches: try ["swift", "привет", "milk", "nothing"].map { try index.search($0) })
    }

    @Test func deletingTheIndexGivesTheSameAnswers() throws {
        let folder = try SessionIndexSearchTests.filled()
        defer { folder.remove() }
        let before = try Self.answers(folder.index())
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: folder.indexPath + suffix) }
        #expect(try Self.answers(folder.index()) == before)
        #expect(folder.exists(SessionIndex.fileName))
    }

    @Test(arguments: [false, true])
    func garbageOverTheIndexGivesTheSameAnswers(sameInstance: Bool) throws {
        let folder = try SessionIndexSearchTests.filled()
        defer { folder.remove() }
        let index = folder.index()
        let before = try Self.answers(index)
        // Written in place (the same inode), over the file and its log, as a bad disk would.
        for suffix in ["", "-wal"] {
            let handle = try #require(FileHandle(forWritingAtPath: folder.indexPath + suffix))
            try handle.write(contentsOf: Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }))
            try handle.close()
        }
        // A connection that has the pages in its cache may answer from them; the next one to
        // open the file finds it damaged and builds it again.
        #expect(try Self.answers(sameInstance ? index : folder.index()) == before)
        #expect(try Self.answers(folder.index()) == before)
        #expect(try Self.integrity(folder) == "ok", "rebuilt, not read around the damage")
    }

    static func integrity(_ folder: Fixture) throws -> String {
        var result = ""
        try SQLiteDatabase(path: folder.indexPath, create: false).run("PRAGMA integrity_check") { result += $0.text(0) }
        return result
    }

    @Test func anIndexOfAnotherVersionIsRebuilt() throws {
        let folder = try SessionIndexSearchTests.filled()
        defer { folder.remove() }
        let before = try Self.answers(folder.index())
        try SQLiteDatabase(path: folder.indexPath, create: false).execute("PRAGMA user_version = 99; DELETE FROM sessions")
        #expect(try Self.answers(folder.index()) == before)
        try SQLiteDatabase(path: folder.indexPath, create: false).execute("PRAGMA application_id = 7")
        #expect(try Self.answers(folder.index()) == before)
    }

    @Test func aFileThatIsNotAnIndexIsReplaced() throws {
        let folder = try SessionIndexSearchTests.filled()
        defer { folder.remove() }
        try folder.write("not a database at all", to: SessionIndex.fileName)
        #expect(try folder.index().list().map(\.name) == ["new", "mid", "old"])
    }

    @Test func aTouchedFileIsReadAgain() throws {
        let folder = try SessionIndexSearchTests.filled()
        defer { folder.remove() }
        let index = folder.index()
        #expect(try index.list().map(\.name) == ["new", "mid", "old"])
        try folder.setModified("old", 5_000)
        #expect(try index.list().map(\.name) == ["old", "new", "mid"])
        #expect(try index.list().first?.modified == 5_000)
    }

    @Test func changedNewAndDeletedFilesAreSeenAtTheNextAnswer() throws {
        let folder = try SessionIndexSearchTests.filled()
        defer { folder.remove() }
        let index = folder.index()
        #expect(try index.search("milk").map(\.summary.name) == ["new"])
        // Another process saves: the same name, other content, and the same time.
        try folder.save("new", Fixture.chat("now about tea", "Boil the water."), at: 3_000)
        #expect(try index.search("milk") == [])
        #expect(try index.search("tea").map(\.summary.name) == ["new"])
        try folder.save("added", Fixture.chat("a fresh one about tea"), at: 4_000)
        #expect(try index.search("tea").map(\.summary.name).sorted() == ["added", "new"])
        try FileManager.default.removeItem(atPath: folder.directory.file(named: "new"))
        #expect(try index.search("tea").map(\.summary.name) == ["added"])
        #expect(try index.list().map(\.name) == ["added", "mid", "old"])
    }

    @Test func filesThatAreNotConversationsAreListedNowhere() throws {
        let folder = try SessionIndexSearchTests.filled()
        defer { folder.remove() }
        try folder.write("{ not json", to: "broken.json")
        try folder.write(#"{"version": 99, "model": "m", "messages": [{"role":"user","content":"from the future"}]}"#, to: "newer.json")
        try folder.write(#"{"version": 3, "model": "m", "messages": [{"role":"robot","content":"odd role"}]}"#, to: "odd.json")
        try FileManager.default.createDirectory(atPath: folder.directory.path + "/folder.json", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: folder.directory.path + "/link.json", withDestinationPath: folder.directory.file(named: "old"))
        try folder.write("hidden", to: ".hidden.json")
        let index = folder.index()
        #expect(try index.list().map(\.name) == ["new", "mid", "old"])
        #expect(try index.search("future") == [])
        #expect(try index.search("odd") == [])
        #expect(try index.search("swift").map(\.summary.name) == ["old"])
        // Mended, it appears.
        try folder.save("broken", Fixture.chat("mended at last"), at: 9_000)
        #expect(try index.search("mended").map(\.summary.name) == ["broken"])
    }

    @Test func aSessionWhoseAttachmentCopyIsGoneIsStillListed() throws {
        let folder = try Fixture()
        defer { folder.remove() }
        let image = ChatCore.Attachment(
            id: "00000000000000bb", kind: .image, name: "scan.png", mediaType: "image/png", byteCount: 4, source: .data(base64: "AAAA"))
        try folder.save("pic", [ChatMessage(role: .user, parts: [.text("look at this"), .attachment(image)])], at: 1)
        try FileManager.default.removeItem(atPath: folder.directory.path + "/attachments")
        #expect(try folder.index().search("scan").map(\.summary.name) == ["pic"])
    }

    @Test func didSaveIndexesWhatTheAutosaveAddedAndWhatItTookBack() throws {
        let folder = try Fixture()
        defer { folder.remove() }
        let index = folder.index()
        var messages = Fixture.chat("first question about rust", "first answer")
        index.didSave("s", archive: try folder.save("s", messages, at: 1))
        messages += Fixture.chat("second question about go", "second answer")
        index.didSave("s", archive: try folder.save("s", messages, at: 2))
        #expect(try index.search("go").map(\.summary.name) == ["s"])
        // /undo and a different turn in its place.
        messages.removeLast(2)
        messages += Fixture.chat("instead about zig", "zig answer")
        index.didSave("s", archive: try folder.save("s", messages, at: 3))
        #expect(try index.search("go") == [])
        #expect(try index.search("zig rust").map(\.summary.name) == ["s"])
        #expect(
            try index.list() == [SessionSummary(name: "s", modified: 3, turns: 2, model: "m/x", firstUserLine: "first question about rust")]
        )
        let answers = try Self.answers(index)
        try FileManager.default.removeItem(atPath: folder.indexPath)
        #expect(try Self.answers(folder.index()) == answers)
    }

    @Test func afterDidSaveTheScanDoesNotReadTheFileAgain() throws {
        let folder = try Fixture()
        defer { folder.remove() }
        let index = folder.index()
        try folder.save("s", Fixture.chat("on disk"), at: 1)
        // The row is what didSave was told; the file's stamp is recorded, so it stays.
        index.didSave("s", archive: SessionArchive(model: "m", systemPrompt: nil, messages: [.user("told to the index")]))
        #expect(try index.search("told").map(\.summary.name) == ["s"])
        #expect(try index.search("disk") == [])
    }

    @Test func didSaveOfAFileThatIsNotThereChangesNothing() throws {
        let folder = try Fixture()
        defer { folder.remove() }
        folder.index().didSave("ghost", archive: SessionArchive(model: "m", systemPrompt: nil, messages: [.user("boo")]))
        #expect(try folder.index().list() == [])
    }
}
