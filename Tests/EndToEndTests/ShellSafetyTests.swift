import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// `-e` against a hostile answer on a real pseudo-terminal: what is shown is what runs, all
/// of it, visibly; the command gets the terminal's signals; the clipboard gets no controls.
@Suite(.serialized) struct ShellSafetyTests {
    func shell(
        _ fake: FakeOpenRouter, _ sandbox: Sandbox, answer: String, shell: String = "/bin/sh", rows: Int = 30
    ) async throws -> PseudoTerminal {
        fake.enqueue(.streamText(pieces: [answer], model: "m/1"))
        return try await PseudoTerminal.spawn(
            executable: Binaries.chat, arguments: ["--base-url", fake.baseURL, "-e", "the task"],
            environment: sandbox.environment(["SHELL": shell]), rows: rows)
    }

    @Test func linesOfZeroWidthSpacesCannotPushTheFirstCommandOffTheScreen() async throws {
        try await withFake { fake, sandbox in
            let marker = sandbox.root + "/hidden"
            let padding = String(repeating: "\u{200B}\n", count: 60)
            let terminal = try await shell(fake, sandbox, answer: "```sh\ntouch \(marker)\n\(padding)ls -la\n```")
            // The command is exactly what runs, and the question comes right after it: no
            // screenful of invisible lines in between.
            let shown = try await terminal.waitFor("[e]xecute")
            #expect(shown.contains("touch \(marker)\r\nls -la\r\n[e]xecute"), "\(shown.debugDescription)")
            try terminal.send("e")
            #expect(try await terminal.waitForExit() == 0)
            #expect(FileManager.default.fileExists(atPath: marker))
        }
    }

    @Test func aCommandTallerThanTheScreenRunsOnlyAfterItWasSeenWhole() async throws {
        try await withFake { fake, sandbox in
            let marker = sandbox.root + "/tall"
            let middle = (1...60).map { ": step \($0)\n" }.joined()
            let terminal = try await shell(fake, sandbox, answer: "```sh\ntouch \(marker)\n\(middle)echo done\n```", rows: 24)
            try await terminal.waitFor("62 lines")
            try await terminal.waitFor("[v]iew")
            try terminal.send("e")
            try await terminal.waitFor("see the whole command first")
            #expect(!FileManager.default.fileExists(atPath: marker), "e is not taken before the command was seen whole")
            try await terminal.waitFor("[v]iew")
            try terminal.send("v")
            let whole = try await terminal.waitFor("[e]xecute")
            #expect(whole.contains("1  touch \(marker)"))
            #expect(whole.contains("62  echo done"))
            try terminal.send("e")
            #expect(try await terminal.waitForExit() == 0)
            #expect(FileManager.default.fileExists(atPath: marker))
        }
    }

    @Test func bidiControlsAndInvisibleCharactersInACommandAreShownVisibly() async throws {
        try await withFake { fake, sandbox in
            let terminal = try await shell(fake, sandbox, answer: "echo safe\u{202E}txt.exe\u{2066} #\u{2069}\u{200B}x")
            let shown = try await terminal.waitFor("[e]xecute")
            #expect(shown.contains("echo safe⟨U+202E⟩txt.exe⟨U+2066⟩ #⟨U+2069⟩⟨U+200B⟩x"), "\(shown.debugDescription)")
            for control in ["\u{202E}", "\u{2066}", "\u{2069}", "\u{200B}"] {
                #expect(!terminal.output.contains(control))
            }
            try terminal.send("x")
            #expect(try await terminal.waitForExit() == 130)
        }
    }

    @Test func aCommandHoldingANulIsRefusedAndNothingRuns() async throws {
        try await withFake { fake, sandbox in
            let marker = sandbox.root + "/nul"
            let terminal = try await shell(fake, sandbox, answer: "touch \(sandbox.root)/before\u{0}; touch \(marker)")
            try await terminal.waitFor("NUL")
            #expect(try await terminal.waitForExit() == 1)
            #expect(!terminal.text.contains("[e]xecute"))
            let errorLines = terminal.text.split(separator: "\n").filter { $0.contains("NUL") }
            #expect(errorLines.count == 1)
            #expect(!FileManager.default.fileExists(atPath: sandbox.root + "/before"))
            #expect(!FileManager.default.fileExists(atPath: marker))
        }
    }

    @Test func crlfFencesAreStrippedLikeLFOnes() async throws {
        try await withFake { fake, sandbox in
            let terminal = try await shell(fake, sandbox, answer: "```sh\r\ncd \(sandbox.root) && touch M_crlf\r\n```\r\n")
            let shown = try await terminal.waitFor("[e]xecute")
            #expect(!shown.contains("```"))
            try terminal.send("e")
            #expect(try await terminal.waitForExit() == 0)
            #expect(FileManager.default.fileExists(atPath: sandbox.root + "/M_crlf"))
            #expect(!FileManager.default.fileExists(atPath: sandbox.root + "/M_crlf\r"))
        }
    }

    @Test func copyPutsNoControlCharacterOnTheClipboard() async throws {
        try await withFake { fake, sandbox in
            let terminal = try await shell(fake, sandbox, answer: "echo a\u{1B}]0;T\u{07}b\rc\u{202E}d")
            try await terminal.waitFor("[e]xecute")
            try terminal.send("c")
            #expect(try await terminal.waitForExit() == 0)
            let copied = try #require(OSC52.payloads(in: terminal.output).last)
            #expect(copied == "echo a␛]0;T␇bcd")
        }
    }

    @Test(arguments: ["/bin/sh", "/usr/bin/bash"])
    func ctrlCStopsTheCommand(_ shellPath: String) async throws {
        try await withFake { fake, sandbox in
            let terminal = try await shell(fake, sandbox, answer: "echo started; sleep 600", shell: shellPath)
            try await terminal.waitFor("[e]xecute")
            try terminal.send("e")
            try await terminal.waitFor("started")
            try terminal.sendControl("c")
            // SIGINT ended the command (128 + 2); a blocked SIGINT would leave it sleeping.
            #expect(try await terminal.waitForExit(timeout: .seconds(60)) == 130)
        }
    }

    @Test func theCommandStartsWithNoSignalBlockedOrIgnored() async throws {
        try await withFake { fake, sandbox in
            // bash passes a mask it inherited on to its commands (dash would clear it).
            let terminal = try await shell(fake, sandbox, answer: #"grep -E "SigBlk|SigIgn" /proc/self/status"#, shell: "/usr/bin/bash")
            try await terminal.waitFor("[e]xecute")
            try terminal.send("e")
            #expect(try await terminal.waitForExit() == 0)
            let masks = SignalMasks(terminal.text)
            #expect(masks.blocked == "0000000000000000", "\(terminal.text)")
            #expect(masks.ignored == "0000000000000000", "\(terminal.text)")
        }
    }

    @Test func theEditorStartsWithNoSignalBlockedOrIgnored() async throws {
        try await withFake { fake, sandbox in
            let editor = try sandbox.write("editor.sh", "#!/bin/sh\ngrep -E 'SigBlk|SigIgn' /proc/self/status > \"$1\"\n")
            let terminal = try await PseudoTerminal.spawn(
                executable: Binaries.chat, arguments: ["--base-url", fake.baseURL],
                environment: sandbox.environment(["EDITOR": "/bin/sh " + editor]))
            try await terminal.waitFor("> ")
            try terminal.send("/edit\r")
            try await terminal.waitFor("Echo: ", timeout: .seconds(30))
            let sent = try #require(fake.chatRequests.first?.messages.last?.content)
            let masks = SignalMasks(sent)
            #expect(masks.blocked == "0000000000000000", "\(sent)")
            #expect(masks.ignored == "0000000000000000", "\(sent)")
            _ = terminal.terminate()
        }
    }
}

/// The `SigBlk` and `SigIgn` lines of a `/proc/PID/status`.
struct SignalMasks {
    var blocked: String?
    var ignored: String?

    init(_ text: String) {
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            if parts[0] == "SigBlk" { blocked = parts[1] }
            if parts[0] == "SigIgn" { ignored = parts[1] }
        }
    }
}

/// What a program put on the clipboard through OSC 52.
enum OSC52 {
    /// The decoded payload of every `ESC ] 52 ; c ; BASE64 BEL` in `output`.
    static func payloads(in output: String) -> [String] {
        output.components(separatedBy: "\u{1B}]52;c;").dropFirst().compactMap { rest in
            guard let end = rest.firstIndex(of: "\u{07}"), let data = Data(base64Encoded: String(rest[..<end])) else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
