import ChatCore
import Foundation
import Testing

@testable import ChatStorage

@Suite struct FileBytesTests {
    @Test func tildeExpandsToTheHomeDirectory() {
        #expect(PathExpansion.expandingTilde("~", home: "/home/u") == "/home/u")
        #expect(PathExpansion.expandingTilde("~/notes.md", home: "/home/u/") == "/home/u/notes.md")
        #expect(PathExpansion.expandingTilde("/tmp/~x", home: "/home/u") == "/tmp/~x")
        #expect(PathExpansion.expandingTilde("~root/x").hasSuffix("/x"))
        #expect(!PathExpansion.expandingTilde("~root/x").hasPrefix("~"))
        #expect(PathExpansion.expandingTilde("~no-such-user-here/x") == "~no-such-user-here/x")
    }

    @Test func fileBytesReadsWithALimitAndNamesFailures() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("filebytes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/data.bin"
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        #expect(try FileBytes.contents(of: path) == bytes)
        #expect(try FileBytes.contents(of: path, limit: 70_001) == Array(bytes.prefix(70_001)))
        #expect(throws: FileBytes.ReadError.self) { try FileBytes.contents(of: directory + "/missing") }
        do {
            _ = try FileBytes.contents(of: directory)
            Issue.record("a directory was read")
        } catch {
            #expect(error.code == EISDIR)
            #expect(error.reason == "Is a directory")
        }
    }
}
