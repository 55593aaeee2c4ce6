import ChatCore
import Foundation
import Testing

@testable import ChatStorage

/// One writer per saved conversation, and the leftovers of a killed save.
@Suite struct SessionLockTests {
    func scratch() throws -> SessionDirectory {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("bfc-lock-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        return SessionDirectory(stateDirectory: state)
    }

    func remove(_ directory: SessionDirectory) {
        try? FileManager.default.removeItem(atPath: PathText.deletingLastComponent(directory.path))
    }

    static func archive(_ text: String) -> SessionArchive {
        SessionArchive(model: "m", systemPrompt: nil, messages: [.user(text)])
    }

    @Test func aLockedSessionIsRefusedUntilItsHolderLetsGo() throws {
        let directory = try scratch()
        defer { remove(directory) }
        // flock locks belong to an open file: a second open in this process conflicts as another process would.
        var held = try #require(try SessionLock.acquire("talk", in: directory))
        #expect(throws: SessionLockError(name: "talk")) { try SessionLock.acquire("talk", in: directory) }
        #expect(try SessionLock.acquire("other", in: directory) != nil)
        #expect(held.name == "talk")  // held until here
        held = try #require(try SessionLock.acquire("third", in: directory))  // the lock on "talk" is released
        #expect(held.name == "third")
        #expect(try SessionLock.acquire("talk", in: directory) != nil)
    }

    @Test func switchingAndRenamingMoveTheLock() throws {
        let directory = try scratch()
        defer { remove(directory) }
        // The conversation file holds the only reference to the lock, as the chat's does.
        let files = SessionFiles(file: try SessionFiles.open("first", in: directory, now: 1).file, directory: directory, now: { 1 })
        try files.record(ChatSession(resuming: Self.archive("hello")))
        #expect(throws: SessionLockError.self) { try SessionLock.acquire("first", in: directory) }
        _ = try files.switchTo(session: "second")
        _ = try SessionLock.acquire("first", in: directory)  // free once left
        #expect(throws: SessionLockError.self) { try SessionLock.acquire("second", in: directory) }
        try files.renameAutosave(to: "renamed", session: ChatSession(model: "m"))
        #expect(throws: SessionLockError.self) { try SessionLock.acquire("renamed", in: directory) }
        #expect(try SessionLock.acquire("second", in: directory) != nil)
        // Another process's session is refused by /session and /rename alike.
        let elsewhere = try #require(try SessionLock.acquire("elsewhere", in: directory))
        #expect(throws: StorageError.self) { try files.switchTo(session: "elsewhere") }
        #expect(throws: StorageError.self) { try files.renameAutosave(to: "elsewhere", session: ChatSession(model: "m")) }
        #expect(elsewhere.name == "elsewhere")  // held until here
        #expect(files.autosaveName == "renamed")
    }

    @Test func aNewSessionSkipsANameOpenElsewhereThatHasNoFileYet() throws {
        let directory = try scratch()
        defer { remove(directory) }
        let other = try #require(try SessionLock.acquire("20261208-120000", in: directory))
        let file = ConversationFile.new("20261208-120000", in: directory, now: 1)
        try file.record(ChatSession(resuming: Self.archive("hi")))
        #expect(other.name == "20261208-120000")  // held until here
        #expect(file.name == "20261208-120000-2")
        #expect(throws: SessionLockError.self) { try SessionLock.acquire("20261208-120000-2", in: directory) }
    }

    @Test func continueTakesTheNewestUnlockedSession() throws {
        let directory = try scratch()
        defer { remove(directory) }
        for (name, time) in [("old", 1_000.0), ("new", 2_000.0)] {
            try directory.write(Self.archive(name), named: name, now: time)
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: time)], ofItemAtPath: directory.file(named: name))
        }
        let held = try #require(try SessionLock.acquire("new", in: directory))
        let picked = try #require(directory.mostRecentUnlocked())
        #expect(picked.name == "old")
        #expect(picked.lock != nil)
        #expect(directory.mostRecentUnlocked() == nil, "both are open now")
        #expect(held.name == "new" && picked.lock?.name == "old")  // both held until here
    }

    @Test func staleTemporaryFilesGoAndOthersStay() throws {
        let directory = try scratch()
        defer { remove(directory) }
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        let names = [
            ".a.json.0123456789abcdef.tmp", ".b.json.0123456789abcdef.tmp", ".c.json.0123456789ABCDEF.tmp", ".d.json.tmp", "e.json",
        ]
        for name in names { FileManager.default.createFile(atPath: directory.path + "/" + name, contents: Data()) }
        for name in names where name != ".b.json.0123456789abcdef.tmp" {
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: 1_000)], ofItemAtPath: directory.path + "/" + name)
        }
        let now = Date().timeIntervalSince1970
        #expect(PrivateFile.removeStaleTemporaryFiles(in: directory.path, now: now) == 1)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(left == [".b.json.0123456789abcdef.tmp", ".c.json.0123456789ABCDEF.tmp", ".d.json.tmp", "e.json"])
        #expect(PrivateFile.isTemporaryName(".x." + PrivateFile.randomSuffix() + ".tmp"))
    }
}
