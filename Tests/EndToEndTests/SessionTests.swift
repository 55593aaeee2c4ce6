import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// Saved conversations, found again: `--sessions [QUERY]`, `--delete-session`, and in the REPL
/// `/sessions`, `/session NAME`, `/rename NAME`, through the index beside the files.
@Suite(.serialized) struct SessionTests {
    func sessions(_ sandbox: Sandbox) -> String { sandbox.root + "/state/bankfuture-chat/sessions" }

    /// Three saved conversations: `tokio` (two turns), `greeting` (Cyrillic), `budget`.
    func save(_ fake: FakeOpenRouter, _ sandbox: Sandbox) async throws {
        for (name, messages) in [
            ("tokio", ["tell me about the tokio runtime", "and its work-stealing scheduler"]),
            ("greeting", ["Привет, мир"]), ("budget", ["the quarterly budget review"]),
        ] {
            for message in messages {
                let run = try await chat(["--session", name, message], fake: fake, sandbox: sandbox)
                #expect(run.status == 0, "\(run.stderr)")
            }
        }
    }

    @Test func listsNewestFirstWithTurnsAndTheFirstLine() async throws {
        try await withFake { fake, sandbox in
            try await save(fake, sandbox)
            let run = try await chat(["--sessions"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0, "\(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 3)
            #expect(lines.map { $0.split(separator: " ").first.map(String.init) } == ["budget", "greeting", "tokio"])
            #expect(lines[2].contains("2 turns") && lines[2].contains("tell me about the tokio runtime"))
            #expect(lines[0].contains("1 turn") && lines[0].contains("google/gemini-2.5-flash"))
            #expect(FileManager.default.fileExists(atPath: sessions(sandbox) + "/.index.sqlite"))
        }
    }

    @Test func searchFindsAnyCaseAndScriptWithASnippet() async throws {
        try await withFake { fake, sandbox in
            try await save(fake, sandbox)
            let tokio = try await chat(["--sessions", "SCHEDULER"], fake: fake, sandbox: sandbox)
            #expect(tokio.status == 0)
            #expect(tokio.stdout.hasPrefix("tokio "))
            #expect(tokio.stdout.contains("[scheduler]"), "the match is marked in the snippet: \(tokio.stdout)")
            #expect(!tokio.stdout.contains("budget"))
            let greeting = try await chat(["--sessions", "привет"], fake: fake, sandbox: sandbox)
            #expect(greeting.stdout.hasPrefix("greeting "))
            let none = try await chat(["--sessions", "kubernetes"], fake: fake, sandbox: sandbox)
            #expect(none.status == 0)
            #expect(none.stdout.isEmpty)
            #expect(none.stderr.contains("no saved conversation contains"), "\(none.stderr)")
        }
    }

    @Test func aDamagedIndexIsRebuiltAndAStaleOneRefreshed() async throws {
        try await withFake { fake, sandbox in
            try await save(fake, sandbox)
            _ = try await chat(["--sessions"], fake: fake, sandbox: sandbox)
            try Data("this is not a database".utf8).write(to: URL(fileURLWithPath: sessions(sandbox) + "/.index.sqlite"))
            let rebuilt = try await chat(["--sessions", "budget"], fake: fake, sandbox: sandbox)
            #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
            #expect(rebuilt.stdout.hasPrefix("budget "))
            // A conversation saved by an older build (no index update) is found all the same.
            _ = try await chat(["--session", "budget", "and the marketing forecast"], fake: fake, sandbox: sandbox)
            #expect(try await chat(["--sessions", "forecast"], fake: fake, sandbox: sandbox).stdout.hasPrefix("budget "))
        }
    }

    @Test func deleteSessionRemovesTheFileAndItsEntry() async throws {
        try await withFake { fake, sandbox in
            try await save(fake, sandbox)
            let run = try await chat(["--delete-session", "budget"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: sessions(sandbox) + "/budget.jsonl"))
            #expect(!(try await chat(["--sessions"], fake: fake, sandbox: sandbox).stdout.contains("budget")))
            let missing = try await chat(["--delete-session", "nope"], fake: fake, sandbox: sandbox)
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("no session named nope"))
        }
    }

    @Test func theREPLListsSearchesSwitchesAndRenames() async throws {
        try await withFake { fake, sandbox in
            try await save(fake, sandbox)
            let terminal = try await PseudoTerminal.spawn(
                executable: Binaries.chat, arguments: ["--base-url", fake.baseURL], environment: sandbox.environment())
            try await terminal.waitFor("> ")
            try terminal.send("/sessions scheduler\r")
            try await terminal.waitFor("tokio")
            try await terminal.waitFor("> ")
            try terminal.send("/session tokio\r")
            try await terminal.waitFor("switched to session tokio (2 turns")
            try await terminal.waitFor("> ")
            try terminal.send("/history\r")
            try await terminal.waitFor("work-stealing scheduler")
            try await terminal.waitFor("> ")
            try terminal.send("one more question\r")
            try await terminal.waitFor("Echo: one more question")
            try await terminal.waitFor("> ")
            // The whole conversation went with the new message.
            #expect(fake.chatRequests.last?.messages.count == 5)
            try terminal.send("/rename rust-async\r")
            try await terminal.waitFor("this conversation is now rust-async")
            try await terminal.waitFor("> ")
            try terminal.send("/rename budget\r")
            try await terminal.waitFor("exists already")
            try await terminal.waitFor("> ")
            try terminal.send("/sessions\r")
            try await terminal.waitFor("rust-async")
            try await terminal.waitFor("> ")
            try terminal.send("/exit\r")
            #expect(try await terminal.waitForExit() == 0)
            #expect(FileManager.default.fileExists(atPath: sessions(sandbox) + "/rust-async.jsonl"))
            #expect(!FileManager.default.fileExists(atPath: sessions(sandbox) + "/tokio.jsonl"))
            let found = try await chat(["--sessions", "one more question"], fake: fake, sandbox: sandbox)
            #expect(found.stdout.hasPrefix("rust-async "), "\(found.stdout)")
        }
    }
}
