import Foundation
import Testing

@testable import FakeOpenRouter

/// Requests one chat completion on a fresh fake and returns the response.
private func scenario(_ model: String, stream: Bool, user: String = "hi") async throws -> RawResponse {
    try await chat(request(model, stream: stream, user: user))
}

@Suite("Scenario models")
struct ScenarioTests {
    @Test(arguments: [429, 503])
    func retryableErrorsSendRetryAfter(status: Int) async throws {
        let response = try await scenario("fake/error-\(status)", stream: true)
        #expect(response.status == status)
        #expect(response.header("Retry-After") == "1")
        #expect(response.header("Content-Type") == "application/json")
        let error = try #require(response.json?["error"] as? [String: Any])
        #expect(error["code"] as? Int == status)
        #expect((error["message"] as? String)?.isEmpty == false)
    }

    @Test func otherErrorsHaveNoRetryAfter() async throws {
        let response = try await scenario("fake/error-401", stream: false)
        #expect(response.status == 401)
        #expect(response.header("Retry-After") == nil)
    }

    @Test func moderationCarriesReasonsAndFlaggedInput() async throws {
        let response = try await scenario("fake/moderation", stream: true, user: "something bad")
        #expect(response.status == 403)
        let metadata = try #require((response.json?["error"] as? [String: Any])?["metadata"] as? [String: Any])
        #expect(metadata["reasons"] as? [String] == ["violence"])
        #expect(metadata["flagged_input"] as? String == "something bad")
    }

    @Test func midStreamErrorFollowsTwoTextChunks() async throws {
        let response = try await scenario("fake/midstream-error", stream: true)
        let events = EventStream(response.bodyText)
        #expect(events.content == "Partial answer")
        #expect(events.data.last == "[DONE]")
        let errorChunk = try #require(events.chunks.last)
        #expect((errorChunk["error"] as? [String: Any])?["code"] as? String == "server_error")
        #expect((errorChunk["error"] as? [String: Any])?["message"] as? String == "Provider disconnected")
        #expect((errorChunk["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String == "error")
    }

    @Test func errorFirstIsTheOnlyEvent() async throws {
        let response = try await scenario("fake/error-first", stream: true)
        let events = EventStream(response.bodyText)
        #expect(events.chunks.count == 1)
        #expect(events.chunks.first?["error"] != nil)
    }

    @Test func twoHundredWithError() async throws {
        let response = try await scenario("fake/200-error", stream: true)
        #expect(response.status == 200)
        let error = try #require(response.json?["error"] as? [String: Any])
        #expect(error["code"] as? Int == 502)
        #expect(error["message"] as? String == "Upstream provider returned an error")
    }

    @Test func htmlErrorPage() async throws {
        let response = try await scenario("fake/html", stream: true)
        #expect(response.status == 502)
        #expect(response.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(response.bodyText == "<html><body><h1>502 Bad Gateway</h1></body></html>")
    }

    @Test func reasoningComesBeforeContent() async throws {
        let response = try await scenario("fake/reasoning", stream: true)
        let deltas = EventStream(response.bodyText).chunks.compactMap {
            ($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any]
        }
        let firstReasoning = try #require(deltas.firstIndex(where: { ($0["reasoning"] as? String)?.isEmpty == false }))
        let firstContent = try #require(deltas.firstIndex(where: { ($0["content"] as? String)?.isEmpty == false }))
        #expect(firstReasoning < firstContent)
        #expect(EventStream(response.bodyText).content == "Echo: hi")
    }

    @Test func cyrillicIsSentOneBytePerChunk() async throws {
        let response = try await scenario("fake/cyrillic", stream: true)
        #expect(EventStream(response.bodyText).content == "Привет, мир! 👋🏽")
        #expect(response.chunkSizes?.allSatisfy { $0 == 1 } == true)
    }

    @Test func unknownScenarioIsABadRequestNamingTheScenarios() async throws {
        let response = try await scenario("fake/nope", stream: false)
        #expect(response.status == 400)
        let message = (response.json?["error"] as? [String: Any])?["message"] as? String
        #expect(message?.contains("fake/error-NNN") == true)
    }

    @Test func dropClosesAfterOneTextChunk() async throws {
        let fake = try await FakeOpenRouter.start()
        let port = fake.port
        let body = #"{"model":"fake/drop","stream":true,"messages":[{"role":"user","content":"one two"}]}"#
        let (bytes, closed) = try await onThread {
            let connection = try RawConnection(port: port)
            try connection.send(method: "POST", path: "/api/v1/chat/completions", body: body)
            return try connection.readUntilClose(timeout: .seconds(5))
        }
        try await fake.shutdown()
        #expect(closed)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""content":"Echo:""#))
        #expect(!text.contains("[DONE]"))
    }

    @Test func wordPiecesJoinBackToTheText() {
        #expect(DefaultResponder.pieces(of: "Echo: hello  world\nbye") == ["Echo:", " hello", "  world", "\nbye"])
        #expect(DefaultResponder.pieces(of: "  lead") == ["  lead"])
        #expect(DefaultResponder.pieces(of: "") == [])
        let text = " a  b\t\tc \n"
        #expect(DefaultResponder.pieces(of: text).joined() == text)
    }

    @Test func slowAnswerHasAboutFortyWords() {
        let answer = DefaultResponder.slowAnswer(echo: "Echo: hi")
        #expect(answer.hasPrefix("Echo: hi This answer"))
        #expect(answer.hasSuffix("was sent."))
        #expect((40...45).contains(DefaultResponder.pieces(of: answer).count))
    }
}
