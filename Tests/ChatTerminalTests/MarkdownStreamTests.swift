import TestSupport
import Testing

@testable import ChatTerminal

// MARK: Helpers

private let esc = "\u{1B}"
private let reset = "\u{1B}[0m"

/// Renders `pieces` as one answer: everything `feed` returned, then `finish()`.
private func render(_ pieces: [String], width: Int = 40) -> String {
    var stream = MarkdownStream(width: width)
    var output = ""
    for piece in pieces {
        output += stream.feed(piece)
    }
    return output + stream.finish()
}

/// The text without SGR escape sequences (`ESC [ params final`).
private func stripANSI(_ text: String) -> String {
    var result = String.UnicodeScalarView()
    var scalars = text.unicodeScalars.makeIterator()
    while let scalar = scalars.next() {
        guard scalar == "\u{1B}" else {
            result.append(scalar)
            continue
        }
        guard scalars.next() == "[" else { continue }
        while let next = scalars.next(), !(0x40...0x7E).contains(next.value) {}
    }
    return String(result)
}

/// Whether every escape sequence in `text` is complete (none cut at the end of a piece).
private func escapesAreWhole(_ text: String) -> Bool {
    let scalars = Array(text.unicodeScalars)
    var index = 0
    while index < scalars.count {
        if scalars[index] == "\u{1B}" {
            guard index + 1 < scalars.count, scalars[index + 1] == "[" else { return false }
            index += 2
            while index < scalars.count, !(0x40...0x7E).contains(scalars[index].value) {
                index += 1
            }
            guard index < scalars.count else { return false }
        }
        index += 1
    }
    return true
}

/// Whether `text` appears in `output` switched to the SGR style `parameters`, from the
/// default style or from another one.
private func hasStyled(_ output: String, _ parameters: String, _ text: String) -> Bool {
    output.contains("\(esc)[\(parameters)m\(text)") || output.contains("\(esc)[0;\(parameters)m\(text)")
}

/// The output lines without escape sequences.
private func visibleLines(_ output: String) -> [String] {
    stripANSI(output).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}

// MARK: Tests

@Suite struct MarkdownStreamTests {
    /// Answers as a model writes them.
    struct RecordedAnswer: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        /// Text that must be visible in the rendered output.
        let visible: [String]

        var testDescription: String { name }

        static let all: [RecordedAnswer] = [
            RecordedAnswer(
                name: "headings, bold, list, code",
                text: """
                    # Sorting in Swift

                    Swift's **standard library** sorts *in place* with `sort()` and returns a copy with `sorted()`.

                    ## Steps
                    1. Make the array `var`.
                    2. Call **`sort(by:)`** with a closure:
                       - ascending: `<`
                       - descending: `>`

                    ```swift
                    var numbers = [3, 1, 2]
                    numbers.sort(by: >) // [3, 2, 1]
                    let names = ["b", "a"].sorted()
                    ```

                    > Note: sorting is *not* stable before Swift 5.

                    ---
                    That's all!
                    """,
                visible: ["Sorting in Swift", "standard library", "sort()", "1.", "◦", "swift", "numbers.sort(by: >)", "That's all!"]
            ),
            RecordedAnswer(
                name: "table with Cyrillic, CJK and emoji",
                text: """
                    ### Сравнение языков

                    | Язык | 速度 | Оценка |
                    |:-----|:----:|-------:|
                    | **Swift** | 快 🚀 | 9/10 |
                    | Python | 慢 🐢 | 8/10 |
                    | Rust | 非常快 | 10/10 |

                    Итого: выбирайте по задаче 👍🏽.
                    """,
                visible: ["Сравнение языков", "Язык", "速度", "Swift", "🚀", "Rust", "非常快", "Итого: выбирайте по задаче 👍🏽."]
            ),
            RecordedAnswer(
                name: "python and json code, links, quotes",
                text: """
                    Here is a script ([docs](https://docs.python.org/3/)):

                    ```python
                    import json  # standard library
                    def load(path: str) -> dict:
                        \"\"\"Read **one** file.\"\"\"
                        with open(path) as f:
                            return json.load(f)
                    ```

                    ```json
                    {"name": "bankfuture", "retries": 3, "stream": true}
                    ```

                    > Tip: use `--raw` for plain output.
                    > > Nested quote with 日本語 and emoji 👨‍👩‍👧.

                    * first bullet that is long enough to wrap onto a second line at forty columns
                    * second_bullet with snake_case_names and __bold__ text
                    """,
                visible: [
                    "docs", "https://docs.python.org/3/", "python", "import json", "Read **one** file.", "bankfuture", "--raw", "日本語",
                    "snake_case_names",
                ]
            ),
            RecordedAnswer(
                name: "unclosed markup and odd lines",
                text: """
                    **bold never closed and `code never closed
                    Text with * lone star and _under_score and 2 * 3 = 6.
                    #hashtag is not a heading
                    ####### neither is this
                    - - -
                    | not | a table
                    plain line
                    ~~~
                    tilde fence
                    ~~~
                    Final line without newline
                    """,
                visible: ["**bold never closed", "`code never", "#hashtag", "tilde fence", "| not | a table", "Final line without newline"]
            ),
        ]
    }

    // MARK: Splitting

    @Test(arguments: RecordedAnswer.all)
    func outputDoesNotDependOnHowTheAnswerIsSplit(_ answer: RecordedAnswer) {
        let whole = render([answer.text])
        let characters = answer.text.map(String.init)
        #expect(render(characters) == whole, "one Character at a time")
        for offset in 0...characters.count {
            let pieces = [characters[..<offset].joined(), characters[offset...].joined()]
            let output = render(pieces)
            #expect(output == whole, "split at \(offset)")
            if output != whole { break }
        }
        let visible = stripANSI(whole)
        for text in answer.visible {
            #expect(visible.contains(text), "\(text) is shown")
        }
    }

    // MARK: Incremental rendering

    @Test func wordsAppearAsTheyArrive() {
        var stream = MarkdownStream(width: 80)
        #expect(stripANSI(stream.feed("Hello wor")).contains("Hello"))
        #expect(stripANSI(stream.feed("ld and more")).contains("world"))
    }

    @Test func anOpenDelimiterIsHeldUntilItCloses() {
        var stream = MarkdownStream(width: 80)
        let first = stream.feed("**bo")
        #expect(!first.contains("**"))
        #expect(!first.contains("bo"))
        let second = stream.feed("ld**")
        #expect(second.contains("\(esc)[1mbold"))
        #expect(!second.contains("**"))
        #expect(stream.finish() == reset)
    }

    @Test func unclosedMarkupIsShownLiterallyAtTheEndOfItsLine() {
        var stream = MarkdownStream(width: 80)
        #expect(stream.feed("**never closed, and *this") == "")
        let output = stream.feed(" either\nnext")
        #expect(stripANSI(output) == "**never closed, and *this either\nnext")
        #expect(stream.finish() == "")
    }

    @Test func lineStartsAreHeldOnlyUntilTheirKindIsKnown() {
        var stream = MarkdownStream(width: 80)
        #expect(stream.feed("#") == "")
        #expect(stream.feed("# Ti") == "\(esc)[1;35mTi")
        #expect(stream.feed("tle\n") == "tle\(reset)\n")
        #expect(stream.feed("-") == "")
        #expect(stripANSI(stream.feed(" item")) == "• item")
        #expect(stream.feed("\n12") == "\n")
        #expect(stripANSI(stream.feed(". twelve")) == "12. twelve")
        #expect(stripANSI(stream.feed("\n3.14 is pi")) == "\n3.14 is")
    }

    @Test func codeIsShownTokenByToken() {
        var stream = MarkdownStream(width: 80)
        let label = stream.feed("```swift\nlet")
        #expect(stripANSI(label) == "╭─ swift\n│ ")
        let more = stream.feed(" answer = 4")
        #expect(hasStyled(more, "35", "let"))
        #expect(stripANSI(more) == "let answer = ")
        #expect(stripANSI(stream.feed("2\n```\n")) == "42\n╰─\n")
    }

    @Test func tableIsDrawnWhenItEnds() {
        var stream = MarkdownStream(width: 80)
        #expect(stream.feed("| a | b |\n|---|--:|\n| 1 | 22 |\n") == "")
        let table = visibleLines(stream.feed("\nafter"))
        #expect(table == ["a │  b", "──┼───", "1 │ 22", "", "after"])
    }

    @Test func aRowWithoutSeparatorIsText() {
        let lines = visibleLines(render(["| a | b |\nplain **x**\n"]))
        #expect(lines == ["| a | b |", "plain x", ""])
    }

    // MARK: Elements

    @Test func headingsLoseTheirMarkersAndAreStyled() {
        let output = render(["# One\n## Two\n### Three\n"])
        #expect(output == "\(esc)[1;4;35mOne\(reset)\n\(esc)[1;35mTwo\(reset)\n\(esc)[1mThree\(reset)\n")
    }

    @Test func inlineStyles() {
        let output = render(["**b** __b2__ *i* _i2_ ~~s~~ `c` [t](http://u) snake_case_name 2*3 *\n"], width: 80)
        #expect(output.contains("\(esc)[1mb\(reset)"))
        #expect(output.contains("\(esc)[1mb2\(reset)"))
        #expect(output.contains("\(esc)[3mi\(reset)"))
        #expect(output.contains("\(esc)[3mi2\(reset)"))
        #expect(output.contains("\(esc)[9ms\(reset)"))
        #expect(output.contains("\(esc)[33mc\(reset)"))
        #expect(output.contains("\(esc)[4;34mt\(reset) \(esc)[2m(http://u)\(reset)"))
        #expect(stripANSI(output) == "b b2 i i2 s c t (http://u) snake_case_name 2*3 *\n")
    }

    @Test func nestedEmphasisAndEscapes() {
        let output = render(["**bold *both* bold** \\*not italic\\* `a*b*c`\n"])
        #expect(output.contains("\(esc)[0;1;3mboth\(esc)[0;1m"))
        #expect(stripANSI(output) == "bold both bold *not italic* a*b*c\n")
        #expect(render(["*a **b***\n"]) == "\(esc)[3ma \(esc)[0;1;3mb\(reset)\n")
        #expect(render(["**a***\n"]) == "\(esc)[1ma\(reset)*\n")
        #expect(render(["***a***\n"]) == "\(esc)[1;3ma\(reset)\n")
    }

    @Test func listsGetBulletsAndWrappedLinesAreIndented() {
        let output = render(["- one two three four five six\n  - nested seven eight nine\n1. first item here\n"], width: 16)
        #expect(
            visibleLines(output) == [
                "• one two three", "  four five six",
                "  ◦ nested seven", "    eight nine",
                "1. first item", "   here", "",
            ])
    }

    @Test func quotesHaveADimBar() {
        let output = render(["> quoted text that wraps\n>\n> > deeper\n"], width: 16)
        #expect(visibleLines(output) == ["│ quoted text", "│ that wraps", "│", "│ │ deeper", ""])
        #expect(output.hasPrefix("\(esc)[2m│ quoted"))
    }

    @Test func horizontalRuleSpansTheWidth() {
        #expect(
            visibleLines(render(["a\n***\n- - -\n___\n"], width: 12)) == [
                "a", String(repeating: "─", count: 12), String(repeating: "─", count: 12),
                String(repeating: "─", count: 12), "",
            ])
    }

    // MARK: Wrapping

    @Test func noLineIsWiderThanTheTerminal() {
        let words = ["日本語", "テキスト", "Привет", "мир", "👍🏽", "👨‍👩‍👧", "emoji", "🇺🇦", "e\u{301}te\u{301}", "中文", "**粗体**", "*курсив*", "`код`"]
        var generator = SplitMix64(seed: 7)
        var text = ""
        for line in 0..<12 {
            text += line % 3 == 0 ? "- " : line % 3 == 1 ? "> " : ""
            for _ in 0..<30 {
                text += words.randomElement(using: &generator)! + " "
            }
            text += "\n"
        }
        for width in 12...50 {
            let output = render([text], width: width)
            for line in visibleLines(output) {
                #expect(DisplayWidth.of(line) <= width, "width \(width): \(line)")
            }
        }
    }

    @Test func wordsAreNeverSplit() {
        var generator = SplitMix64(seed: 11)
        let words = (0..<300).map { _ in
            String(repeating: ["a", "ж", "字", "😀"].randomElement(using: &generator)!, count: Int.random(in: 1...9, using: &generator))
        }
        let text = words.joined(separator: " ")
        for width in [8, 13, 21, 40] {
            let output = render([text], width: width)
            let shown = stripANSI(output).split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
            #expect(shown == words, "width \(width)")
        }
    }

    @Test func aWordWiderThanTheLineGetsALineOfItsOwn() {
        let long = String(repeating: "x", count: 30)
        #expect(visibleLines(render(["a \(long) b c\n"], width: 10)) == ["a", long, "b c", ""])
    }

    @Test func escapeSequencesAreNeverSplitAcrossPieces() {
        let answer = RecordedAnswer.all[0].text + "\n" + RecordedAnswer.all[1].text
        var stream = MarkdownStream(width: 30)
        for character in answer {
            #expect(escapesAreWhole(stream.feed(String(character))))
        }
        #expect(escapesAreWhole(stream.finish()))
    }

    @Test func stylesAreResetAtEveryLineEnd() {
        for answer in RecordedAnswer.all {
            let output = render([answer.text], width: 24)
            for line in output.split(separator: "\n") {
                if let last = line.lastIndex(of: "\u{1B}") {
                    #expect(line[last...].hasPrefix(reset), "\(line)")
                }
            }
        }
    }

    @Test func finishResetsAnInterruptedStyle() {
        var stream = MarkdownStream(width: 80)
        let shown = stream.feed("# Interrupted head")
        #expect(shown.contains("\(esc)[1;4;35mInterrupted"))
        #expect(stream.finish() == " head" + reset)
        var other = MarkdownStream(width: 80)
        #expect(other.feed("```python\n# cut comm").hasSuffix("comm"))
        #expect(other.finish() == reset)
    }

    @Test func displayWidth() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("Привет") == 6)
        #expect(DisplayWidth.of("日本語") == 6)
        #expect(DisplayWidth.of("ｶﾀｶﾅ") == 4)  // halfwidth katakana: one column each
        #expect(DisplayWidth.of("Ａ") == 2)  // fullwidth Latin
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("👍") == 2)
        #expect(DisplayWidth.of("👍🏽") == 2)
        #expect(DisplayWidth.of("👨‍👩‍👧") == 2)
        #expect(DisplayWidth.of("🇺🇦") == 2)
        #expect(DisplayWidth.of("❤️") == 2)
        #expect(DisplayWidth.of("a\u{200B}b") == 2)
        #expect(DisplayWidth.of("\u{1B}") == 0)
    }

    // MARK: Code blocks

    @Test func codeBlockContentIsPreservedExactly() {
        let code = [
            "# not a heading",
            "**not bold** and _not italic_ and `not code`",
            "- not a list",
            "| not | a table |",
            "    indented\twith a tab",
            "",
            "> not a quote",
            "``not a fence``",
            "日本語 👍🏽 " + String(repeating: "long ", count: 30),
        ]
        let answer = "Before\n````markdown\n" + code.joined(separator: "\n") + "\n```\n````\nAfter\n"
        let lines = visibleLines(render([answer], width: 30))
        #expect(lines.first == "Before")
        #expect(lines[1] == "╭─ markdown")
        let body = lines[2..<(2 + code.count + 1)]
        #expect(body.allSatisfy { $0.hasPrefix("│ ") })
        #expect(body.map { String($0.dropFirst(2)) } == code + ["```"])
        #expect(Array(lines.suffix(3)) == ["╰─", "After", ""])
    }

    @Test func codeBlockInAListKeepsItsIndentation() {
        let lines = visibleLines(render(["1. Run:\n   ```sh\n   make test\n   ```\n"]))
        #expect(lines == ["1. Run:", "   ╭─ sh", "   │ make test", "   ╰─", ""])
    }

    @Test func codeIsColouredByLanguage() {
        let swift = render(["```swift\nlet s = \"x\" // note\nreturn 42\n```\n"])
        #expect(hasStyled(swift, "35", "let"))
        #expect(swift.contains("\(esc)[32m\"x\""))
        #expect(swift.contains("\(esc)[90m// note"))
        #expect(hasStyled(swift, "35", "return"))
        #expect(swift.contains("\(esc)[36m42"))

        let python = render(["```py\ndef f(): # comment\n  return 'a'\n```\n"])
        #expect(hasStyled(python, "35", "def"))
        #expect(python.contains("\(esc)[90m# comment"))
        #expect(python.contains("\(esc)[32m'a'"))

        let shell = render(["```bash\necho $# \"$HOME\" # done\n```\n"])
        #expect(shell.contains("\(esc)[90m# done"))
        #expect(!shell.contains("\(esc)[90m# \""))

        let rust = render(["```rust\nfn f<'a>(x: &'a str) -> char { 'c' }\n```\n"])
        #expect(rust.contains("\(esc)[32m'c'"))
        #expect(!rust.contains("\(esc)[32m'a"))

        let unknown = render(["```brainfuck\n++[>+<-] \"if\"\n```\n"])
        #expect(stripANSI(unknown) == "╭─ brainfuck\n│ ++[>+<-] \"if\"\n╰─\n")
        #expect(unknown.filter { $0 == "\u{1B}" }.count == 6)  // label, gutter, closing line: styled and reset
    }

    @Test func blockCommentsCarryOverLines() {
        let output = render(["```c\n/* one\n two */ int x;\n```\n"])
        #expect(hasStyled(output, "90", " two */"))
        #expect(hasStyled(output, "35", "int"))
    }

    // MARK: Tables

    @Test func tableColumnsAreAlignedByDisplayWidth() {
        let output = render(["| Name | 名前 | n |\n|:--|:-:|--:|\n| Ann | 日本 | 1 |\n| Bob 🎉 | x | 100 |\n"])
        let lines = visibleLines(output)
        #expect(
            lines == [
                "Name   │ 名前 │   n",
                "───────┼──────┼────",
                "Ann    │ 日本 │   1",
                "Bob 🎉 │  x   │ 100",
                "",
            ])
        #expect(output.hasPrefix("\(esc)[1mName"))
    }

    @Test func aWideTableWrapsItsCells() {
        let row = "| short | " + Array(repeating: "word", count: 20).joined(separator: " ") + " |\n"
        let lines = visibleLines(render(["| a | b |\n|---|---|\n" + row], width: 30))
        for line in lines {
            #expect(DisplayWidth.of(line) <= 30, "\(line)")
        }
        #expect(lines.count > 4)
        #expect(lines[2].hasPrefix("short │ word word"))
    }

    // MARK: Modes and robustness

    @Test func withoutColorTheTextPassesThroughUnchanged() {
        var stream = MarkdownStream(width: 10, color: false)
        let pieces = ["# Title **bo", "ld** \u{1B}[31m", "| a |\n```swift\nlet x = 1\n", "日本語 long line that is not wrapped"]
        for piece in pieces {
            #expect(stream.feed(piece) == piece)
        }
        #expect(stream.finish() == "")
    }

    @Test func controlCharactersAreDropped() {
        #expect(render(["a\u{1B}[31mb\r\n"]) == "a[31mb\n")
    }

    @Test func finishLeavesTheStreamReadyForAnotherAnswer() {
        var stream = MarkdownStream(width: 40)
        _ = stream.feed("```\nunclosed")
        _ = stream.finish()
        #expect(stream.feed("**x**\n") == "\(esc)[1mx\(reset)\n")
        #expect(stream.finish() == "")
    }

    @Test func randomMarkdownNeverCrashesAndIgnoresSplits() {
        let alphabet = Array("ab c*_`~[]()#>-+|:1.\\!日👍é\u{301}\t\n\n  ")
        var generator = SplitMix64(seed: 2024)
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<120, using: &generator)
            let characters = (0..<length).map { _ in String(alphabet.randomElement(using: &generator)!) }
            let width = Int.random(in: 1...40, using: &generator)
            var pieces: [String] = []
            var index = 0
            while index < characters.count {
                let next = min(characters.count, index + Int.random(in: 1...8, using: &generator))
                pieces.append(characters[index..<next].joined())
                index = next
            }
            let whole = render([characters.joined()], width: width)
            #expect(render(pieces, width: width) == whole, "\(characters.joined().debugDescription)")
        }
    }

    @Test func aTwoMegabyteAnswerRenders() {
        var answer = ""
        let block = RecordedAnswer.all.map(\.text).joined(separator: "\n\n") + "\n\n"
        while answer.utf8.count < 2_000_000 {
            answer += block
        }
        var stream = MarkdownStream(width: 80)
        var shownCharacters = 0
        var index = answer.startIndex
        while index < answer.endIndex {
            let next = answer.index(index, offsetBy: 64, limitedBy: answer.endIndex) ?? answer.endIndex
            shownCharacters += stream.feed(String(answer[index..<next])).count
            index = next
        }
        shownCharacters += stream.finish().count
        #expect(shownCharacters > 1_000_000)
    }
}
