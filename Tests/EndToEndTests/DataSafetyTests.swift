import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// The key never leaks, nothing typed is lost across processes, output failures stop the
/// request, waits and memory are bounded: the built binary against FakeOpenRouter.
@Suite(.serialized) struct DataSafetyTests {
    // MARK: The key

    @Test(arguments: ["sk-or-v1-SECRET\n# PLUGH line", "sk-or-v1-SECRET def", "sk-or-v1-SEC\u{1B}RET", "sk-or\tSECRET"])
    func aKeyWithWhitespaceOrControlsInsideIsRefusedBeforeAnyRequest(_ key: String) async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["q"], fake: fake, sandbox: sandbox, env: sandbox.environment(key: key))
            #expect(run.status == 2)
            #expect(run.stderr.contains("OPENROUTER_API_KEY"))
            #expect(!run.stderr.contains("SECRET"))
            #expect(!run.stderr.contains("SEC"))
            #expect(!run.stderr.contains("PLUGH"))
            #expect(run.stderr.split(separator: "\n").count == 1)
            #expect(fake.requests.isEmpty)
        }
    }

    @Test func surroundingWhitespaceIsTrimmed() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["q"], fake: fake, sandbox: sandbox, env: sandbox.environment(key: "  sk-or-v1-trim\n"))
            #expect(run.status == 0)
            #expect(fake.chatRequests.first?.header("Authorization") == "Bearer sk-or-v1-trim")
        }
    }

    @Test func plainHTTPOnAnotherHostIsRefusedUnlessAllowed() async throws {
        try await withFake { fake, sandbox in
            let refused = try await chat(["--base-url", "http://192.0.2.1:9/api/v1", "q"], fake: nil, sandbox: sandbox)
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("--allow-insecure-http"))
            #expect(refused.stderr.contains("base_url"))
            let config = try sandbox.write("c.json", #"{"base_url":"http://192.0.2.1:9/api/v1","max_retries":0,"timeout_seconds":0.5}"#)
            let fromConfig = try await chat(["--config", config, "q"], fake: nil, sandbox: sandbox)
            #expect(fromConfig.status == 2)
            // Allowed: it goes on and fails only to connect (nothing listens there).
            let allowed = try await chat(["--config", config, "--allow-insecure-http", "q"], fake: nil, sandbox: sandbox)
            #expect(allowed.status == 1)
            #expect(!allowed.stderr.contains("--allow-insecure-http"))
            let allowedInConfig = try sandbox.write(
                "d.json", #"{"base_url":"http://192.0.2.1:9/api/v1","max_retries":0,"timeout_seconds":0.5,"allow_insecure_http":true}"#)
            #expect(try await chat(["--config", allowedInConfig, "q"], fake: nil, sandbox: sandbox).status == 1)
            // Loopback needs no permission (the fake itself is http://127.0.0.1).
            #expect(try await chat(["q"], fake: fake, sandbox: sandbox).status == 0)
        }
    }

    // MARK: Nothing lost

    @Test func aFailedTurnIsPendingAfterExitAndRetryResendsIt() async throws {
        try await withFake { fake, sandbox in
            let config = try sandbox.write("c.json", #"{"max_retries":0}"#)
            fake.enqueue(.error(status: 500, message: "upstream down"))
            let first = try await chat(
                ["--config", config, "--stdin", "repl"], fake: fake, sandbox: sandbox, stdin: "first question\n/exit\n")
            #expect(first.status == 0)
            #expect(first.stderr.contains("upstream down"))
            let second = try await chat(
                ["--config", config, "--continue", "--stdin", "repl"], fake: fake, sandbox: sandbox, stdin: "/retry\n")
            #expect(second.status == 0)
            #expect(second.stdout.contains("Echo: first question"))
            #expect(fake.chatRequests.last?.messages.map(\.content) == ["first question"])
        }
    }

    @Test(arguments: [SIGTERM, SIGHUP])
    func aTurnInFlightWhenTheProcessIsKilledCanBeRetried(_ signal: Int32) async throws {
        try await withFake { fake, sandbox in
            let terminal = try await PseudoTerminal.spawn(
                executable: Binaries.chat, arguments: ["--base-url", fake.baseURL, "-m", "fake/slow"],
                environment: sandbox.environment())
            try await terminal.waitFor("fake/slow> ")
            try terminal.send("answer me slowly\r")
            try await terminal.waitFor("Echo:")
            terminal.sendSignal(signal)
            #expect(try await terminal.waitForExit() == 128 + signal)
            #expect(try terminal.lineDiscipline() == (echo: true, canonical: true))
            let resumed = try await chat(
                ["--continue", "--stdin", "repl", "-m", "m/fast"], fake: fake, sandbox: sandbox, stdin: "/retry\n")
            #expect(resumed.status == 0)
            #expect(resumed.stdout.contains("Echo: answer me slowly"))
            #expect(fake.chatRequests.last?.messages.map(\.content) == ["answer me slowly"])
        }
    }

    @Test func twoREPLsStartedInTheSameSecondGetTheirOwnAutosave() async throws {
        try await withFake { fake, sandbox in
            let environment = sandbox.environment()
            let runs = try await withThrowingTaskGroup(of: Run.self) { group in
                for word in ["alpha", "beta"] {
                    group.addTask {
                        try await chat(["--stdin", "repl"], fake: fake, sandbox: sandbox, env: environment, stdin: "\(word)\n")
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(runs.allSatisfy { $0.status == 0 })
            let directory = sandbox.root + "/state/bankfuture-chat/sessions"
            let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".jsonl") }
            #expect(files.count == 2)
            let texts = try files.map { try String(contentsOfFile: directory + "/" + $0, encoding: .utf8) }
            #expect(texts.contains { $0.contains("alpha") && !$0.contains("beta") })
            #expect(texts.contains { $0.contains("beta") && !$0.contains("alpha") })
        }
    }

    @Test func twoREPLsAppendToOneLineHistoryWithoutLosingLines() async throws {
        try await withFake { fake, sandbox in
            let spawn = {
                try await PseudoTerminal.spawn(
                    executable: Binaries.chat, arguments: ["--base-url", fake.baseURL], environment: sandbox.environment())
            }
            let one = try await spawn()
            let two = try await spawn()
            try await one.waitFor("> ")
            try await two.waitFor("> ")
            for (index, terminal) in [one, two, one, two].enumerated() {
                try terminal.send("line \(index)\r")
                try await terminal.waitFor("Echo: line \(index)")
                try await terminal.waitFor("> ")
            }
            try one.send("/exit\r")
            try two.send("/exit\r")
            #expect(try await one.waitForExit() == 0)
            #expect(try await two.waitForExit() == 0)
            let history = try String(contentsOfFile: sandbox.root + "/state/bankfuture-chat/history", encoding: .utf8)
                .replacingOccurrences(of: "\\040", with: " ")
            for index in 0..<4 { #expect(history.contains("line \(index)")) }
        }
    }

    @Test func aSymlinkAtTheHistoryPathIsReplacedNotFollowed() async throws {
        try await withFake { fake, sandbox in
            let victim = try sandbox.write("victim.txt", "precious\n")
            chmod(victim, 0o644)
            try FileManager.default.createDirectory(atPath: sandbox.root + "/state/bankfuture-chat", withIntermediateDirectories: true)
            let history = sandbox.root + "/state/bankfuture-chat/history"
            try FileManager.default.createSymbolicLink(atPath: history, withDestinationPath: victim)
            let terminal = try await PseudoTerminal.spawn(
                executable: Binaries.chat, arguments: ["--base-url", fake.baseURL], environment: sandbox.environment())
            try await terminal.waitFor("> ")
            try terminal.send("typed line\r")
            try await terminal.waitFor("Echo: typed line")
            try terminal.send("/exit\r")
            #expect(try await terminal.waitForExit() == 0)
            #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
            #expect((try FileManager.default.attributesOfItem(atPath: victim)[.posixPermissions] as? Int) == 0o644)
            let attributes = try FileManager.default.attributesOfItem(atPath: history)
            #expect(attributes[.type] as? FileAttributeType == .typeRegular)
            #expect(attributes[.posixPermissions] as? Int == 0o600)
        }
    }

    @Test(arguments: [#"1e20"#, #"1e400"#, #"-1e300"#, #""2""#])
    func aSessionFileWithAnAbsurdVersionIsNamedNotACrash(_ version: String) async throws {
        try await withFake { fake, sandbox in
            let directory = sandbox.root + "/state/bankfuture-chat/sessions"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = directory + "/bad.json"
            try #"{"version":\#(version),"model":"m","messages":[]}"#.write(toFile: path, atomically: true, encoding: .utf8)
            let run = try await chat(["--continue", "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 2)
            #expect(run.stderr.contains(path))
            #expect(run.stderr.split(separator: "\n").count == 1)
            #expect(fake.chatRequests.isEmpty)
        }
    }

    @Test func oneShotSessionSaveFailureExitsOne() async throws {
        try await withFake { fake, sandbox in
            // The sessions folder is a file: nothing can be saved there.
            try FileManager.default.createDirectory(atPath: sandbox.root + "/state/bankfuture-chat", withIntermediateDirectories: true)
            _ = try sandbox.write("state/bankfuture-chat/sessions", "not a folder")
            let run = try await chat(["--session", "work", "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 1)
            #expect(run.stderr.contains("could not save the session"))
        }
    }

    // MARK: Output failures

    @Test func aClosedStdoutStopsTheRequestAndExits141Silently() async throws {
        try await withFake { fake, sandbox in
            let pieces = (0..<400).map { "word\($0) " }
            fake.enqueue(.streamText(pieces: pieces, model: "m/1", options: StreamOptions(delayBetweenWrites: .milliseconds(25))))
            let script = #"""
                "$0" "$@" | head -c 10 > /dev/null
                echo "status=${PIPESTATUS[0]}" >&2
                """#
            let result = try await ProcessRunner.run(
                executable: "/bin/bash", arguments: ["-c", script, Binaries.chat, "--base-url", fake.baseURL, "q"],
                environment: sandbox.environment(), timeout: .seconds(30))
            let stderr = String(decoding: result.stderr, as: UTF8.self)
            #expect(stderr.hasSuffix("status=141\n"))
            #expect(stderr == "status=141\n", "no message")
            // The request ends when the reader goes away: the fake was still sending (the whole
            // stream takes 10 s) when the connection closed.
            #expect(await Waiting.until { fake.unfinishedResponses == 1 }, "the chat read the answer to its end")
        }
    }

    @Test func aFullDiskIsOneLineAndExitOne() async throws {
        try await withFake { fake, sandbox in
            let script = #""$0" "$@" > /dev/full"#
            let result = try await ProcessRunner.run(
                executable: "/bin/bash", arguments: ["-c", script, Binaries.chat, "--base-url", fake.baseURL, "q"],
                environment: sandbox.environment(), timeout: .seconds(30))
            let stderr = String(decoding: result.stderr, as: UTF8.self)
            #expect(result.status == 1)
            #expect(stderr.contains("No space left on device"))
            #expect(stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }.count == 1)
        }
    }

    // MARK: Bounded waits and memory

    @Test func keepAliveCommentsAloneAreNotProgress() async throws {
        try await withFake { fake, sandbox in
            fake.enqueue(.stream([], StreamOptions(keepAliveComments: 600, delayBetweenWrites: .milliseconds(100), sendDone: false)))
            let config = try sandbox.write("c.json", #"{"max_retries":0,"timeout_seconds":1}"#)
            let run = try await chat(["--config", config, "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 1)
            #expect(run.stderr.contains("no answer from the server for 1 s"))
        }
    }

    @Test func aTricklingStreamTimesOut() async throws {
        try await withFake { fake, sandbox in
            let chunk = #"{"choices":[{"delta":{"content":"this arrives one byte at a time"}}]}"#
            fake.enqueue(.stream([chunk], StreamOptions(chunkSize: 1, keepAliveComments: 0, delayBetweenWrites: .milliseconds(100))))
            let config = try sandbox.write("c.json", #"{"max_retries":0,"timeout_seconds":1}"#)
            let run = try await chat(["--config", config, "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 1)
            #expect(run.stderr.contains("no answer from the server for 1 s"))
        }
    }

    @Test func anAnswerOverMaxAnswerMBIsStopped() async throws {
        try await withFake { fake, sandbox in
            let piece = String(repeating: "z", count: 64 * 1024)
            fake.enqueue(.streamText(pieces: Array(repeating: piece, count: 40), model: "m/1"))
            let config = try sandbox.write("c.json", #"{"max_retries":0,"max_answer_mb":1}"#)
            let run = try await chat(["--config", config, "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 1)
            #expect(run.stderr.contains("max_answer_mb"))
            #expect(run.stdout.utf8.count <= 1024 * 1024 + 64 * 1024)
        }
    }
}
