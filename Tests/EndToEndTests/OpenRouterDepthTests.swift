import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// Reasoning, web search, structured output, routing, caching and usage figures: the exact
/// request fields and the exact lines shown, against FakeOpenRouter.
@Suite(.serialized) struct OpenRouterDepthTests {
    /// JSON text with sorted keys, to compare values parsed from different texts.
    func canonical(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }

    func lastBody(_ fake: FakeOpenRouter) throws -> [String: Any] {
        try #require(fake.chatRequests.last?.json)
    }

    @Test(arguments: [
        ("minimal", #"{"effort":"minimal"}"#), ("xhigh", #"{"effort":"xhigh"}"#), ("max", #"{"effort":"max"}"#),
        ("none", #"{"effort":"none"}"#), ("off", #"{"effort":"none"}"#), ("4096", #"{"max_tokens":4096}"#),
        ("hide", #"{"exclude":true}"#),
    ])
    func reasoningFlagBecomesTheReasoningObject(_ value: String, _ expected: String) async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["--reasoning", value, "q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0)
            let sent = try #require(try lastBody(fake)["reasoning"] as? [String: Any])
            let want = try JSONSerialization.jsonObject(with: Data(expected.utf8))
            #expect(try canonical(sent) == canonical(want))
        }
    }

    @Test func reasoningDefaultSendsNoFieldAndABadValueIsAUsageError() async throws {
        try await withFake { fake, sandbox in
            #expect(try await chat(["--reasoning", "default", "q"], fake: fake, sandbox: sandbox).status == 0)
            #expect(try lastBody(fake)["reasoning"] == nil)
            let bad = try await chat(["--reasoning", "lots", "q"], fake: fake, sandbox: sandbox)
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("minimal, low, medium, high, xhigh, max"))
            let config = try sandbox.write("c.json", #"{"reasoning":"high"}"#)
            _ = try await chat(["--config", config, "q"], fake: fake, sandbox: sandbox)
            #expect(try lastBody(fake)["reasoning"] as? [String: String] == ["effort": "high"])
        }
    }

    @Test func reasoningDetailsAreSentBackUnchangedOnTheNextTurn() async throws {
        try await withFake { fake, sandbox in
            let pieces = [
                #"{"id":"gen-r","model":"m/r","choices":[{"delta":{"reasoning":"Let","reasoning_details":[{"type":"reasoning.text","text":"Let","format":"anthropic-claude-v1","index":0}]}}]}"#,
                #"{"id":"gen-r","model":"m/r","choices":[{"delta":{"reasoning":" me think","reasoning_details":[{"type":"reasoning.text","text":" me think","format":"anthropic-claude-v1","index":0}]}}]}"#,
                #"{"id":"gen-r","model":"m/r","choices":[{"delta":{"reasoning_details":[{"type":"reasoning.text","signature":"SIG==","format":"anthropic-claude-v1","index":0}]}}]}"#,
                #"{"id":"gen-r","model":"m/r","choices":[{"delta":{"content":"42"},"finish_reason":"stop"}]}"#,
            ]
            fake.enqueue(.stream(pieces))
            let run = try await chat(["--stdin", "repl"], fake: fake, sandbox: sandbox, stdin: "first\nsecond\n")
            #expect(run.status == 0)
            let second = try #require(fake.chatRequests.last?.json?["messages"] as? [[String: Any]])
            let assistant = try #require(second.first { $0["role"] as? String == "assistant" })
            let details = try #require(assistant["reasoning_details"] as? [[String: Any]])
            #expect(details.count == 1, "the three pieces are one block")
            #expect(details[0]["text"] as? String == "Let me think")
            #expect(details[0]["signature"] as? String == "SIG==")
            #expect(details[0]["type"] as? String == "reasoning.text")
        }
    }

    @Test func webSearchSendsThePluginAndPrintsNumberedSources() async throws {
        try await withFake { fake, sandbox in
            let chunk =
                #"{"choices":[{"delta":{"content":"Swift is a language.","annotations":[{"type":"url_citation","url_citation":{"url":"https://swift.org","title":"Swift.org"}},{"type":"url_citation","url_citation":{"url":"https://example.com/x","title":"Example"}}]},"finish_reason":"stop"}]}"#
            fake.enqueue(.stream([chunk]))
            let run = try await chat(["--web", "what is swift"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0)
            #expect(run.stdout == "Swift is a language.\n\n[1] Swift.org — https://swift.org\n[2] Example — https://example.com/x\n")
            let plugins = try #require(try lastBody(fake)["plugins"] as? [[String: Any]])
            #expect(plugins.first?["id"] as? String == "web")
            fake.enqueue(.stream([chunk]))
            let json = try await chat(["--web", "--json", "what is swift"], fake: fake, sandbox: sandbox)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let citations = try #require(object["citations"] as? [[String: Any]])
            #expect(citations.map { $0["url"] as? String } == ["https://swift.org", "https://example.com/x"])
            let config = try sandbox.write("c.json", #"{"web_search":{"max_results":3,"engine":"exa"}}"#)
            _ = try await chat(["--config", config, "q"], fake: fake, sandbox: sandbox)
            let configured = try #require(try lastBody(fake)["plugins"] as? [[String: Any]])
            #expect(configured.first?["max_results"] as? Int == 3)
            #expect(configured.first?["engine"] as? String == "exa")
        }
    }

    @Test func schemaAsksForJSONAndAnAnswerThatIsNotJSONExitsOne() async throws {
        try await withFake { fake, sandbox in
            let schema = #"{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}"#
            fake.enqueue(.streamText(pieces: [#"{"n":"#, "42}"], model: "m/1"))
            let run = try await chat(["--schema", schema, "a number"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0)
            #expect(run.stdout == #"{"n":42}"# + "\n")
            let format = try #require(try lastBody(fake)["response_format"] as? [String: Any])
            #expect(format["type"] as? String == "json_schema")
            let inner = try #require(format["json_schema"] as? [String: Any])
            #expect(inner["name"] as? String == "answer")
            #expect(inner["strict"] as? Bool == true)
            #expect((inner["schema"] as? [String: Any])?["required"] as? [String] == ["n"])
            let file = try sandbox.write("schema.json", schema)
            fake.enqueue(.streamText(pieces: ["not json"], model: "m/1"))
            let notJSON = try await chat(["--schema", "@" + file, "a number"], fake: fake, sandbox: sandbox)
            #expect(notJSON.status == 1)
            #expect(notJSON.stderr.contains("not JSON"))
            #expect(try await chat(["--schema", "{oops", "q"], fake: fake, sandbox: sandbox).status == 2)
        }
    }

    @Test func providerRoutingIsSentAsGivenAndAnUnknownFieldIsNamed() async throws {
        try await withFake { fake, sandbox in
            let config = try sandbox.write(
                "c.json",
                #"{"provider":{"order":["anthropic","openai"],"allow_fallbacks":false,"sort":"throughput","max_price":{"prompt":1,"completion":2},"preferred_max_latency":3}}"#
            )
            #expect(try await chat(["--config", config, "q"], fake: fake, sandbox: sandbox).status == 0)
            let provider = try #require(try lastBody(fake)["provider"] as? [String: Any])
            #expect(provider["order"] as? [String] == ["anthropic", "openai"])
            #expect(provider["allow_fallbacks"] as? Bool == false)
            #expect(provider["sort"] as? String == "throughput")
            let bad = try sandbox.write("bad.json", #"{"provider":{"sorting":"price"}}"#)
            let refused = try await chat(["--config", bad, "q"], fake: fake, sandbox: sandbox)
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("provider.sorting"))
            let wrongType = try sandbox.write("type.json", #"{"provider":{"zdr":"yes"}}"#)
            #expect(try await chat(["--config", wrongType, "q"], fake: fake, sandbox: sandbox).stderr.contains("provider.zdr"))
        }
    }

    @Test func setProviderFieldInTheREPLAndPresetsPassThrough() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(
                ["--stdin", "repl"], fake: fake, sandbox: sandbox,
                stdin:
                    "/set provider.only groq,together\n/set provider.data_collection deny\n/set provider.bogus 1\n/model @preset/writer\nq\n"
            )
            #expect(run.status == 0)
            #expect(run.stderr.contains("provider.bogus"))
            let body = try lastBody(fake)
            let provider = try #require(body["provider"] as? [String: Any])
            #expect(provider["only"] as? [String] == ["groq", "together"])
            #expect(provider["data_collection"] as? String == "deny")
            #expect(body["model"] as? String == "@preset/writer")
            #expect(!run.stderr.contains("not in the model list"))
        }
    }

    @Test func anthropicModelsGetCacheControlUnlessTurnedOff() async throws {
        try await withFake { fake, sandbox in
            _ = try await chat(["-m", "anthropic/claude-sonnet-4", "q"], fake: fake, sandbox: sandbox)
            #expect(try lastBody(fake)["cache_control"] as? [String: String] == ["type": "ephemeral"])
            _ = try await chat(["-m", "openai/gpt-4o-mini", "q"], fake: fake, sandbox: sandbox)
            #expect(try lastBody(fake)["cache_control"] == nil)
            let off = try sandbox.write("c.json", #"{"prompt_cache":"off"}"#)
            _ = try await chat(["--config", off, "-m", "anthropic/claude-sonnet-4", "q"], fake: fake, sandbox: sandbox)
            #expect(try lastBody(fake)["cache_control"] == nil)
        }
    }

    @Test func aCutOrFilteredAnswerSaysSo() async throws {
        try await withFake { fake, sandbox in
            fake.enqueue(.stream([#"{"choices":[{"delta":{"content":"The answer is"},"finish_reason":"length"}]}"#]))
            let cut = try await chat(["q"], fake: fake, sandbox: sandbox)
            #expect(cut.status == 0)
            #expect(cut.stdout == "The answer is\n")
            #expect(cut.stderr.contains("cut short: it reached the token limit"))
            fake.enqueue(.stream([#"{"choices":[{"delta":{"content":""},"finish_reason":"content_filter"}]}"#]))
            #expect(try await chat(["q"], fake: fake, sandbox: sandbox).stderr.contains("content filter"))
            fake.enqueue(
                .stream([
                    #"{"choices":[{"delta":{"content":""},"finish_reason":"length"}]}"#,
                    #"{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":100,"total_tokens":105,"completion_tokens_details":{"reasoning_tokens":100}}}"#,
                ]))
            let empty = try await chat(["q"], fake: fake, sandbox: sandbox)
            #expect(empty.stderr.contains("spent its whole token budget (max_tokens) on reasoning"))
        }
    }

    @Test func errorsShowTheProviderAndItsRawMessage() async throws {
        try await withFake { fake, sandbox in
            fake.enqueue(
                .error(
                    status: 400, message: "Provider returned error",
                    metadataJSON: #"{"provider_name":"OpenAI","raw":"{\"error\":{\"message\":\"Invalid schema for function 'f'\"}}"}"#))
            let run = try await chat(["q"], fake: fake, sandbox: sandbox)
            #expect(run.status == 1)
            #expect(run.stderr.contains("[provider: OpenAI]"))
            #expect(run.stderr.contains("Invalid schema for function 'f'"))
            #expect(run.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test func usageShowsCachedAndReasoningTokensAndJSONKeepsTheServersObject() async throws {
        try await withFake { fake, sandbox in
            let usage =
                #"{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120,"cost":0.01,"prompt_tokens_details":{"cached_tokens":80},"completion_tokens_details":{"reasoning_tokens":12},"cost_details":{"upstream_inference_cost":null},"is_byok":false}"#
            fake.enqueue(
                .stream([
                    #"{"model":"m/u","choices":[{"delta":{"content":"ok"},"finish_reason":"stop"}]}"#, #"{"choices":[],"usage":\#(usage)}"#,
                ]))
            let run = try await chat(["q"], fake: fake, sandbox: sandbox)
            #expect(run.stderr.contains("[m/u · 100 in / 20 out tokens · 80 cached · 12 reasoning · $0.01]"))
            fake.enqueue(
                .stream([
                    #"{"model":"m/u","choices":[{"delta":{"content":"ok"},"finish_reason":"stop"}]}"#, #"{"choices":[],"usage":\#(usage)}"#,
                ]))
            let json = try await chat(["--json", "q"], fake: fake, sandbox: sandbox)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let sent = try #require(object["usage"] as? [String: Any])
            #expect((sent["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int == 80)
            #expect(sent["is_byok"] as? Bool == false)
            #expect(sent.keys.contains("cost_details"))
        }
    }

    @Test func keyInfoShowsPeriodsAndResetButNotTheRateLimit() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["--key-info"], fake: fake, sandbox: sandbox)
            #expect(run.status == 0)
            #expect(run.stdout.contains("used in all:     $1.2500"))
            #expect(run.stdout.contains("limit:           $10.00"))
            #expect(run.stdout.contains("remaining:       $8.7500"))
            #expect(!run.stdout.lowercased().contains("rate limit"))
            #expect(!run.stdout.contains("sk-or"))
        }
    }
}
