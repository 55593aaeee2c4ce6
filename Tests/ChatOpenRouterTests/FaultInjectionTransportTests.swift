import ChatCore
import FakeOpenRouter
import Foundation
import TestSupport
import Testing

@testable import ChatOpenRouter

/// Faults injected with FakeOpenRouter against the HTTP transport in process: sizes, caps,
/// hostile headers and bodies, and what is retried. Big streams are proven through the binary
/// (50 MiB in `FaultInjectionTests`): parsing one here would hold a thread of the shared
/// concurrency pool for long enough to upset timing-sensitive tests of other suites. The end-to-end suite
/// (`Tests/EndToEndTests/FaultInjectionTests.swift`) checks the same faults through the binary.
@Suite(.serialized) struct FaultInjectionTransportTests {
    static func chunk(_ content: String) -> String {
        #"{"id":"gen-big","model":"m/big","choices":[{"index":0,"delta":{"content":"\#(content)"}}]}"#
    }

    @Test func oversizedNonStreamedBodyIsRefusedAndNotRetried() async throws {
        let fake = try await FakeOpenRouter.start()
        let transport = OpenRouterTransport(
            configuration: .init(
                baseURL: fake.baseURL, apiKey: "k", retry: RetryPolicy(maxRetries: 2, baseDelay: 0.01), maxAnswerBytes: 512 * 1024))
        let body =
            Array(#"{"choices":[{"message":{"content":""#.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 2 * 1024 * 1024)
            + Array(#""}}]}"#.utf8)
        fake.enqueue(.raw(status: 200, headers: [("Content-Type", "application/json")], body: body))
        var request = sampleRequest
        request.stream = false
        let (events, error) = await collect(transport, request)
        await transport.shutdown()
        try await fake.shutdown()
        #expect(text(events).isEmpty)
        // The body is larger than the answer cap plus one MiB for the JSON around it.
        #expect(error == .answerTooLarge(limitBytes: 512 * 1024))
        #expect(error?.oneLine().contains("(max_answer_mb)") == true)
        #expect(fake.chatRequests.count == 1)
    }

    @Test func defaultCapsAreSane() {
        let configuration = OpenRouterTransport.Configuration(baseURL: "http://127.0.0.1:1/api/v1/", apiKey: "k")
        #expect(configuration.maxBodyBytes == 32 * 1024 * 1024)
        #expect(configuration.maxLineBytes == 16 * 1024 * 1024)
        #expect(configuration.baseURL == "http://127.0.0.1:1/api/v1")
    }

    @Test func eventMadeOfManyDataLinesIsCappedLikeOneLine() async throws {
        try await withFake(maxLineBytes: 4096) { fake, transport in
            // 1,000 short data: lines with no blank line: one event of ~100 KB.
            let line = "data: " + String(repeating: "y", count: 100) + "\n"
            fake.enqueue(.stall(afterBytes: Array(String(repeating: line, count: 1_000).utf8)))
            let (_, error) = await collect(transport, sampleRequest)
            #expect(error == .responseTooLarge(limitBytes: 4096))
            #expect(fake.chatRequests.count == 1)
        }
    }

    @Test func hugeErrorBodyIsCutToASnippet() async throws {
        try await withFake { fake, transport in
            let page = "<html><body><h1>Bad gateway</h1>" + String(repeating: "<p>filler</p>", count: 100_000) + "</body></html>"
            fake.enqueue(.raw(status: 502, headers: [("Content-Type", "text/html")], body: Array(page.utf8)))
            let (_, error) = await collect(transport, sampleRequest)
            let line = try #require(error).oneLine()
            #expect(line.hasPrefix("HTTP 502: non-JSON body: Bad gateway"))
            #expect(line.count < 400)
            #expect(!line.contains("\n"))
        }
    }

    @Test func htmlPageWithStatus200ForAStreamRequestIsReportedAsNotAnAnswer() async throws {
        try await withFake(retries: 2) { fake, transport in
            // A captive portal or a misconfigured proxy answers 200 with a web page.
            fake.enqueue(
                .raw(
                    status: 200, headers: [("Content-Type", "text/html; charset=utf-8")],
                    body: Array("<html><body><h1>Please log in</h1></body></html>".utf8)))
            let (events, error) = await collect(transport, sampleRequest)
            #expect(text(events).isEmpty)
            guard case .malformedResponse(let what)? = error else {
                Issue.record("got \(String(describing: error))")
                return
            }
            #expect(what.contains("Please log in"))
            #expect(fake.chatRequests.count == 1)
        }
    }

    @Test func deeplyNestedJSONInAStreamIsMalformedNotACrash() async throws {
        try await withFake { fake, transport in
            let deep = String(repeating: "[", count: 100_000)
            fake.enqueue(.stream([deep]))
            let (_, error) = await collect(transport, sampleRequest)
            guard case .malformedResponse(let what)? = error else {
                Issue.record("got \(String(describing: error))")
                return
            }
            #expect(what.contains("nesting deeper than"))
            // Just under the parser's depth limit, on a concurrency-pool thread: parsed, no stack overflow.
            let nested = String(repeating: #"{"x":"#, count: 500) + "1" + String(repeating: "}", count: 500)
            fake.enqueue(.stream([nested, Self.chunk("ok"), #"{"choices":[{"delta":{},"finish_reason":"stop"}]}"#]))
            let (events, second) = await collect(transport, sampleRequest)
            #expect(second == nil)
            #expect(text(events) == "ok")
        }
    }

    @Test func invalidUTF8InsideTheAnswerIsReplacedNotFatal() async throws {
        try await withFake { fake, transport in
            var bytes = Array("data: {\"choices\":[{\"delta\":{\"content\":\"ok ".utf8)
            bytes += [0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80]
            bytes += Array(" end\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n".utf8)
            fake.enqueue(.raw(status: 200, headers: [("Content-Type", "text/event-stream")], body: bytes))
            let (events, error) = await collect(transport, sampleRequest)
            #expect(error == nil)
            let answer = text(events)
            #expect(answer.hasPrefix("ok "))
            #expect(answer.hasSuffix(" end"))
            #expect(answer.contains("\u{FFFD}"))
        }
    }

    @Test func garbageBytesInTheStreamAreAMalformedResponseNotRetried() async throws {
        try await withFake(retries: 2) { fake, transport in
            var garbage: [UInt8] = []
            var rng = SplitMix64(seed: 7)
            for _ in 0..<4096 { garbage.append(UInt8(truncatingIfNeeded: rng.next())) }
            fake.enqueue(
                .raw(status: 200, headers: [("Content-Type", "text/event-stream")], body: Array("data: ".utf8) + garbage + [0x0A, 0x0A]))
            let (events, error) = await collect(transport, sampleRequest)
            #expect(text(events).isEmpty)
            guard case .malformedResponse? = error else {
                Issue.record("got \(String(describing: error))")
                return
            }
            #expect(fake.chatRequests.count == 1)
        }
    }

    @Test func connectionDroppedBeforeAnyTextIsRetried() async throws {
        try await withFake(retries: 1) { fake, transport in
            // Head and a keep-alive comment, then the connection is cut: nothing was shown yet.
            fake.enqueue(.dropMidStream(afterBytes: Array(": OPENROUTER PROCESSING\n\n".utf8)), .streamText(pieces: ["second"], model: "m"))
            let (events, error) = await collect(transport, sampleRequest)
            #expect(error == nil)
            #expect(text(events) == "second")
            #expect(fake.chatRequests.count == 2)
            #expect(fake.chatRequests[0].body == fake.chatRequests[1].body, "the retry resends the same request")
        }
    }

    @Test func connectionResetBeforeHeadsExhaustsTheRetries() async throws {
        try await withFake(retries: 2) { fake, transport in
            fake.enqueue(.dropBeforeHead, .dropBeforeHead, .dropBeforeHead, .dropBeforeHead)
            let (events, error) = await collect(transport, sampleRequest)
            let notices = events.compactMap { if case .retrying(let n) = $0 { n } else { nil } }
            #expect(notices.map(\.attempt) == [1, 2])
            guard case .connection(let url, _)? = error else {
                Issue.record("got \(String(describing: error))")
                return
            }
            #expect(url == fake.baseURL)
            #expect(fake.chatRequests.count == 3)
        }
    }

    @Test func stallBeforeTheHeadTimesOut() async throws {
        try await withFake(readTimeout: 0.5) { fake, transport in
            var request = sampleRequest
            request.stream = false
            request.model = "fake/stall"  // the fake's scenario: no head at all for a non-streamed request
            let (_, error) = await collect(transport, request)
            #expect(error == .timeout(seconds: 0.5))
            #expect(fake.chatRequests.count == 1)
        }
    }

    @Test(arguments: ["1e300", "Sun, 06 Nov 9223372036854775807 08:49:37 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "soon"])
    func hostileRetryAfterHeadersAreSurvived(_ value: String) async throws {
        let clock = RecordingClock()
        try await withFake(retries: 1, clock: clock) { fake, transport in
            fake.enqueue(
                .error(status: 429, message: "slow down", retryAfter: value), .error(status: 429, message: "still", retryAfter: value))
            let (events, error) = await collect(transport, sampleRequest)
            let notices = events.compactMap { if case .retrying(let n) = $0 { n } else { nil } }
            #expect(notices.count == 1)
            // The wait is at most the cap (1.5 s in this transport), never the server's absurd value.
            #expect(notices.allSatisfy { $0.delaySeconds >= 0 && $0.delaySeconds <= 1.5 })
            #expect(clock.sleeps.count == 1 && clock.sleeps.allSatisfy { $0 >= .zero && $0 <= .milliseconds(1500) }, "\(clock.sleeps)")
            let line = try #require(error).oneLine()
            #expect(line.hasPrefix("HTTP 429: still — rate limited; "))
            #expect(fake.chatRequests.count == 2)
        }
    }

    @Test func tenThousandMessageHistoryIsSentWhole() async throws {
        try await withFake { fake, transport in
            var session = ChatSession(model: "m/x", systemPrompt: "sys")
            for i in 0..<5_000 { session.recordSuccess(user: "q\(i) «ü»", answer: "a\(i)", usage: nil) }
            let (events, error) = await collect(transport, session.request(sending: "last"))
            #expect(error == nil)
            #expect(text(events) == "Echo: last")
            let messages = try #require(fake.chatRequests.first).messages  // parsed once
            #expect(messages.count == 10_002)
            #expect(messages[1].content == "q0 «ü»")
            #expect(messages[10_000].content == "a4999")
        }
    }
}
