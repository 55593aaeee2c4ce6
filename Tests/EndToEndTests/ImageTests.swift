import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// `--image`, `/image` and images in normal answers, through the built binary.
@Suite(.serialized) struct ImageTests {
    func withFake(
        _ config: (FakeOpenRouter, Sandbox) -> String, _ body: (FakeOpenRouter, Sandbox, String) async throws -> Void
    ) async throws {
        let fake = try await FakeOpenRouter.start()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        _ = try sandbox.write("config/bankfuture-chat/config.json", config(fake, sandbox))
        do { try await body(fake, sandbox, sandbox.root + "/pictures") } catch {
            try await fake.shutdown()
            throw error
        }
        try await fake.shutdown()
    }

    func files(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    @Test func imageFlagSavesByteIdenticalFilesAndPrintsThePaths() async throws {
        try await withFake({ _, s in #"{"image_dir":"\#(s.root)/pictures"}"# }) { fake, sandbox, dir in
            let first = try await chat(["--image", "a red square"], fake: fake, sandbox: sandbox)
            #expect(first.status == 0, "\(first.stderr)")
            let second = try await chat(["--image", "a red square"], fake: fake, sandbox: sandbox)
            #expect(second.status == 0)
            let names = files(in: dir)
            #expect(names.count == 2, "unique names: \(names)")
            #expect(names.allSatisfy { $0.hasSuffix(".png") && $0.contains("a-red-square") })
            let path = try #require(first.stdout.split(separator: "\n").first.map(String.init))
            #expect(FileManager.default.contents(atPath: path) == Data(FakeOpenRouter.imagePNG))
            let request = try #require(fake.chatRequests.first)
            #expect(request.model == "google/gemini-2.5-flash-image")
            #expect((request.json?["modalities"] as? [String]) == ["image", "text"])
            #expect(request.header("X-Title") == "BankFuture")
        }
    }

    @Test func imageCommandInTheREPLKeepsHistorySmall() async throws {
        try await withFake({ _, s in #"{"image_dir":"\#(s.root)/pictures"}"# }) { fake, sandbox, dir in
            let run = try await chat(["--stdin", "repl"], fake: fake, sandbox: sandbox, stdin: "/image a cat\n/history\n")
            #expect(run.status == 0, "\(run.stderr)")
            #expect(files(in: dir).count == 1)
            #expect(run.stdout.contains("[image saved: "))
            #expect(!run.stdout.contains("base64"))
            #expect(run.stdout.count < 2000)
        }
    }

    @Test func imagesInANormalAnswerAreSavedToo() async throws {
        try await withFake({ _, s in #"{"image_dir":"\#(s.root)/pictures"}"# }) { fake, sandbox, dir in
            let run = try await chat(["-m", "fake/image", "draw"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("image saved: "))
            #expect(files(in: dir).count == 1)
        }
    }

    @Test func openAIProviderWithItsOwnKey() async throws {
        try await withFake({ f, s in
            #"{"image_dir":"\#(s.root)/pictures","image_provider":"openai","image_base_url":"\#(f.openAIBaseURL)"}"#
        }) { fake, sandbox, dir in
            let missing = try await chat(["--image", "x"], fake: fake, sandbox: sandbox)
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("OPENAI_API_KEY"))
            let run = try await chat(
                ["--image", "a boat"], fake: fake, sandbox: sandbox, env: sandbox.environment(["OPENAI_API_KEY": "oa-test"]))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(files(in: dir).count == 1)
            let path = try #require(run.stdout.split(separator: "\n").first.map(String.init))
            #expect(FileManager.default.contents(atPath: path) == Data(FakeOpenRouter.imagePNG))
        }
    }

    @Test func aModelWithoutImagesIsAClearError() async throws {
        try await withFake({ _, s in #"{"image_dir":"\#(s.root)/pictures","image_model":"openai/gpt-4o-mini"}"# }) { fake, sandbox, dir in
            fake.enqueue(.completion(content: "I can only talk", model: "openai/gpt-4o-mini"))
            let run = try await chat(["--image", "x"], fake: fake, sandbox: sandbox)
            #expect(run.status == 1)
            #expect(run.stderr.contains("returned no image"))
            #expect(files(in: dir).isEmpty)
        }
    }

    @Test func inlinePreviewOnlyOnTerminalsThatSupportIt() async throws {
        try await withFake({ _, s in #"{"image_dir":"\#(s.root)/pictures"}"# }) { fake, sandbox, _ in
            for (extra, expected) in [(["KITTY_WINDOW_ID": "1"], "\u{1B}_G"), (["TERM_PROGRAM": "iTerm.app"], "\u{1B}]1337;File=")] {
                let terminal = try await PseudoTerminal.spawn(
                    executable: Binaries.chat, arguments: ["--base-url", fake.baseURL, "--image", "a dot"],
                    environment: sandbox.environment(extra))
                #expect(try await terminal.waitForExit() == 0)
                #expect(terminal.output.contains(expected))
            }
            let plain = try await PseudoTerminal.spawn(
                executable: Binaries.chat, arguments: ["--base-url", fake.baseURL, "--image", "a dot"], environment: sandbox.environment())
            #expect(try await plain.waitForExit() == 0)
            #expect(!plain.output.contains("\u{1B}_G"))
            #expect(!plain.output.contains("\u{1B}]1337"))
        }
    }
}
