import ChatCore
import ChatTerminal
import Foundation
import TestSupport
import Testing

@Suite struct PlainLineReaderTests {
    /// Reads every line of `bytes` through a pipe.
    private func readAll(_ bytes: [UInt8], chunkSize: Int = 64 * 1024) -> [LineInput] {
        let pipe = TestPipe()
        pipe.writeAndClose(bytes)
        defer { close(pipe.readEnd) }
        let reader = PlainLineReader(fileDescriptor: pipe.readEnd, chunkSize: chunkSize)
        var inputs: [LineInput] = []
        while true {
            let input = reader.readLine(prompt: "> ")
            inputs.append(input)
            if input == .endOfFile || inputs.count > 10_000 { return inputs }
        }
    }

    @Test func readsLinesThenEndOfFile() {
        #expect(readAll(Array("hi\n/model x\nhello\n".utf8)) == [.line("hi"), .line("/model x"), .line("hello"), .endOfFile])
    }

    @Test func keepsEmptyLinesAndRepeatsEndOfFile() {
        let pipe = TestPipe()
        pipe.writeAndClose(Array("\n\nx\n".utf8))
        defer { close(pipe.readEnd) }
        let reader = PlainLineReader(fileDescriptor: pipe.readEnd)
        #expect(reader.readLine(prompt: "") == .line(""))
        #expect(reader.readLine(prompt: "") == .line(""))
        #expect(reader.readLine(prompt: "") == .line("x"))
        #expect(reader.readLine(prompt: "") == .endOfFile)
        #expect(reader.readLine(prompt: "") == .endOfFile)
    }

    @Test func dropsCarriageReturnBeforeNewline() {
        #expect(readAll(Array("one\r\ntwo\r\nlast\r".utf8)) == [.line("one"), .line("two"), .line("last"), .endOfFile])
    }

    @Test func keepsCarriageReturnInsideALine() {
        #expect(readAll(Array("a\rb\n".utf8)) == [.line("a\rb"), .endOfFile])
    }

    @Test func returnsLastLineWithoutNewline() {
        #expect(readAll(Array("first\nno newline".utf8)) == [.line("first"), .line("no newline"), .endOfFile])
    }

    @Test func emptyInputIsEndOfFile() {
        #expect(readAll([]) == [.endOfFile])
    }

    @Test func keepsCyrillicAndEmojiIntact() {
        let text = "Привет, мир\n👋🏽 emoji 🇺🇦\nçà\n"
        #expect(readAll(Array(text.utf8)) == [.line("Привет, мир"), .line("👋🏽 emoji 🇺🇦"), .line("çà"), .endOfFile])
    }

    /// Every chunk size, so lines and multi-byte characters are split at every offset.
    @Test func sameLinesForEveryChunkSize() {
        let text = "Привет\r\n👋 a\n\nlast line без newline"
        let expected: [LineInput] = [.line("Привет"), .line("👋 a"), .line(""), .line("last line без newline"), .endOfFile]
        for chunkSize in 1...text.utf8.count + 1 {
            #expect(readAll(Array(text.utf8), chunkSize: chunkSize) == expected, "chunk size \(chunkSize)")
        }
    }

    @Test func replacesInvalidUTF8() {
        let bytes: [UInt8] = [0x61, 0xFF, 0x62, 0x0A, 0xD0, 0x0A, 0xC3]  // "a?b", truncated Cyrillic, truncated é
        #expect(readAll(bytes) == [.line("a\u{FFFD}b"), .line("\u{FFFD}"), .line("\u{FFFD}"), .endOfFile])
    }

    @Test func readsVeryLongLinesFromAFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/input.txt"
        let long = String(repeating: "абв xyz ", count: 300_000)  // about 3 MB
        try (long + "\nshort\n" + long).write(toFile: path, atomically: true, encoding: .utf8)
        let descriptor = open(path, O_RDONLY)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        let reader = PlainLineReader(fileDescriptor: descriptor)
        // Lines far longer than one 64 KiB read come back whole (how fast: `make bench`).
        #expect(reader.readLine(prompt: "") == .line(long))
        #expect(reader.readLine(prompt: "") == .line("short"))
        #expect(reader.readLine(prompt: "") == .line(long))
        #expect(reader.readLine(prompt: "") == .endOfFile)
    }

    @Test func readsEveryOneOfManyLinesInOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/many.txt"
        let lines = (0..<100_000).map { "line \($0)" }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        let reader = PlainLineReader(fileDescriptor: descriptor)
        var read: [String] = []
        while case .line(let line) = reader.readLine(prompt: "") { read.append(line) }
        // 100,000 lines over many 64 KiB reads: none lost, split or reordered at a read's edge.
        #expect(read == lines)
        #expect(reader.readLine(prompt: "") == .endOfFile)
    }

    @Test func writesPromptToItsDescriptorOnlyWhenAsked() {
        let prompts = TestPipe()
        for (showPrompt, prompt) in [(false, "quiet> "), (true, "model> ")] {
            let input = TestPipe()
            input.writeAndClose(Array("a\n".utf8))
            defer { close(input.readEnd) }
            let reader = PlainLineReader(
                fileDescriptor: input.readEnd, showPrompt: showPrompt, promptFileDescriptor: prompts.writeEnd)
            #expect(reader.readLine(prompt: prompt) == .line("a"))
        }
        #expect(String(decoding: prompts.closeAndReadAll(), as: UTF8.self) == "model> ")
    }

    @Test func ignoresHistoryAndCompletions() {
        let input = TestPipe()
        input.writeAndClose(Array("x\n".utf8))
        defer { close(input.readEnd) }
        let reader = PlainLineReader(fileDescriptor: input.readEnd)
        reader.remember("x")
        reader.setCompletions(commands: ["/help"], models: ["m"])
        #expect(reader.readLine(prompt: "") == .line("x"))
    }
}
