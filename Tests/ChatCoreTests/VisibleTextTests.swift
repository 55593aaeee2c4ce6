import Testing

@testable import ChatCore

/// ``TerminalText/visible(_:)``: what the user approves or runs shows every character that
/// is there.
@Suite struct VisibleTextTests {
    @Test func bidiZeroWidthAndOddSpacesAreShownAsCodePoints() {
        #expect(TerminalText.visible("rm \u{202E}fdp.sh") == "rm ⟨U+202E⟩fdp.sh")
        #expect(TerminalText.visible("a\u{2066}b\u{2069}c\u{200E}\u{061C}") == "a⟨U+2066⟩b⟨U+2069⟩c⟨U+200E⟩⟨U+061C⟩")
        #expect(TerminalText.visible("x\u{200B}y\u{200D}z\u{2060}\u{FEFF}") == "x⟨U+200B⟩y⟨U+200D⟩z⟨U+2060⟩⟨U+FEFF⟩")
        #expect(TerminalText.visible("ls\u{00A0}-la\u{2028}") == "ls⟨U+00A0⟩-la⟨U+2028⟩")
        #expect(TerminalText.visible("tag\u{E0041}") == "tag⟨U+E0041⟩")
    }

    @Test func controlsArePicturesAndCRIsShownNotDropped() {
        #expect(TerminalText.visible("echo ok\rrm -rf x\u{1B}[2K") == "echo ok␍rm -rf x␛[2K")
        #expect(TerminalText.visible("a\u{0}b\u{7F}c\u{9B}d") == "a␀b␡c⟨U+009B⟩d")
        #expect(TerminalText.visible("line one\n\tline two") == "line one\n\tline two")
    }

    @Test func theOneLineFormShowsLineBreaksAndTabsAndCuts() {
        #expect(TerminalText.visibleLine("a\nb\tc\r\n") == "a␊b␉c␍␊")
        #expect(TerminalText.visibleLine("https://x.example/\u{202E}", limit: 10) == "https://x.…")
        #expect(TerminalText.visibleLine("plain https://x.example/") == "plain https://x.example/")
    }

    @Test func plainTextIsReturnedAsItIs() {
        let text = "find . -name '*.swift' | xargs wc -l\n\tdone"
        #expect(TerminalText.visible(text) == text)
        #expect(TerminalText.visible("Grüße, 日本 👋") == "Grüße, 日本 👋")
    }

    @Test func linesOfOnlyInvisibleCharactersAreBlank() {
        #expect(TerminalText.isBlank("\u{200B}\u{200B} \u{FEFF}\t\u{2060}\u{202E}"))
        #expect(TerminalText.isBlank(""))
        #expect(!TerminalText.isBlank("\u{200B}x"))
        #expect(!TerminalText.isBlank("\u{1B}"))
    }
}
