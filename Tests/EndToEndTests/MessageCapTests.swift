import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// The caps on what one message carries and what one answer brings: all attachments of a
/// message together (`max_attachments_mb`), and the answer with its `reasoning_details`
/// (`max_answer_mb`).
@Suite struct MessageCapTests {
    @Test func theAttachmentsOfOneMessageHaveATotalCap() async throws {
        try await withFake { fake, sandbox in
            // Default 50 MB: two 19 MB images pass, a third would make 57 and is refused by
            // its size before it is read; nothing is sent.
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            var paths: [String] = []
            for name in ["a.png", "b.png", "c.png"] {
                let path = sandbox.root + "/" + name
                FileManager.default.createFile(atPath: path, contents: Data(png))
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                try handle.truncate(atOffset: 19 * 1024 * 1024)
                try handle.close()
                paths.append(path)
            }
            let run = try await chat(paths.flatMap { ["-f", $0] } + ["q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 2)
            #expect(
                run.stderr.contains("cannot attach \(paths[2]): the message's files would total 57 MB, over 50 MB (max_attachments_mb)"),
                "\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1)
            #expect(fake.chatRequests.isEmpty)
        }
    }

    @Test func theREPLRefusesAFileOverTheTotalAndKeepsTheOthers() async throws {
        try await withFake { fake, sandbox in
            let config = try sandbox.write("c.json", #"{"max_attachments_mb": 1}"#)
            let first = try BoundedInputTests.file("one.txt", in: sandbox, count: 400 * 1024, byte: UInt8(ascii: "a"))
            let second = try BoundedInputTests.file("two.txt", in: sandbox, count: 400 * 1024, byte: UInt8(ascii: "b"))
            let third = try BoundedInputTests.file("three.txt", in: sandbox, count: 400 * 1024, byte: UInt8(ascii: "c"))
            let run = try await chat(
                ["--config", config, "--stdin", "repl"], fake: fake, sandbox: sandbox,
                stdin: "/file \(first) \(second)\n/file \(third)\n/file\nsend them\n/exit\n")
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("cannot attach \(third): the message's files would total 1.2 MB, over 1 MB (max_attachments_mb)"))
            #expect(run.stderr.contains("(nothing added; 2 attached before stay)"))
            #expect(run.stderr.contains("attached to the next message: \(first), \(second)"))
            let sent = try #require(fake.chatRequests.first?.messages.last?.content)
            #expect(sent.contains("aaaa") && sent.contains("bbbb") && !sent.contains("cccc"))
        }
    }

    @Test func reasoningDetailsCountTowardTheAnswerCap() async throws {
        try await withFake { fake, sandbox in
            // 16 MiB of reasoning_details and a few words of text, with a 4 MiB cap.
            let config = try sandbox.write("c.json", #"{"max_answer_mb": 4}"#)
            for streaming in [true, false] {
                let run = try await chat(
                    ["--config", config, "-m", "fake/huge-reasoning-details"] + (streaming ? [] : ["--no-stream"]) + ["q"], fake: fake,
                    sandbox: sandbox)
                #expect(run.status == 1, "streaming \(streaming): \(run.stderr)")
                #expect(run.stderr.contains("the answer grew past 4 MiB and was stopped (max_answer_mb)"), "\(run.stderr)")
            }
            // Under the cap the same answer is fine.
            let roomy = try sandbox.write("roomy.json", #"{"max_answer_mb": 64}"#)
            let run = try await chat(["--config", roomy, "-m", "fake/huge-reasoning-details", "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("Echo: q"))
        }
    }
}
