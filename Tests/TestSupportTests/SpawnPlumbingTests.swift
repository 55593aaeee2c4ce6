import Foundation
import Testing

@testable import TestSupport

/// The plumbing under ``PseudoTerminal`` and ``ProcessRunner``.
@Suite struct SpawnPlumbingTests {
    @Test func waitStatusesReadAsTheShellShowsThem() {
        #expect(SpawnPlumbing.exitCode(fromWaitStatus: 0) == 0)
        #expect(SpawnPlumbing.exitCode(fromWaitStatus: 3 << 8) == 3)
        #expect(SpawnPlumbing.exitCode(fromWaitStatus: SIGKILL) == 128 + SIGKILL)
        #expect(SpawnPlumbing.exitCode(fromWaitStatus: SIGTERM | 0x80) == 128 + SIGTERM, "a core dump is still the signal")
    }

    @Test func aNameIsLookedUpInThePATHGivenAndAPathIsKept() throws {
        let found = try SpawnPlumbing.resolve("sh", environment: ["PATH": "/nonexistent:/usr/bin:/bin"])
        #expect(found == "/usr/bin/sh" || found == "/bin/sh")
        #expect(try SpawnPlumbing.resolve("./not/looked/up", environment: [:]) == "./not/looked/up")
        let error = #expect(throws: TestProcessError.self) {
            try SpawnPlumbing.resolve("no-such-program-here", environment: ["PATH": "/usr/bin:/bin"])
        }
        #expect(error?.message == "no-such-program-here: not found in PATH /usr/bin:/bin")
    }

    @Test func cStringsRoundTripAndEndInNull() {
        let strings = ["a", "Привет", ""]
        let array = SpawnPlumbing.cStrings(strings)
        defer { SpawnPlumbing.freeCStrings(array) }
        #expect((0..<3).map { String(cString: array[$0]!) } == strings)
        #expect(array[3] == nil)
    }

    @Test func theEnvironmentIsSortedKeyEqualsValue() {
        #expect(SpawnPlumbing.environmentStrings(["B": "2", "A": "1=one"]) == ["A=1=one", "B=2"])
    }

    @Test func bothEndsOfAPipeCloseOnExec() throws {
        SpawnPlumbing.spawnLock.lock()
        let ends = try SpawnPlumbing.makePipe()
        SpawnPlumbing.spawnLock.unlock()
        defer {
            close(ends.read)
            close(ends.write)
        }
        #expect(fcntl(ends.read, F_GETFD) & FD_CLOEXEC != 0)
        #expect(fcntl(ends.write, F_GETFD) & FD_CLOEXEC != 0)
    }

    @Test func millisecondsLeftIsNeverNegativeAndRoundsUp() {
        #expect(SpawnPlumbing.millisecondsLeft(until: .now - .seconds(1)) == 0)
        let left = SpawnPlumbing.millisecondsLeft(until: .now + .seconds(2))
        #expect(left > 1_000 && left <= 2_001)
    }

    @Test func aChildThatHasNotExitedIsNotReaped() throws {
        var pid: pid_t = 0
        let arguments = SpawnPlumbing.cStrings(["/bin/sh", "-c", "read line"])
        defer { SpawnPlumbing.freeCStrings(arguments) }
        let input = try SpawnPlumbing.makePipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        #expect(posix_spawn(&pid, "/bin/sh", &actions, nil, arguments, nil) == 0)
        close(input.read)
        #expect(SpawnPlumbing.reapIfExited(pid) == nil, "it waits for its line")
        close(input.write)  // EOF: `read` fails, the shell exits 1
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
        #expect(SpawnPlumbing.exitCode(fromWaitStatus: status) == 1)
        #expect(SpawnPlumbing.reapIfExited(pid) == -1, "reaped already: nothing to wait for")
    }
}
