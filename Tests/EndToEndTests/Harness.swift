import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// The built executables (see ``RealParts/binaryDirectory``).
enum Binaries {
    static var chat: String { RealParts.binaryDirectory + "/bankfuture-chat" }
}

/// Runs `body` with a fresh fake and a fresh sandbox; shuts the fake down and removes the
/// sandbox whether or not `body` throws.
func withFake(_ body: (FakeOpenRouter, Sandbox) async throws -> Void) async throws {
    let fake = try await FakeOpenRouter.start()
    let sandbox = try Sandbox()
    defer { sandbox.remove() }
    do { try await body(fake, sandbox) } catch {
        try await fake.shutdown()
        throw error
    }
    try await fake.shutdown()
}

/// A scratch HOME with XDG dirs, so tests never touch the real ones.
struct Sandbox {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("bfc-e2e-\(UUID().uuidString)").path
        for dir in ["home", "config/bankfuture-chat", "state"] {
            try FileManager.default.createDirectory(atPath: root + "/" + dir, withIntermediateDirectories: true)
        }
    }

    /// A minimal environment: no inherited key, proxy or config.
    func environment(key: String? = "sk-or-test-SECRET-0123456789", _ extra: [String: String] = [:]) -> [String: String] {
        var env = [
            "HOME": root + "/home", "XDG_CONFIG_HOME": root + "/config", "XDG_STATE_HOME": root + "/state",
            "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "xterm-256color",
        ]
        if let key { env["OPENROUTER_API_KEY"] = key }
        return env.merging(extra) { _, new in new }
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = root + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// The result of one run of the binary.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `bankfuture-chat` with `arguments` (pointed at `fake` unless `baseURL` is given).
func chat(
    _ arguments: [String], fake: FakeOpenRouter?, sandbox: Sandbox, env: [String: String]? = nil, stdin: String? = nil,
    pointAtFake: Bool = true
) async throws -> Run {
    var args = arguments
    if let fake, pointAtFake { args = ["--base-url", fake.baseURL] + args }
    let result = try await ProcessRunner.run(
        executable: Binaries.chat, arguments: args, environment: env ?? sandbox.environment(),
        stdin: stdin.map { Array($0.utf8) }, timeout: .seconds(30))
    return Run(
        status: result.status, stdout: String(decoding: result.stdout, as: UTF8.self),
        stderr: String(decoding: result.stderr, as: UTF8.self))
}
