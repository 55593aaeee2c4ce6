import Foundation
import Testing

@testable import ChatCore

@Suite struct TextAndPathsTests {
    @Test func trimmingWhitespaceMatchesFoundation() {
        for text in ["", "   ", " a ", "\t\na b\r\n", "x", "  \u{00A0}é\u{2003} ", "👋🏽 \n"] {
            #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.debugDescription)")
        }
    }

    @Test(arguments: ["/a/b.txt", "/a/b/", "/a", "/", "b.txt", "a/b", "a/b//", "//x", ""])
    func pathComponentsMatchNSString(_ path: String) {
        #expect(PathText.lastComponent(path) == (path as NSString).lastPathComponent)
        #expect(PathText.deletingLastComponent(path) == (path as NSString).deletingLastPathComponent)
    }

    @Test func tildeExpandsToTheHomeDirectory() {
        #expect(PathText.expandingTilde("~", home: "/home/u") == "/home/u")
        #expect(PathText.expandingTilde("~/notes.md", home: "/home/u/") == "/home/u/notes.md")
        #expect(PathText.expandingTilde("/tmp/~x", home: "/home/u") == "/tmp/~x")
        #expect(PathText.expandingTilde("~root/x").hasSuffix("/x"))
        #expect(!PathText.expandingTilde("~root/x").hasPrefix("~"))
        #expect(PathText.expandingTilde("~no-such-user-here/x") == "~no-such-user-here/x")
    }

    @Test func fileBytesReadsWithALimitAndNamesFailures() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("filebytes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/data.bin"
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
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
