import ChatProcess
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A child's log, else `/dev/null`, else a failure: never our own standard error.
@Suite struct PrivateLogTests {
    @Test func aLogThatCannotBeWrittenIsDiscardedSayingWhy() throws {
        let directory = try TemporaryDirectory(prefix: "privatelog")
        defer { directory.remove() }
        // A file where the folder should be.
        let blocked = directory.path + "/file"
        #expect(FileManager.default.createFile(atPath: blocked, contents: Data()))
        let opened = try PrivateLog.openOrDiscard(directory: blocked, file: "x.log")
        defer { close(opened.descriptor) }
        #expect(opened.descriptor > 2)
        #expect(opened.path == nil)
        #expect(opened.unwritable == SystemCallFailure(call: "open", subject: blocked + "/x.log", errno: ENOTDIR))
    }

    @Test func whenNeitherTheLogNorTheDiscardOpensItIsAFailure() throws {
        let directory = try TemporaryDirectory(prefix: "privatelog")
        defer { directory.remove() }
        let blocked = directory.path + "/file"
        #expect(FileManager.default.createFile(atPath: blocked, contents: Data()))
        #expect(throws: SystemCallFailure(call: "open", subject: "/nonexistent/null", errno: ENOENT)) {
            try PrivateLog.openOrDiscard(directory: blocked, file: "x.log", discard: "/nonexistent/null")
        }
    }

    @Test func aLogThatOpensIsNamed() throws {
        let directory = try TemporaryDirectory(prefix: "privatelog")
        defer { directory.remove() }
        let opened = try PrivateLog.openOrDiscard(directory: directory.path + "/logs", file: "x.log")
        defer { close(opened.descriptor) }
        #expect(opened.path == directory.path + "/logs/x.log")
        #expect(opened.unwritable == nil)
    }
}
