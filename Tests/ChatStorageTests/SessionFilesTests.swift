import ChatCore
import Foundation
import Testing

@testable import ChatStorage

@Suite struct SessionFilesTests {
    func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "bfc-sessions-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static let image = ChatCore.Attachment(
        id: "0123456789abcdef", kind: .image, name: "cat.png", mediaType: "image/png", byteCount: 4,
        source: .data(base64: "iVBORw=="))

    static func conversation() -> SessionArchive {
        let assistant = ChatMessage(
            role: .assistant, parts: [], toolCalls: [ToolCall(id: "c1", name: "time__now", arguments: #"{"tz":"UTC"}"#)],
            reasoningDetails: RawJSON(validating: #"[{"type":"reasoning.encrypted","data":"AbC=","id":"r1"}]"#))
        return SessionArchive(
            id: "c0ffee", model: "m/x", systemPrompt: "sys",
            messages: [
                ChatMessage(role: .user, parts: [.text("what is this?"), .attachment(image)]), assistant,
                .toolResult(callID: "c1", content: "12:00"), .assistant("noon"),
            ],
            usage: Usage(promptTokens: 3, completionTokens: 4, cost: 0.5),
            pending: ChatMessage(role: .user, parts: [.text("and this?"), .attachment(image)]))
    }

    @Test func theAutosaveKeepsAttachmentsOnceBesideTheFileAndLoadsThemBack() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let directory = SessionDirectory(stateDirectory: dir)
        let archive = Self.conversation()
        let (file, _) = try SessionFiles.open("s", in: directory, now: 10)
        try file.record(ChatSession(resuming: archive))
        try file.flush()
        let text = try String(contentsOfFile: directory.journalPath("s"), encoding: .utf8)
        #expect(!text.contains("iVBORw=="), "the data is not in the session file")
        #expect(text.contains(#""blob":"0123456789abcdef""#))
        #expect(try String(contentsOfFile: directory.path + "/attachments/0123456789abcdef.b64", encoding: .utf8) == "iVBORw==")
        let loaded = try ArchiveFiles.load(from: directory.journalPath("s"), attachments: directory.attachments)
        #expect(loaded == archive)
        #expect(loaded.messages[1].reasoningDetails?.text == #"[{"type":"reasoning.encrypted","data":"AbC=","id":"r1"}]"#)
        #expect(
            (try FileManager.default.attributesOfItem(atPath: directory.path + "/attachments/0123456789abcdef.b64")[.posixPermissions]
                as? Int) == 0o600)
    }

    @Test func saveWritesOneFileThatStandsAlone() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = SessionFiles(file: nil, directory: SessionDirectory(stateDirectory: dir + "/none"), now: { 5 })
        try files.save(Self.conversation(), to: dir + "/copy.json")
        let text = try String(contentsOfFile: dir + "/copy.json", encoding: .utf8)
        #expect(text.contains("iVBORw=="))
        #expect(try files.load(from: dir + "/copy.json") == Self.conversation())
        let markdown = Self.conversation().markdown()
        #expect(markdown.contains("[image: cat.png, 4 B]"))
        #expect(!markdown.contains("iVBORw=="))
        #expect(markdown.contains("→ time.now {\"tz\":\"UTC\"}"))
    }

    @Test func aMissingCopyIsAnErrorNamingTheFileAndTheAttachment() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let directory = SessionDirectory(stateDirectory: dir)
        try directory.write(Self.conversation(), named: "s")
        try FileManager.default.removeItem(atPath: directory.path + "/attachments")
        do {
            _ = try SessionFiles.open("s", in: directory, now: 1)
            Issue.record("loaded without its attachment")
        } catch {
            #expect(error.message.contains(directory.journalPath("s")))
            #expect(error.message.contains("cat.png"))
        }
    }

    @Test func olderVersionsLoad() throws {
        let v2 =
            #"{"version":2,"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}],"pending":"again"}"#
        let archive = try SessionArchive.decode(Array(v2.utf8), path: "v2")
        #expect(archive.messages == [.user("q"), .assistant("a")])
        #expect(archive.pending == .user("again"))
        let newer = #"{"version":5,"model":"m","messages":[]}"#
        #expect(throws: StorageError.self) { try SessionArchive.decode(Array(newer.utf8), path: "v5") }
    }

    @Test func theMostRecentSessionIsTheNewestFile() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let directory = SessionDirectory(stateDirectory: dir)
        for name in ["a", "b", "c"] {
            try directory.write(SessionArchive(model: "m", systemPrompt: nil, messages: []), named: name)
        }
        #expect(directory.mostRecent() == "c")
        #expect(throws: UsageError.self) { try directory.file(named: "../../etc/passwd") }
    }
}

@Suite struct AttachmentFilesTests {
    func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "bfc-attach-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static let kinds: [(String, [UInt8], ChatCore.Attachment.Kind?, String)] = [
        ("png.bin", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0], .image, "image/png"),
        ("photo.txt", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], .image, "image/jpeg"),
        ("anim", Array("GIF89a".utf8) + [1, 0], .image, "image/gif"),
        ("pic", Array("RIFF".utf8) + [4, 0, 0, 0] + Array("WEBPVP8 ".utf8), .image, "image/webp"),
        ("doc", Array("%PDF-1.4\n".utf8) + [0xE2, 0xE3], .pdf, "application/pdf"),
        ("voice", Array("RIFF".utf8) + [4, 0, 0, 0] + Array("WAVEfmt ".utf8), .audio, "audio/wav"),
        ("song", Array("ID3".utf8) + [3, 0, 0, 0], .audio, "audio/mpeg"),
        ("frame", [0xFF, 0xFB, 0x90, 0x64, 0], .audio, "audio/mpeg"),
    ]

    @Test func theKindComesFromTheBytesNotTheName() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, bytes, kind, mediaType) in Self.kinds {
            let path = dir + "/" + name
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            guard case .attachment(let attachment) = try AttachmentFiles().load(path).first else {
                Issue.record("\(name) was not attached as a file")
                continue
            }
            #expect(attachment.kind == kind, "\(name)")
            #expect(attachment.mediaType == mediaType, "\(name)")
            #expect(attachment.byteCount == bytes.count)
            #expect(attachment.source == .data(base64: Data(bytes).base64EncodedString()))
            #expect(attachment.name == name)
        }
    }

    @Test func refusalsAreOneLineNamingTheFile() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = FileManager.default.createFile(atPath: dir + "/blob", contents: Data([0, 1, 2, 3]))
        _ = FileManager.default.createFile(
            atPath: dir + "/big.png", contents: Data([0x89, 0x50, 0x4E, 0x47] + [UInt8](repeating: 0, count: 2000)))
        let files = AttachmentFiles(maxBytes: 1024)
        let cases: [(String, String)] = [
            (dir + "/blob", "attach text, PNG, JPEG, WebP, GIF, PDF, WAV or MP3"),
            (dir + "/big.png", "larger than"),
            (dir + "/missing.png", "no such file"),
            (dir, "it is a directory"),
            (dir + "/nothing-*.png", "no such file"),
        ]
        for (path, needle) in cases {
            do {
                _ = try files.load(path)
                Issue.record("\(path) was attached")
            } catch {
                #expect(error.message.contains(needle), "\(error.message)")
                #expect(!error.message.contains("\n"))
            }
        }
    }

    @Test func urlsAreSentAsTheyAre() throws {
        let files = AttachmentFiles()
        guard case .attachment(let image) = try files.load("https://example.com/cat.jpg?x=1").first,
            case .attachment(let pdf) = try files.load("https://example.com/paper.PDF").first
        else {
            Issue.record("not attached")
            return
        }
        #expect(image.kind == .image)
        #expect(image.source == .url("https://example.com/cat.jpg?x=1"))
        #expect(pdf.kind == .pdf)
        #expect(pdf.label == "[pdf: https://example.com/paper.PDF]")
    }
}
