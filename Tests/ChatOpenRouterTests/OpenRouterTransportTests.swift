import ChatCore
import FakeOpenRouter
import Foundation
import TestSupport
import Testing

@testable import ChatOpenRouter

@Suite(.serialized) struct OpenRouterTransportTests {
    @Test func streamsAnAnswerAndSendsEveryHeader() async throws {
        try await withFake { fake, transport in
            fake.enqueue(
                .streamText(
                    pieces: ["При", "вет, ", "мир 👋🏽"], model: "google/gemini-2.5-flash",
                    usage: FakeUsage(promptTokens: 11, completionTokens: 3, cost: 0.0002),
                    options: StreamOptions(chunkSize: 1, keepAliveComments: 3)))
            let (events, error) = await collect(transport, sampleRequest)
            #expect(error == nil)
            #expect(text(events) == "Привет, мир 👋🏽")
            #expect(events.contains(.model("google/gemini-2.5-flash")))
            #expect(
                events.last
                    == .usage(
                        Usage(promptTokens: 11, completionTokens: 3, totalTokens: 14, cost: 0.0002, cachedTokens: 0, reasoningTokens: 0)))
            let request = try #require(fake.chatRequests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/api/v1/chat/completions")
            #expect(request.header("Authorization") == "Bearer test-key-123")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.header("HTTP-Referer") == "https://ref.example")
            #expect(request.header("X-Title") == "TitleX")
            #expect(request.header("X-OpenRouter-Title") == "TitleX")
            #expect(request.model == "google/gemini-2.5-flash")
            #expect(request.stream == true)
            #expect(request.messages.map(\.role) == ["system", "user"])
            #expect(request.messages.map(\.content) == ["Be brief", "Привет"])
        }
    }

    @Test func crlfStreamAndUsageChunkWithOneEmptyChoice() async throws {
        try await withFake { fake, transport in
            fake.enqueue(
                .streamText(pieces: ["a", "b"], model: "m/x", options: StreamOptions(chunkSize: 3, crlf: true, usageWithEmptyChoice: true)))
            let (events, error) = await collect(transport, sampleRequest)
            #expect(error == nil)
            #expect(text(events) == "ab")
            guard case .usage? = events.last else {
                Issue.record("no usage at the end: \(events)")
                return
            }
        }
    }

    @Test func deltasThatArriveTogetherReachTheConsumerJoined() async throws {
        try await withFake { fake, transport in
            // 3,000 events in one write: they arrive in a few network reads, and each read's
            // text deltas are handed over as one event instead of 3,000 separate ones.
            let pieces = (0..<3000).map { "w\($0) " }
            fake.enqueue(.streamText(pieces: pieces, model: "m/x", options: StreamOptions(chunkSize: 1 << 30)))
            let (events, error) = await collect(transport, sampleRequest)
            #expect(error == nil)
            #expect(text(events) == pieces.joined())
            let textEvents = events.filter { if case .text = $0 { true } else { false } }.count
            #expect(textEvents < pieces.count / 10, "expected joined deltas, got \(textEvents) text events")
            #expect(events.filter { $0 == .model("m/x") }.count == 1)
            guard case .usage? = events.last else {
                Issue.record("no usage at the end")
                return
            }
        }
    }

    @Test func nonStreamingAnswer() async throws {
        try await withFake { fake, transport in
            fake.enqueue(
                .completion(
                    content: "Whole answer", model: "openai/gpt-4o-mini", usage: FakeUsage(promptTokens: 4, completionTokens: 2, cost: nil))
            )
            var request = sampleRequest
            request.stream = false
            let response = try await transport.complete(request)
            #expect(response.content == "Whole answer")
            #expect(response.model == "openai/gpt-4o-mini")
            #expect(
                response.usage
                    == Usage(promptTokens: 4, completionTokens: 2, totalTokens: 6, cost: nil, cachedTokens: 0, reasoningTokens: 0))
            #expect(fake.chatRequests.first?.stream == false)
        }
    }

    @Test(arguments: [400, 401, 402, 403, 404, 408, 429, 500, 502, 503])
    func eachErrorStatusBecomesATypedErrorWithTheServersMessage(_ status: Int) async throws {
        try await withFake { fake, transport in
            fake.enqueue(.error(status: status, message: "server says \(status)"))
            let (events, error) = await collect(transport, sampleRequest)
            #expect(text(events).isEmpty)
            let chatError = try #require(error)
            #expect(chatError.status == status)
            let line = chatError.oneLine()
            #expect(line.contains("HTTP \(status)"))
            #expect(line.contains("server says \(status)"))
            #expect(chatError.exitCode == (status == 401 ? 3 : 1))
            #expect(fake.chatRequests.count == 1)
        }
    }

    @Test func moderationErrorShowsTheReasons() async throws {
        try await withFake { fake, transport in
            fake.enqueue(
                .error(status: 403, message: "Input was flagged", metadataJSON: #"{"reasons":["harassment"],"flagged_input":"…"}"#))
            let (_, error) = await collect(transport, sampleRequest)
            #expect(error?.oneLine().contains("harassment") == true)
        }
    }

    @Test func twoHundredWithAnErrorBody() async throws {
        try await withFake { fake, transport in
            fake.enqueue(
                .raw(
                    status: 200, headers: [("Content-Type", "application/json")],
                    body: Array(#"{"error":{"code":502,"message":"Upstream provider returned an error"}}"#.utf8)))
            let (_, error) = await collect(transport, sampleRequest)
            #expect(error == .api(APIErrorInfo(status: 502, code: "502", message: "Upstream provider returned an error"), inStream: false))
        }
    }

    @Test func midStreamErrorAfterText() async throws {
        try await withFake { fake, transport in
            fake.enqueue(
                .stream([
                    #"{"model":"m","choices":[{"delta":{"content":"Hello "}}]}"#,
                    #"{"error":{"code":"server_error","message":"Provider disconnected"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}"#,
                ]))
            let (events, error) = await collect(transport, sampleRequest)
            #expect(text(events) == "Hello ")
            #expect(error == .api(APIErrorInfo(status: nil, code: "server_error", message: "Provider disconnected"), inStream: true))
        }
    }

    @Test func midStreamErrorAsTheFirstAndOnlyEventWithoutDone() async throws {
        try await withFake(retries: 2) { fake, transport in
            fake.enqueue(
                .stream(
                    [#"{"error":{"code":502,"message":"No endpoints"},"choices":[{"delta":{"content":""},"finish_reason":"error"}]}"#],
                    StreamOptions(sendDone: false)))
            let (events, error) = await collect(transport, sampleRequest)
            #expect(text(events).isEmpty)
            #expect(error?.oneLine().contains("No endpoints") == true)
            #expect(fake.chatRequests.count == 1, "a mid-stream error is not retried")
        }
    }

    @Test func truncatedStreamWithoutDone() async throws {
        try await withFake { fake, transport in
            fake.enqueue(.stream([#"{"choices":[{"delta":{"content":"par"}}]}"#], StreamOptions(sendDone: false)))
            let (events, error) = await collect(transport, sampleRequest)
            #expect(text(events) == "par")
            #expect(error == .truncatedStream)
        }
    }

    @Test func retriesRateLimitThenSucceedsHonouringRetryAfter() async throws {
        let clock = RecordingClock()
        try await withFake(retries: 2, clock: clock) { fake, transport in
            fake.enqueue(.error(status: 429, message: "Rate limited", retryAfter: "1"), .streamText(pieces: ["ok"], model: "m"))
            let (events, error) = await collect(transport, sampleRequest)
            #expect(error == nil)
            #expect(text(events) == "ok")
            #expect(events.first == .retrying(RetryNotice(attempt: 1, delaySeconds: 1, reason: "HTTP 429: rate limited")))
            #expect(clock.sleeps == [.seconds(1)], "the wait is the server's Retry-After")
            #expect(fake.chatRequests.count == 2)
        }
    }

    @Test func retries503TwiceThenSucceeds() async throws {
        try await withFake(retries: 2) { fake, transport in
            fake.enqueue(
                .error(status: 503, message: "No provider"), .error(status: 503, message: "No provider"),
                .streamText(pieces: ["fine"], model: "m"))
            let (events, error) = await collect(transport, sampleRequest)
            #expect(error == nil)
            #expect(text(events) == "fine")
            #expect(fake.chatRequests.count == 3)
        }
    }

    @Test func givesUpAfterMaxRetries() async throws {
        try await withFake(retries: 1) { fake, transport in
            fake.enqueue(.error(status: 502, message: "down"), .error(status: 502, message: "still down"))
            let (_, error) = await collect(transport, sampleRequest)
            #expect(error?.oneLine().contains("still down") == true)
            #expect(fake.chatRequests.count == 2)
        }
    }

    @Test(arguments: [400, 401, 402, 403])
    func neverRetriesClientErrors(_ status: Int) async throws {
        try await withFake(retries: 3) { fake, transport in
            fake.enqueue(.error(status: status, message: "no"))
            _ = await collect(transport, sampleRequest)
            #expect(fake.chatRequests.count == 1)
        }
    }

    @Test func connectionDroppedBeforeHeadIsRetried() async throws {
        try await withFake(retries: 1) { fake, transport in
            fake.enqueue(.dropBeforeHead, .streamText(pieces: ["back"], model: "m"))
            let (events, error) = await collect(transport, sampleRequest)
            #expect(error == nil)
            #expect(text(events) == "back")
            #expect(fake.chatRequests.count == 2)
        }
    }

    @Test func connectionDroppedMidStreamAfterTextIsNotRetried() async throws {
        try await withFake(retries: 2) { fake, transport in
            let bytes = Array("data: {\"choices\":[{\"delta\":{\"content\":\"half\"}}]}\n\n".utf8)
            fake.enqueue(.dropMidStream(afterBytes: bytes))
            let (events, error) = await collect(transport, sampleRequest)
            #expect(text(events) == "half")
            #expect(error != nil)
            #expect(fake.chatRequests.count == 1)
        }
    }

    @Test func stalledStreamTimesOut() async throws {
        try await withFake(readTimeout: 0.5) { fake, transport in
            fake.enqueue(.stall(afterBytes: Array(": OPENROUTER PROCESSING\n\n".utf8)))
            let (_, error) = await collect(transport, sampleRequest)
            // The read timeout (not the fake, which never ends a stall) ended it, and the client closed it.
            #expect(error == .timeout(seconds: 0.5))
            #expect(await Waiting.until { fake.unfinishedResponses == 1 })
        }
    }

    @Test func answerEndsAtDoneEvenWhenTheServerKeepsTheResponseOpen() async throws {
        // [DONE] ends the answer: the client must not wait for the server to finish the
        // HTTP response (here it never does), nor hang when it shuts down afterwards.
        try await withFake(readTimeout: 30) { fake, transport in
            let events = [
                #"data: {"model":"m/x","choices":[{"delta":{"content":"all "}}]}"#,
                #"data: {"model":"m/x","choices":[{"delta":{"content":"here"},"finish_reason":"stop"}]}"#,
                "data: [DONE]",
            ]
            fake.enqueue(.stall(afterBytes: Array(events.map { $0 + "\n\n" }.joined().utf8)))
            let (received, error) = await collect(transport, sampleRequest)
            // Waiting for the end of the response would have ended in `.timeout(seconds: 30)`.
            #expect(error == nil)
            #expect(text(received) == "all here")
        }
    }

    @Test func dataAfterDoneIsNotPartOfTheAnswer() async throws {
        try await withFake { fake, transport in
            let body = [
                #"data: {"model":"m/x","choices":[{"delta":{"content":"done"},"finish_reason":"stop"}]}"#,
                "data: [DONE]",
                #"data: {"model":"m/x","choices":[{"delta":{"content":" and more"}}]}"#,
            ].map { $0 + "\n\n" }.joined()
            // Half a megabyte of keep-alive comments after [DONE]: none of it reaches the answer.
            fake.enqueue(
                .raw(
                    status: 200, headers: [("Content-Type", "text/event-stream")],
                    body: Array((body + String(repeating: ": keep-alive\n\n", count: 20_000)).utf8)))
            let (received, error) = await collect(transport, sampleRequest)
            #expect(error == nil)
            #expect(text(received) == "done")
        }
    }

    @Test func htmlErrorPageFromAProxy() async throws {
        try await withFake { fake, transport in
            fake.enqueue(
                .raw(
                    status: 502, headers: [("Content-Type", "text/html")],
                    body: Array("<html><body><h1>502 Bad Gateway</h1></body></html>".utf8)))
            let (_, error) = await collect(transport, sampleRequest)
            #expect(error?.oneLine().hasPrefix("HTTP 502: non-JSON body: 502 Bad Gateway") == true)
        }
    }

    @Test func garbageInTheStreamIsAMalformedResponse() async throws {
        try await withFake { fake, transport in
            fake.enqueue(.stream(["this is not json"]))
            let (_, error) = await collect(transport, sampleRequest)
            guard case .malformedResponse? = error else {
                Issue.record("got \(String(describing: error))")
                return
            }
        }
    }

    @Test func oversizedSSELineIsRefused() async throws {
        try await withFake(maxLineBytes: 1024) { fake, transport in
            fake.enqueue(.stream([#"{"choices":[{"delta":{"content":""# + String(repeating: "x", count: 4096) + #""}}]}"#]))
            let (_, error) = await collect(transport, sampleRequest)
            #expect(error == .responseTooLarge(limitBytes: 1024))
        }
    }

    @Test func connectionRefusedNamesTheBaseURL() async throws {
        let transport = OpenRouterTransport(
            configuration: .init(baseURL: "http://127.0.0.1:1/api/v1", apiKey: "k", retry: RetryPolicy(maxRetries: 0)))
        let (_, error) = await collect(transport, sampleRequest)
        await transport.shutdown()
        #expect(error?.oneLine().contains("http://127.0.0.1:1/api/v1") == true)
        #expect(error?.exitCode == 1)
    }

    @Test func cancellingTheConsumerClosesTheRequest() async throws {
        try await withFake { fake, transport in
            fake.enqueue(
                .streamText(
                    pieces: Array(repeating: "word ", count: 50), model: "m", options: StreamOptions(delayBetweenWrites: .milliseconds(100))
                ))
            let (receiving, received) = AsyncStream<Int>.makeStream()
            let task = Task {
                defer { received.finish() }
                var count = 0
                for try await event in transport.stream(sampleRequest) {
                    if case .text = event {
                        count += 1
                        received.yield(count)
                    }
                }
                return count
            }
            // Cancelled mid-answer, once three pieces of fifty have arrived.
            for await count in receiving where count == 3 { break }
            task.cancel()
            let result = await task.result
            if case .success(let count) = result { #expect(count < 50) }
            // The request itself is closed: the fake saw the connection go while it was sending.
            #expect(await Waiting.until { fake.unfinishedResponses == 1 })
            #expect(fake.chatRequests.count == 1)
        }
    }

    @Test func listsModels() async throws {
        try await withFake { fake, transport in
            let models = try await transport.listModels()
            #expect(models.contains { $0.id == "google/gemini-2.5-flash" && $0.contextLength != nil && $0.promptPrice != nil })
            #expect(fake.requests.last?.path == "/api/v1/models")
            #expect(fake.requests.last?.header("Authorization") == "Bearer test-key-123")
        }
    }
}

@Suite struct ProxySettingsTests {
    @Test func httpsProxyIsUsedUnlessNoProxyMatches() throws {
        let env = ["HTTPS_PROXY": "http://user:p%40ss@proxy.local:3128"]
        let proxy = try ProxySettings.resolve(baseURL: "https://openrouter.ai/api/v1", environment: env)
        #expect(proxy == ProxySettings(host: "proxy.local", port: 3128, username: "user", password: "p@ss"))
        #expect(
            try ProxySettings.resolve(baseURL: "https://openrouter.ai/api/v1", environment: ["https_proxy": "proxy:8080"])?.port == 8080)
        #expect(
            try ProxySettings.resolve(
                baseURL: "https://openrouter.ai/api/v1", environment: env.merging(["NO_PROXY": "example.com,.openrouter.ai"]) { a, _ in a })
                == nil)
        #expect(
            try ProxySettings.resolve(baseURL: "https://openrouter.ai/api/v1", environment: env.merging(["no_proxy": "*"]) { a, _ in a })
                == nil)
        #expect(try ProxySettings.resolve(baseURL: "http://127.0.0.1:8080/api/v1", environment: env) == nil, "HTTPS_PROXY is not for http")
        #expect(try ProxySettings.resolve(baseURL: "https://openrouter.ai/api/v1", environment: [:]) == nil)
    }

    @Test func unusableProxyIsAnErrorWithoutTheCredentials() {
        do {
            _ = try ProxySettings.resolve(baseURL: "https://x/api", environment: ["HTTPS_PROXY": "socks5://u:secret@h:1"])
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("HTTPS_PROXY"))
            #expect(!error.message.contains("secret"))
        }
    }
}
