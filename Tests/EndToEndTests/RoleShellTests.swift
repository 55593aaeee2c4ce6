import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// Roles from files and built in, and `-e` shell commands: what runs only when approved.
@Suite(.serialized) struct RoleShellTests {
    func role(_ sandbox: Sandbox, _ name: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: sandbox.root + "/config/bankfuture-chat/roles", withIntermediateDirectories: true)
        _ = try sandbox.write("config/bankfuture-chat/roles/\(name).md", text)
    }

    @Test func aRoleFileSetsThePromptModelAndParameters() async throws {
        try await withFake { fake, sandbox in
            try role(
                sandbox, "pirate",
                "---\nmodel: openai/gpt-4o-mini\ntemperature: 0.2\nreasoning: low\n---\nYou are a pirate.\nSpeak like one.\n")
            #expect(try await chat(["--role", "pirate", "ahoy"], fake: fake, sandbox: sandbox).status == 0)
            let body = try #require(fake.chatRequests.last?.json)
            #expect(body["model"] as? String == "openai/gpt-4o-mini")
            #expect(body["temperature"] as? Double == 0.2)
            #expect(body["reasoning"] as? [String: String] == ["effort": "low"])
            let messages = try #require(fake.chatRequests.last?.messages)
            #expect(messages.first?.role == "system")
            #expect(messages.first?.content == "You are a pirate.\nSpeak like one.")
            // A flag still wins over the role.
            _ = try await chat(["--role", "pirate", "-m", "m/flag", "ahoy"], fake: fake, sandbox: sandbox)
            #expect(fake.chatRequests.last?.model == "m/flag")
        }
    }

    @Test func aRoleFileWithCRLFLineEndsReadsItsFrontMatter() async throws {
        try await withFake { fake, sandbox in
            try role(sandbox, "dos", "---\r\nmodel: openai/gpt-4o-mini\r\ntemperature: 0.3\r\n---\r\nYou are terse.\r\nVery.\r\n")
            #expect(try await chat(["--role", "dos", "hi"], fake: fake, sandbox: sandbox).status == 0)
            let body = try #require(fake.chatRequests.last?.json)
            #expect(body["model"] as? String == "openai/gpt-4o-mini")
            #expect(body["temperature"] as? Double == 0.3)
            #expect(fake.chatRequests.last?.messages.first?.content == "You are terse.\nVery.")
        }
    }

    @Test func builtInRolesAndAFileReplacesOne() async throws {
        try await withFake { fake, sandbox in
            _ = try await chat(["--role", "explain", "why is the sky blue"], fake: fake, sandbox: sandbox)
            #expect(fake.chatRequests.last?.messages.first?.content.contains("explain") == true)
            try role(sandbox, "explain", "Answer in one word.")
            _ = try await chat(["--role", "explain", "why"], fake: fake, sandbox: sandbox)
            #expect(fake.chatRequests.last?.messages.first?.content == "Answer in one word.")
        }
    }

    @Test func roleProblemsAreUsageErrorsNamingThem() async throws {
        try await withFake { fake, sandbox in
            let unknown = try await chat(["--role", "wizard", "q"], fake: fake, sandbox: sandbox)
            #expect(unknown.status == 2)
            #expect(unknown.stderr.contains("wizard"))
            try role(sandbox, "broken", "---\nmodel: a/b\ntemperature: hot\n---\nprompt\n")
            let broken = try await chat(["--role", "broken", "q"], fake: fake, sandbox: sandbox)
            #expect(broken.status == 2)
            #expect(broken.stderr.contains("broken.md, line 3"))
            let twoPrompts = try await chat(["--role", "explain", "-s", "other", "q"], fake: fake, sandbox: sandbox)
            #expect(twoPrompts.status == 2)
            #expect(twoPrompts.stderr.contains("two system prompts"))
            let piped = try await chat(["--role", "explain", "q"], fake: fake, sandbox: sandbox, stdin: "piped system\n")
            #expect(piped.status == 2)
            #expect(fake.chatRequests.isEmpty)
        }
    }

    @Test func theREPLListsAndSwitchesRoles() async throws {
        try await withFake { fake, sandbox in
            try role(sandbox, "pirate", "---\nmodel: openai/gpt-4o-mini\n---\nYou are a pirate.\n")
            let run = try await chat(["--stdin", "repl"], fake: fake, sandbox: sandbox, stdin: "/role\n/role pirate\nahoy\n/role nope\n")
            #expect(run.status == 0)
            #expect(run.stdout.contains("pirate"))
            #expect(run.stdout.contains("shell"))
            #expect(run.stdout.contains("You are a pirate."))
            #expect(fake.chatRequests.last?.model == "openai/gpt-4o-mini")
            #expect(fake.chatRequests.last?.messages.first?.content == "You are a pirate.")
            #expect(run.stderr.contains("unknown role \"nope\""))
        }
    }

    @Test func withoutATerminalTheCommandIsPrintedAndNeverRun() async throws {
        try await withFake { fake, sandbox in
            let marker = sandbox.root + "/ran"
            fake.enqueue(.streamText(pieces: ["```sh\n", "touch \(marker)\n", "```"], model: "m/1"))
            let run = try await chat(["-e", "make a marker file"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0)
            #expect(run.stdout == "touch \(marker)\n")
            #expect(!FileManager.default.fileExists(atPath: marker))
            let system = try #require(fake.chatRequests.last?.messages.first)
            #expect(system.role == "system")
            #expect(system.content.contains("one shell command") || system.content.contains("one command"))
            #expect(system.content.contains(FileManager.default.currentDirectoryPath) || system.content.contains("directory"))
        }
    }

    func shell(_ fake: FakeOpenRouter, _ sandbox: Sandbox, command: String) async throws -> PseudoTerminal {
        fake.enqueue(.streamText(pieces: [command], model: "m/1"))
        return try await PseudoTerminal.spawn(
            executable: Binaries.chat, arguments: ["--base-url", fake.baseURL, "-e", "the task"],
            environment: sandbox.environment(["SHELL": "/bin/sh"]))
    }

    @Test func onATerminalEExecutesAndPassesTheExitCodeThrough() async throws {
        try await withFake { fake, sandbox in
            let marker = sandbox.root + "/ran"
            let terminal = try await shell(fake, sandbox, command: "touch \(marker) && exit 7")
            try await terminal.waitFor("[e]xecute")
            #expect(!FileManager.default.fileExists(atPath: marker), "nothing runs before the key")
            try terminal.send("e")
            #expect(try await terminal.waitForExit() == 7)
            #expect(FileManager.default.fileExists(atPath: marker))
        }
    }

    @Test func anyOtherKeyAbortsAndRunsNothing() async throws {
        try await withFake { fake, sandbox in
            let marker = sandbox.root + "/ran"
            let terminal = try await shell(fake, sandbox, command: "touch \(marker)")
            try await terminal.waitFor("[e]xecute")
            try terminal.send("x")
            #expect(try await terminal.waitForExit() == 130)
            #expect(!FileManager.default.fileExists(atPath: marker))
        }
    }

    @Test func describeExplainsThenAsksAgainAndCopyUsesTheClipboard() async throws {
        try await withFake { fake, sandbox in
            let marker = sandbox.root + "/ran"
            let terminal = try await shell(fake, sandbox, command: "touch \(marker)")
            try await terminal.waitFor("[e]xecute")
            fake.enqueue(.streamText(pieces: ["It creates an empty file."], model: "m/1"))
            try terminal.send("d")
            try await terminal.waitFor("It creates an empty file.")
            try await terminal.waitFor("[e]xecute")
            try terminal.send("c")
            #expect(try await terminal.waitForExit() == 0)
            #expect(terminal.output.contains("\u{1B}]52;c;"))
            #expect(!FileManager.default.fileExists(atPath: marker))
        }
    }
}
