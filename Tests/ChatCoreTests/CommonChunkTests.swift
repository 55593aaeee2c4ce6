import TestSupport
import Testing

@testable import ChatCore

/// The decoder reads ordinary stream chunks without building their JSON tree. These tests
/// hold that shortcut to the full decoder: same events for every chunk it accepts, and it
/// accepts the chunks OpenRouter really sends.
@Suite struct CommonChunkTests {
    static let ordinary: [String] = [
        #"{"id":"gen-1764","provider":"Google","model":"google/gemini-2.5-flash","object":"chat.completion.chunk","created":1764000000,"choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}"#,
        #"{"id":"gen-1","model":"a/b","choices":[{"index":0,"delta":{"role":"assistant","content":"line\none \"quoted\" \u00e9 \ud83d\udc4b"},"finish_reason":null}]}"#,
        #"{"id":"gen-1","model":"a/b","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"Let me think"},"finish_reason":null}]}"#,
        #"{"id":"gen-1","model":"a/b","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop","native_finish_reason":"STOP"}],"usage":null}"#,
        #"{"id":"gen-1","model":"a/b","choices":[{"index":0,"message":{"role":"assistant","content":"whole"},"finish_reason":"length"}]}"#,
        #" { "model" : "x/y" , "choices" : [ { "delta" : { "content" : "spaced" } } , {"delta":{"content":"second choice"}} ] , "error" : null } "#,
        #"{"choices":[],"model":"a/b"}"#,
        #"{"model":"a/b","choices":[{"delta":{"content":"ünïcödé 👋🏽","tool_calls":null,"extra":{"deep":[1,2.5e3,-0,true,false,null,"s"]}}}]}"#,
    ]

    /// Chunks the shortcut leaves to the full decoder.
    static let unusual: [String] = [
        #"{"model":"a/b","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#,
        #"{"error":{"code":502,"message":"upstream"}}"#,
        #"{"model":"a/b","choices":[{"delta":{"content":"x"},"finish_reason":"error","error":{"message":"boom"}}]}"#,
        #"{"model":"a/b","choices":[{"delta":{"images":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}}]}"#,
        #"{"model":"a/b","choices":[{"delta":{"content":[{"type":"text","text":"parts"}]}}]}"#,
        #"{"model":"a/b","model":"c/d","choices":[]}"#,
        #"{"model":"a/b","choices":[{"delta":{"content":"a","content":"b"}}]}"#,
        #"{"model":"a/b","choices":[{"delta":{"content":"a"},"message":{"content":"b"}}]}"#,
        #"{"mod\u0065l":"a/b","choices":[]}"#,
        #"{"model":7,"choices":[]}"#,
        #"[1,2]"#,
        #"{"model":"a/b","choices":[{"delta":{"content":"x"}}]} trailing"#,
        #"{"model":"a/b","choices":[{"delta":{"content":"x"}},]}"#,
    ]

    @Test func ordinaryChunksTakeTheShortcutAndMatchTheFullDecoder() throws {
        for chunk in Self.ordinary {
            var fast = ChatCompletionDecoder()
            var full = ChatCompletionDecoder()
            let bytes = Array(chunk.utf8)
            let shortcut = fast.commonChunkEvents(bytes)
            #expect(shortcut != nil, "not taken: \(chunk)")
            #expect(shortcut == (try full.treeEvents(bytes, payload: chunk)), "\(chunk)")
        }
    }

    @Test func unusualChunksAreLeftToTheFullDecoder() {
        for chunk in Self.unusual {
            var decoder = ChatCompletionDecoder()
            #expect(decoder.commonChunkEvents(Array(chunk.utf8)) == nil, "\(chunk)")
        }
    }

    @Test func theModelIsReportedOnceUntilItChanges() throws {
        var decoder = ChatCompletionDecoder()
        let first = try decoder.events(fromChunk: Self.ordinary[0])
        let second = try decoder.events(fromChunk: Self.ordinary[0])
        #expect(first.first == .model("google/gemini-2.5-flash"))
        #expect(second == [.text("Hello")])
    }

    static func skips(_ bytes: [UInt8]) -> Bool {
        var reader = JSONParser(reading: bytes)
        do {
            try reader.skipValue()
            try reader.finishDocument()
            return true
        } catch {
            return false
        }
    }

    /// 30,000 mutations of the chunks above (bytes changed, dropped, doubled, JSON fragments
    /// spliced in): wherever the shortcut answers, the full decoder gives the same events and
    /// does not fail; and reading a document with `skipValue` succeeds exactly when `parse` does.
    @Test func mutatedChunksNeverMakeTheShortcutDisagree() {
        let fragments = Array(#"{}[]",:\"0123456789-.eE truefalsenull\u00e9\n"#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
        let seeds = Self.ordinary + Self.unusual
        var problems: [String] = []
        var taken = 0
        for seed in UInt64(0)..<30_000 {
            var rng = SplitMix64(seed: seed)
            var bytes = Array(seeds[Int(seed) % seeds.count].utf8)
            for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[at] = fragments.randomElement(using: &rng)!
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(bytes[at], at: at)
                default: bytes.insert(contentsOf: Array(#","model":"z/z""#.utf8).prefix(Int.random(in: 1...12, using: &rng)), at: at)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            var fast = ChatCompletionDecoder()
            var full = ChatCompletionDecoder()
            if let shortcut = fast.commonChunkEvents(bytes) {
                taken += 1
                do {
                    let events = try full.treeEvents(bytes, payload: text)
                    if events != shortcut { problems.append("seed \(seed): \(shortcut) vs \(events) for \(text)") }
                } catch {
                    problems.append("seed \(seed): the shortcut accepted what the full decoder rejects (\(error)): \(text)")
                }
            }
            let skipped = Self.skips(bytes)
            let parsed = (try? JSONParser.parse(bytes)) != nil
            if skipped != parsed { problems.append("seed \(seed): skipValue \(skipped), parse \(parsed): \(text)") }
            if problems.count > 5 { break }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        #expect(taken > 1_000, "the shortcut was taken only \(taken) times")
    }
}
