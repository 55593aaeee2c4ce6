import ChatCore
import FakeOpenRouter
import Foundation
import TestSupport
import Testing

@testable import ChatOpenRouter

/// Runs `body` with a fresh fake server and a transport pointed at it, whose waits between
/// attempts are sleeps on `clock` (they return at once and are recorded).
func withFake(
    retries: Int = 0, readTimeout: Double = 5, maxLineBytes: Int = 16 * 1024 * 1024, clock: RecordingClock = RecordingClock(),
    _ body: (FakeOpenRouter, OpenRouterTransport) async throws -> Void
) async throws {
    let fake = try await FakeOpenRouter.start()
    let transport = OpenRouterTransport(
        configuration: .init(
            baseURL: fake.baseURL, apiKey: "test-key-123", referer: "https://ref.example", title: "TitleX",
            connectTimeout: 2, readTimeout: readTimeout,
            retry: RetryPolicy(maxRetries: retries, baseDelay: 0.01, maxDelay: 0.05, retryAfterCap: 1.5),
            maxLineBytes: maxLineBytes),
        clock: clock)
    do {
        try await body(fake, transport)
    } catch {
        await transport.shutdown()
        try await fake.shutdown()
        throw error
    }
    await transport.shutdown()
    try await fake.shutdown()
}

/// Collects all events, or the error that ended the stream.
func collect(_ transport: OpenRouterTransport, _ request: ChatRequest) async -> (events: [StreamEvent], error: ChatError?) {
    var events: [StreamEvent] = []
    do {
        for try await event in transport.stream(request) { events.append(event) }
        return (events, nil)
    } catch let error as ChatError {
        return (events, error)
    } catch {
        Issue.record("unexpected error type \(error)")
        return (events, nil)
    }
}

func text(_ events: [StreamEvent]) -> String {
    events.reduce(into: "") { if case .text(let t) = $1 { $0 += t } }
}

let sampleRequest = ChatSession(model: "google/gemini-2.5-flash", systemPrompt: "Be brief").request(sending: "Привет")
