import TestSupport
import Testing

@testable import ChatCore

/// A stream as OpenRouter sends it: keep-alive comments, multi-byte text, usage chunk, [DONE].
let recordedStream = """
    : OPENROUTER PROCESSING

    : OPENROUTER PROCESSING

    data: {"id":"gen-1","model":"google/gemini-2.5-flash","choices":[{"index":0,"delta":{"role":"assistant","content":"Привет"},"finish_reason":null}]}

    data: {"id":"gen-1","model":"google/gemini-2.5-flash","choices":[{"index":0,"delta":{"content":", мир! 👋🏽 "},"finish_reason":null}]}

    event: ignored
    id: 7
    data: {"id":"gen-1","model":"google/gemini-2.5-flash","choices":[{"index":0,"delta":{"content":"日本語"},"finish_reason":"stop"}]}

    data: {"id":"gen-1","model":"google/gemini-2.5-flash","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19,"cost":0.00042}}

    data: [DONE]


    """

func parseAll(_ chunks: [[UInt8]]) throws -> [ServerSentEventParser.Event] {
    var parser = ServerSentEventParser()
    var events: [ServerSentEventParser.Event] = []
    for chunk in chunks { events += try parser.feed(chunk) }
    return events + parser.finish()
}

@Suite struct ServerSentEventParserTests {
    let expected: [ServerSentEventParser.Event] = [
        .comment("OPENROUTER PROCESSING"),
        .comment("OPENROUTER PROCESSING"),
        .data(
            #"{"id":"gen-1","model":"google/gemini-2.5-flash","choices":[{"index":0,"delta":{"role":"assistant","content":"Привет"},"finish_reason":null}]}"#
        ),
        .data(
            #"{"id":"gen-1","model":"google/gemini-2.5-flash","choices":[{"index":0,"delta":{"content":", мир! 👋🏽 "},"finish_reason":null}]}"#
        ),
        .data(
            #"{"id":"gen-1","model":"google/gemini-2.5-flash","choices":[{"index":0,"delta":{"content":"日本語"},"finish_reason":"stop"}]}"#),
        .data(
            #"{"id":"gen-1","model":"google/gemini-2.5-flash","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19,"cost":0.00042}}"#
        ),
        .data("[DONE]"),
    ]

    @Test func wholeStreamInOneChunk() throws {
        #expect(try parseAll([Array(recordedStream.utf8)]) == expected)
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func splitAtEveryOffsetWithEachLineEnding(_ ending: String) throws {
        let bytes = Array(recordedStream.replacingOccurrences(of: "\n", with: ending).utf8)
        for offset in 0...bytes.count {
            let events = try parseAll([Array(bytes[..<offset]), Array(bytes[offset...])])
            #expect(events == expected, "split at byte \(offset)")
        }
    }

    @Test func oneByteAtATime() throws {
        let bytes = Array(recordedStream.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        #expect(try parseAll(bytes.map { [$0] }) == expected)
    }

    @Test func seededRandomSplitsGiveTheSameEvents() throws {
        var rng = SplitMix64(seed: 0xB4_4E_F0_07)
        let bytes = Array(recordedStream.utf8)
        for _ in 0..<300 {
            var chunks: [[UInt8]] = []
            var i = 0
            while i < bytes.count {
                let n = Int(rng.next() % 17) + 1
                chunks.append(Array(bytes[i..<min(bytes.count, i + n)]))
                i += n
            }
            #expect(try parseAll(chunks) == expected)
        }
    }

    @Test func multipleDataLinesJoinWithNewline() throws {
        #expect(try parseAll([Array("data: a\ndata:b\ndata:  c\n\n".utf8)]) == [.data("a\nb\n c")])
    }

    @Test func finalEventWithoutBlankLineIsDelivered() throws {
        #expect(try parseAll([Array("data: [DONE]".utf8)]) == [.data("[DONE]")])
    }

    @Test func lineLongerThanTheCapIsAnError() throws {
        var parser = ServerSentEventParser(maxLineBytes: 64)
        #expect(throws: ServerSentEventParser.LineTooLong.self) {
            _ = try parser.feed(Array(("data: " + String(repeating: "x", count: 100)).utf8))
        }
    }

    @Test func longStreamOfNormalEventsIsNotLimited() throws {
        var parser = ServerSentEventParser(maxLineBytes: 64)
        var count = 0
        let event = Array("data: 0123456789\n\n".utf8)
        for _ in 0..<10_000 { count += try parser.feed(event).count }
        #expect(count == 10_000)
    }

    @Test func invalidUTF8NeverTraps() throws {
        let events = try parseAll([[0x64, 0x61, 0x74, 0x61, 0x3A, 0x20, 0xFF, 0xC3, 0x0A, 0x0A]])
        #expect(events == [.data("\u{FFFD}\u{FFFD}")])
    }

    @Test func randomBytesNeverTrap() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            let bytes = (0..<Int(rng.next() % 200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            _ = try parseAll([bytes])
        }
    }
}
