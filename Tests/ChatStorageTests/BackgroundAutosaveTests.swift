import ChatCore
import Foundation
import Synchronization
import Testing

@testable import ChatStorage

/// The save after a turn is written behind the prompt, in order; everything else waits for it.
@Suite(.timeLimit(.minutes(1))) struct BackgroundAutosaveTests {
    func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "bfc-background-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func archive(turns: Int) -> SessionArchive {
        var messages: [ChatMessage] = []
        for turn in 1...turns { messages += [.user("question \(turn)"), .assistant("answer \(turn)")] }
        return SessionArchive(model: "m/x", systemPrompt: nil, messages: messages)
    }

    @Test func savesInTheBackgroundLandInOrderAndFlushWaitsForThem() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = AutosaveFile(path: dir + "/talk.json", claimed: true)
        let indexed = Mutex<[Int]>([])
        let files = SessionFiles(
            autosave: file, attachments: AttachmentCopies(directory: dir + "/attachments"), now: { 7 },
            didSave: { _, archive, _ in indexed.withLock { $0.append(archive.messages.count) } })
        for turns in 1...20 { try files.autosaveInBackground(archive(turns: turns)) }
        try files.flush()
        let saved = try file.load()
        #expect(saved.messages.count == 40)
        #expect(saved.messages.last?.content == "answer 20")
        // The index was told of each save, in the order they were made.
        #expect(indexed.withLock { $0 } == (1...20).map { $0 * 2 })
    }

    @Test func aSaveThatWaitsComesAfterTheOnesInTheBackground() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = AutosaveFile(path: dir + "/talk.json", claimed: true)
        let files = SessionFiles(autosave: file, attachments: AttachmentCopies(directory: dir + "/attachments"), now: { 7 })
        for turns in 1...10 { try files.autosaveInBackground(archive(turns: turns)) }
        // The save before a request: on disk when it returns, never overwritten by an older one.
        let ten = archive(turns: 10)
        let pending = SessionArchive(
            model: ten.model, systemPrompt: ten.systemPrompt, messages: ten.messages, usage: ten.usage, pending: .user("unanswered"))
        try files.autosave(pending)
        #expect(try file.load().pending?.content == "unanswered")
        try files.flush()
        #expect(try file.load().pending?.content == "unanswered")
    }

    @Test func aBackgroundFailureIsSaidByTheNextSaveOnce() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The sessions folder is a file: every save fails.
        let blocked = dir + "/blocked"
        FileManager.default.createFile(atPath: blocked, contents: Data("x".utf8))
        let file = AutosaveFile(path: blocked + "/talk.json", claimed: true)
        let files = SessionFiles(autosave: file, attachments: AttachmentCopies(directory: dir + "/attachments"), now: { 7 })
        try files.autosaveInBackground(archive(turns: 1))
        #expect(throws: StorageError.self) { try files.flush() }
        // Said once: the failure is not thrown again by a flush with nothing new.
        try files.flush()
    }

    @Test func renameWaitsForTheSaveOnItsWay() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let directory = SessionDirectory(stateDirectory: dir)
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        let file = AutosaveFile(path: try directory.file(named: "old"), claimed: false, attachments: directory.attachments)
        let files = SessionFiles(autosave: file, attachments: directory.attachments, directory: directory, now: { 7 })
        try files.autosaveInBackground(archive(turns: 3))
        try files.renameAutosave(to: "new")
        #expect(files.autosaveName == "new")
        #expect(!FileManager.default.fileExists(atPath: try directory.file(named: "old")))
        #expect(try ArchiveFiles.load(from: directory.file(named: "new")).messages.count == 6)
    }

    @Test func theCallerDoesNotWaitForTheDisk() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = AutosaveFile(path: dir + "/talk.json", claimed: true)
        // The first save's index update holds the queue until the test lets it go.
        let gate = DispatchSemaphore(value: 0)
        let first = Mutex(true)
        let files = SessionFiles(
            autosave: file, attachments: AttachmentCopies(directory: dir + "/attachments"), now: { 7 },
            didSave: { _, _, _ in
                if first.withLock({ isFirst in
                    defer { isFirst = false }
                    return isFirst
                }) {
                    gate.wait()
                }
            })
        try files.autosaveInBackground(archive(turns: 1))
        // These return while the queue is held: nothing of theirs is on disk yet.
        for turns in 2...5 { try files.autosaveInBackground(archive(turns: turns)) }
        #expect(try waitForFile(file) == 2)
        gate.signal()
        try files.flush()
        #expect(try file.load().messages.count == 10)
    }

    /// The number of messages in the file once it exists (the first save is being written).
    private func waitForFile(_ file: AutosaveFile) throws -> Int {
        for _ in 0..<10_000 {
            if let archive = try? file.load() { return archive.messages.count }
            usleep(1000)
        }
        return -1
    }
}
