import ChatCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#endif

/// The editor and the clipboard on the terminal the REPL runs in.
public struct TerminalTools: TerminalServices {
    public let environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    public func compose(_ initial: String) -> Result<String?, ServiceFailure> {
        ExternalEditor.compose(initial, environment: environment)
    }

    public func copy(_ text: String) -> Bool {
        Clipboard.copy(text, environment: environment)
    }
}

/// `/edit`: compose a message in `$VISUAL` / `$EDITOR` on the terminal.
public enum ExternalEditor {
    static func compose(_ initial: String, environment: [String: String]) -> Result<String?, ServiceFailure> {
        let editor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.trimmingWhitespace().isEmpty } ?? "vi"
        let directory = FileManager.default.temporaryDirectory.path
        let path = directory + "/bankfuture-chat-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).md"
        guard FileManager.default.createFile(atPath: path, contents: Data(initial.utf8), attributes: [.posixPermissions: 0o600]) else {
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
    public static func runOnTerminal(_ argv: [String]) -> Int32? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/tty", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for argument in cArgs { free(argument) } }
        // This process ignores SIGPIPE (it handles EPIPE itself); the child gets the default back.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, &attributes, &cArgs, environ) == 0 else { return nil }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}

/// `/copy`: the clipboard through OSC 52, which terminals (and tmux, and ssh) pass on.
public enum Clipboard {
    public static func copy(_ text: String, environment: [String: String]) -> Bool {
        guard environment["TERM"] != "dumb" else { return false }
        let fd = open("/dev/tty", O_WRONLY | O_NOCTTY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let sequence = "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
        return sequence.withCString { write(fd, $0, strlen($0)) } > 0
    }
}

/// Inline image previews for terminals that can show them (kitty's graphics protocol,
/// iTerm2's inline images). Other terminals get nothing: no escape codes at all.
public enum InlineImagePreview {
    enum Kind { case kitty, iterm2 }

    /// The protocol the terminal speaks, from its environment; nil when unknown or when
    /// colour is off (NO_COLOR, --raw, not a terminal).
    static func supported(environment: [String: String], enabled: Bool) -> Kind? {
        guard enabled else { return nil }
        if environment["KITTY_WINDOW_ID"] != nil || environment["TERM"] == "xterm-kitty" { return .kitty }
        if environment["TERM_PROGRAM"] == "iTerm.app" || environment["LC_TERMINAL"] == "iTerm2" { return .iterm2 }
        return nil
    }

    /// Writes a preview of each image file to standard error.
    public static func show(paths: [String], environment: [String: String], enabled: Bool) {
        // Sequences this program composes itself; the image bytes are base64.
        let errors = FileDescriptorWriter(fileDescriptor: 2)
        guard let kind = supported(environment: environment, enabled: enabled) else { return }
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let encoded = data.base64EncodedString()
            switch kind {
            case .iterm2:
                errors.write("\u{1B}]1337;File=inline=1;size=\(data.count);width=40:\(encoded)\u{07}\n")
            case .kitty:
                // PNG only (f=100), in chunks of at most 4096 bytes of base64.
                guard data.starts(with: [0x89, 0x50, 0x4E, 0x47]) else { continue }
                var chunks: [Substring] = []
                var rest = Substring(encoded)
                while !rest.isEmpty {
                    chunks.append(rest.prefix(4096))
                    rest = rest.dropFirst(4096)
                }
                for (i, chunk) in chunks.enumerated() {
                    let more = i < chunks.count - 1 ? 1 : 0
                    let control = i == 0 ? "a=T,f=100,c=40,m=\(more)" : "m=\(more)"
                    errors.write("\u{1B}_G\(control);\(chunk)\u{1B}\\")
                }
                errors.write("\n")
            }
        }
    }
}
