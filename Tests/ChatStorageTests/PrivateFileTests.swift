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
        let first = AutosaveFile(path: dir + "/n.json", claimed: false)
        let second = AutosaveFile(path: dir + "/n.json", claimed: false)
        try first.save(SessionArchive(model: "m", systemPrompt: nil, messages: [.user("one")]), now: 1)
        try second.save(SessionArchive(model: "m", systemPrompt: nil, messages: [.user("two")]), now: 1)
        try first.save(SessionArchive(model: "m", systemPrompt: nil, messages: [.user("one"), .assistant("1")]), now: 2)
        #expect(first.path == dir + "/n.json")
        #expect(second.path == dir + "/n-2.json")
        #expect(
            try ArchiveFiles.load(from: dir + "/n.json", attachments: AttachmentCopies(directory: dir + "/attachments")).messages.count == 2
        )
        #expect(
            try ArchiveFiles.load(from: dir + "/n-2.json", attachments: AttachmentCopies(directory: dir + "/attachments")).tree
                .branchMessages.map(
                    \.content) == ["two"])
    }
}
