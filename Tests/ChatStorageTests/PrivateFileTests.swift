import ChatCore
import Foundation
import Testing

@testable import ChatStorage

@Suite struct PrivateFileTests {
    func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "bfc-private-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aSymlinkAtTheTargetIsReplacedAndItsTargetUntouched() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let victim = dir + "/victim"
        try "keep".write(toFile: victim, atomically: false, encoding: .utf8)
        chmod(victim, 0o644)
        try FileManager.default.createSymbolicLink(atPath: dir + "/out.json", withDestinationPath: victim)
        try PrivateFile.write(Array("new".utf8), to: dir + "/out.json")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep")
        #expect((try FileManager.default.attributesOfItem(atPath: victim)[.posixPermissions] as? Int) == 0o644)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/out.json")
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
    }

    @Test func temporaryNamesAreUnpredictableSoAPlantedLinkIsNeverWrittenThrough() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let victim = dir + "/victim"
        try "keep".write(toFile: victim, atomically: false, encoding: .utf8)
        // The name earlier versions used, planted as a link.
        try FileManager.default.createSymbolicLink(atPath: dir + "/.out.json.\(getpid()).tmp", withDestinationPath: victim)
        let suffixes = Set((0..<50).map { _ in PrivateFile.randomSuffix() })
        #expect(suffixes.count == 50)
        try PrivateFile.write(Array("new".utf8), to: dir + "/out.json")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep")
        #expect(try String(contentsOfFile: dir + "/out.json", encoding: .utf8) == "new")
    }

    @Test func modeIs0600WhateverTheUmask() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let old = umask(0o077)
        defer { umask(old) }
        try PrivateFile.write([1], to: dir + "/a")
        umask(0)
        try PrivateFile.write([1], to: dir + "/b")
        for name in ["a", "b"] {
            #expect((try FileManager.default.attributesOfItem(atPath: dir + "/" + name)[.posixPermissions] as? Int) == 0o600)
        }
    }

    @Test func creatingOnlyRefusesAnExistingFileAndAutosaveTakesTheNextName() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try PrivateFile.write([1], to: dir + "/s.json", creatingOnly: true)
        #expect(throws: PrivateFile.WriteError.self) { try PrivateFile.write([2], to: dir + "/s.json", creatingOnly: true) }
        let directory = SessionDirectory(stateDirectory: dir)
        let first = ConversationFile.new("n", in: directory, now: 1)
        let second = ConversationFile.new("n", in: directory, now: 1)
        var one = ChatSession(model: "m")
        one.beginTurn(user: .user("one"))
        var two = ChatSession(model: "m")
        two.beginTurn(user: .user("two"))
        try first.record(one)
        try second.record(two)
        one.appendAnswer(.assistant("1"))
        try first.record(one)
        #expect(first.name == "n")
        #expect(second.name == "n-2")
        #expect(try ArchiveFiles.load(from: directory.journalPath("n"), attachments: directory.attachments).tree.count == 2)
        #expect(try ArchiveFiles.load(from: directory.journalPath("n-2")).tree.branchMessages.map(\.content) == ["two"])
    }
}
