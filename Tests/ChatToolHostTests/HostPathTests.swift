import ChatProcess
import Foundation
import TestSupport
import Testing

@testable import ChatToolHost

/// Where the tool host is looked for: only an executable file counts, never a folder of the
/// same name (the x bit of a folder means it may be entered, not run).
@Suite struct HostPathTests {
    /// `beside/bankfuture-chat` (not created), a folder `beside/bankfuture-chat-tools`, a folder
    /// `folder/bankfuture-chat-tools` and a program `program/bankfuture-chat-tools`.
    private static func layout() throws -> (directory: TemporaryDirectory, root: String, executable: String) {
        let directory = try TemporaryDirectory(prefix: "hostpath")
        let root = directory.path
        let files = FileManager.default
        for folder in ["beside/bankfuture-chat-tools", "folder/bankfuture-chat-tools", "program"] {
            try files.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        #expect(files.createFile(atPath: root + "/program/bankfuture-chat-tools", contents: Data("#!/bin/sh\n".utf8)))
        try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root + "/program/bankfuture-chat-tools")
        return (directory, root, root + "/beside/bankfuture-chat")
    }

    @Test func aFolderBesideThisExecutableOrOnPATHIsPassedOver() throws {
        let (directory, root, executable) = try Self.layout()
        defer { directory.remove() }
        let found = ToolHostClient.hostPath(named: nil, executable: executable, searchPath: "\(root)/folder:\(root)/program")
        #expect(found == root + "/program/bankfuture-chat-tools")
    }

    @Test func theVariableWinsAndTheSiblingIsNamedWhenNothingIsFound() throws {
        let (directory, root, executable) = try Self.layout()
        defer { directory.remove() }
        #expect(ToolHostClient.hostPath(named: "/x/host", executable: executable, searchPath: nil) == "/x/host")
        #expect(
            ToolHostClient.hostPath(named: "", executable: executable, searchPath: "\(root)/folder") == root
                + "/beside/bankfuture-chat-tools")
        #expect(ToolHostClient.hostPath(named: nil, executable: nil, searchPath: "\(root)/folder") == nil)
    }

    @Test func aRelativeFolderOfPATHIsNotSearchedForTheHost() throws {
        let (directory, root, _) = try Self.layout()
        defer { directory.remove() }
        // The same folder, reached from the working directory.
        let depth = FileManager.default.currentDirectoryPath.split(separator: "/").count
        let relative = String(repeating: "../", count: depth) + root.dropFirst() + "/program"
        #expect(ToolHostClient.hostPath(named: nil, executable: nil, searchPath: relative) == nil)
        #expect(ExecutableSearch.find("bankfuture-chat-tools", searchPath: relative) == relative + "/bankfuture-chat-tools")
    }

    @Test func theSearchTakesTheFirstExecutableFileAndNothingElse() throws {
        let (directory, root, _) = try Self.layout()
        defer { directory.remove() }
        #expect(!ExecutableSearch.isExecutableFile(root + "/folder/bankfuture-chat-tools"))
        #expect(ExecutableSearch.isExecutableFile(root + "/program/bankfuture-chat-tools"))
        #expect(
            ExecutableSearch.find("bankfuture-chat-tools", searchPath: "::\(root)/folder::\(root)/program") == root
                + "/program/bankfuture-chat-tools")
        #expect(ExecutableSearch.find("bankfuture-chat-tools", searchPath: "\(root)/folder:\(root)/beside") == nil)
    }
}
