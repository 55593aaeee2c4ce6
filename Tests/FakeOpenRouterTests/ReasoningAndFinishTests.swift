import Foundation
import Testing

@testable import FakeOpenRouter

@Suite("Reasoning details and early finishes")
struct ReasoningAndFinishTests {
    @Test func streamedReasoningDetailsAreFragmentsOfOneSignedBlockThenAnEncryptedItem() async throws {
        let events = EventStream(try await chat(request("fake/reasoning-details", stream: true)).bodyText)
        let details = events.deltas.flatMap { $0["reasoning_details"] as? [[String: Any]] ?? [] }
        let texts = details.filter { $0["type"] as? String == "reasoning.text" }
        #expect(texts.count == 4)
        #expect(texts.allSatisfy { $0["index"] as? Int == 0 && $0["format"] as? String == "anthropic-claude-v1" })
        let textPieces = texts.compactMap { $0["text"] as? String }
        #expect(textPieces.count == 3)
        #expect(textPieces.joined() == "Let me think about this request.")
        let last = try #require(texts.last)
        #expect(last["text"] == nil)
        #expect((last["signature"] as? String)?.isEmpty == false)
        #expect(texts.dropLast().allSatisfy { $0["signature"] == nil })

        let encrypted = details.filter { $0["type"] as? String == "reasoning.encrypted" }
        #expect(encrypted.count == 1)
        #expect((encrypted.first?["data"] as? String)?.isEmpty == false)
        #expect(encrypted.first?["id"] as? String == "rs_fake_1")

        #expect(events.deltas.compactMap { $0["reasoning"] as? String }.joined() == "Let me think about this request.")
        // All reasoning comes before the answer text.
        let lastDetail = try #require(events.deltas.lastIndex(where: { $0["reasoning_details"] != nil }))
        let firstText = try #require(events.deltas.firstIndex(where: { ($0["content"] as? String)?.isEmpty == false }))
        #expect(lastDetail < firstText)
        #expect(events.content == "Echo: hi")
        let usageDetails = events.usage?["completion_tokens_details"] as? [String: Any]
        #expect(usageDetails?["reasoning_tokens"] as? Int == 3)
    }

    @Test func wholeReasoningDetailsAreMerged() async throws {
        let message = try #require(try await chat(request("fake/reasoning-details", stream: false)).message)
        #expect(message["content"] as? String == "Echo: hi")
        #expect(message["reasoning"] as? String == "Let me think about this request.")
        let details = try #require(message["reasoning_details"] as? [[String: Any]])
        #expect(details.map { $0["type"] as? String } == ["reasoning.text", "reasoning.encrypted"])
        #expect(details[0]["text"] as? String == "Let me think about this request.")
        #expect(details[0]["signature"] as? String == DefaultResponder.reasoningSignature)
        #expect(details[0]["index"] as? Int == 0)
        #expect(details[1]["data"] as? String == DefaultResponder.encryptedReasoning.data)
        #expect(details[1]["id"] as? String == "rs_fake_1")
    }

    @Test func plainReasoningReportsReasoningTokens() async throws {
        let response = try await chat(request("fake/reasoning", stream: false))
        let usage = try #require(response.json?["usage"] as? [String: Any])
        #expect((usage["completion_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int == 3)
        #expect(usage["completion_tokens"] as? Int == 5)
    }

    @Test(arguments: [("fake/length", "length"), ("fake/content-filter", "content_filter")])
    func partialAnswersFinishEarly(model: String, reason: String) async throws {
        let streamed = EventStream(try await chat(request(model, stream: true)).bodyText)
        #expect(streamed.finishReasons == [reason])
        #expect(streamed.content.hasPrefix("Echo: hi"))
        #expect(!streamed.content.hasSuffix("."))

        let whole = try await chat(request(model, stream: false))
        #expect(whole.choice?["finish_reason"] as? String == reason)
        #expect(whole.message?["content"] as? String == streamed.content)
    }

    @Test(arguments: [true, false])
    func lengthEmptySpentEveryTokenReasoning(stream: Bool) async throws {
        let response = try await chat(request("fake/length-empty", stream: stream))
        let usage: [String: Any]?
        if stream {
            let events = EventStream(response.bodyText)
            #expect(events.content == "")
            #expect(events.finishReasons == ["length"])
            usage = events.usage
        } else {
            #expect(response.message?["content"] as? String == "")
            #expect(response.choice?["finish_reason"] as? String == "length")
            usage = response.json?["usage"] as? [String: Any]
        }
        let completion = try #require(usage?["completion_tokens"] as? Int)
        #expect(completion > 0)
        #expect((usage?["completion_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int == completion)
    }

    @Test func providerErrorCarriesProviderNameRawAndType() async throws {
        let response = try await chat(request("fake/provider-error", stream: true))
        #expect(response.status == 400)
        let error = try #require(response.json?["error"] as? [String: Any])
        #expect(error["code"] as? Int == 400)
        #expect(error["message"] as? String == "Provider returned error")
        let metadata = try #require(error["metadata"] as? [String: Any])
        #expect(metadata["provider_name"] as? String == "FakeProvider")
        #expect(metadata["raw"] as? String == #"{"error":{"message":"Invalid schema for function 'x'"}}"#)
        #expect(metadata["error_type"] as? String == "invalid_request")
    }

    @Test func contextErrorIsTyped() async throws {
        let response = try await chat(request("fake/context", stream: false))
        #expect(response.status == 400)
        let error = try #require(response.json?["error"] as? [String: Any])
        #expect(error["message"] as? String == "This endpoint's maximum context length is 1000 tokens")
        #expect((error["metadata"] as? [String: Any])?["error_type"] as? String == "context_length_exceeded")
    }

    @Test func newScenariosAreListed() {
        let listed = Set(FakeOpenRouter.scenarios.map(\.model))
        for model in [
            "fake/tools", "fake/tools-2", "fake/reasoning-details", "fake/web", "fake/length", "fake/length-empty",
            "fake/content-filter", "fake/provider-error", "fake/context",
        ] {
            #expect(listed.contains(model), "\(model)")
        }
    }
}
