import ChatCore
import Foundation
import Testing

@testable import ChatStorage

@Suite struct LineHistoryFileTests {
    func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "bfc-history-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func entriesRoundTripWithSpacesNewlinesAndBackslashes() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = LineHistoryFile(path: dir + "/sub/history")
        let lines = ["plain", "with space", "multi\nline", #"back\slash \040 literal"#, "Привет 👋", "tab\there"]
        for line in lines { try file.append(line) }
        #expect(try file.load() == lines)
        let raw = try String(contentsOfFile: dir + "/sub/history", encoding: .utf8)
        #expect(raw.hasPrefix("_HiStOrY_V2_\n"))
        #expect(raw.contains(#"with\040space"#))
    }

    @Test func twoWritersInterleavedLoseNothing() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/history"
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<2 {
                group.addTask {
                    let file = LineHistoryFile(path: path, limit: 1000)
                    for index in 0..<200 { try? file.append("w\(writer)-\(index)") }
                }
            }
        }
        let loaded = try LineHistoryFile(path: path, limit: 1000).load()
        #expect(Set(loaded).count == 400)
    }

    @Test func theFileIsCompactedToTheNewestEntriesOnceItHoldsTwiceTheLimit() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = LineHistoryFile(path: dir + "/history", limit: 5)
        for index in 0..<11 { try file.append("l\(index)") }
        #expect(try file.load() == (6..<11).map { "l\($0)" })
        let raw = try String(contentsOfFile: dir + "/history", encoding: .utf8)
        #expect(raw.split(separator: "\n").count <= 11)
        #expect(!raw.contains("l0\n"))
    }

    @Test func aSymlinkIsNeitherReadNorWrittenThroughAndItsTargetKeepsItsMode() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let victim = dir + "/victim"
        try "_HiStOrY_V2_\nsecret\n".write(toFile: victim, atomically: false, encoding: .utf8)
        chmod(victim, 0o644)
        try FileManager.default.createSymbolicLink(atPath: dir + "/history", withDestinationPath: victim)
        let file = LineHistoryFile(path: dir + "/history")
        #expect(try file.load() == [])
        try file.append("mine")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "_HiStOrY_V2_\nsecret\n")
        #expect((try FileManager.default.attributesOfItem(atPath: victim)[.posixPermissions] as? Int) == 0o644)
        #expect(try file.load() == ["mine"])
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/history")
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
    }

    @Test func aWideFileFromAnOlderVersionIsNarrowedThroughItsDescriptor() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/history"
        try "_HiStOrY_V2_\nold\\040line\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o644)
        let file = LineHistoryFile(path: path)
        #expect(try file.load() == ["old line"])
        try file.append("new")
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        #expect(try file.load() == ["old line", "new"])
    }
}
