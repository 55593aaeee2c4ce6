import Testing

@testable import ChatCore

/// Bidirectional controls ("Trojan Source") never reach the terminal from outside text.
@Suite struct BidiSanitizerTests {
    static let bidiControls: [UInt32] = [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]

    @Test(arguments: bidiControls)
    func sanitizeAndOneLineRemoveEachBidiControl(_ value: UInt32) {
        let text = "if user\(Character(Unicode.Scalar(value)!))admin"
        #expect(TerminalText.needsSanitizing(text))
        #expect(TerminalText.sanitize(text) == "if useradmin")
        #expect(TerminalText.oneLine(text + "\nnext") == "if useradmin next")
    }

    @Test func lookalikesOfTheBidiBytesStayOnTheFastPath() {
        // Same lead bytes as the controls (E2 80, E2 81, D8), other characters: dashes,
        // quotes, ellipsis, per mille, the ZWJ of an emoji family, Arabic letters.
        let text = "a–b—c‘d’e…f‰g⁄h⁰ 👨‍👩‍👧 \u{200B}\u{2060}\u{FEFF} ؛ ؟ ء ح"
        #expect(!TerminalText.needsSanitizing(text))
        #expect(TerminalText.sanitize(text) == text)
    }
}
