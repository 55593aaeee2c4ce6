import Foundation
import TestSupport
import Testing

@Suite struct TemporaryDirectoryTests {
    @Test func eachIsNewAndRemoveTakesItsContentsToo() throws {
        let first = try TemporaryDirectory(prefix: "tmp-tests")
        let second = try TemporaryDirectory(prefix: "tmp-tests")
        #expect(first.path != second.path)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: first.path, isDirectory: &isDirectory) && isDirectory.boolValue)
        #expect(URL(fileURLWithPath: first.path).lastPathComponent.hasPrefix("tmp-tests-"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: first.path).isEmpty)
        try FileManager.default.createDirectory(atPath: first.path + "/inner", withIntermediateDirectories: true)
        try "x".write(toFile: first.path + "/inner/file", atomically: true, encoding: .utf8)
        first.remove()
        second.remove()
        #expect(!FileManager.default.fileExists(atPath: first.path))
        #expect(!FileManager.default.fileExists(atPath: second.path))
    }
}
