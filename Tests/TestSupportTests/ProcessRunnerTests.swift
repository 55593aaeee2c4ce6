import Foundation
import TestSupport
import Testing

/// The one-shot runner: both streams, input, status, timeouts.
@Suite struct ProcessRunnerTests {
    @Test func collectsBothStreamsAndTheStatus() async throws {
        let result = try await ProcessRunner.run(
            executable: "/bin/sh", arguments: ["-c", "echo out; echo err >&2; exit 4"], environment: shellEnvironment)
        #expect(result.status == 4)
        #expect(result.stdout == Array("out\n".utf8))
        #expect(result.stderr == Array("err\n".utf8))
    }

    @Test func feedsStandardInput() async throws {
        let input = Array("Привет\nline two\n".utf8)
        let result = try await ProcessRunner.run(executable: "cat", environment: shellEnvironment, stdin: input)
        #expect(result.status == 0)
        #expect(result.stdout == input)
    }

    @Test func withoutInputStandardInputIsEmpty() async throws {
        let result = try await ProcessRunner.run(
            executable: "/bin/sh", arguments: ["-c", "cat; echo end"], environment: shellEnvironment)
        #expect(result.stdout == Array("end\n".utf8))
    }

    /// Megabytes on both outputs while megabytes of input are still being written: a
    /// runner that read one pipe at a time would deadlock here.
    @Test func largeOutputsOnBothStreamsDoNotDeadlock() async throws {
        let input = [UInt8](repeating: UInt8(ascii: "x"), count: 2_000_000)
        let result = try await ProcessRunner.run(
            executable: "/bin/sh",
            arguments: ["-c", "head -c 3000000 /dev/zero >&2; cat; head -c 1000000 /dev/zero >&2"],
            environment: shellEnvironment, stdin: input, timeout: .seconds(30))
        #expect(result.status == 0)
        #expect(result.stdout.count == 2_000_000)
        #expect(result.stderr.count == 4_000_000)
    }

    @Test func childThatIgnoresItsInputDoesNotBreakTheRunner() async throws {
        let input = [UInt8](repeating: 1, count: 1_000_000)
        let result = try await ProcessRunner.run(executable: "/bin/true", environment: shellEnvironment, stdin: input)
        #expect(result.status == 0)
    }

    @Test func reportsDeathBySignal() async throws {
        let result = try await ProcessRunner.run(
            executable: "/bin/sh", arguments: ["-c", "kill -TERM $$"], environment: shellEnvironment)
        #expect(result.status == 128 + SIGTERM)
    }

    @Test func timesOutAndKills() async throws {
        let error = await #expect(throws: TestProcessError.self) {
            _ = try await ProcessRunner.run(
                executable: "/bin/sh", arguments: ["-c", "echo pid=$$; exec sleep 600"], environment: shellEnvironment,
                timeout: .milliseconds(500))
        }
        let message = try #require(error?.message)
        #expect(message.hasPrefix("/bin/sh did not finish within 0.5 seconds"), "\(message)")
        // The output so far is in the error, and the child is killed and reaped: no such process.
        let pid = try #require(message.firstMatch(of: /pid=(\d+)/).flatMap { Int32($0.1) })
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
    }

    @Test func childrenDoNotInheritIgnoredSIGPIPE() async throws {
        // The runner ignores SIGPIPE for itself; an ignored signal would stay ignored in
        // the child. Bit 13 of SigIgn is SIGPIPE.
        let result = try await ProcessRunner.run(
            executable: "/bin/grep", arguments: ["SigIgn", "/proc/self/status"], environment: shellEnvironment)
        #expect(ignoredSignals(String(decoding: result.stdout, as: UTF8.self)) & (1 << (SIGPIPE - 1)) == 0)
    }
}
