import Foundation
import TestSupport
import Testing

@testable import FakeOpenRouter

/// A chat request body as the client sends it.
private func chatBody(model: String, stream: Bool, user: String, system: String? = nil) -> String {
    var messages: [[String: String]] = []
    if let system { messages.append(["role": "system", "content": system]) }
    messages.append(["role": "user", "content": user])
    let object: [String: Any] = ["model": model, "stream": stream, "messages": messages]
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

@Suite("FakeOpenRouter over real HTTP")
struct FakeOpenRouterTests {
    @Test func baseURLNamesTheBoundPort() async throws {
        try await withFake { fake in
            #expect(fake.port > 0)
            #expect(fake.baseURL == "http://127.0.0.1:\(fake.port)/api/v1")
        }
    }

    @Test func defaultStreamingEchoesTheLastUserMessageAsServerSentEvents() async throws {
        let response = try await withFake { fake in
            try await exchange(
                fake, body: chatBody(model: "openai/gpt-4o-mini", stream: true, user: "hello there world", system: "Be brief."))
        }
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/event-stream")
        #expect(response.header("Transfer-Encoding") == "chunked")
        #expect(response.header("Content-Length") == nil)
        #expect(response.bodyText.hasPrefix(": OPENROUTER PROCESSING\n\n"))
        #expect(response.bodyText.hasSuffix("data: [DONE]\n\n"))

        let events = EventStream(response.bodyText)
        #expect(events.comments == ["OPENROUTER PROCESSING"])
        #expect(events.data.last == "[DONE]")
        #expect(events.content == "Echo: hello there world")

        let chunks = events.chunks
        // One chunk per word, then the usage chunk.
        #expect(chunks.count == 5)
        #expect(chunks.allSatisfy { $0["model"] as? String == "openai/gpt-4o-mini" })
        let finishReasons = chunks.dropLast().map { ($0["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String }
        #expect(finishReasons == [nil, nil, nil, "stop"])
        let usageChunk = try #require(chunks.last)
        #expect((usageChunk["choices"] as? [Any])?.isEmpty == true)
        let usage = try #require(usageChunk["usage"] as? [String: Any])
        #expect(usage["completion_tokens"] as? Int == 4)
        #expect((usage["prompt_tokens"] as? Int ?? 0) >= 1)
        #expect(usage["total_tokens"] as? Int == (usage["prompt_tokens"] as? Int ?? 0) + 4)
    }

    @Test func defaultNonStreamedEchoIsOneJSONCompletion() async throws {
        let response = try await withFake { fake in
            try await exchange(fake, body: chatBody(model: "anthropic/claude-sonnet-4", stream: false, user: "Привет"))
        }
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.header("Content-Length") == String(response.body.count))
        let json = try #require(response.json)
        #expect(json["model"] as? String == "anthropic/claude-sonnet-4")
        let choice = try #require((json["choices"] as? [[String: Any]])?.first)
        #expect(choice["finish_reason"] as? String == "stop")
        let message = try #require(choice["message"] as? [String: Any])
        #expect(message["role"] as? String == "assistant")
        #expect(message["content"] as? String == "Echo: Привет")
        #expect((json["usage"] as? [String: Any])?["completion_tokens"] as? Int == 2)
    }

    @Test func pathWithoutAPIPrefixIsAcceptedToo() async throws {
        let response = try await withFake { fake in
            try await exchange(fake, path: "/chat/completions", body: chatBody(model: "m/x", stream: false, user: "short"))
        }
        #expect(response.status == 200)
        #expect(response.bodyText.contains("Echo: short"))
    }

    @Test func recordsEveryRequestWithHeadersAndBody() async throws {
        try await withFake { fake in
            let body = chatBody(model: "google/gemini-2.5-flash", stream: true, user: "What is 2+2?", system: "Be terse.")
            _ = try await exchange(
                fake,
                headers: [
                    ("Authorization", "Bearer sk-test"), ("Content-Type", "application/json"),
                    ("X-Title", "BankFuture"), ("HTTP-Referer", "https://bankfuture.com"),
                ],
                body: body)
            _ = try await exchange(fake, method: "GET", path: "/api/v1/models")

            let requests = fake.requests
            #expect(requests.map(\.method) == ["POST", "GET"])
            #expect(requests.map(\.path) == ["/api/v1/chat/completions", "/api/v1/models"])
            #expect(fake.chatRequests.count == 1)

            let chat = try #require(fake.chatRequests.first)
            #expect(chat.header("authorization") == "Bearer sk-test")
            #expect(chat.header("X-TITLE") == "BankFuture")
            #expect(chat.header("http-referer") == "https://bankfuture.com")
            #expect(chat.header("X-Missing") == nil)
            #expect(chat.bodyText == body)
            #expect(chat.body == Array(body.utf8))
            #expect(chat.model == "google/gemini-2.5-flash")
            #expect(chat.stream == true)
            #expect(chat.messages.map(\.role) == ["system", "user"])
            #expect(chat.messages.map(\.content) == ["Be terse.", "What is 2+2?"])
            #expect(chat.json?["messages"] is [Any])
        }
    }

    @Test func queuedErrorIsSentWithRetryAfterThenDefaultsResumeOnTheSameConnection() async throws {
        try await withFake { fake in
            fake.enqueue(.error(status: 429, message: "Slow down", metadataJSON: #"{"limit":5}"#, retryAfter: "7"))
            let port = fake.port
            let body = chatBody(model: "openai/gpt-4o-mini", stream: false, user: "again")
            let (first, second) = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(method: "POST", path: "/api/v1/chat/completions", body: body)
                let first = try connection.readResponse()
                // Keep-alive: the second request reuses the connection.
                try connection.send(method: "POST", path: "/api/v1/chat/completions", body: body)
                return (first, try connection.readResponse())
            }
            #expect(first.status == 429)
            #expect(first.header("Retry-After") == "7")
            let error = try #require(first.json?["error"] as? [String: Any])
            #expect(error["code"] as? Int == 429)
            #expect(error["message"] as? String == "Slow down")
            #expect((error["metadata"] as? [String: Any])?["limit"] as? Int == 5)

            #expect(second.status == 200)
            #expect(second.bodyText.contains("Echo: again"))
            #expect(fake.chatRequests.count == 2)
        }
    }

    @Test func queuedRepliesAreServedInOrder() async throws {
        try await withFake { fake in
            fake.enqueue(
                .completion(content: "first", model: "a/one", usage: FakeUsage(promptTokens: 3, completionTokens: 1, cost: nil)),
                .raw(status: 200, headers: [("Content-Type", "text/plain")], body: [0xFF, 0xFE, 0x41]))
            let body = chatBody(model: "x/y", stream: false, user: "q")
            let first = try await exchange(fake, body: body)
            let second = try await exchange(fake, body: body)
            let third = try await exchange(fake, body: body)

            let message = (first.json?["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any]
            #expect(message?["content"] as? String == "first")
            #expect(first.json?["model"] as? String == "a/one")
            let usage = first.json?["usage"] as? [String: Any]
            #expect(usage?["total_tokens"] as? Int == 4)
            #expect(usage?["cost"] == nil)

            #expect(second.header("Content-Type") == "text/plain")
            #expect(second.body == [0xFF, 0xFE, 0x41])
            #expect(second.header("Content-Length") == "3")

            #expect(third.bodyText.contains("Echo: q"))
        }
    }

    @Test func oneByteChunksCarryExactlyTheSameBytes() async throws {
        let payloads = [#"{"choices":[{"delta":{"content":"Привет, мир! 👋🏽"}}]}"#, #"{"choices":[],"usage":{}}"#]
        let (split, whole) = try await withFake { fake in
            fake.enqueue(
                .stream(payloads, StreamOptions(chunkSize: 1, crlf: true)),
                .stream(payloads, StreamOptions(crlf: true)))
            let body = chatBody(model: "x/y", stream: true, user: "q")
            return (try await exchange(fake, body: body), try await exchange(fake, body: body))
        }
        #expect(split.body == whole.body)
        #expect(
            split.bodyText == ": OPENROUTER PROCESSING\r\n\r\ndata: \(payloads[0])\r\n\r\ndata: \(payloads[1])\r\n\r\ndata: [DONE]\r\n\r\n")
        // Every byte went out as its own HTTP chunk, so splits fell inside UTF-8 and CRLF.
        #expect(split.chunkSizes == Array(repeating: 1, count: split.body.count))
        // Without chunkSize, one write per event: comment, two payloads, [DONE].
        #expect(whole.chunkSizes?.count == 4)
    }

    @Test func streamTextBuildsChunksAndCanRepeatFinishReasonInTheUsageChunk() async throws {
        let response = try await withFake { fake in
            fake.enqueue(
                .streamText(
                    pieces: ["Hel", "lo"], model: "deepseek/deepseek-r1",
                    usage: FakeUsage(promptTokens: 7, completionTokens: 2, cost: 0.5),
                    options: StreamOptions(keepAliveComments: 3, sendDone: false, usageWithEmptyChoice: true)))
            return try await exchange(fake, body: chatBody(model: "x/y", stream: true, user: "q"))
        }
        let events = EventStream(response.bodyText)
        #expect(events.comments.count == 3)
        #expect(!events.data.contains("[DONE]"))
        #expect(events.content == "Hello")
        let usageChunk = try #require(events.chunks.last)
        let choices = try #require(usageChunk["choices"] as? [[String: Any]])
        #expect(choices.count == 1)
        #expect(choices.first?["finish_reason"] as? String == "stop")
        #expect((choices.first?["delta"] as? [String: Any])?["content"] as? String == "")
        let usage = try #require(usageChunk["usage"] as? [String: Any])
        #expect(usage["prompt_tokens"] as? Int == 7)
        #expect(usage["total_tokens"] as? Int == 9)
        #expect(usage["cost"] as? Double == 0.5)
        #expect(events.chunks.allSatisfy { $0["model"] as? String == "deepseek/deepseek-r1" })
    }

    @Test func delayBetweenWritesHoldsBackTheRestOfTheStream() async throws {
        // An hour's pause after the first write (the keep-alive comment): once the comment is
        // in, the fake is shut down, and nothing more ever came. Without the pause every
        // event would have been written with the comment, before the close.
        let fake = try await FakeOpenRouter.start()
        fake.enqueue(.stream(["{}", "{}"], StreamOptions(delayBetweenWrites: .seconds(3600))))
        let port = fake.port
        let body = chatBody(model: "x/y", stream: true, user: "q")
        let connection = try await onThread {
            let connection = try RawConnection(port: port)
            try connection.send(method: "POST", path: "/api/v1/chat/completions", body: body)
            return SendableBox(connection)
        }
        _ = try await onThread { try connection.value.readUntil(contains: ": OPENROUTER PROCESSING\n\n", timeout: .seconds(10)) }
        try await fake.shutdown()
        let all = try await onThread { try connection.value.readUntilClose(timeout: .seconds(10)) }
        let text = String(decoding: all.bytes, as: UTF8.self)
        #expect(all.closed)
        #expect(text.contains(": OPENROUTER PROCESSING\n\n"))
        #expect(!text.contains("data:"), "\(text)")
        #expect(await Waiting.until { fake.unfinishedResponses == 1 })
    }

    @Test func onlyAResponseTheClientLeftInTheMiddleIsUnfinished() async throws {
        try await withFake { fake in
            let port = fake.port
            let body = chatBody(model: "x/y", stream: true, user: "q")
            // A whole answer, then a drop the fake scripted: neither counts.
            _ = try await exchange(fake, body: body)
            fake.enqueue(.dropMidStream(afterBytes: Array("data: {}\n\n".utf8)))
            let dropped = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(method: "POST", path: "/api/v1/chat/completions", body: body)
                return try connection.readUntilClose(timeout: .seconds(5))
            }
            #expect(dropped.closed)
            // The client leaves while the fake is pausing between writes: that counts.
            fake.enqueue(.stream(["{}"], StreamOptions(delayBetweenWrites: .seconds(3600))))
            _ = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(method: "POST", path: "/api/v1/chat/completions", body: body)
                return try connection.readUntil(contains: ": OPENROUTER PROCESSING\n\n", timeout: .seconds(5))
            }
            #expect(await Waiting.until { fake.unfinishedResponses == 1 })
            #expect(fake.chatRequests.count == 3)
        }
    }

    @Test func aStreamWithPausesStillDeliversEveryEventInOrder() async throws {
        let response = try await withFake { fake in
            fake.enqueue(.stream(["{}", "{}"], StreamOptions(delayBetweenWrites: .milliseconds(10))))
            return try await exchange(fake, body: chatBody(model: "x/y", stream: true, user: "q"))
        }
        #expect(EventStream(response.bodyText).data == ["{}", "{}", "[DONE]"])
    }

    @Test func dropBeforeHeadClosesWithoutAnyResponse() async throws {
        try await withFake { fake in
            fake.enqueue(.dropBeforeHead)
            let port = fake.port
            let body = chatBody(model: "x/y", stream: true, user: "q")
            let (bytes, closed) = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(method: "POST", path: "/api/v1/chat/completions", body: body)
                return try connection.readUntilClose(timeout: .seconds(5))
            }
            #expect(closed)
            #expect(bytes.isEmpty)
            #expect(fake.chatRequests.count == 1)
        }
    }

    @Test func dropMidStreamSendsTheBytesThenClosesWithoutTerminator() async throws {
        try await withFake { fake in
            fake.enqueue(.dropMidStream(afterBytes: Array("data: {\"choices\":[]}\n\nda".utf8)))
            let port = fake.port
            let body = chatBody(model: "x/y", stream: true, user: "q")
            let (bytes, closed) = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(method: "POST", path: "/api/v1/chat/completions", body: body)
                return try connection.readUntilClose(timeout: .seconds(5))
            }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(closed)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.contains("data: {\"choices\":[]}\n\nda"))
            #expect(!text.hasSuffix("0\r\n\r\n"))
            #expect(RawResponse.parse(bytes, closed: true) == nil)
        }
    }

    @Test func stallKeepsTheConnectionOpenUntilShutdown() async throws {
        let fake = try await FakeOpenRouter.start()
        fake.enqueue(.stall(afterBytes: Array(": OPENROUTER PROCESSING\n\n".utf8)))
        let port = fake.port
        let body = chatBody(model: "x/y", stream: true, user: "q")
        let connection = try await onThread {
            let connection = try RawConnection(port: port)
            try connection.send(method: "POST", path: "/api/v1/chat/completions", body: body)
            return SendableBox(connection)
        }
        let received = try await onThread {
            try connection.value.readUntil(contains: ": OPENROUTER PROCESSING", timeout: .seconds(5))
        }
        #expect(String(decoding: received, as: UTF8.self).contains(": OPENROUTER PROCESSING"))
        #expect(fake.unfinishedResponses == 0)

        // Nothing more came before the shutdown closed it, and it was closed in the middle of
        // the response (the fake had not ended it).
        try await fake.shutdown()
        let afterShutdown = try await onThread { try connection.value.readUntilClose(timeout: .seconds(5)) }
        #expect(afterShutdown.closed)
        #expect(afterShutdown.bytes == received)
        #expect(await Waiting.until { fake.unfinishedResponses == 1 })
    }

    @Test func modelsListDefaultsAndCanBeReplaced() async throws {
        try await withFake { fake in
            let first = try await exchange(fake, method: "GET", path: "/api/v1/models")
            #expect(first.status == 200)
            let data = try #require(first.json?["data"] as? [[String: Any]])
            #expect(data.count == 6)
            #expect(data.compactMap { $0["id"] as? String }.contains("google/gemini-2.5-flash"))
            let flash = try #require(data.first(where: { $0["id"] as? String == "google/gemini-2.5-flash" }))
            #expect(flash["context_length"] as? Int == 1_048_576)
            let pricing = try #require(flash["pricing"] as? [String: Any])
            #expect(pricing["prompt"] as? String == "0.0000003")
            #expect(pricing["completion"] is String)

            fake.setModels([FakeModel(id: "x/tiny", name: "X: Tiny", contextLength: 4096, promptPrice: "0", completionPrice: "0.000001")])
            let second = try await exchange(fake, method: "GET", path: "/api/v1/models")
            let replaced = try #require(second.json?["data"] as? [[String: Any]])
            #expect(replaced.count == 1)
            #expect(replaced.first?["id"] as? String == "x/tiny")
            #expect((replaced.first?["pricing"] as? [String: Any])?["completion"] as? String == "0.000001")
        }
    }

    @Test func keyInfoAndUnknownPaths() async throws {
        try await withFake { fake in
            let key = try await exchange(fake, method: "GET", path: "/api/v1/key")
            let data = try #require(key.json?["data"] as? [String: Any])
            #expect(data["limit_remaining"] as? Double == 8.75)
            #expect(data["is_free_tier"] as? Bool == false)

            let missing = try await exchange(fake, method: "GET", path: "/api/v1/nothing")
            #expect(missing.status == 404)
            #expect((missing.json?["error"] as? [String: Any])?["code"] as? Int == 404)
        }
    }

    @Test func connectionCloseRequestIsAnsweredThenClosed() async throws {
        try await withFake { fake in
            let port = fake.port
            let (bytes, closed) = try await onThread {
                let connection = try RawConnection(port: port)
                try connection.send(method: "GET", path: "/api/v1/models", headers: [("Connection", "close")])
                return try connection.readUntilClose(timeout: .seconds(5))
            }
            #expect(closed)
            let response = try #require(RawResponse.parse(bytes, closed: true)?.0)
            #expect(response.status == 200)
            #expect(response.header("Connection") == "close")
        }
    }
}

/// Carries a connection between the threads of ``onThread(_:)`` calls.
///
/// `@unchecked` is safe here because each test uses the connection from one thread at a time,
/// one `onThread` call after the other.
private final class SendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
