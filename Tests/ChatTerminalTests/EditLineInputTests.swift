import Foundation
import TestSupport
import Testing

/// Bracketed paste and file-name completion of EditLineReader on a real pseudo-terminal,
/// through ``TerminalHelper`` (`LINE[text]`, `PASTED[text] TYPED[typed before]`).
@Suite struct EditLineInputTests {
    static let pasteStart = "\u{1B}[200~"
    static let pasteEnd = "\u{1B}[201~"

    private func startReader(environment: [String: String] = [:]) async throws -> PseudoTerminal {
        let terminal = try await TerminalHelper.spawn(role: "editline", environment: environment)
        try await terminal.waitFor("READY", timeout: .seconds(30))
        try await terminal.waitFor("edit> ")
        return terminal
    }

    private func type(_ keys: String, expect expected: String, on terminal: PseudoTerminal) async throws {
        try terminal.send(keys)
        try await terminal.waitFor(expected)
        try await terminal.waitFor("edit> ")
    }

    @Test func aOneLinePasteIsTypedTextWithoutControls() async throws {
        let terminal = try await startReader()
        // The paste's TAB is text (no completion), its ESC is dropped, its newline does not submit.
        try terminal.send(Self.pasteStart + "/he\tlp \u{1B}[2Jx\r" + Self.pasteEnd)
        try await terminal.waitFor("/he")
        try await type(" typed\r", expect: "LINE[/he\tlp [2Jx typed]", on: terminal)
        try terminal.sendControl("d")
        #expect(try await terminal.waitForExit() == 0)
        // Paste mode is on while each prompt is shown, and off once its line is read.
        let output = terminal.output
        let on = output.components(separatedBy: "\u{1B}[?2004h").count - 1
        #expect(on >= 2)
        #expect(output.components(separatedBy: "\u{1B}[?2004l").count - 1 == on)
        let lastOn = try #require(output.range(of: "\u{1B}[?2004h", options: .backwards))
        let lastOff = try #require(output.range(of: "\u{1B}[?2004l", options: .backwards))
        #expect(lastOff.lowerBound > lastOn.lowerBound)
    }

    @Test func aPasteOfSeveralLinesIsOnePlaceholderExpandedOnEnter() async throws {
        let terminal = try await startReader()
        try terminal.send("sum up: ")
        try await terminal.waitFor("sum up: ")
        try terminal.send(Self.pasteStart + "first\r/exit\r\u{1B}[A third\r" + Self.pasteEnd)
        try await terminal.waitFor("[pasted 3 lines, 21 B]")
        try terminal.send(" thanks\r")
        // (The output's escape sequences are stripped before matching: `ESC[A` is not seen here.)
        try await terminal.waitFor("PASTED[sum up: first\r\n/exit\r\n third thanks] TYPED[sum up: ]")
        try await terminal.waitFor("edit> ")
        // Two pastes on one line; a Ctrl-C byte inside a paste is text: it neither ends the
        // paste nor drops the line.
        try terminal.send(Self.pasteStart + "a\rb" + Self.pasteEnd + " and " + Self.pasteStart + "c\r\u{03}d\r" + Self.pasteEnd)
        try await terminal.waitFor("[pasted #2: 2 lines, 4 B]")
        try terminal.send("\r")
        try await terminal.waitFor("PASTED[a\r\nb and c\r\n\u{03}d] TYPED[]")
        try await terminal.waitFor("edit> ")
        // A placeholder deleted before Enter drops its paste: Ctrl-U kills the line.
        try terminal.send(Self.pasteStart + "x\ry" + Self.pasteEnd)
        try await terminal.waitFor("[pasted 2 lines, 3 B]")
        try await type("\u{15}plain\r", expect: "LINE[plain]", on: terminal)
        try terminal.sendControl("d")
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test func fileNamesCompleteQuotedAndListInertly() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = directory.path
        for name in ["alpha.txt", "my file.txt", "a\u{1B}]0;PWNED\u{07}x.txt", "a\u{1B}]52;c;QkFTRTY0\u{07}y.txt"] {
            #expect(FileManager.default.createFile(atPath: root + "/" + name, contents: Data("x".utf8)))
        }
        try FileManager.default.createDirectory(atPath: root + "/alps", withIntermediateDirectories: false)
        let terminal = try await startReader(environment: ["HOME": root])
        try await type("/file \(root)/alph\t\r", expect: "LINE[/file \(root)/alpha.txt ]", on: terminal)
        // A folder ends with `/` and no space; a blank is escaped, or kept inside quotes.
        try await type("/file \(root)/alp\ts\t\r", expect: "LINE[/file \(root)/alps/]", on: terminal)
        try await type("/file \(root)/my\t\r", expect: #"LINE[/file \#(root)/my\ file.txt ]"#, on: terminal)
        try await type("/load \"\(root)/my\t\r", expect: "LINE[/load \"\(root)/my file.txt\" ]", on: terminal)
        try await type("/save ~/al\ts\t\r", expect: "LINE[/save ~/alps/]", on: terminal)
        // Names with controls are listed sanitized and never inserted.
        try terminal.send("/file \(root)/a\t\t")
        try await terminal.waitFor("a␛]0;PWNED␇x.txt")
        try await type("\r", expect: "LINE[/file \(root)/a]", on: terminal)
        try terminal.sendControl("d")
        #expect(try await terminal.waitForExit() == 0)
        #expect(!terminal.output.contains("\u{1B}]"))
        #expect(terminal.output.contains("a␛]52;c;QkFTRTY0␇y.txt"))
    }
}
