import Foundation
import TestSupport
import Testing

@testable import ChatCore

#if canImport(Glibc)
import Glibc
#endif

// Hostile input for the pure parts of the client: the SSE parser, the response decoder,
// the config loader and the request encoder. Everything is seeded, so a failure names a
// seed that reproduces it. Nothing here measures time; "no quadratic slowdown" is
// covered by sizes large enough that a quadratic algorithm would not finish.

enum Hostile {
    /// Runs CPU-heavy work on a thread of its own, at the lowest CPU priority, and returns its
    /// result: it never holds a thread of the (two-thread, on this machine) concurrency pool,
    /// and it yields the CPU to the timing-sensitive tests of other suites running meanwhile.
    /// Expectations are checked on the result, in the test.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                // On Linux the nice value is per thread: (PRIO_PROCESS, 0) is the calling thread.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
                continuation.resume(with: Result { try work() })
            }
        }
    }

    /// Fragments that make random bytes look enough like SSE and JSON to reach deep paths.
    static let fragments: [[UInt8]] =
        [
            "data:", "data: ", "data: {", "}", "{", "[", "]", "\"", ":", ",", "\n", "\r", "\r\n", "\n\n", ": OPENROUTER PROCESSING\n",
            "data: [DONE]\n\n", "event: x\n", "id: 1\n", "retry: 5\n", "choices", "delta", "content", "error", "usage", "finish_reason",
            "\"error\"", "null", "true", "1e400", "-0", "0.5", "99999999999999999999", "\\u", "\\ud800", "\\", "Привет", "👋🏽", "日本",
            "\"cost\":1e400", "\"code\":\"x\"", "\"code\":1e300", "\"message\":",
        ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x91], [0x00], [0x80], [0xED, 0xA0, 0x80]]

    static func bytes(count: Int, using rng: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        while out.count < count {
            if Bool.random(using: &rng) {
                out += fragments.randomElement(using: &rng)!
            } else {
                out.append(UInt8.random(in: 0...255, using: &rng))
            }
        }
        return out
    }

    /// Cuts `bytes` at random places (possibly none, possibly every byte).
    static func split(_ bytes: [UInt8], using rng: inout SplitMix64) -> [[UInt8]] {
        guard !bytes.isEmpty else { return [[]] }
        let style = Int.random(in: 0..<4, using: &rng)
        var chunks: [[UInt8]] = []
        var i = 0
        while i < bytes.count {
            let size: Int
            switch style {
            case 0: size = 1
            case 1: size = Int.random(in: 1...3, using: &rng)
            case 2: size = Int.random(in: 1...64, using: &rng)
            default: size = Int.random(in: 0...bytes.count, using: &rng)
            }
            let end = min(bytes.count, i + size)
            chunks.append(Array(bytes[i..<end]))
            i = end
        }
        return chunks
    }

    /// Feeds chunks and finishes; returns the events and whether the cap was hit.
    static func parse(_ chunks: [[UInt8]], maxLineBytes: Int) -> (events: [ServerSentEventParser.Event], tooLong: Bool) {
        var parser = ServerSentEventParser(maxLineBytes: maxLineBytes)
        var events: [ServerSentEventParser.Event] = []
        do {
            for chunk in chunks {
                try parser.feed(chunk) { events.append($0) }
            }
        } catch is ServerSentEventParser.LineTooLong {
            return (events, true)
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return (events + parser.finish(), false)
    }

    /// A random JSON value whose shape is close to what OpenRouter sends, with hostile leaves.
    static func json(depth: Int, using rng: inout SplitMix64) -> String {
        let leaves = [
            "null", "true", "false", "0", "-1", "1e400", "-1e400", "1e-400", "123456789012345678901234567890", "0.000001",
            "\"\"", "\"error\"", "\"stop\"", "\"nan\"", "\"inf\"", "\"1e300\"", "\"-5\"", "\"Привет 👋🏽\"", "\"\\u0000\\ud800x\"",
            "\"\\\"quoted\\\"\"", "[]", "{}",
        ]
        if depth <= 0 || Int.random(in: 0..<4, using: &rng) == 0 { return leaves.randomElement(using: &rng)! }
        let keys = [
            "choices", "delta", "message", "content", "reasoning", "finish_reason", "error", "code", "message", "metadata",
            "reasons", "flagged_input", "provider_name", "usage", "prompt_tokens", "completion_tokens", "total_tokens", "cost",
            "model", "data", "id", "context_length", "pricing", "prompt", "completion", "saved_at", "x",
        ]
        if Bool.random(using: &rng) {
            let n = Int.random(in: 0...3, using: &rng)
            return "[" + (0..<n).map { _ in json(depth: depth - 1, using: &rng) }.joined(separator: ",") + "]"
        }
        let n = Int.random(in: 0...4, using: &rng)
        return "{"
            + (0..<n).map { _ in "\"\(keys.randomElement(using: &rng)!)\":" + json(depth: depth - 1, using: &rng) }
            .joined(separator: ",") + "}"
    }

    /// Flips, inserts and deletes a few bytes.
    static func mutate(_ bytes: [UInt8], using rng: inout SplitMix64) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            switch Int.random(in: 0..<3, using: &rng) {
            case 0 where !out.isEmpty: out[Int.random(in: 0..<out.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            case 1: out.insert(contentsOf: fragments.randomElement(using: &rng)!, at: Int.random(in: 0...out.count, using: &rng))
            case 2 where !out.isEmpty: out.remove(at: Int.random(in: 0..<out.count, using: &rng))
            default: break
            }
        }
        return out
    }

    /// Everything the client shows for a decoded value, so traps in formatting are found too.
    static func render(_ events: [StreamEvent]) {
        var response = ChatResponse()
        for event in events { response.apply(event) }
        if let usage = response.usage {
            _ = Usage() + usage + usage
            if let cost = usage.cost { _ = UsageText.cost(cost) }
        }
    }

    static func render(_ error: ChatError) {
        _ = error.oneLine()
        _ = error.oneLine(keyVariable: "K", keyProblem: "is odd")
        _ = error.exitCode
        _ = error.isRetryable
        _ = RetryPolicy().delay(beforeRetry: 1, after: error)
    }

    static func render(_ models: [ModelInfo]) {
        _ = ModelTable.render(models, filter: nil)
        _ = ModelTable.render(models, filter: "e")
        for model in models { _ = model.contextLength.map(ModelTable.formatContext) }
    }
}

@Suite struct HostileInputTests {
    // MARK: SSE parser

    @Test func sseParserNeverTrapsAndSplitsDoNotChangeTheResult() async throws {
        // 1,000 seeds, on a thread of their own (see `offPool`); problems are collected and checked here.
        let problems = try await Hostile.offPool { () -> [String] in
            var problems: [String] = []
            for seed in UInt64(0)..<1_000 {
                var rng = SplitMix64(seed: seed)
                let input = Hostile.bytes(count: Int.random(in: 0...600, using: &rng), using: &rng)
                for cap in [16, 64, 16 * 1024 * 1024] {
                    let whole = Hostile.parse([input], maxLineBytes: cap)
                    for _ in 0..<4 {
                        let pieces = Hostile.split(input, using: &rng)
                        let split = Hostile.parse(pieces, maxLineBytes: cap)
                        if split.events != whole.events || split.tooLong != whole.tooLong {
                            problems.append("seed \(seed), cap \(cap): split \(pieces.map(\.count)) changed the events")
                        }
                    }
                    // Whatever came out must decode or fail cleanly (a trap ends the run).
                    var decoder = ChatCompletionDecoder()
                    for case .data(let payload) in whole.events where payload != "[DONE]" {
                        do { Hostile.render(try decoder.events(fromChunk: payload)) } catch let error as ChatError {
                            Hostile.render(error)
                        } catch {}
                    }
                }
            }
            return problems
        }
        #expect(problems.isEmpty, "\(problems.prefix(5))")
    }

    @Test func manyDataLinesInOneEventAreCappedLikeOneLongLine() throws {
        // 100 short data: lines and no blank line: each line is small, the event is not.
        var parser = ServerSentEventParser(maxLineBytes: 1024)
        let line = Array(("data: " + String(repeating: "x", count: 100) + "\n").utf8)
        var threw = false
        do {
            for _ in 0..<100 { _ = try parser.feed(line) }
        } catch is ServerSentEventParser.LineTooLong {
            threw = true
        }
        #expect(threw, "an event's data must not grow without bound")
        // Under the cap, several data lines still join with \n.
        var small = ServerSentEventParser(maxLineBytes: 1024)
        #expect(try small.feed(Array("data: a\ndata: b\n\n".utf8)) == [.data("a\nb")])
    }

    @Test func fiveMegabyteLineInOneEventWorksUnderTheCap() async throws {
        let text = String(repeating: "Ж", count: 2_500_000)  // 5,000,000 bytes of UTF-8
        let (events, decoded, cappedThrew) = try await Hostile.offPool {
            () throws -> ([ServerSentEventParser.Event], [StreamEvent], Bool) in
            let payload = #"{"choices":[{"delta":{"content":""# + text + #""}}]}"#
            let wire = Array(("data: " + payload + "\n\ndata: [DONE]\n\n").utf8)
            var parser = ServerSentEventParser()  // default cap: 16 MiB
            var events: [ServerSentEventParser.Event] = []
            var offset = 0
            while offset < wire.count {
                let end = min(wire.count, offset + 65_521)  // odd size: splits land inside characters
                events += try parser.feed(wire[offset..<end])
                offset = end
            }
            var decoded: [StreamEvent] = []
            if case .data(let data)? = events.first {
                var decoder = ChatCompletionDecoder()
                decoded = try decoder.events(fromChunk: data)
            }
            var capped = ServerSentEventParser(maxLineBytes: 4_000_000)
            var threw = false
            do { _ = try capped.feed(wire) } catch is ServerSentEventParser.LineTooLong { threw = true }
            return (events, decoded, threw)
        }
        #expect(events.count == 2)
        #expect(decoded == [.text(text)])
        #expect(events.last == .data("[DONE]"))
        #expect(cappedThrew, "the same line is refused under a 4 MB cap")
    }

    @Test func fiftyThousandEventsCutInto4KiBChunksAllArrive() async throws {
        // 50,000 events (~3 MB) in 4 KiB network chunks, cut inside events: every one is
        // decoded, none lost at a chunk's edge. How fast: `make bench` (bench-micro sse,
        // in docs/PERFORMANCE.md); tests do not time.
        let characters = try await Hostile.offPool { () throws -> Int in
            let event = Array(#"data: {"choices":[{"delta":{"content":"word "}}]}"#.utf8) + [0x0A, 0x0A]
            var wire: [UInt8] = []
            wire.reserveCapacity(event.count * 50_000)
            for _ in 0..<50_000 { wire += event }
            var parser = ServerSentEventParser()
            var decoder = ChatCompletionDecoder()
            var characters = 0
            var offset = 0
            while offset < wire.count {
                let end = min(wire.count, offset + 4096)
                try parser.feed(wire[offset..<end]) { event in
                    guard case .data(let payload) = event else { return }
                    for case .text(let t) in try decoder.events(fromChunk: payload) { characters += t.utf8.count }
                }
                offset = end
            }
            return characters
        }
        #expect(characters == 50_000 * 5)
    }

    // MARK: Decoder (the random inputs: DecoderPropertyTests)

    @Test func hostileNumbersAreNotPassedOnToFormatting() throws {
        // Overflowing numbers become infinity; prices are strings that may say "nan".
        var decoder = ChatCompletionDecoder()
        let events = try decoder.events(
            fromChunk: #"{"choices":[],"usage":{"prompt_tokens":1e400,"completion_tokens":-1e400,"cost":1e400}}"#)
        Hostile.render(events)
        for case .usage(let usage) in events {
            #expect(usage.cost == nil || usage.cost!.isFinite)
        }
        let body = Array(#"{"choices":[{"message":{"content":"x"}}],"usage":{"cost":-1e300,"prompt_tokens":5}}"#.utf8)
        let response = try ChatCompletionDecoder.response(fromBody: body)
        #expect(response.content == "x")
        if let cost = response.usage?.cost { _ = UsageText.cost(cost) }

        let models = try ChatCompletionDecoder.models(
            fromBody: Array(
                #"{"data":[{"id":"a","pricing":{"prompt":"nan","completion":"inf"}},{"id":"b","pricing":{"prompt":1e400,"completion":"1e300"},"context_length":1e300},{"id":"c","pricing":{"prompt":"-0.000001","completion":"0.000002"},"context_length":-5}]}"#
                    .utf8))
        #expect(models.map(\.id) == ["a", "b", "c"])
        for model in models {
            for price in [model.promptPrice, model.completionPrice] {
                if let price { #expect(price.isFinite && abs(price) < 1e9, "\(model.id): \(price)") }
            }
        }
        Hostile.render(models)
    }

    @Test func hostileRetryAfterValuesNeverTrap() {
        for value in [
            "1e300", "1e400", "-1", "nan", "inf", "99999999999999999999999", "0x10", " 7 ", "",
            "Sun, 06 Nov 9223372036854775807 08:49:37 GMT", "Sun, 9223372036854775807 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 9223372036854775807:49:37 GMT", "Sun, 06 Nov -9223372036854775807 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT", "Wed, 31 Dec 9999 23:59:59 GMT", "Thu, 01 Jan 1970 00:00:00 GMT",
        ] {
            let seconds = RetryPolicy.parseRetryAfter(value, now: 1_700_000_000)
            if let seconds { #expect(seconds.isFinite && seconds >= 0, "\(value)") }
            for status in [429, 503] {
                let error = ChatError.api(APIErrorInfo(status: status, message: "m", retryAfter: seconds), inStream: false)
                Hostile.render(error)
                Hostile.render(.httpStatus(status, bodySnippet: "", retryAfter: seconds))
                if let delay = RetryPolicy(maxRetries: 3).delay(beforeRetry: 1, after: error) {
                    #expect(delay >= 0 && delay <= 60, "\(value) → \(delay)")
                }
            }
        }
        // A huge Retry-After is shown, not trapped on, and waited for at most the cap.
        let line = ChatError.api(APIErrorInfo(status: 429, message: "slow down", retryAfter: 1e300), inStream: false).oneLine()
        #expect(line.hasPrefix("HTTP 429: slow down — rate limited; wait "))
        #expect(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_777 - 7) == 7)
        #expect(RetryPolicy.parseRetryAfter("120", now: 0) == 120)
    }

    // MARK: Config loader

    @Test func configLoaderNeverTrapsOnRandomBytes() async throws {
        let problems = try await Hostile.offPool { () -> [String] in
            let valid = Array(
                #"{"model":"a/b","temperature":0.5,"max_tokens":100,"timeout_seconds":5,"max_retries":3,"fallback_models":["x/y"],"color":"never","stream":false,"api_key_env":"MY_KEY"}"#
                    .utf8)
            var problems: [String] = []
            for seed in UInt64(0)..<1_000 {
                var rng = SplitMix64(seed: seed)
                for input in [
                    Hostile.bytes(count: Int.random(in: 0...200, using: &rng), using: &rng), Hostile.mutate(valid, using: &rng),
                    Array(Hostile.json(depth: 3, using: &rng).utf8),
                ] {
                    do {
                        _ = try ConfigFile.parse(input, path: "/tmp/c.json")
                    } catch let error as ConfigError {
                        if error.message.isEmpty || error.message.contains("\n") { problems.append("seed \(seed): \(error.message)") }
                    } catch {
                        problems.append("seed \(seed): untyped \(error)")
                    }
                }
            }
            return problems
        }
        #expect(problems.isEmpty, "error messages are one non-empty line: \(problems.prefix(5))")
        // Deep nesting is an error, not a stack overflow.
        let deep = Array(repeating: UInt8(ascii: "["), count: 100_000)
        #expect(throws: ConfigError.self) { try ConfigFile.parse(deep, path: "/tmp/c.json") }
    }

    @Test func configHoldingAKeyIsRejectedWithoutEchoingIt() {
        let secret = "sk-or-v1-0123456789abcdef0123456789abcdef"
        for text in [
            #"{"api_key":"\#(secret)"}"#, #"{"model":"m","OPENROUTER_API_KEY":"\#(secret)"}"#,
            #"{"api_key_env":"\#(secret)"}"#, #"{"image_api_key_env":"\#(secret)"}"#, #"{"token":"\#(secret)"}"#,
        ] {
            do {
                _ = try ConfigFile.parse(Array(text.utf8), path: "/tmp/c.json")
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.message.contains("api_key_env"), "\(error.message)")
                #expect(!error.message.contains(secret))
                #expect(!error.message.contains("0123456789abcdef"))
            }
        }
    }

    // MARK: Big requests

    @Test func tenThousandMessageHistoryEncodesAndParsesBack() async throws {
        let (count, json, foundationCount, turns) = try await Hostile.offPool { () throws -> (Int, JSONValue, Int?, Int) in
            var session = ChatSession(model: "m/x", systemPrompt: "sys \"quoted\"\n\u{0}")
            for i in 0..<5_000 {
                session.recordSuccess(
                    user: "question \(i) Привет \"q\" \\ \u{1F}", answer: "answer \(i) 👋🏽\n\tend",
                    usage: Usage(promptTokens: 1, completionTokens: 1))
            }
            let body = session.request(sending: "last").jsonBody()
            let json = try JSONParser.parse(body)
            // Foundation agrees that the body is valid JSON.
            let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            return (session.history.count, json, (object?["messages"] as? [Any])?.count, session.totalUsage.totalTokens)
        }
        #expect(count == 10_000)
        #expect(turns == 10_000)
        #expect(foundationCount == 10_002)
        guard case .array(let messages)? = json["messages"] else {
            Issue.record("no messages array")
            return
        }
        #expect(messages.count == 10_002)
        #expect(messages.first?["role"] == .string("system"))
        #expect(messages.first?["content"] == .string("sys \"quoted\"\n\u{0}"))
        #expect(messages[1]["content"] == .string("question 0 Привет \"q\" \\ \u{1F}"))
        #expect(messages[10_000]["content"] == .string("answer 4999 👋🏽\n\tend"))
        #expect(messages.last?["content"] == .string("last"))
    }
}
