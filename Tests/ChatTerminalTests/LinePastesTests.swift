import Testing

@testable import ChatTerminal

@Suite struct LinePastesTests {
    @Test func aShortLineIsTypedTextWithoutControlsOrItsLineEnd() {
        var pastes = LinePastes()
        #expect(pastes.insert(Array("hello\tworld\r\n".utf8)) == "hello\tworld")
        #expect(pastes.insert(Array("a\u{1B}[2Jb\u{7F}c\u{9B}d\u{03}".utf8)) == "a[2Jbcd")
        #expect(pastes.insert(Array("\r\n\n".utf8)) == nil)
        #expect(pastes.insert(Array("\u{1B}".utf8)) == nil)
        #expect(pastes.pastes.isEmpty)
    }

    @Test func severalLinesOrALongLineAreAPlaceholder() {
        var pastes = LinePastes()
        #expect(pastes.insert(Array("one\rtwo\r\nthree\n".utf8)) == "[pasted 3 lines, 13 B]")
        let long = String(repeating: "x", count: LinePastes.inlineLimit + 1)
        #expect(pastes.insert(Array(long.utf8)) == "[pasted #2: 1 line, 2.0 KB]")
        #expect(pastes.pastes.map(\.text) == ["one\ntwo\nthree", long])
    }

    @Test func enterPutsEachPasteInPlaceOfItsPlaceholder() throws {
        var pastes = LinePastes()
        let inserted = (pastes.insert(Array("a\nb".utf8)), pastes.insert(Array("/exit\nc".utf8)))
        let first = try #require(inserted.0)
        let second = try #require(inserted.1)
        let expanded = pastes.expand("see \(first) and \(second) thanks")
        #expect(expanded == LinePastes.Expanded(text: "see a\nb and /exit\nc thanks", typedBefore: "see "))
        #expect(pastes.expand("\(second)\(first)") == LinePastes.Expanded(text: "/exit\nca\nb", typedBefore: ""))
        // A deleted (or edited) placeholder drops its paste.
        #expect(pastes.expand("see [pasted 2 lines") == nil)
        #expect(pastes.expand("only \(second)")?.text == "only /exit\nc")
        pastes.reset()
        #expect(pastes.expand(first) == nil)
    }

    @Test func sizes() {
        #expect(LinePastes.size(40) == "40 B")
        #expect(LinePastes.size(12_595) == "12.3 KB")
        #expect(LinePastes.size(5 * 1024 * 1024 + 1) == "5.0 MB")
    }
}
