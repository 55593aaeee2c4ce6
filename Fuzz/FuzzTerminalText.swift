// libFuzzer target for the terminal sanitizer and what shows commands and links: the bytes,
// read as UTF-8, go through `TerminalText.sanitize`, `oneLine`, `visible` and `visibleLine`,
// the `-e` command extraction and its view, the line splitter and the web-link check. None
// may let through a terminal control or a bidirectional control; `visible` may hide nothing.
//
// Compiled into the ChatCore module, one target per binary (not part of `swift build`):
//
//   swiftc -sanitize=fuzzer,address -parse-as-library -module-name ChatCore -g -O \
//       $(find Sources/ChatCore -name '*.swift' | sort) Fuzz/FuzzTerminalText.swift -o .build/fuzz/fuzz-terminal
//
// Seeds in Fuzz/corpus-terminal/, dictionary Fuzz/terminal.dict (the UTF-8 of the bidi,
// zero-width and control characters). See docs/FUZZING.md for running it.

/// ESC and the other C0 controls except TAB and LF, DEL, C1, and the bidirectional controls.
private func steers(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    return (v < 0x20 && v != 0x09 && v != 0x0A) || v == 0x7F || (0x80...0x9F).contains(v) || scalar.properties.isBidiControl
}

private func fail(_ what: String, _ text: String) -> Never {
    fatalError("\(what): \(text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " "))")
}

private func checkText(_ text: String) {
    let clean = TerminalText.sanitize(text)
    if clean.unicodeScalars.contains(where: steers) { fail("sanitize left a control", text) }
    if !TerminalText.needsSanitizing(text), clean != text { fail("sanitize changed text needsSanitizing passed", text) }
    if TerminalText.needsSanitizing(clean) { fail("sanitize output still needs sanitizing", text) }
    for limit in [Int.max, TerminalText.errorTextLimit, 0] {
        let line = TerminalText.oneLine(text, limit: limit)
        if line.unicodeScalars.contains(where: { steers($0) || $0 == "\n" || $0 == "\t" }) { fail("oneLine left a control", text) }
        if limit != .max, line.count > limit + 1 { fail("oneLine kept \(line.count) characters, limit \(limit)", text) }
        let visibleLine = TerminalText.visibleLine(text, limit: limit)
        if visibleLine.unicodeScalars.contains(where: { steers($0) || TerminalText.isHidden($0) || $0 == "\n" || $0 == "\t" }) {
            fail("visibleLine hid or let through a character", text)
        }
        if limit != .max, visibleLine.count > limit + 1 { fail("visibleLine kept \(visibleLine.count) characters", text) }
    }
    let visible = TerminalText.visible(text)
    if visible.unicodeScalars.contains(where: { steers($0) || TerminalText.isHidden($0) }) { fail("visible hid a character", text) }
    if TerminalText.sanitize(visible) != visible { fail("sanitize changed the output of visible", text) }
    // Every C1 and hidden character shows as its own ⟨U+…⟩.
    let hidden = text.unicodeScalars.filter { TerminalText.isHidden($0) || (0x80...0x9F).contains($0.value) }.count
    let marked = visible.unicodeScalars.filter { $0 == "⟨" }.count - text.unicodeScalars.filter { $0 == "⟨" }.count
    if marked != hidden { fail("visible marked \(marked) of \(hidden) hidden characters", text) }
}

private func checkCommand(_ answer: String) {
    let command = ShellCommandText.extract(answer)
    if let refusal = ShellCommandText.refusal(command) {
        if refusal.contains("\n") { fail("a refusal of more than one line", answer) }
        return
    }
    for line in TextLines.split(command) where TerminalText.isBlank(line) && TextLines.split(command).count > 1 {
        fail("a blank line inside the extracted command", answer)
    }
    for rows in [1, 5, 24] {
        let view = ShellCommandView(command: command, screen: ScreenSize(rows: rows, columns: 20))
        for shown in [view.preview, view.numbered] where shown.unicodeScalars.contains(where: { steers($0) || TerminalText.isHidden($0) }) {
            fail("the command view hid a character", answer)
        }
        if !view.fitsOnScreen, view.preview.split(separator: "\n", omittingEmptySubsequences: false).count > max(1, rows - 4) + 1 {
            fail("a preview taller than the screen", answer)
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTerminalText(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    checkText(text)
    checkCommand(text)
    // The splitter loses nothing but the CR of each CRLF.
    let lines = TextLines.split(text)
    var withoutCRLF = String.UnicodeScalarView()
    let scalars = Array(text.unicodeScalars)
    for (index, scalar) in scalars.enumerated() where !(scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n") {
        withoutCRLF.append(scalar)
    }
    if lines.joined(separator: "\n") != String(withoutCRLF) { fail("TextLines.split lost text", text) }
    // A link is only an address with nothing hidden in it.
    if WebLink.isLinkable(text), text.unicodeScalars.contains(where: { steers($0) || TerminalText.isHidden($0) || $0 == " " }) {
        fail("a link with a hidden character", text)
    }
    return 0
}
