import Foundation
import Testing

@testable import FakeOpenRouter

/// `GET path` on `fake`, parsed.
private func get(_ fake: FakeOpenRouter, _ path: String) async throws -> RawResponse {
    try await exchange(fake, method: "GET", path: "/api/v1" + path)
}

/// The ids and architectures of a `GET /models` answer.
private func architectures(_ response: RawResponse) -> [String: [String: Any]] {
    let data = response.json?["data"] as? [[String: Any]] ?? []
    return Dictionary(
        data.map { ($0["id"] as? String ?? "", $0["architecture"] as? [String: Any] ?? [:]) }, uniquingKeysWith: { $1 })
}

@Suite("Usage, generation, key, models and image-only models")
struct EndpointTests {
    @Test func everyUsageHasTheDetailObjects() async throws {
        let streamed = EventStream(try await chat(request("x/y", stream: true, user: "hello there world")).bodyText).usage
        let whole = try await chat(request("x/y", stream: false, user: "hello there world")).json?["usage"] as? [String: Any]
        for usage in [streamed, whole] {
            let usage = try #require(usage)
            #expect(usage["completion_tokens"] as? Int == 4)
            #expect(usage["is_byok"] as? Bool == false)
            #expect((usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int == 0)
            #expect((usage["completion_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int == 0)
            #expect((usage["cost_details"] as? [String: Any])?["upstream_inference_cost"] is NSNull)
        }
    }

    @Test func topLevelCacheControlCachesHalfThePrompt() async throws {
        let long = String(repeating: "cache me ", count: 40)
        let usage = try #require(
            try await chat(request("anthropic/claude-sonnet-4", stream: false, user: long, ["cache_control": ["type": "ephemeral"]]))
                .json?["usage"] as? [String: Any])
        let prompt = try #require(usage["prompt_tokens"] as? Int)
        #expect(prompt == long.count / 4)
        #expect((usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int == prompt / 2)
    }

    @Test func generationReportsTheNumbersOfEachAnswer() async throws {
        try await withFake { fake in
            let streamed = EventStream(try await chat(fake, request("fake/reasoning", stream: true)).bodyText)
            let id = try #require(streamed.chunks.first?["id"] as? String)
            let usage = try #require(streamed.usage)
            let whole = try await chat(
                fake, request("fake/tools", stream: false, ["tools": [["type": "function", "function": ["name": "t"]]]]))
            let wholeID = try #require(whole.json?["id"] as? String)
            #expect(id != wholeID)

            let first = try #require(try await get(fake, "/generation?id=\(id)").json?["data"] as? [String: Any])
            #expect(first["id"] as? String == id)
            #expect(first["model"] as? String == "fake/reasoning")
            #expect(first["provider_name"] as? String == "FakeProvider")
            #expect(first["latency"] as? Int == 123)
            #expect(first["generation_time"] as? Int == 100)
            #expect(first["tokens_prompt"] as? Int == usage["prompt_tokens"] as? Int)
            #expect(first["tokens_completion"] as? Int == usage["completion_tokens"] as? Int)
            #expect(first["native_tokens_prompt"] as? Int == usage["prompt_tokens"] as? Int)
            #expect(first["native_tokens_completion"] as? Int == usage["completion_tokens"] as? Int)
            #expect(first["native_tokens_reasoning"] as? Int == 3)
            #expect(first["native_tokens_cached"] as? Int == 0)
            #expect(first["total_cost"] as? Double == usage["cost"] as? Double)
            #expect(first["cache_discount"] is NSNull)
            #expect(first["finish_reason"] as? String == "stop")
            #expect(first["streamed"] as? Bool == true)

            let second = try #require(try await get(fake, "/generation?id=\(wholeID)").json?["data"] as? [String: Any])
            #expect(second["finish_reason"] as? String == "tool_calls")
            #expect(second["streamed"] as? Bool == false)
        }
    }

    @Test func unknownGenerationIsAnOpenRouterNotFound() async throws {
        try await withFake { fake in
            let response = try await get(fake, "/generation?id=gen-never")
            #expect(response.status == 404)
            #expect((response.json?["error"] as? [String: Any])?["code"] as? Int == 404)
            #expect(try await get(fake, "/generation").status == 400)
        }
    }

    @Test func keyInfoHasTheCurrentShape() async throws {
        let data = try #require(try await withFake { try await get($0, "/key") }.json?["data"] as? [String: Any])
        #expect(data["usage"] as? Double == 1.25)
        #expect(data["limit"] as? Int == 10)
        #expect(data["limit_remaining"] as? Double == 8.75)
        #expect(data["limit_reset"] as? String == "monthly")
        for field in ["usage_daily", "usage_weekly", "usage_monthly"] {
            #expect(data[field] is Double, "\(field)")
        }
        #expect(data["is_free_tier"] as? Bool == false)
        #expect(data["rate_limit"] is [String: Any])
    }

    @Test func modelsCarryModalitiesAndImageOnlyModelsOnlyWhenAsked() async throws {
        try await withFake { fake in
            let text = architectures(try await get(fake, "/models"))
            #expect(text.count == 6)
            #expect(text["black-forest-labs/flux.1-schnell"] == nil)
            #expect(text["meta-llama/llama-3.1-8b-instruct"]?["input_modalities"] as? [String] == ["text"])
            #expect(text["openai/gpt-4o-mini"]?["input_modalities"] as? [String] == ["text", "image", "file"])
            #expect(text["anthropic/claude-sonnet-4"]?["input_modalities"] as? [String] == ["text", "image", "file"])
            #expect(text["google/gemini-2.5-flash"]?["input_modalities"] as? [String] == ["text", "image", "file", "audio"])
            #expect(text["google/gemini-2.5-flash"]?["output_modalities"] as? [String] == ["text"])
            #expect(text["google/gemini-2.5-flash-image"]?["output_modalities"] as? [String] == ["image", "text"])

            let images = architectures(try await get(fake, "/models?output_modalities=image"))
            #expect(Set(images.keys) == ["google/gemini-2.5-flash-image", "black-forest-labs/flux.1-schnell"])
            #expect(images["black-forest-labs/flux.1-schnell"]?["output_modalities"] as? [String] == ["image"])
            #expect(architectures(try await get(fake, "/models?output_modalities=all")).count == 7)
            #expect(architectures(try await get(fake, "/models?output_modalities=text,image")).count == 7)
        }
    }

    @Test(arguments: [true, false])
    func imageOnlyModelAnswersWithImagesAndNoText(stream: Bool) async throws {
        let response = try await chat(request("black-forest-labs/flux.1-schnell", stream: stream, ["modalities": ["image"]]))
        let images: [[String: Any]]
        if stream {
            let events = EventStream(response.bodyText)
            #expect(events.content == "")
            images = events.deltas.flatMap { $0["images"] as? [[String: Any]] ?? [] }
        } else {
            #expect(response.message?["content"] as? String == "")
            images = response.message?["images"] as? [[String: Any]] ?? []
        }
        #expect(images.count == 1)
        #expect((images.first?["image_url"] as? [String: Any])?["url"] as? String == FakeImages.pngDataURL)
    }

    @Test func imageOnlyModelRefusesTextOutput() async throws {
        let response = try await chat(request("black-forest-labs/flux.1-schnell", stream: false, ["modalities": ["image", "text"]]))
        #expect(response.status == 404)
        let message = (response.json?["error"] as? [String: Any])?["message"] as? String
        #expect(message?.contains("output modalities") == true)
    }

    @Test func imageAndTextModelStillSendsBoth() async throws {
        let message = try #require(
            try await chat(request("google/gemini-2.5-flash-image", stream: false, user: "a cat", ["modalities": ["image"]])).message)
        #expect(message["content"] as? String == "Here is your image of a cat.")
        #expect((message["images"] as? [Any])?.count == 1)
    }

    @Test func fakeModelInitializerKeepsItsOldForm() {
        let model = FakeModel(id: "x/tiny", name: "X: Tiny", contextLength: 4096, promptPrice: "0", completionPrice: "0")
        #expect(model.inputModalities == ["text"])
        #expect(model.outputModalities == ["text"])
    }
}
