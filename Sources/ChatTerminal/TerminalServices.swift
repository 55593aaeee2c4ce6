import ChatCore
import ChatProcess

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

    /// Runs a command in the foreground with the terminal (`/dev/tty`, whatever our streams
    /// are) as its stdin, stdout and stderr; its exit status, or 128 + signal; nil when it
    /// could not start.
    public static func runOnTerminal(_ argv: [String]) -> Int32? {
        let terminal = (
            ProcessSpawn.Stream.file(path: "/dev/tty", flags: O_RDONLY), ProcessSpawn.Stream.file(path: "/dev/tty", flags: O_WRONLY),
            ProcessSpawn.Stream.file(path: "/dev/tty", flags: O_WRONLY)
        )
        return (try? ProcessSpawn.runInForeground(executable: argv[0], arguments: Array(argv.dropFirst()), streams: terminal))?.shellStatus
    }
}

/// `/copy`: the clipboard through OSC 52, which terminals (and tmux, and ssh) pass on.
public enum Clipboard {
    /// Writes the clipboard sequence for `text` to the terminal; false when there is none,
    /// or it is `TERM=dumb`.
    public static func copy(_ text: String, environment: [String: String]) -> Bool {
        guard environment["TERM"] != "dumb" else { return false }
        let fd = open("/dev/tty", O_WRONLY | O_NOCTTY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return sequence(for: text).withCString { write(fd, $0, strlen($0)) } > 0
    }

    /// The OSC 52 sequence that puts `text` on the clipboard. The text passes the sanitizer
    /// first (TAB and LF kept): what is pasted lands in a terminal or a shell, where ESC,
    /// CR or a bidirectional control would act as they would on screen.
    static func sequence(for text: String) -> String {
        "\u{1B}]52;c;" + Data(TerminalText.sanitize(text).utf8).base64EncodedString() + "\u{07}"
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
