import ChatCore
import FakeOpenRouter
import Foundation
import Testing

/// The built binary in one-shot mode against FakeOpenRouter: stdout, stderr, exit code,
/// and the request the server recorded.
@Suite(.serialized) struct OneShotTests {
    let secret = "sk-or-test-SECRET-0123456789"

    @Test func answerGoesToStdoutAloneAndUsageToStderr() async throws {
        try await withFake { fake, sandbox in
            fake.enqueue(
                .streamText(
                    pieces: ["Hello", ", ", "Мир ✨"], model: "google/gemini-2.5-flash",
                    usage: FakeUsage(promptTokens: 9, completionTokens: 4, cost: 0.00021), options: StreamOptions(chunkSize: 2)))
            let run = try await chat(["What is up?"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0)
            #expect(run.stdout == "Hello, Мир ✨\n")
            #expect(run.stderr.contains("9 in / 4 out tokens"))
            #expect(run.stderr.contains("$0.00021"))
            #expect(!run.stderr.contains("\u{1B}["), "no colour when stderr is not a terminal")
            let request = try #require(fake.chatRequests.first)
            #expect(request.header("Authorization") == "Bearer \(secret)")
            #expect(request.header("HTTP-Referer") == "https://bankfuture.com")
            #expect(request.header("X-Title") == "BankFuture")
            #expect(request.header("X-OpenRouter-Title") == "BankFuture")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.model == "google/gemini-2.5-flash")
            #expect(request.stream == true)
            #expect(request.messages.map(\.role) == ["user"])
            #expect(request.messages.map(\.content) == ["What is up?"])
        }
    }

    @Test func jsonPrintsOneObject() async throws {
        try await withFake { fake, sandbox in
            fake.enqueue(
                .streamText(pieces: ["4"], model: "openai/gpt-4o-mini", usage: FakeUsage(promptTokens: 5, completionTokens: 1, cost: 0.5)))
            let run = try await chat(["--json", "2+2?"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            #expect(object["content"] as? String == "4")
            #expect(object["model"] as? String == "openai/gpt-4o-mini")
            let usage = try #require(object["usage"] as? [String: Any])
            #expect(usage["prompt_tokens"] as? Int == 5)
            #expect(usage["completion_tokens"] as? Int == 1)
            #expect(run.stdout.filter { $0 == "\n" }.count == 1)
        }
    }

    @Test func pipedStdinIsTheSystemPrompt() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["q"], fake: fake, sandbox: sandbox, stdin: "You are a pirate.\nSpeak like one.\n")
            #expect(run.status == 0)
            #expect(run.stdout == "Echo: q\n")
            let messages = try #require(fake.chatRequests.first).messages
            #expect(messages.map(\.role) == ["system", "user"])
            #expect(messages[0].content == "You are a pirate.\nSpeak like one.")
        }
    }

    @Test func blankStdinIsNotPiped() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["q"], fake: fake, sandbox: sandbox, stdin: "  \n\n")
            #expect(run.status == 0)
            #expect(try #require(fake.chatRequests.first).messages.map(\.role) == ["user"])
        }
    }

    @Test func stdinUserIsPrependedToTheMessage() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(
                ["--stdin", "user", "write a commit message"], fake: fake, sandbox: sandbox, stdin: "diff --git a b\n+line\n")
            #expect(run.status == 0)
            let messages = try #require(fake.chatRequests.first).messages
            #expect(messages.map(\.role) == ["user"])
            #expect(messages[0].content == "diff --git a b\n+line\n\nwrite a commit message")
        }
    }

    @Test func stdinUserAloneIsTheMessage() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["--stdin", "user"], fake: fake, sandbox: sandbox, stdin: "just this\n")
            #expect(run.status == 0)
            #expect(run.stdout == "Echo: just this\n")
        }
    }

    @Test func stdinNoneNeverReadsStdin() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["--stdin", "none", "q"], fake: fake, sandbox: sandbox, stdin: "ignored\n")
            #expect(run.status == 0)
            #expect(try #require(fake.chatRequests.first).messages.map(\.role) == ["user"])
        }
    }

    @Test func pipedStdinWithSystemFlagIsAUsageError() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["-s", "other", "q"], fake: fake, sandbox: sandbox, stdin: "piped system\n")
            #expect(run.status == 2)
            #expect(run.stderr.contains("two system prompts"))
            #expect(run.stdout.isEmpty)
            #expect(fake.chatRequests.isEmpty)
        }
    }

    @Test func systemFlagAndSystemFile() async throws {
        try await withFake { fake, sandbox in
            _ = try await chat(["-s", "flag system", "q"], fake: fake, sandbox: sandbox)
            let path = try sandbox.write("sys.txt", "file system\n")
            _ = try await chat(["--system-file", path, "q"], fake: fake, sandbox: sandbox)
            _ = try await chat(["--system-file", "-", "q"], fake: fake, sandbox: sandbox, stdin: "stdin system\n")
            #expect(fake.chatRequests.map { $0.messages.first?.content } == ["flag system", "file system", "stdin system"])
            let missing = try await chat(["--system-file", sandbox.root + "/nope.txt", "q"], fake: fake, sandbox: sandbox)
            #expect(missing.status == 2)
            #expect(fake.chatRequests.count == 3)
        }
    }

    @Test func noStreamAsksForOneJSONAnswer() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["--no-stream", "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0)
            #expect(run.stdout == "Echo: q\n")
            #expect(fake.chatRequests.first?.stream == false)
        }
    }

    @Test func flagsOverrideEnvironmentOverrideConfigFile() async throws {
        try await withFake { fake, sandbox in
            let config = try sandbox.write(
                "config/bankfuture-chat/config.json",
                #"{"model":"config/model","temperature":0.2,"base_url":"http://127.0.0.1:1/api/v1","title":"Cfg"}"#)
            _ = config
            let env = sandbox.environment(["OPENROUTER_BASE_URL": fake.baseURL])
            let viaEnv = try await chat(["q"], fake: fake, sandbox: sandbox, env: env, pointAtFake: false)
            #expect(viaEnv.status == 0, "\(viaEnv.stderr)")
            let first = try #require(fake.chatRequests.last)
            #expect(first.model == "config/model")
            #expect(first.header("X-Title") == "Cfg")
            #expect((first.json?["temperature"] as? Double) == 0.2)
            let viaFlags = try await chat(
                ["-m", "flag/model", "--temperature", "1.1", "--max-tokens", "50", "q"], fake: fake, sandbox: sandbox, env: env,
                pointAtFake: false)
            #expect(viaFlags.status == 0)
            let second = try #require(fake.chatRequests.last)
            #expect(second.model == "flag/model")
            #expect((second.json?["temperature"] as? Double) == 1.1)
            #expect((second.json?["max_tokens"] as? Int) == 50)
        }
    }

    @Test func configErrorsExitTwoWithOneLine() async throws {
        try await withFake { fake, sandbox in
            let bad = try sandbox.write("bad.json", "{\n  \"model\": \"x\",\n  \"colour\": \"never\"\n}")
            let run = try await chat(["--config", bad, "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 2)
            #expect(run.stderr.contains("\"colour\""))
            #expect(run.stderr.contains("did you mean \"color\""))
            #expect(run.stderr.split(separator: "\n").count == 1)
            let broken = try sandbox.write("broken.json", "{\n  \"model\": \"x\"\n  \"stream\": true\n}")
            let run2 = try await chat(["--config", broken, "q"], fake: fake, sandbox: sandbox)
            #expect(run2.status == 2)
            #expect(run2.stderr.contains("line 3, column 3"))
            let missing = try await chat(["--config", sandbox.root + "/none.json", "q"], fake: fake, sandbox: sandbox)
            #expect(missing.status == 2)
            let viaEnv = try await chat(["q"], fake: fake, sandbox: sandbox, env: sandbox.environment(["BANKFUTURE_CHAT_CONFIG": bad]))
            #expect(viaEnv.status == 2)
            #expect(fake.chatRequests.isEmpty)
        }
    }

    @Test func missingKeyExitsTwoAndMentionsOffline() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["q"], fake: fake, sandbox: sandbox, env: sandbox.environment(key: nil))
            #expect(run.status == 2)
            #expect(run.stderr.contains("OPENROUTER_API_KEY"))
            #expect(run.stderr.contains("--offline"))
            #expect(run.stderr.split(separator: "\n").count == 1)
            #expect(run.stdout.isEmpty)
            #expect(fake.chatRequests.isEmpty)
        }
    }

    @Test func apiKeyEnvNamesAnotherVariable() async throws {
        try await withFake { fake, sandbox in
            _ = try sandbox.write("config/bankfuture-chat/config.json", #"{"api_key_env":"MY_ROUTER_KEY"}"#)
            let run = try await chat(
                ["q"], fake: fake, sandbox: sandbox, env: sandbox.environment(key: nil, ["MY_ROUTER_KEY": "other-key"]))
            #expect(run.status == 0)
            #expect(fake.chatRequests.first?.header("Authorization") == "Bearer other-key")
            let missing = try await chat(["q"], fake: fake, sandbox: sandbox, env: sandbox.environment())
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("MY_ROUTER_KEY"))
        }
    }

    @Test func offlineNeedsNoKeyAndNoNetwork() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["--offline", "hello"], fake: fake, sandbox: sandbox, env: sandbox.environment(key: nil))
            #expect(run.status == 0)
            #expect(run.stdout.hasPrefix("[offline] Turn 1"))
            #expect(run.stdout.contains("\"hello\""))
            #expect(fake.requests.isEmpty)
        }
    }

    @Test(arguments: [(401, Int32(3)), (402, 1), (403, 1), (429, 1), (502, 1)])
    func apiErrorsPrintTheStatusAndMessageAndExit(_ status: Int, _ code: Int32) async throws {
        try await withFake { fake, sandbox in
            _ = try sandbox.write("config/bankfuture-chat/config.json", #"{"max_retries":0}"#)
            fake.enqueue(.error(status: status, message: "Server message \(status)"))
            let run = try await chat(["q"], fake: fake, sandbox: sandbox)
            #expect(run.status == code)
            #expect(run.stdout.isEmpty)
            #expect(run.stderr.contains("HTTP \(status): Server message \(status)"))
            if status == 401 { #expect(run.stderr.contains("OPENROUTER_API_KEY")) }
            #expect(!run.stderr.contains(secret))
        }
    }

    @Test func rejectedKeyInQuotesIsPointedOut() async throws {
        try await withFake { fake, sandbox in
            fake.enqueue(.error(status: 401, message: "User not found."))
            let run = try await chat(["q"], fake: fake, sandbox: sandbox, env: sandbox.environment(key: "\"sk-or-quoted\""))
            #expect(run.status == 3)
            #expect(run.stderr.contains("HTTP 401: User not found."))
            #expect(run.stderr.contains("wrapped in quotes"))
            #expect(!run.stderr.contains("sk-or-quoted"))
        }
    }

    @Test func midStreamErrorExitsOneAfterThePartialAnswer() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["-m", "fake/midstream-error", "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 1)
            #expect(run.stderr.contains("Provider disconnected"))
        }
    }

    @Test func debugWireLogRedactsTheKey() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["--debug", "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0)
            #expect(run.stdout == "Echo: q\n")
            #expect(run.stderr.contains("Authorization: Bearer [REDACTED]"))
            #expect(run.stderr.contains("chat/completions"))
            #expect(!run.stderr.contains(secret))
            #expect(!run.stdout.contains(secret))
        }
    }

    @Test func attachmentsAreInlinedAndBinaryFilesRefused() async throws {
        try await withFake { fake, sandbox in
            let text = try sandbox.write("заметки.txt", "строка один\n")
            let run = try await chat(["-f", text, "summarise"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0)
            let content = try #require(fake.chatRequests.first?.messages.last?.content)
            #expect(content.hasPrefix("summarise\n\nзаметки.txt:\n```\nстрока один\n```"))
            let binary = sandbox.root + "/blob.bin"
            FileManager.default.createFile(atPath: binary, contents: Data([0, 1, 2, 0xFF]))
            let refused = try await chat(["-f", binary, "q"], fake: fake, sandbox: sandbox)
            #expect(refused.status == 2)
            // The refusal says which kinds can be attached (the contract's "Attachments").
            #expect(refused.stderr.contains("not a file kind that can be sent; attach text, PNG, JPEG, WebP, GIF, PDF, WAV or MP3"))
            #expect(fake.chatRequests.count == 1)
        }
    }

    @Test func modelsTableAndJSON() async throws {
        try await withFake { fake, sandbox in
            let table = try await chat(["--models", "gemini"], fake: fake, sandbox: sandbox)
            #expect(table.status == 0)
            #expect(table.stdout.contains("google/gemini-2.5-flash"))
            #expect(!table.stdout.contains("openai/gpt-4o-mini"))
            let json = try await chat(["--models", "--json"], fake: fake, sandbox: sandbox)
            let array = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(array.contains { $0["id"] as? String == "openai/gpt-4o-mini" })
        }
    }

    @Test func keyInfoNeverShowsTheKey() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["--key-info"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0)
            #expect(run.stdout.contains("limit"))
            #expect(!run.stdout.contains("sk-or"))
            #expect(fake.requests.last?.path == "/api/v1/key")
        }
    }

    @Test func usageErrorsExitTwo() async throws {
        try await withFake { fake, sandbox in
            for args in [["--temperature", "9", "q"], ["--no-such-flag"], ["--stdin", "sideways", "q"], ["-m", "", "q"]] {
                let run = try await chat(args, fake: fake, sandbox: sandbox)
                #expect(run.status == 2, "\(args)")
                #expect(run.stdout.isEmpty)
            }
            #expect(fake.chatRequests.isEmpty)
        }
    }

    @Test func versionAndHelpGoToStdout() async throws {
        try await withFake { fake, sandbox in
            let version = try await chat(["--version"], fake: fake, sandbox: sandbox, pointAtFake: false)
            #expect(version.status == 0)
            #expect(version.stdout.hasPrefix("bankfuture-chat "))
            let help = try await chat(["--help"], fake: fake, sandbox: sandbox, pointAtFake: false)
            #expect(help.status == 0)
            for flag in ["--model", "--system-file", "--no-stream", "--offline", "--stdin", "--json", "--base-url"] {
                #expect(help.stdout.contains(flag), "\(flag)")
            }
        }
    }
}
