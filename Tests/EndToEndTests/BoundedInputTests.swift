import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// Every input has a cap and one error line past it (exit 2, naming the input and the cap):
/// config, piped stdin, `--system-file`, `--schema @FILE`, role files.
@Suite struct BoundedInputTests {
    /// Runs `command` in `sh -c` with `$CHAT` set to the built binary (for `< /dev/zero` and pipes).
    static func shell(_ command: String, sandbox: Sandbox) async throws -> Run {
        let result = try await ProcessRunner.run(
            executable: "/bin/sh", arguments: ["-c", command], environment: sandbox.environment(["CHAT": Binaries.chat]),
            timeout: .seconds(60))
        return Run(
            status: result.status, stdout: String(decoding: result.stdout, as: UTF8.self),
            stderr: String(decoding: result.stderr, as: UTF8.self))
    }

    /// A file of `count` bytes of `byte` in the sandbox.
    static func file(
        _ name: String, in sandbox: Sandbox, count: Int, byte: UInt8 = UInt8(ascii: " "), prefix: String = ""
    ) throws
        -> String
    {
        let path = sandbox.root + "/" + name
        var bytes = Array(prefix.utf8)
        bytes += [UInt8](repeating: byte, count: count - bytes.count)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aConfigFileOverOneMebibyteIsRefusedByItsSize() async throws {
        try await withFake { fake, sandbox in
            // Valid JSON, but 1 MiB of blank before it: read whole it would load.
            let config = try Self.file("big.json", in: sandbox, count: 1024 * 1024 + 3, prefix: "{}")
            let run = try await chat(["--config", config, "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 2)
            #expect(run.stderr.contains("cannot read config file \(config): larger than 1 MiB"), "\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1)
            #expect(fake.chatRequests.isEmpty)
        }
    }

    @Test func pipedStandardInputEndsWithAnErrorAtSixteenMebibytes() async throws {
        try await withFake { fake, sandbox in
            for (command, use) in [
                ("exec \"$CHAT\" --base-url \(fake.baseURL) q < /dev/zero", "piped as the system prompt"),
                ("yes | \"$CHAT\" --base-url \(fake.baseURL) q", "piped as the system prompt"),
                ("yes | \"$CHAT\" --base-url \(fake.baseURL) --stdin user q", "--stdin user"),
                ("exec \"$CHAT\" --base-url \(fake.baseURL) --system-file - q < /dev/zero", "--system-file -"),
            ] {
                let run = try await Self.shell(command, sandbox: sandbox)
                #expect(run.status == 2, "\(command): \(run.stderr)")
                #expect(run.stderr.contains("standard input (\(use)) holds more than 16 MiB"), "\(command): \(run.stderr)")
                #expect(run.stderr.split(separator: "\n").count == 1)
            }
            #expect(fake.chatRequests.isEmpty)
        }
    }

    @Test func aSystemFileOverSixteenMebibytesIsRefused() async throws {
        try await withFake { fake, sandbox in
            let big = try Self.file("system.txt", in: sandbox, count: 16 * 1024 * 1024 + 1, byte: UInt8(ascii: "x"))
            let run = try await chat(["--system-file", big, "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 2)
            #expect(run.stderr.contains("--system-file \(big) is larger than 16 MiB"), "\(run.stderr)")
            #expect(fake.chatRequests.isEmpty)
        }
    }

    @Test func aSchemaFileOverFourMebibytesIsRefusedNotCut() async throws {
        try await withFake { fake, sandbox in
            let schema = try Self.file("schema.json", in: sandbox, count: 4 * 1024 * 1024 + 3, prefix: "{}")
            let run = try await chat(["--schema", "@" + schema, "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 2)
            #expect(run.stderr.contains("--schema file \(schema) is larger than 4 MiB"), "\(run.stderr)")
            #expect(fake.chatRequests.isEmpty)
        }
    }

    @Test func aRoleFileOverOneMebibyteIsRefusedNotCut() async throws {
        try await withFake { fake, sandbox in
            let roles = sandbox.root + "/config/bankfuture-chat/roles"
            try FileManager.default.createDirectory(atPath: roles, withIntermediateDirectories: true)
            // Two-byte characters across the cap: a cut would leave U+FFFD in the prompt.
            let text = "---\nmodel: m/x\n---\n" + String(repeating: "é", count: 600 * 1024)
            try text.write(toFile: roles + "/huge.md", atomically: true, encoding: .utf8)
            let run = try await chat(["--role", "huge", "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 2)
            #expect(run.stderr.contains("role file \(roles)/huge.md is larger than 1 MiB"), "\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1)
            #expect(fake.chatRequests.isEmpty)
        }
    }
}
