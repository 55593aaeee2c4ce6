import ChatCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `/edit`: compose a message in `$VISUAL` / `$EDITOR` on the terminal.
enum ExternalEditor {
    static func compose(environment: [String: String]) -> Result<String?, ChatLoop.ServiceFailure> {
        let editor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? "vi"
        let directory = FileManager.default.temporaryDirectory.path
        let path = directory + "/bankfuture-chat-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).md"
        guard FileManager.default.createFile(atPath: path, contents: Data(), attributes: [.posixPermissions: 0o600]) else {
            return .failure(.init("/edit: cannot create a temporary file in \(directory)"))
        }
        defer { unlink(path) }
        let status = runOnTerminal(["/bin/sh", "-c", editor + " \"$1\"", "sh", path])
        guard let status else { return .failure(.init("/edit: cannot start \(editor)")) }
        guard status == 0 else { return .failure(.init("/edit: \(editor) exited with status \(status); nothing sent")) }
        guard let data = FileManager.default.contents(atPath: path) else { return .success(nil) }
        var text = String(decoding: data, as: UTF8.self)
        while text.hasSuffix("\n") { text.removeLast() }
        return .success(text.isEmpty ? nil : text)
    }

    /// Runs a command with the terminal as its stdin, stdout and stderr; returns its exit status.
    static func runOnTerminal(_ argv: [String]) -> Int32? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/tty", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, nil, &cArgs, environ) == 0 else { return nil }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}

/// `/copy`: the clipboard through OSC 52, which terminals (and tmux, and ssh) pass on.
enum Clipboard {
    static func copy(_ text: String, environment: [String: String]) -> Bool {
        guard environment["TERM"] != "dumb" else { return false }
        let fd = open("/dev/tty", O_WRONLY | O_NOCTTY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let sequence = "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
        return sequence.withCString { write(fd, $0, strlen($0)) } > 0
    }
}
