// libFuzzer target for session files (`/load`, `--session`, `--continue`) and the terminal
// sanitizer: the bytes go to `SessionArchive.decode`; an archive that loads must survive
// `encoded()` and a second decode unchanged, render as Markdown, and every piece of its text
// (and the raw bytes as UTF-8) must come out of `TerminalText` without a terminal control.
// A load error must be one line.
//
// Compiled into the ChatCore module, one target per binary (not part of `swift build`):
//
//   swiftc -sanitize=fuzzer,address -parse-as-library -module-name ChatCore -g -O \
//       $(find Sources/ChatCore -name '*.swift' | sort) Fuzz/FuzzSessionArchive.swift -o .build/fuzz/fuzz-archive
//
// See docs/FUZZING.md for running it.

/// Whether `scalar` could steer a terminal: ESC and the other C0 controls except TAB and LF,
/// DEL, the C1 controls, and the bidirectional controls (they reorder what is shown).
private func steersTerminal(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    return (v < 0x20 && v != 0x09 && v != 0x0A) || v == 0x7F || (0x80...0x9F).contains(v) || scalar.properties.isBidiControl
}

/// Runs `text` through both sanitizers and traps if anything that could steer a terminal is left.
private func checkSanitized(_ text: String, what: String) {
    let clean = TerminalText.sanitize(text)
    if clean.unicodeScalars.contains(where: steersTerminal) {
        fatalError("TerminalText.sanitize left a control character in \(what)")
    }
    if !TerminalText.needsSanitizing(text), clean != text {
        fatalError("TerminalText.sanitize changed \(what) although needsSanitizing said no")
    }
    if TerminalText.needsSanitizing(clean) {
        fatalError("TerminalText.sanitize output of \(what) still needs sanitizing")
    }
    for limit in [Int.max, TerminalText.errorTextLimit, 0] {
        let line = TerminalText.oneLine(text, limit: limit)
        if line.unicodeScalars.contains(where: { steersTerminal($0) || $0 == "\n" || $0 == "\t" }) {
            fatalError("TerminalText.oneLine left a control character or line break in \(what)")
        }
        if limit != .max, line.count > limit + 1 {
            fatalError("TerminalText.oneLine kept \(line.count) characters of \(what) with limit \(limit)")
        }
    }
}

private func checkOneLine(_ message: String, what: String) {
    if message.contains("\n") {
        fatalError("\(what) error is more than one line: \(message.debugDescription)")
    }
    checkSanitized(message, what: "the \(what) error")
}

/// The pending message's text, whether the archive keeps it as text (format v2) or as a
/// message with attachments (v3), so the target builds against either.
private func text(of pending: String) -> String { pending }
private func text(of pending: ChatMessage) -> String { pending.content }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSessionArchive(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))

    // The sanitizer on whatever the bytes say, archive or not.
    checkSanitized(String(decoding: bytes, as: UTF8.self), what: "the raw input")

    let archive: SessionArchive
    do {
        archive = try SessionArchive.decode(bytes, path: "fuzz.json")
    } catch {
        checkOneLine(error.message, what: "decode")
        return 0
    }

    // Round trip: what we write must load back as the same archive.
    let encoded = archive.encoded(savedAt: 1_700_000_000)
    let again: SessionArchive
    do {
        again = try SessionArchive.decode(encoded, path: "fuzz-again.json")
    } catch {
        fatalError("an archive that loaded cannot load its own encoding: \(error.message.debugDescription)")
    }
    if again != archive {
        fatalError("archive round trip changed the archive")
    }
    if archive.encoded(savedAt: 1_700_000_000) != encoded {
        fatalError("encoding the same archive twice gave different bytes")
    }
    _ = archive.encoded(savedAt: .nan)

    // What /export writes and what the terminal shows.
    let markdown = archive.markdown()
    checkSanitized(markdown, what: "markdown()")
    checkSanitized(archive.model, what: "the model id")
    if let systemPrompt = archive.systemPrompt { checkSanitized(systemPrompt, what: "the system prompt") }
    if let pending = archive.pending { checkSanitized(text(of: pending), what: "the pending message") }
    for message in archive.messages { checkSanitized(message.content, what: "a message") }
    if let cost = archive.usage.cost { _ = UsageText.cost(cost) }
    return 0
}
