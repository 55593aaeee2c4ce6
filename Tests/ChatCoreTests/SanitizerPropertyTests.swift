import Foundation
import TestSupport
import Testing

@testable import ChatCore

/// The sanitizer against seeded random text heavy in bidirectional controls, zero-width and
/// other invisible characters, controls and C1: whatever comes in, no output steers the
/// terminal or reorders a line. A failure names its seed; `SplitMix64(seed:)` replays it.
@Suite struct SanitizerPropertyTests {
    /// Scalars an attacker would use, each drawn often.
    static let hostile: [Unicode.Scalar] =
        (UInt32(0)..<0x20).map { Unicode.Scalar($0)! } + (UInt32(0x7F)...0x9F).map { Unicode.Scalar($0)! }
        + [
            "\u{061C}", "\u{200B}", "\u{200C}", "\u{200D}", "\u{200E}", "\u{200F}", "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}",
            "\u{202E}", "\u{2060}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}", "\u{FEFF}", "\u{00AD}", "\u{2028}", "\u{2029}",
            "\u{00A0}", "\u{3000}", "\u{E0041}", "\u{FE0F}", "\u{3164}",
        ]
    /// Ordinary text around them, including lookalikes of their UTF-8 (dashes, quotes, Arabic).
    static let ordinary: [Unicode.Scalar] = ["a", "Z", "0", " ", "-", "/", "é", "–", "’", "…", "؛", "ء", "ח", "日", "👋", "\u{0301}"]

    static func text(using rng: inout SplitMix64) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...40, using: &rng) {
            scalars.append(Bool.random(using: &rng) ? hostile.randomElement(using: &rng)! : ordinary.randomElement(using: &rng)!)
        }
        return String(scalars)
    }

    static func steers(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t" && scalar != "\n") || (0x7F...0x9F).contains(scalar.value)
            || scalar.properties.isBidiControl
    }

    @Test func noOutputHoldsAControlOrABidiControlAndVisibleHidesNothing() {
        for seed in UInt64(0)..<10_000 {
            var rng = SplitMix64(seed: seed)
            let text = Self.text(using: &rng)
            let safe = TerminalText.sanitize(text)
            #expect(!safe.unicodeScalars.contains(where: Self.steers), "sanitize, seed \(seed)")
            #expect(TerminalText.needsSanitizing(text) || safe == text, "fast path changed nothing, seed \(seed)")
            #expect(!TerminalText.needsSanitizing(safe), "sanitize is final, seed \(seed)")
            let line = TerminalText.oneLine(text)
            #expect(!line.unicodeScalars.contains { Self.steers($0) || $0 == "\n" || $0 == "\t" }, "oneLine, seed \(seed)")
            let visible = TerminalText.visible(text)
            #expect(!visible.unicodeScalars.contains { Self.steers($0) || TerminalText.isHidden($0) }, "visible, seed \(seed)")
            #expect(TerminalText.sanitize(visible) == visible, "visible is sanitized, seed \(seed)")
            let visibleLine = TerminalText.visibleLine(text, limit: 30)
            #expect(!visibleLine.unicodeScalars.contains { Self.steers($0) || TerminalText.isHidden($0) || $0 == "\n" || $0 == "\t" })
            #expect(visibleLine.count <= 31, "seed \(seed)")
            // Every hidden character is accounted for: as many ⟨U+…⟩ as there were.
            let hidden = text.unicodeScalars.filter { TerminalText.isHidden($0) || (0x80...0x9F).contains($0.value) }.count
            #expect(visible.components(separatedBy: "⟨U+").count - 1 == hidden, "seed \(seed)")
        }
    }
}
