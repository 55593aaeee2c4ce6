import Foundation
import TestSupport
import Testing

@testable import ChatTerminal

#if canImport(Glibc)
import Glibc
#endif

/// The `-e` command (and the editor, which starts the same way) begins with the signals of a
/// fresh process: a signal blocked on the spawning thread or ignored by the chat (SIGPIPE)
/// would stay so in the command, and Ctrl-C could not stop it. Nor does it inherit a descriptor
/// of ours beyond its three.
@Suite(.serialized) struct TerminalShellSignalTests {
    @Test func theCommandStartsWithNoSignalBlockedOrIgnored() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let report = directory.path + "/masks"
        // bash, as in the report: dash clears an inherited mask, bash passes it on.
        let shell = TerminalShell(environment: ["SHELL": "/usr/bin/bash"])
        let previous = signal(SIGUSR2, SIG_IGN)
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for number in [SIGUSR2, SIGINT, SIGTERM] { sigaddset(&blocked, number) }
        var saved = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &saved)
        let status = shell.run("grep -E '^Sig(Blk|Ign)' /proc/self/status > '\(report)'")
        pthread_sigmask(SIG_SETMASK, &saved, nil)
        signal(SIGUSR2, previous)
        #expect(status == 0)
        let text = try String(contentsOfFile: report, encoding: .utf8)
        #expect(text == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n")
    }

    @Test func theCommandInheritsNoDescriptorButItsThree() throws {
        // A descriptor of ours without close-on-exec, as a socket of the HTTP client may be.
        let leaky = open("/dev/null", O_RDONLY)
        defer { close(leaky) }
        #expect(leaky > 2)
        let shell = TerminalShell(environment: ["SHELL": "/bin/sh"])
        #expect(shell.run("[ -e /proc/$$/fd/\(leaky) ] && exit 7; [ -e /proc/$$/fd/2 ] || exit 8; exit 0") == 0)
    }
}
