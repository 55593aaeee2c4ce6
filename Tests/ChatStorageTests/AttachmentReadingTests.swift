import ChatCore
import ChatStorage
import Foundation
import Testing

/// Attachments are recognised by their bytes and base64-encoded as they are read, in pieces:
/// the result is the base64 of the whole file, whatever its size.
@Suite struct AttachmentReadingTests {
    let folder: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bfc-attach-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let pngHeader: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    func image(_ count: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return Self.pngHeader + (0..<max(0, count - 8)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    @Test(arguments: [8, 16, 17, 18, 19, 65_536, 786_432, 786_433, 786_434, 786_448, 2_000_001])
    func theBase64IsThatOfTheWholeFile(_ size: Int) throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bytes = image(size)
        let path = try write("a.png", bytes)
        let loaded = try AttachmentFiles(maxBytes: 3_000_000).file(path)
        guard case .attachment(let attachment) = loaded else {
            Issue.record("not an attachment: \(loaded)")
            return
        }
        #expect(attachment.kind == .image && attachment.mediaType == "image/png")
        #expect(attachment.byteCount == size)
        #expect(attachment.source == .data(base64: Data(bytes).base64EncodedString()))
    }

    @Test func overTheLimitIsRefusedAndATextFileIsInlined() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let big = try write("big.png", image(1_000_001))
        #expect(throws: UsageError.self) { try AttachmentFiles(maxBytes: 1_000_000).file(big) }
        let exactly = try write("exact.png", image(1_000_000))
        #expect(throws: Never.self) { try AttachmentFiles(maxBytes: 1_000_000).file(exactly) }
        // Longer than the first read, with a character across the boundary of the first 16 bytes.
        let text = String(repeating: "é", count: 40_000)
        let notes = try write("notes.txt", Array(text.utf8))
        guard case .text(let file) = try AttachmentFiles().file(notes) else {
            Issue.record("not inlined")
            return
        }
        #expect(file.content == text)
        let odd = try write("odd.bin", [0x00, 0x01, 0x02])
        #expect(throws: UsageError.self) { try AttachmentFiles().file(odd) }
    }
}
