import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// Images, PDFs and audio in a message, with real little files made here: the exact parts
/// sent, and the decoded bytes equal to the file.
@Suite(.serialized) struct AttachmentTests {
    /// A 2×2 PNG (red, green / blue, white), made with zlib.
    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
        0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xFD, 0xD4, 0x9A, 0x73, 0x00, 0x00, 0x00, 0x12, 0x49,
        0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xC0, 0x00, 0xC2, 0x0C, 0xFF, 0x81, 0x00, 0x00, 0x1F, 0xEE,
        0x05, 0xFB, 0x0B, 0xD9, 0x68, 0x8B, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]

    /// A one-page PDF.
    static let pdf: [UInt8] = Array(
        """
        %PDF-1.4
        1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
        2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
        3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj
        trailer << /Root 1 0 R >>
        %%EOF

        """.utf8)

    /// A short WAV: 16-bit mono at 8 kHz, 16 samples.
    static let wav: [UInt8] = {
        let samples = [UInt8](repeating: 0, count: 32)
        func le32(_ n: UInt32) -> [UInt8] { (0..<4).map { UInt8((n >> (8 * $0)) & 0xFF) } }
        func le16(_ n: UInt16) -> [UInt8] { [UInt8(n & 0xFF), UInt8(n >> 8)] }
        return Array("RIFF".utf8) + le32(36 + UInt32(samples.count)) + Array("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1)
            + le32(8000) + le32(16000) + le16(2) + le16(16) + Array("data".utf8) + le32(UInt32(samples.count)) + samples
    }()

    func write(_ sandbox: Sandbox, _ name: String, _ bytes: [UInt8]) -> String {
        let path = sandbox.root + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// The parts of the last user message of the last request.
    func parts(_ fake: FakeOpenRouter) throws -> [[String: Any]] {
        let messages = try #require(fake.chatRequests.last?.json?["messages"] as? [[String: Any]])
        let user = try #require(messages.last { $0["role"] as? String == "user" })
        return try #require(user["content"] as? [[String: Any]])
    }

    func decode(_ dataURL: String, prefix: String) throws -> [UInt8] {
        #expect(dataURL.hasPrefix(prefix))
        return Array(try #require(Data(base64Encoded: String(dataURL.dropFirst(prefix.count)))))
    }

    @Test func eachKindBecomesItsPartWithTheFilesBytes() async throws {
        try await withFake { fake, sandbox in
            // Named to mislead: the kind comes from the bytes.
            let image = write(sandbox, "photo.dat", Self.png)
            let document = write(sandbox, "invoice.pdf", Self.pdf)
            let voice = write(sandbox, "note.bin", Self.wav)
            let run = try await chat(["-f", image, "-f", document, "-f", voice, "what are these?"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0, "\(run.stderr)")
            let sent = try parts(fake)
            #expect(sent.map { $0["type"] as? String } == ["text", "image_url", "file", "input_audio"])
            #expect(sent[0]["text"] as? String == "what are these?")
            let url = try #require((sent[1]["image_url"] as? [String: Any])?["url"] as? String)
            #expect(try decode(url, prefix: "data:image/png;base64,") == Self.png)
            let file = try #require(sent[2]["file"] as? [String: Any])
            #expect(file["filename"] as? String == "invoice.pdf")
            #expect(try decode(try #require(file["file_data"] as? String), prefix: "data:application/pdf;base64,") == Self.pdf)
            let audio = try #require(sent[3]["input_audio"] as? [String: Any])
            #expect(audio["format"] as? String == "wav")
            let audioBase64 = try #require(audio["data"] as? String)
            #expect(Data(base64Encoded: audioBase64).map(Array.init) == Self.wav)
        }
    }

    @Test func aMessageWithoutAttachmentsKeepsAStringAndTextFilesAreInlined() async throws {
        try await withFake { fake, sandbox in
            let notes = try sandbox.write("notes.txt", "line one\n")
            #expect(try await chat(["-f", notes, "summarise"], fake: fake, sandbox: sandbox).status == 0)
            let messages = try #require(fake.chatRequests.last?.json?["messages"] as? [[String: Any]])
            #expect(messages.last?["content"] as? String == "summarise\n\nnotes.txt:\n```\nline one\n```")
        }
    }

    @Test func urlsAreSentAsTheyAreAndPDFPathsBecomeFileParts() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(
                ["-f", "https://example.com/cat.png", "-f", "https://example.com/paper.pdf", "look"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0)
            let sent = try parts(fake)
            #expect((sent[1]["image_url"] as? [String: Any])?["url"] as? String == "https://example.com/cat.png")
            let file = try #require(sent[2]["file"] as? [String: Any])
            #expect(file["file_data"] as? String == "https://example.com/paper.pdf")
            // Never downloaded: the fake saw only the chat request.
            #expect(fake.requests.count == 1)
        }
    }

    @Test func refusalsSendNothing() async throws {
        try await withFake { fake, sandbox in
            let big = write(sandbox, "big.png", Self.png + [UInt8](repeating: 0, count: 2 * 1024 * 1024))
            let config = try sandbox.write("c.json", #"{"max_attachment_mb":1}"#)
            let tooBig = try await chat(["--config", config, "-f", big, "q"], fake: fake, sandbox: sandbox)
            #expect(tooBig.status == 2)
            #expect(tooBig.stderr.contains("big.png"))
            #expect(tooBig.stderr.contains("1 MB"))
            let blob = write(sandbox, "blob", [0, 1, 2, 3, 0xFE])
            let image = write(sandbox, "ok.png", Self.png)
            let unknown = try await chat(["-f", image, "-f", blob, "q"], fake: fake, sandbox: sandbox)
            #expect(unknown.status == 2)
            #expect(unknown.stderr.contains("PNG, JPEG, WebP, GIF, PDF, WAV or MP3"))
            #expect(try await chat(["-f", sandbox.root + "/missing.png", "q"], fake: fake, sandbox: sandbox).status == 2)
            #expect(try await chat(["-f", sandbox.root, "q"], fake: fake, sandbox: sandbox).stderr.contains("directory"))
            #expect(fake.chatRequests.isEmpty)
        }
    }

    @Test func pdfEngineAddsTheFileParserPluginOnlyWithAPDF() async throws {
        try await withFake { fake, sandbox in
            let config = try sandbox.write("c.json", #"{"pdf_engine":"mistral-ocr"}"#)
            let document = write(sandbox, "a.pdf", Self.pdf)
            _ = try await chat(["--config", config, "-f", document, "read it"], fake: fake, sandbox: sandbox)
            let plugins = try #require(fake.chatRequests.last?.json?["plugins"] as? [[String: Any]])
            #expect(plugins.first?["id"] as? String == "file-parser")
            #expect((plugins.first?["pdf"] as? [String: Any])?["engine"] as? String == "mistral-ocr")
            _ = try await chat(["--config", config, "plain"], fake: fake, sandbox: sandbox)
            #expect(fake.chatRequests.last?.json?["plugins"] == nil)
        }
    }

    @Test func aResumedSessionResendsItsAttachments() async throws {
        try await withFake { fake, sandbox in
            let image = write(sandbox, "cat.png", Self.png)
            #expect(try await chat(["--session", "pics", "-f", image, "what is it?"], fake: fake, sandbox: sandbox).status == 0)
            try FileManager.default.removeItem(atPath: image)
            let again = try await chat(["--session", "pics", "and now?"], fake: fake, sandbox: sandbox)
            #expect(again.status == 0)
            let messages = try #require(fake.chatRequests.last?.json?["messages"] as? [[String: Any]])
            let first = try #require(messages.first?["content"] as? [[String: Any]])
            let url = try #require((first[1]["image_url"] as? [String: Any])?["url"] as? String)
            #expect(try decode(url, prefix: "data:image/png;base64,") == Self.png)
            let saved = try String(contentsOfFile: sandbox.root + "/state/bankfuture-chat/sessions/pics.jsonl", encoding: .utf8)
            #expect(!saved.contains(Data(Self.png).base64EncodedString()), "the session file refers to its copy")
        }
    }

    @Test func theREPLShowsWhatIsAttachedAndHistoryNamesIt() async throws {
        try await withFake { fake, sandbox in
            let image = write(sandbox, "my photo.png", Self.png)
            let terminal = try await PseudoTerminal.spawn(
                executable: Binaries.chat, arguments: ["--base-url", fake.baseURL], environment: sandbox.environment())
            try await terminal.waitFor("> ")
            // A dragged file arrives quoted.
            try terminal.send("/file '\(image)'\r")
            try await terminal.waitFor("to the next message")
            try terminal.send("/file\r")
            try await terminal.waitFor("[image: my photo.png, 75 B]")
            try terminal.send("describe\r")
            try await terminal.waitFor("Echo:")
            try await terminal.waitFor("> ")
            try terminal.send("/history\r")
            try await terminal.waitFor("[image: my photo.png, 75 B]")
            try await terminal.waitFor("> ")
            #expect(!terminal.output.contains(Data(Self.png).base64EncodedString()))
            try terminal.send("/file \(image.replacingOccurrences(of: " ", with: "\\ "))\r")
            try await terminal.waitFor("to the next message")
            try terminal.send("/file clear\r")
            try await terminal.waitFor("dropped 1 attachment")
            try terminal.send("/exit\r")
            #expect(try await terminal.waitForExit() == 0)
        }
    }

    @Test func theREPLWarnsWhenTheModelDoesNotTakeTheKindAndSendsAnyway() async throws {
        try await withFake { fake, sandbox in
            let image = write(sandbox, "cat.png", Self.png)
            let terminal = try await PseudoTerminal.spawn(
                executable: Binaries.chat, arguments: ["--base-url", fake.baseURL, "-m", "meta-llama/llama-3.1-8b-instruct"],
                environment: sandbox.environment())
            try await terminal.waitFor("> ")
            // The model list is known once /models has shown it.
            try terminal.send("/models llama\r")
            try await terminal.waitFor("131K")
            try await terminal.waitFor("> ")
            try terminal.send("/file \(image)\r")
            try await terminal.waitFor("to the next message")
            try terminal.send("what is it\r")
            try await terminal.waitFor("does not take image input (it takes text)")
            try await terminal.waitFor("google/gemini-2.5-flash")
            try await terminal.waitFor("Echo:")
            try await terminal.waitFor("> ")
            #expect(fake.chatRequests.last?.model == "meta-llama/llama-3.1-8b-instruct")
            #expect(try parts(fake).contains { $0["type"] as? String == "image_url" })
            try terminal.send("/exit\r")
            #expect(try await terminal.waitForExit() == 0)
        }
    }
}
