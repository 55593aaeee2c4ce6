import ChatCore
import FakeOpenRouter
import Foundation
import TestSupport
import Testing

@testable import ChatOpenRouter

/// The HTTP core against the in-process fake: retries on a recording clock (so no test
/// waits a delay, it checks it), the one client shared by chat, models, key and images, and
/// each request's own read timeout.
@Suite(.serialized) struct OpenRouterHTTPTests {
    /// 2023-11-14 22:13:20 GMT, the injected wall clock.
    static let now = 1_700_000_000.0

    /// Runs `body` with a fresh fake and a core whose waits are recorded by `clock`.
    func withCore(_ body: (FakeOpenRouter, OpenRouterHTTP, RecordingClock) async throws -> Void) async throws {
        let fake = try await FakeOpenRouter.start()
        let clock = RecordingClock()
        let http = OpenRouterHTTP(configuration: .init(connectTimeout: 2), clock: clock, now: { Self.now })
        do {
            try await body(fake, http, clock)
        } catch {
            await http.shutdown()
            try await fake.shutdown()
            throw error
        }
        await http.shutdown()
        try await fake.shutdown()
    }

    /// A non-streamed `POST /chat/completions`, read whole (the fake's queue answers it).
    static func post(_ base: String, readTimeout: Double = 5, maxBodyBytes: Int = 1024 * 1024) -> OpenRouterHTTP.Request {
        var chat = sampleRequest
        chat.stream = false
        return OpenRouterHTTP.Request(
            endpoint: .openRouter(baseURL: base, apiKey: "test-key-123", referer: "https://ref.example", title: "TitleX"),
            path: "/chat/completions", method: .POST, body: chat.body(), accept: "application/json", readTimeout: readTimeout,
            maxBodyBytes: maxBodyBytes)
    }

    static func policy(_ retries: Int, cap: Double = 5) -> RetryPolicy {
        RetryPolicy(maxRetries: retries, baseDelay: 0.5, maxDelay: 0.8, retryAfterCap: cap)
    }

    // MARK: Retries on the clock

    @Test func retryAfterIsHonouredUpToTheCapInSecondsOrAsADate() async throws {
        try await withCore { fake, http, clock in
            fake.enqueue(
                .error(status: 429, message: "slow", retryAfter: "2"),
                .error(status: 503, message: "busy", retryAfter: "30"),
                // Three seconds after the injected wall clock.
                .error(status: 429, message: "slow", retryAfter: "Tue, 14 Nov 2023 22:13:23 GMT"),
                .completion(content: "done", model: "m/x"))
            var notices: [RetryNotice] = []
            let response = try await http.withRetries(Self.policy(3), onRetry: { notices.append($0) }) {
                (_: inout Bool) async throws(ChatError) in try await http.fetch(Self.post(fake.baseURL), retry: RetryPolicy(maxRetries: 0))
            }
            #expect(response.status == 200)
            #expect(clock.sleeps == [.seconds(2), .seconds(5), .seconds(3)], "2 s as sent, 30 s capped at 5, a date 3 s ahead")
            #expect(notices.map(\.delaySeconds) == [2, 5, 3])
            #expect(notices.map(\.attempt) == [1, 2, 3])
            #expect(fake.chatRequests.count == 4)
        }
    }

    @Test func backoffWithoutRetryAfterStaysUnderTheCeiling() async throws {
        try await withCore { fake, http, clock in
            fake.enqueue(
                .error(status: 502, message: "down"), .error(status: 500, message: "oops"), .error(status: 504, message: "slow"),
                .completion(content: "done", model: "m/x"))
            let response = try await http.fetch(Self.post(fake.baseURL), retry: Self.policy(3))
            #expect(response.status == 200)
            let sleeps = clock.sleeps
            #expect(sleeps.count == 3)
            // Full jitter under 0.5 s, then doubled but capped at maxDelay 0.8 s.
            for (sleep, ceiling) in zip(sleeps, [500, 800, 800]) {
                #expect(sleep >= .zero && sleep <= .milliseconds(ceiling), "\(sleeps)")
            }
            #expect(fake.chatRequests.count == 4)
        }
    }

    @Test(arguments: [400, 401, 402, 403])
    func clientErrorsAreNeverRetried(_ status: Int) async throws {
        try await withCore { fake, http, clock in
            fake.enqueue(.error(status: status, message: "no", retryAfter: "1"))
            let error = await #expect(throws: ChatError.self) {
                try await http.fetch(Self.post(fake.baseURL), retry: Self.policy(3))
            }
            #expect(error?.status == status)
            #expect(fake.chatRequests.count == 1)
            #expect(clock.sleeps.isEmpty)
        }
    }

    @Test func givesUpAfterTheLastRetry() async throws {
        try await withCore { fake, http, clock in
            fake.enqueue(.error(status: 503, message: "one"), .error(status: 503, message: "two"), .error(status: 503, message: "three"))
            let error = await #expect(throws: ChatError.self) {
                try await http.fetch(Self.post(fake.baseURL), retry: Self.policy(2))
            }
            #expect(error?.oneLine().contains("three") == true)
            #expect(clock.sleeps.count == 2)
            #expect(fake.chatRequests.count == 3)
        }
    }

    @Test func connectionFailuresAreRetried() async throws {
        try await withCore { fake, http, clock in
            // Refused: port 1 is privileged and never listened on here.
            let refused = await #expect(throws: ChatError.self) {
                try await http.fetch(Self.post("http://127.0.0.1:1/api/v1"), retry: Self.policy(2))
            }
            guard case .connection(let url, _)? = refused else {
                Issue.record("expected a connection error, got \(String(describing: refused))")
                return
            }
            #expect(url == "http://127.0.0.1:1/api/v1")
            #expect(clock.sleeps.count == 2)

            // Dropped before the head, then answered.
            fake.enqueue(.dropBeforeHead, .completion(content: "back", model: "m/x"))
            let response = try await http.fetch(Self.post(fake.baseURL), retry: Self.policy(1))
            #expect(response.status == 200)
            #expect(fake.chatRequests.count == 2)
            #expect(clock.sleeps.count == 3)
        }
    }

    @Test func aChatRetryIsAnnouncedAndWaitsOnTheClock() async throws {
        try await withCore { fake, http, clock in
            let transport = OpenRouterTransport(
                configuration: .init(baseURL: fake.baseURL, apiKey: "test-key-123", retry: Self.policy(2)), http: http)
            fake.enqueue(
                .error(status: 429, message: "slow", retryAfter: "Tue, 14 Nov 2023 22:13:24 GMT"), .streamText(pieces: ["ok"], model: "m"))
            let (events, error) = await collect(transport, sampleRequest)
            #expect(error == nil)
            #expect(text(events) == "ok")
            #expect(events.first == .retrying(RetryNotice(attempt: 1, delaySeconds: 4, reason: "HTTP 429: rate limited")))
            #expect(clock.sleeps == [.seconds(4)])
            await transport.shutdown()
        }
    }

    // MARK: One client

    @Test func oneClientServesChatModelsKeyAndBothImageAPIs() async throws {
        try await withCore { fake, http, _ in
            let transport = OpenRouterTransport(
                configuration: .init(baseURL: fake.baseURL + "/", apiKey: "test-key-123", referer: "https://ref.example", title: "TitleX"),
                http: http)
            let images = ImageHTTPSettings(connectTimeout: 2, readTimeout: 10, retry: RetryPolicy(maxRetries: 0), client: http)
            let openRouter = OpenRouterImageGenerator(
                configuration: .init(
                    baseURL: fake.baseURL, apiKey: "test-key-123", referer: "https://ref.example", title: "TitleX", http: images))
            let openAI = OpenAIImageGenerator(configuration: .init(baseURL: fake.openAIBaseURL, apiKey: "sk-test-456", http: images))

            var request = sampleRequest
            request.stream = false
            #expect(try await transport.complete(request).content == "Echo: Привет")
            #expect(try await transport.listModels().isEmpty == false)
            _ = try KeyInfo.parse(try await transport.keyInfo())
            #expect(try await openRouter.generate(prompt: "a cat").images.count == 1)
            #expect(try await openAI.generate(prompt: "a fox").images.count == 1)
            // One after another over one client: one connection, kept alive for all six (the
            // OpenRouter image request looks up the image-only models first).
            #expect(fake.requests.count == 6)
            #expect(fake.acceptedConnections == 1)

            let requests = fake.requests
            #expect(Set(requests.compactMap { $0.header("User-Agent") }) == ["bankfuture-chat/\(BuildInfo.version)"])
            #expect(requests.filter { $0.header("User-Agent") != nil }.count == 6)
            #expect(
                requests.prefix(5).allSatisfy { $0.header("Authorization") == "Bearer test-key-123" && $0.header("X-Title") == "TitleX" })
            #expect(
                requests.map(\.path).prefix(5) == [
                    "/api/v1/chat/completions", "/api/v1/models", "/api/v1/key", "/api/v1/models?output_modalities=image",
                    "/api/v1/chat/completions",
                ])
            let images5 = try #require(requests.last)
            #expect(images5.path == "/v1/images/generations")
            #expect(images5.header("Authorization") == "Bearer sk-test-456")
            #expect(images5.header("HTTP-Referer") == nil && images5.header("X-Title") == nil)

            // Downloads follow redirects, so they have a client of their own, made once.
            let download = OpenAIImageGenerator(
                configuration: .init(baseURL: fake.openAIBaseURL, apiKey: "sk-test-456", model: "dall-e-3", http: images))
            _ = try await download.generate(prompt: "one")
            _ = try await download.generate(prompt: "two")
            #expect(fake.acceptedConnections == 2)
            let downloads = fake.requests.filter { $0.method == "GET" && $0.path.hasPrefix("/fake-images/") }
            #expect(downloads.count == 2)
            #expect(downloads.allSatisfy { $0.header("Authorization") == nil })

            // The transport did not make the core, so its shutdown leaves it open.
            await transport.shutdown()
            #expect(try await transport.listModels().isEmpty == false)
        }
    }

    @Test func imageGeneratorsShareTheTransportsClientOnlyWhenTheyConnectAlike() async throws {
        try await withCore { fake, http, _ in
            var file = ConfigFile()
            file.baseURL = fake.baseURL
            let settings = try Settings(file: file, environment: [:])
            let environment = ["OPENROUTER_API_KEY": "sk-or-1"]
            // The fake's core connects in 2 s; these settings in min(10, timeout_seconds).
            let separate = try ImageGenerators.make(settings: settings, environment: environment, http: http)
            #expect((separate as? OpenRouterImageGenerator)?.configuration.http.client == nil)
            let alike = OpenRouterHTTP(configuration: .init(connectTimeout: min(10, settings.timeoutSeconds)))
            let shared = try ImageGenerators.make(settings: settings, environment: environment, http: alike)
            #expect((shared as? OpenRouterImageGenerator)?.configuration.http.client === alike)
            #expect(try await shared.generate(prompt: "cat").images.count == 1)
            await alike.shutdown()
        }
    }

    // MARK: Per-request limits

    @Test func eachRequestHasItsOwnReadTimeout() async throws {
        try await withCore { fake, http, _ in
            // No head at all (the fake's scenario), then half a body and silence.
            var stalled = Self.post(fake.baseURL, readTimeout: 0.3)
            var chat = sampleRequest
            chat.stream = false
            chat.model = "fake/stall"
            stalled.body = chat.body()
            // Each ends in its own 0.3 s timeout, not the client's default: the error names it.
            await #expect(throws: ChatError.timeout(seconds: 0.3)) { try await http.fetch(stalled, retry: RetryPolicy(maxRetries: 0)) }
            fake.enqueue(.stall(afterBytes: Array(#"{"choices":[{"message":"#.utf8)))
            await #expect(throws: ChatError.timeout(seconds: 0.3)) {
                try await http.fetch(Self.post(fake.baseURL, readTimeout: 0.3), retry: RetryPolicy(maxRetries: 0))
            }
            #expect(await Waiting.until { fake.unfinishedResponses == 2 })
            // The same client, a longer wait: answered.
            fake.enqueue(.completion(content: "slow but fine", model: "m/x"))
            let answered = try await http.fetch(Self.post(fake.baseURL, readTimeout: 30), retry: RetryPolicy(maxRetries: 0))
            #expect(answered.status == 200)
        }
    }

    @Test func anErrorPageIsCutAndAnAnswerOverTheCapRefused() async throws {
        try await withCore { fake, http, _ in
            let page = "<html><body><h1>Bad gateway</h1>" + String(repeating: "<p>filler</p>", count: 10_000) + "</body></html>"
            fake.enqueue(.raw(status: 502, headers: [("Content-Type", "text/html")], body: Array(page.utf8)))
            let cut = await #expect(throws: ChatError.self) {
                try await http.fetch(Self.post(fake.baseURL, maxBodyBytes: 1024), retry: RetryPolicy(maxRetries: 0))
            }
            guard case .httpStatus(502, let snippet, nil)? = cut else {
                Issue.record("got \(String(describing: cut))")
                return
            }
            #expect(snippet.hasPrefix("Bad gateway filler filler"))
            fake.enqueue(
                .raw(status: 200, headers: [("Content-Type", "application/json")], body: Array(repeating: UInt8(ascii: " "), count: 4096)))
            await #expect(throws: ChatError.responseTooLarge(limitBytes: 1024)) {
                try await http.fetch(Self.post(fake.baseURL, maxBodyBytes: 1024), retry: RetryPolicy(maxRetries: 0))
            }
        }
    }

    // MARK: Endpoints and headers

    @Test func endpointsNormaliseTheBaseAndCarryTheirOwnHeaders() async {
        let openRouter = OpenRouterHTTP.Endpoint.openRouter(baseURL: "http://h/api/v1///", apiKey: "k", referer: "r", title: "t")
        #expect(openRouter.baseURL == "http://h/api/v1")
        #expect(openRouter.displayURL == "http://h/api/v1")
        #expect(
            OpenRouterHTTP.Endpoint.openAICompatible(baseURL: "https://api.example/v1/", apiKey: "k").baseURL == "https://api.example/v1")
        let download = OpenRouterHTTP.Endpoint.download("https://cdn.example:8443/img/a.png?sig=secret")
        #expect(download.baseURL == "https://cdn.example:8443/img/a.png?sig=secret")
        #expect(download.displayURL == "https://cdn.example:8443")
        #expect(download.apiKey == nil && download.followsRedirects)
        #expect(OpenRouterTransport.Configuration(baseURL: "http://h/v1//", apiKey: "k").baseURL == "http://h/v1")
        #expect(OpenAIImageGenerator.Configuration(baseURL: "http://h/v1/", apiKey: "k").baseURL == "http://h/v1")
        #expect(OpenRouterImageGenerator.Configuration(baseURL: "http://h/v1/", apiKey: "k").baseURL == "http://h/v1")

        let http = OpenRouterHTTP(configuration: .init())
        let request = OpenRouterHTTP.Request(
            endpoint: openRouter, path: "/x", method: .POST, body: RequestBody(bytes: []), accept: "application/json", readTimeout: 1)
        #expect(
            http.headers(for: request).map(\.name) == [
                "Authorization", "Content-Type", "Accept", "HTTP-Referer", "X-Title", "X-OpenRouter-Title", "User-Agent",
            ])
        let get = OpenRouterHTTP.Request(endpoint: download, path: "", method: .GET, body: nil, accept: "image/*", readTimeout: 1)
        #expect(http.headers(for: get).map(\.name) == ["Accept", "User-Agent"])
        await http.shutdown()
    }
}
