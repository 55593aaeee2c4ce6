import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// Saved conversations against their own names, other processes and crashes: a name maps to
/// exactly one file or is refused, one process at a time has a conversation open, and the
/// temporary files of a save killed midway are removed at the next start.
@Suite struct SessionSafetyTests {
    static func sessions(_ sandbox: Sandbox) -> String { sandbox.root + "/state/bankfuture-chat/sessions" }

    @Test func aNameThatIsNotAFileNameOfItsOwnIsRefusedNeverMapped() async throws {
        try await withFake { fake, sandbox in
            #expect(try await chat(["--session", "a_b", "first"], fake: fake, sandbox: sandbox).status == 0)
            #expect(try await chat(["--session", "_work", "second"], fake: fake, sandbox: sandbox).status == 0)
            let folder = Self.sessions(sandbox)

            for name in ["a/b", "../work"] {
                let delete = try await chat(["--delete-session", name], fake: fake, sandbox: sandbox)
                #expect(delete.status == 2, "\(name): \(delete.stderr)")
                #expect(delete.stderr.contains("cannot hold \"/\""), "\(delete.stderr)")
                let resume = try await chat(["--session", name, "third"], fake: fake, sandbox: sandbox)
                #expect(resume.status == 2, "\(name): \(resume.stderr)")
                #expect(resume.stderr.contains("--session: session name \"\(name)\" cannot hold \"/\""), "\(resume.stderr)")
            }
            for name in [".hidden", "..", "tab\there"] {
                let run = try await chat(["--session", name, "q"], fake: fake, sandbox: sandbox)
                #expect(run.status == 2, "\(name): \(run.stderr)")
                #expect(run.stderr.split(separator: "\n").count == 1)
            }
            #expect(FileManager.default.fileExists(atPath: folder + "/a_b.jsonl"))
            #expect(FileManager.default.fileExists(atPath: folder + "/_work.jsonl"))
            #expect(fake.chatRequests.map { $0.messages.last?.content } == ["first", "second"])

            // Two long names that share their first 100 characters were one file.
            let stem = String(repeating: "n", count: 100)
            #expect(try await chat(["--session", stem, "hundred"], fake: fake, sandbox: sandbox).status == 0)
            let longer = try await chat(["--session", stem + "-2", "longer"], fake: fake, sandbox: sandbox)
            #expect(longer.status == 2)
            #expect(longer.stderr.contains("is too long: at most 100 characters"), "\(longer.stderr)")
            #expect(fake.chatRequests.count == 3)
            // Other characters are the file's own: "my notes" is "my notes.jsonl", not "my_notes.jsonl".
            #expect(try await chat(["--session", "my notes", "spaced"], fake: fake, sandbox: sandbox).status == 0)
            #expect(FileManager.default.fileExists(atPath: folder + "/my notes.jsonl"))
        }
    }

    @Test func staleTemporaryFilesOfAKilledSaveAreRemovedAtTheNextStart() async throws {
        try await withFake { fake, sandbox in
            let folder = Self.sessions(sandbox)
            try FileManager.default.createDirectory(atPath: folder + "/attachments", withIntermediateDirectories: true)
            let stale = [folder + "/.talk.json.0123456789abcdef.tmp", folder + "/attachments/.abc.b64.fedcba9876543210.tmp"]
            let fresh = folder + "/.other.json.00000000deadbeef.tmp"
            let notOurs = folder + "/.notes.tmp"
            for path in stale + [fresh, notOurs] { FileManager.default.createFile(atPath: path, contents: Data("{".utf8)) }
            let anHourAgo = Date(timeIntervalSinceNow: -3600)
            for path in stale + [notOurs] { try FileManager.default.setAttributes([.modificationDate: anHourAgo], ofItemAtPath: path) }

            let run = try await chat(["--session", "talk", "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0, "\(run.stderr)")
            for path in stale { #expect(!FileManager.default.fileExists(atPath: path), "\(path) is still there") }
            // A save in progress (changed just now) and files not named like ours stay.
            #expect(FileManager.default.fileExists(atPath: fresh))
            #expect(FileManager.default.fileExists(atPath: notOurs))
        }
    }

    /// A REPL on `--session shared` in a pseudo-terminal, at its prompt.
    func repl(_ arguments: [String], _ fake: FakeOpenRouter, _ sandbox: Sandbox) async throws -> PseudoTerminal {
        let terminal = try await PseudoTerminal.spawn(
            executable: Binaries.chat, arguments: ["--base-url", fake.baseURL] + arguments, environment: sandbox.environment())
        try await terminal.waitFor("> ")
        return terminal
    }

    @Test func aConversationOpenInOneProcessIsRefusedToAnother() async throws {
        try await withFake { fake, sandbox in
            #expect(try await chat(["--session", "older", "from before"], fake: fake, sandbox: sandbox).status == 0)
            let first = try await repl(["--session", "shared"], fake, sandbox)
            defer { _ = first.terminate() }
            try first.send("one\r")
            try await first.waitFor("Echo: one")
            try await first.waitFor("> ")

            // A second REPL, and a one-shot, on the same conversation: refused, nothing sent.
            let second = try await chat(["--session", "shared", "--stdin", "repl"], fake: fake, sandbox: sandbox, stdin: "two\n")
            #expect(second.status == 2)
            #expect(second.stderr.contains("--session: session shared is open in another bankfuture-chat"), "\(second.stderr)")
            let oneShot = try await chat(["--session", "shared", "three"], fake: fake, sandbox: sandbox)
            #expect(oneShot.status == 2)
            #expect(fake.chatRequests.map { $0.messages.last?.content } == ["from before", "one"])
            // Deleting it under the REPL is refused too.
            let delete = try await chat(["--delete-session", "shared"], fake: fake, sandbox: sandbox)
            #expect(delete.status == 2)
            #expect(delete.stderr.contains("open in another bankfuture-chat"))

            // --continue takes the newest conversation that is not open: "older", though "shared" is newer.
            let continued = try await chat(["--continue", "again"], fake: fake, sandbox: sandbox)
            #expect(continued.status == 0, "\(continued.stderr)")
            #expect(fake.chatRequests.last?.messages.map(\.content) == ["from before", "Echo: from before", "again"])

            // In another REPL, /session refuses it in one line and stays where it was.
            let other = try await repl(["--session", "elsewhere"], fake, sandbox)
            defer { _ = other.terminate() }
            try other.send("/session shared\r")
            try await other.waitFor("session shared is open in another bankfuture-chat")
            try await other.waitFor("> ")
            try other.send("still here\r")
            try await other.waitFor("Echo: still here")
            #expect(fake.chatRequests.last?.messages.map(\.content) == ["still here"])

            // The first REPL's turn was saved whole, and once it has exited the session opens again.
            try first.sendControl("D")
            #expect(try await first.waitForExit() == 0)
            let reopened = try await chat(["--session", "shared", "four"], fake: fake, sandbox: sandbox)
            #expect(reopened.status == 0, "\(reopened.stderr)")
            #expect(fake.chatRequests.last?.messages.map(\.content) == ["one", "Echo: one", "four"])
        }
    }
}
