import ChatCore
import Foundation
import Synchronization
import Testing

@testable import ChatStorage

/// `--delete-session` and `/rename` through the catalog, and two writers on one index.
@Suite struct SessionIndexChangeTests {
    typealias Fixture = SessionFolderFixture

    static func image(_ id: String) -> ChatCore.Attachment {
        ChatCore.Attachment(id: id, kind: .image, name: "\(id).png", mediaType: "image/png", byteCount: 3, source: .data(base64: "AAAA"))
    }

    @Test func deleteRemovesTheFileTheRowAndTheCopiesNoOtherSessionNames() throws {
        let folder = try Fixture()
        defer { folder.remove() }
        let own = Self.image("00000000000000c1")
        let shared = Self.image("00000000000000c2")
        try folder.save(
            "gone", [ChatMessage(role: .user, parts: [.text("delete me please"), .attachment(own), .attachment(shared)])], at: 1)
        try folder.save("kept", [ChatMessage(role: .user, parts: [.text("keep me"), .attachment(shared)])], at: 2)
        let index = folder.index()
        #expect(try index.search("please").map(\.summary.name) == ["gone"])
        try index.delete("gone")
        #expect(!folder.exists("gone.jsonl"))
        #expect(!folder.exists("attachments/00000000000000c1.b64"))
        #expect(folder.exists("attachments/00000000000000c2.b64"))
        #expect(try index.search("please") == [])
        #expect(try index.list().map(\.name) == ["kept"])
        #expect(try folder.index().list().map(\.name) == ["kept"])
    }

    @Test func deletingASessionThatIsNotThereIsOneLine() throws {
        let folder = try Fixture()
        defer { folder.remove() }
        #expect(throws: StorageError("no session named nope")) { try folder.index().delete("nope") }
    }

    @Test func renameMovesTheFileAndTheRow() throws {
        let folder = try SessionIndexSearchTests.filled()
        defer { folder.remove() }
        let index = folder.index()
        #expect(try index.search("swift").map(\.summary.name) == ["old"])
        try index.rename("old", to: "swift-actors")
        #expect(!folder.exists("old.jsonl"))
        #expect(folder.exists("swift-actors.jsonl"))
        #expect(try index.search("swift").map(\.summary.name) == ["swift-actors"])
        #expect(try index.list().map(\.name) == ["new", "mid", "swift-actors"])
        #expect(try index.list().last?.modified == 1_000, "a rename is not a change of the conversation")
    }

    @Test func renameRefusesAnExistingTargetAndChangesNothing() throws {
        let folder = try SessionIndexSearchTests.filled()
        defer { folder.remove() }
        let index = folder.index()
        let before = try index.list()
        #expect(
            throws: StorageError("a session named mid exists already; choose another name or delete that one first")
        ) { try index.rename("old", to: "mid") }
        #expect(throws: StorageError("no session named nope")) { try index.rename("nope", to: "other") }
        #expect(try index.list() == before)
        #expect(try index.search("привет").map(\.summary.name) == ["mid"])
    }

    /// Two instances are two connections, as two processes would have; each thread saves its
    /// own sessions and searches while the other writes. (A second process would test the
    /// same SQLite locking through the same calls; the test binary does not re-run itself.)
    @Test func twoWritersAtOnceLeaveAWholeIndex() throws {
        let folder = try Fixture()
        defer { folder.remove() }
        let rounds = 40
        let failures = ThreadReports()
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            let index = folder.index()
            for round in 0..<rounds {
                do {
                    let name = "w\(writer)-\(round % 5)"
                    let messages = Fixture.chat("writer \(writer) round \(round) token\(writer)x\(round)", "answer \(round)")
                    index.didSave(name, archive: try folder.save(name, messages, at: Double(round)))
                    _ = try index.search("writer")
                    if round % 10 == 0 { _ = try index.list() }
                } catch {
                    failures.add("\(error)")
                }
            }
        }
        #expect(failures.all.isEmpty)
        #expect(try SessionIndexRecoveryTests.integrity(folder) == "ok")
        let index = folder.index()
        #expect(try index.list().count == 10)
        for writer in 0..<2 {
            for round in rounds - 5..<rounds {
                #expect(try index.search("token\(writer)x\(round)").map(\.summary.name) == ["w\(writer)-\(round % 5)"])
            }
        }
    }

    @Test func twoFirstBuildsAtOnceBothAnswerInFull() throws {
        let folder = try Fixture()
        defer { folder.remove() }
        for number in 0..<60 {
            try folder.save("s\(number)", Fixture.chat("conversation number \(number) about sqlite"), at: Double(number))
        }
        let counts = ThreadReports()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            do {
                counts.add("\(try folder.index().search("sqlite").count)")
            } catch {
                counts.add("\(error)")
            }
        }
        #expect(counts.all == ["60", "60"])
    }
}

/// What the threads of a test report, collected under a lock.
final class ThreadReports: Sendable {
    private let items = Mutex<[String]>([])
    func add(_ item: String) { items.withLock { $0.append(item) } }
    var all: [String] { items.withLock { $0 } }
}
