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

    func scratch() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("filebytes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func fileBytesReadsUpToItsCapAndNamesFailures() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/data.bin"
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        #expect(try FileBytes.contents(of: path, maxBytes: 200_000) == bytes)
        // One byte over the cap is refused, never cut.
        #expect(throws: FileBytes.ReadError(kind: .tooLarge(limit: 199_999), code: 0, reason: "larger than 199999 bytes")) {
            try FileBytes.contents(of: path, maxBytes: 199_999)
        }
        #expect(throws: FileBytes.ReadError.self) { try FileBytes.contents(of: directory + "/missing", maxBytes: 10) }
        do {
            _ = try FileBytes.contents(of: directory, maxBytes: 10)
            Issue.record("a directory was read")
        } catch {
            #expect(error.code == EISDIR)
            #expect(error.reason == "Is a directory")
        }
    }

    @Test func onlyRegularFilesAreReadAndAFIFONeverWaits() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fifo = directory + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        // Nothing writes to it: opened without O_NONBLOCK, this would wait forever.
        #expect(throws: FileBytes.ReadError(kind: .notRegularFile(what: "a FIFO"), code: 0, reason: "it is a FIFO, not a regular file")) {
            try FileBytes.contents(of: fifo, maxBytes: 10)
        }
        #expect(throws: FileBytes.ReadError.self) { try FileBytes.Reader(path: fifo) }
        let device = FileBytes.ReadError(
            kind: .notRegularFile(what: "a character device"), code: 0, reason: "it is a character device, not a regular file")
        #expect(throws: device) { try FileBytes.contents(of: "/dev/zero", maxBytes: 10) }
        #expect(throws: device) { try FileBytes.Reader(path: "/dev/zero") }
    }

    @Test func aDescriptorIsReadToItsEndOrOneBytePastTheCap() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let text = Array("twelve bytes".utf8)
        #expect(write(fds[1], text, text.count) == text.count)
        close(fds[1])
        #expect(try FileBytes.read(descriptor: fds[0], maxBytes: 12) == text)

        // An endless input (a writer that never stops) ends at the cap.
        let zero = open("/dev/zero", O_RDONLY)
        defer { close(zero) }
        #expect(throws: FileBytes.ReadError(kind: .tooLarge(limit: 100_000), code: 0, reason: "larger than 100000 bytes")) {
            try FileBytes.read(descriptor: zero, maxBytes: 100_000)
        }
    }
}
