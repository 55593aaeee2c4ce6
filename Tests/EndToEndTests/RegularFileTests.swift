import FakeOpenRouter
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Every file named by a path must be a regular file: a FIFO (which would wait for a writer
/// forever) or a device (`/dev/zero` never ends) is refused at once with one line naming it.
/// Before, each of these runs hung until the test's process timeout killed it.
@Suite struct RegularFileTests {
    /// A FIFO in the sandbox that nothing ever writes to.
    static func fifo(_ name: String, in sandbox: Sandbox) throws -> String {
        let path = sandbox.root + "/" + name
        guard mkfifo(path, 0o600) == 0 else { throw TestProcessError("mkfifo \(path): \(String(cString: strerror(errno)))") }
        return path
    }

    @Test func aFIFOOrDeviceNamedOnTheCommandLineIsRefused() async throws {
        try await withFake { fake, sandbox in
            let fifo = try Self.fifo("pipe", in: sandbox)
            let cases: [(arguments: [String], expected: String)] = [
                (["--config", fifo, "q"], "cannot read config file \(fifo): it is a FIFO, not a regular file"),
                (["--config", "/dev/zero", "q"], "cannot read config file /dev/zero: it is a character device, not a regular file"),
                (["--system-file", fifo, "q"], "cannot read --system-file \(fifo): it is a FIFO, not a regular file"),
                (["--system-file", "/dev/zero", "q"], "cannot read --system-file /dev/zero: it is a character device, not a regular file"),
                (["--schema", "@" + fifo, "q"], "cannot read --schema file \(fifo): it is a FIFO, not a regular file"),
                (["-f", fifo, "q"], "cannot attach \(fifo): it is a FIFO, not a regular file"),
                (["-f", sandbox.root + "/pi*", "q"], "cannot attach \(fifo): it is a FIFO, not a regular file"),
            ]
            for (arguments, expected) in cases {
                let run = try await chat(arguments, fake: fake, sandbox: sandbox)
                #expect(run.status == 2, "\(arguments): \(run.stderr)")
                #expect(run.stderr.contains(expected), "\(arguments): \(run.stderr)")
                #expect(run.stderr.split(separator: "\n").count == 1, "\(arguments): \(run.stderr)")
            }
            #expect(fake.chatRequests.isEmpty)
        }
    }

    @Test func aFIFOInTheRolesFolderIsNamedNotWaitedFor() async throws {
        try await withFake { fake, sandbox in
            let roles = sandbox.root + "/config/bankfuture-chat/roles"
            try FileManager.default.createDirectory(atPath: roles, withIntermediateDirectories: true)
            guard mkfifo(roles + "/stuck.md", 0o600) == 0 else { throw TestProcessError("mkfifo failed") }
            try "You are terse.\n".write(toFile: roles + "/terse.md", atomically: true, encoding: .utf8)

            let run = try await chat(["--role", "stuck", "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 2)
            #expect(run.stderr.contains("cannot read role file \(roles)/stuck.md: it is a FIFO, not a regular file"), "\(run.stderr)")

            // `/role` lists every role: the FIFO one with its problem, the others as usual.
            let repl = try await chat(["--stdin", "repl"], fake: fake, sandbox: sandbox, stdin: "/role\n/role stuck\n/exit\n")
            #expect(repl.status == 0, "\(repl.stderr)")
            #expect(repl.stdout.contains("stuck       (cannot be read: cannot read role file"), "\(repl.stdout)")
            #expect(repl.stdout.contains("You are terse."))
            #expect(repl.stderr.contains("cannot read role file \(roles)/stuck.md: it is a FIFO, not a regular file"))
            #expect(fake.chatRequests.isEmpty)
        }
    }

    @Test func theLineHistoryFileMustBeARegularFile() async throws {
        try await withFake { fake, sandbox in
            let fifo = try Self.fifo("history", in: sandbox)
            let config = try sandbox.write("c.json", "{\"history_file\": \"\(fifo)\"}")
            let terminal = try await PseudoTerminal.spawn(
                executable: Binaries.chat, arguments: ["--base-url", fake.baseURL, "--config", config], environment: sandbox.environment())
            defer { _ = terminal.terminate() }
            try await terminal.waitFor("> ")
            try terminal.send("hello\r")
            try await terminal.waitFor("Echo: hello")
            try await terminal.waitFor("> ")
            try terminal.sendControl("D")
            #expect(try await terminal.waitForExit() == 0)
        }
    }
}
