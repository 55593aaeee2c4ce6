import Testing

@testable import ChatCore

/// The command of `-e`: what is shown is all that runs.
@Suite struct ShellCommandTests {
    @Test func linesOfZeroWidthSpacesAreBlankAndLeftOut() {
        let padding = String(repeating: "\u{200B}\n", count: 60)
        #expect(ShellCommandText.extract("```sh\ntouch /tmp/x\n\(padding)ls -la\n```") == "touch /tmp/x\nls -la")
        #expect(ShellCommandText.extract("\u{FEFF}\n\u{200B}\nls -la\n\u{2060}") == "ls -la")
    }

    @Test func aNulIsRefusedInOneLine() throws {
        let refusal = try #require(ShellCommandText.refusal("touch a\u{0}; rm b"))
        #expect(!refusal.contains("\n"))
        #expect(refusal.contains("NUL"))
        #expect(ShellCommandText.refusal("touch a; rm b") == nil)
    }

    @Test func theLineSplitterTreatsLFAndCRLFAlikeAndKeepsALoneCR() {
        #expect(TextLines.split("a\r\nb\nc\r\n") == ["a", "b", "c", ""])
        #expect(TextLines.split("a\rb") == ["a\rb"])
        #expect(TextLines.split("") == [""])
        #expect(TextLines.split("\r\n\r\n") == ["", "", ""])
        #expect(TextLines.firstNonBlank("\r\n  \r\n Be brief. \r\nMore") == "Be brief.")
    }

    @Test func aCommandThatFitsIsShownWholeAndVisibly() {
        let view = ShellCommandView(command: "echo a\u{202E}b\nls", screen: ScreenSize(rows: 24, columns: 80))
        #expect(view.fitsOnScreen)
        #expect(view.preview == "echo a⟨U+202E⟩b\nls")
        #expect(view.countText == "2 lines")
    }

    @Test func aCommandTallerThanTheScreenShowsItsHeadAndCount() {
        let command = (1...30).map { "echo \($0)" }.joined(separator: "\n")
        let view = ShellCommandView(command: command, screen: ScreenSize(rows: 24, columns: 80))
        #expect(!view.fitsOnScreen)
        let preview = view.preview.split(separator: "\n")
        #expect(preview.count == 21)
        #expect(preview.first == "echo 1")
        #expect(preview.last == "… the command has 30 lines, more than fit on the screen")
        let numbered = view.numbered.split(separator: "\n")
        #expect(numbered.first == " 1  echo 1")
        #expect(numbered[29] == "30  echo 30")
        #expect(numbered.last == "(end of the command: 30 lines)")
    }

    @Test func oneLineWiderThanTheScreenCountsItsWrappedRows() {
        let long = String(repeating: "x", count: 80 * 23)
        #expect(!ShellCommandView(command: long, screen: ScreenSize(rows: 24, columns: 80)).fitsOnScreen)
        #expect(ShellCommandView(command: String(repeating: "x", count: 80 * 22), screen: ScreenSize(rows: 24, columns: 80)).fitsOnScreen)
        #expect(ShellCommandView.rows(of: "日本日本", columns: 4) == 2)
    }
}
