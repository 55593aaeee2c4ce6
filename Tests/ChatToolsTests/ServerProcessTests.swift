import ChatProcess
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The child process itself: what it inherits, how its end is read, that it is reaped.
@Suite(.timeLimit(.minutes(1)))
struct ServerProcessTests {
    init() {
        // As the chat does; the child must not inherit it.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Runs `script` in `/bin/sh`, returns what it printed and how it ended.
    private func run(_ script: String, environment: [String: String] = [:]) async throws -> (output: String, exit: ProcessExit) {
        let process = try ChildProcess.spawn(
            executable: "/bin/sh", arguments: ["-c", script], environment: environment, stderr: 2, onExit: { _ in })
        close(process.input)
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(process.output, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            output += chunk[..<count]
        }
        close(process.output)
        let exit = try #require(await process.exited())
        #expect(kill(process.pid, 0) == -1 && errno == ESRCH)  // reaped
        return (String(decoding: output, as: UTF8.self), exit)
    }

    @Test func theChildGetsSIGPIPEBackToDefaultAndNoSignalBlocked() async throws {
        let (output, exit) = try await run("grep -E '^Sig(Ign|Blk)' /proc/self/status")
        #expect(exit == ProcessExit(.exited(status: 0)))
        let masks = Dictionary(
            uniqueKeysWithValues: output.split(separator: "\n").map { line in
                let parts = line.split(separator: "\t")
                return (String(parts[0]), UInt64(parts[1], radix: 16) ?? .max)
            })
        #expect(masks["SigIgn:"].map { $0 & (1 << (UInt64(SIGPIPE) - 1)) } == 0, "\(output)")
        #expect(masks["SigBlk:"] == 0, "\(output)")
    }

    @Test func theChildInheritsNoDescriptorButItsThree() async throws {
        // A descriptor of ours without close-on-exec, as a socket may be.
        let leaky = open("/dev/null", O_RDONLY)
        defer { close(leaky) }
        #expect(leaky > 2)
        let (output, _) = try await run("[ -e /proc/$$/fd/\(leaky) ] && echo inherited || echo closed; [ -e /proc/$$/fd/2 ] && echo stderr")
        #expect(output == "closed\nstderr\n")
    }

    @Test func theChildGetsExactlyTheEnvironmentGiven() async throws {
        let (output, _) = try await run("echo \"$FAULT|${HOME:-unset}\"", environment: ["FAULT": "on"])
        #expect(output == "on|unset\n")
    }

    @Test func theChildRunsInAProcessGroupOfItsOwn() async throws {
        let (output, _) = try await run("echo $$; cut -d' ' -f5 /proc/$$/stat")
        let numbers = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(numbers.count == 2 && numbers[0] == numbers[1], "\(output)")
    }

    @Test func anExitStatusAndASignalAreTold() async throws {
        #expect(try await run("exit 7").exit.description == "exited (status 7)")
        #expect(try await run("kill -9 $$").exit.description == "was killed by signal 9")
    }

    @Test func aProgramThatCannotRunIsAFailureNamingIt() {
        #expect(throws: SystemCallFailure(call: "posix_spawn", subject: "/nonexistent", errno: ENOENT)) {
            try ChildProcess.spawn(executable: "/nonexistent", arguments: [], environment: [:], stderr: 2, onExit: { _ in })
        }
    }

    @Test func aStandardErrorThatIsNoDescriptorIsAFailureNotOurs() {
        // Unchecked, the bad descriptor was dropped and the child wrote to our stderr (the terminal).
        #expect(throws: SystemCallFailure(call: "posix_spawn_file_actions", subject: "/bin/sh", errno: EBADF)) {
            try ChildProcess.spawn(
                executable: "/bin/sh", arguments: ["-c", "echo leaked >&2"], environment: [:], stderr: -1, onExit: { _ in })
        }
    }
}
