import TestSupport
import Testing

@testable import ChatCore

@Suite struct ChatCompletionDecoderTests {
    @Test func decodesRecordedStreamIntoEvents() throws {
        var decoder = ChatCompletionDecoder()
        var events: [StreamEvent] = []
        for case .data(let payload) in try parseAll([Array(recordedStream.utf8)]) where payload != "[DONE]" {
            events += try decoder.events(fromChunk: payload)
        }
        #expect(
            events == [
                .model("google/gemini-2.5-flash"),
                // The generation's id, once (for GET /generation).
                .generation(id: "gen-1"),
                .text("Привет"),
                .text(", мир! 👋🏽 "),
                .text("日本語"),
                .finish(reason: "stop"),
                .usage(Usage(promptTokens: 12, completionTokens: 7, totalTokens: 19, cost: 0.00042)),
            ])
    }

    @Test func usageChunkWithOneEmptyChoiceRepeatingFinishReason() throws {
        var decoder = ChatCompletionDecoder()
        let events = try decoder.events(
            fromChunk:
                #"{"choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}"#
        )
        #expect(events == [.finish(reason: "stop"), .usage(Usage(promptTokens: 3, completionTokens: 4, totalTokens: 7, cost: nil))])
    }

    @Test func reasoningDeltasAreSeparateFromText() throws {
        var decoder = ChatCompletionDecoder()
        let events = try decoder.events(fromChunk: #"{"choices":[{"delta":{"reasoning":"thinking…","content":null}}]}"#)
        #expect(events == [.reasoning("thinking…")])
    }

    @Test func midStreamErrorWithStringCode() throws {
        var decoder = ChatCompletionDecoder()
        let chunk =
            #"{"id":"x","error":{"code":"server_error","message":"Provider disconnected"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}"#
        #expect(throws: ChatError.api(APIErrorInfo(status: nil, code: "server_error", message: "Provider disconnected"), inStream: true)) {
            _ = try decoder.events(fromChunk: chunk)
        }
    }

    @Test func midStreamErrorWithNumericCodeCarriesTheStatus() throws {
        var decoder = ChatCompletionDecoder()
        do {
            _ = try decoder.events(fromChunk: #"{"error":{"code":502,"message":"Upstream died"}}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error == .api(APIErrorInfo(status: 502, code: "502", message: "Upstream died"), inStream: true))
            #expect(error.oneLine().contains("HTTP 502"))
            #expect(error.oneLine().contains("Upstream died"))
        }
    }

    @Test func finishReasonErrorInChoiceWithoutTopLevelError() throws {
        var decoder = ChatCompletionDecoder()
        #expect(throws: ChatError.self) {
            _ = try decoder.events(fromChunk: #"{"choices":[{"delta":{},"finish_reason":"error","error":{"code":500,"message":"boom"}}]}"#)
        }
    }

    @Test func unknownFieldsAndMissingOptionalFieldsAreFine() throws {
        var decoder = ChatCompletionDecoder()
        let events = try decoder.events(
            fromChunk:
                #"{"choices":[{"delta":{"content":"x","tool_calls":null,"extra":[1,2]}}],"provider":"Foo","system_fingerprint":null}"#)
        #expect(events == [.text("x")])
    }

    @Test func chunkThatIsNotJSONIsMalformed() throws {
        var decoder = ChatCompletionDecoder()
        #expect(throws: ChatError.self) { _ = try decoder.events(fromChunk: "<html>") }
    }

    @Test func nonStreamedAnswer() throws {
        let body =
            #"{"id":"gen","model":"openai/gpt-4o-mini","choices":[{"message":{"role":"assistant","content":"Hello, Мир","reasoning":"hmm"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8,"cost":0.0001}}"#
        let response = try ChatCompletionDecoder.response(fromBody: Array(body.utf8))
        var expected = ChatResponse(
            content: "Hello, Мир", reasoning: "hmm", model: "openai/gpt-4o-mini",
            usage: Usage(promptTokens: 5, completionTokens: 3, totalTokens: 8, cost: 0.0001), finishReason: "stop")
        expected.generationID = "gen"
        #expect(response == expected)
    }

    @Test func twoHundredWithTopLevelError() throws {
        #expect(
            throws: ChatError.api(APIErrorInfo(status: 502, code: "502", message: "Upstream provider returned an error"), inStream: false)
        ) {
            _ = try ChatCompletionDecoder.response(
                fromBody: Array(#"{"error":{"code":502,"message":"Upstream provider returned an error"}}"#.utf8))
        }
    }

    @Test func twoHundredWithChoiceError() throws {
        #expect(throws: ChatError.self) {
            _ = try ChatCompletionDecoder.response(
                fromBody: Array(
                    #"{"choices":[{"message":{"content":""},"finish_reason":"error","error":{"code":"overloaded","message":"busy"}}]}"#.utf8
                ))
        }
    }

    @Test func errorBodyBeforeStreaming() {
        let body =
            #"{"error":{"code":403,"message":"Input flagged","metadata":{"reasons":["violence","hate"],"flagged_input":"bad words","provider_name":"OpenAI"}}}"#
        let error = ChatCompletionDecoder.error(status: 403, body: Array(body.utf8), retryAfter: nil)
        #expect(
            error
                == .api(
                    APIErrorInfo(
                        status: 403, code: "403", message: "Input flagged", reasons: ["violence", "hate"], flaggedInput: "bad words",
                        providerName: "OpenAI"), inStream: false))
        let line = error.oneLine()
        #expect(line.contains("HTTP 403: Input flagged"))
        #expect(line.contains("violence, hate"))
        #expect(error.exitCode == 1)
        #expect(!error.isRetryable)
    }

    @Test func htmlErrorPageIsShownAsText() {
        let error = ChatCompletionDecoder.error(
            status: 502, body: Array("<html><body><h1>502 Bad Gateway</h1></body></html>".utf8), retryAfter: nil)
        guard case .httpStatus(502, let snippet, nil) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(snippet == "502 Bad Gateway")
        #expect(error.isRetryable)
        #expect(!error.oneLine().contains("\n"))
    }

    @Test func modelList() throws {
        let body =
            #"{"data":[{"id":"a/b","name":"A B","context_length":128000,"pricing":{"prompt":"0.0000003","completion":"0.0000025"}},{"id":"c/d"},{"name":"no id"}]}"#
        let models = try ChatCompletionDecoder.models(fromBody: Array(body.utf8))
        #expect(
            models == [
                ModelInfo(id: "a/b", name: "A B", contextLength: 128000, promptPrice: 0.0000003, completionPrice: 0.0000025),
                ModelInfo(id: "c/d"),
            ])
    }

    @Test func randomPayloadsNeverTrap() {
        var rng = SplitMix64(seed: 7)
        let alphabet = Array(#"{}[]":,0123456789.eE-+truefalsnl \"choices""delta""content""error""usage"ab\u00"#.utf8)
        for _ in 0..<5000 {
            let bytes = (0..<Int(rng.next() % 80)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            var decoder = ChatCompletionDecoder()
            _ = try? decoder.events(fromChunk: String(decoding: bytes, as: UTF8.self))
            _ = try? ChatCompletionDecoder.response(fromBody: bytes)
            _ = ChatCompletionDecoder.error(status: 500, body: bytes, retryAfter: nil)
        }
    }
}
