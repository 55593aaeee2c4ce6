import ChatProcess
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A server (and the tool host) starts with the signals of a fresh process: none blocked, none
/// ignored, whatever the spawning thread blocked and whatever the chat ignores.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct ChildSignalTests {
    @Test func aChildStartsWithNoSignalBlockedOrIgnored() async throws {
        let process = try SignalState.withHostileState {
            // grep itself, not through sh: dash would clear an inherited mask.
            try ChildProcess.spawn(
                executable: "/usr/bin/grep", arguments: ["-E", "^Sig(Ign|Blk)", "/proc/self/status"], environment: [:], stderr: 2,
                onExit: { _ in })
        }
        close(process.input)
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(process.output, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            output += chunk[..<count]
        }
        close(process.output)
        _ = await process.exited()
        let text = String(decoding: output, as: UTF8.self)
        #expect(text == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n")
    }
}

/// The signal state a child must not inherit.
enum SignalState {
    /// Runs `body` with SIGUSR2 ignored in this process (as a parent may ignore any signal)
    /// and SIGUSR2, SIGINT and SIGTERM blocked on this thread (as threads of the chat block
    /// signals), then restores both.
    static func withHostileState<T>(_ body: () throws -> T) rethrows -> T {
        let previous = signal(SIGUSR2, SIG_IGN)
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for number in [SIGUSR2, SIGINT, SIGTERM] { sigaddset(&blocked, number) }
        var saved = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &saved)
        defer {
            pthread_sigmask(SIG_SETMASK, &saved, nil)
            signal(SIGUSR2, previous)
        }
        return try body()
    }
}
