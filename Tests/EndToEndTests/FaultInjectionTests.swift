import FakeOpenRouter
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

// Fault injection through the built binary: every fault is scripted in FakeOpenRouter (or
// in a tiny CONNECT proxy below), and each test checks the printed line, the exit code,
// the number of requests the fake saw and, in the REPL, the history afterwards.
// docs/RELIABILITY.md tabulates the results.

/// How a `Retry-After` header is sent with an error.
enum RetryAfterStyle: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case none, seconds, httpDate
    var testDescription: String { rawValue }

    /// The header value; the HTTP date is two seconds from now.
    func header() -> String? {
        switch self {
        case .none: return nil
        case .seconds: return "1"
        case .httpDate:
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            return formatter.string(from: Date().addingTimeInterval(2))
        }
    }
}

/// One fault for the REPL "nothing lost" test: what the fake answers to the failing turn.
enum Fault: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case status400, status401, status402, status403, status429, status500, status503
    case resetBeforeHeaders, resetMidStreamAfterText, stall, garbage, invalidUTF8, htmlPage, twoHundredWithError
    case midStreamErrorFirst, midStreamErrorAfterText, truncatedStream, oversizedLine, oversizedBody
    var testDescription: String { rawValue }

    /// The config for a run: no retries, and a read timeout of 1 s only for the stall (the fake
    /// needs longer than that to build a 32 MB reply in a debug build).
    var config: String {
        // max_answer_mb 16 makes the 32 MB body of .oversizedBody too large.
        #"{"max_retries":0,"timeout_seconds":\#(self == .stall ? 1 : 60),"max_answer_mb":16}"#
    }

    static let keepAlive = Array(": OPENROUTER PROCESSING\n\n".utf8)
    static func chunk(_ text: String) -> String { #"{"id":"g","model":"m/x","choices":[{"index":0,"delta":{"content":"\#(text)"}}]}"# }
    static let errorChunk =
        #"{"id":"g","error":{"code":502,"message":"Provider disconnected"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}"#

    /// What the fake sends.
    var reply: FakeReply {
        switch self {
        case .status400: return .error(status: 400, message: "Invalid request: bad parameter")
        case .status401: return .error(status: 401, message: "No auth credentials found")
        case .status402: return .error(status: 402, message: "Insufficient credits")
        case .status403:
            return .error(status: 403, message: "Input was flagged", metadataJSON: #"{"reasons":["violence"],"flagged_input":"q2"}"#)
        case .status429: return .error(status: 429, message: "Rate limit exceeded", retryAfter: "7")
        case .status500: return .error(status: 500, message: "Internal Server Error")
        case .status503: return .error(status: 503, message: "No instances available")
        case .resetBeforeHeaders: return .dropBeforeHead
        case .resetMidStreamAfterText: return .dropMidStream(afterBytes: Array(("data: " + Self.chunk("half") + "\n\n").utf8))
        case .stall: return .stall(afterBytes: Self.keepAlive)
        case .garbage:
            return .raw(
                status: 200, headers: [("Content-Type", "text/event-stream")],
                body: Array("data: \u{7}\u{1}garbage{{{\n\n".utf8) + [0x00, 0xFF, 0xFE])
        case .invalidUTF8:
            return .raw(
                status: 200, headers: [("Content-Type", "text/event-stream")],
                body: Array("data: ".utf8) + [0xFF, 0xFE, 0xC3, 0x28, 0x0A, 0x0A])
        case .htmlPage:
            return .raw(
                status: 502, headers: [("Content-Type", "text/html")],
                body: Array("<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>".utf8))
        case .twoHundredWithError:
            return .raw(
                status: 200, headers: [("Content-Type", "application/json")],
                body: Array(#"{"error":{"code":"server_error","message":"Upstream provider returned an error"}}"#.utf8))
        case .midStreamErrorFirst: return .stream([Self.errorChunk], StreamOptions(sendDone: false))
        case .midStreamErrorAfterText: return .stream([Self.chunk("half"), Self.errorChunk])
        case .truncatedStream: return .stream([Self.chunk("half")], StreamOptions(sendDone: false))
        // Big replies are built here as bytes: building them in the fake would block its event loop,
        // which every in-process fake and client of the test run shares.
        case .oversizedLine:
            let body =
                Array("data: {\"choices\":[{\"delta\":{\"content\":\"".utf8)
                + [UInt8](repeating: UInt8(ascii: "x"), count: 16 * 1024 * 1024 + 1)
                + Array("\"}}]}\n\ndata: [DONE]\n\n".utf8)
            return .raw(status: 200, headers: [("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked")], body: body)
        case .oversizedBody:
            let body =
                Array(#"{"choices":[{"message":{"content":""#.utf8) + [UInt8](repeating: UInt8(ascii: "y"), count: 32 * 1024 * 1024)
                + Array(#""}}]}"#.utf8)
            return .raw(status: 200, headers: [("Content-Type", "application/json")], body: body)
        }
    }

    /// Answer text shown before the failure (it must not reach the history).
    var partial: String {
        switch self {
        case .resetMidStreamAfterText, .midStreamErrorAfterText, .truncatedStream: return "half"
        default: return ""
        }
    }

    /// What the error line must say.
    func expected(baseURL: String) -> String {
        switch self {
        case .status400: return "HTTP 400: Invalid request: bad parameter — the request was rejected"
        case .status401: return "HTTP 401: No auth credentials found — the API key was rejected; check OPENROUTER_API_KEY"
        case .status402: return "HTTP 402: Insufficient credits — the account is out of credits; add credits"
        case .status403: return "HTTP 403: Input was flagged (reasons: violence) — the input was flagged by moderation"
        case .status429: return "HTTP 429: Rate limit exceeded — rate limited; wait 7 s and try again"
        case .status500: return "HTTP 500: Internal Server Error — the server failed; try again later"
        case .status503: return "HTTP 503: No instances available — the model's provider is down or unavailable"
        case .resetBeforeHeaders: return "connection to \(baseURL) failed: "
        case .resetMidStreamAfterText: return "connection to \(baseURL) failed: the connection broke in the middle of the answer"
        case .stall: return "no answer from the server for 1 s — try again, or raise timeout_seconds"
        case .garbage, .invalidUTF8: return "the server sent a malformed response: a stream event is not valid JSON"
        case .htmlPage: return "HTTP 502: non-JSON body: 502 Bad Gateway nginx — the model's provider is down"
        case .twoHundredWithError: return "API error (server_error): Upstream provider returned an error"
        case .midStreamErrorFirst, .midStreamErrorAfterText: return "the answer failed mid-stream (HTTP 502): Provider disconnected"
        case .truncatedStream: return "the answer stream ended early (no [DONE]) — the partial answer was not kept"
        case .oversizedLine: return "the server sent a response larger than 16 MiB in one piece — refusing it; check base_url"
        case .oversizedBody: return "the answer grew past 16 MiB and was stopped (max_answer_mb)"
        }
    }
}

@Suite(.serialized) struct FaultInjectionTests {
    static let key = "sk-or-v1-FAULTKEY-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()

    func withFake(config: String? = nil, _ body: (FakeOpenRouter, Sandbox) async throws -> Void) async throws {
        let fake = try await FakeOpenRouter.start()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        if let config { _ = try sandbox.write("config/bankfuture-chat/config.json", config) }
        do { try await body(fake, sandbox) } catch {
            try await fake.shutdown()
            throw error
        }
        try await fake.shutdown()
    }

    /// Runs the binary (off the concurrency pool: see `OffPool`) and checks that the key
    /// is in none of its output.
    func launch(
        _ arguments: [String], _ fake: FakeOpenRouter?, _ sandbox: Sandbox, env extra: [String: String] = [:], stdin: String? = nil,
        timeout: Duration = .seconds(60)
    ) async throws -> Run {
        let args = (fake.map { ["--base-url", $0.baseURL] } ?? []) + arguments
        let environment = sandbox.environment(key: Self.key, extra)
        let input = stdin.map { Array($0.utf8) }
        let key = Array(Self.key.utf8)
        let result = try await ProcessRunner.run(
            executable: Binaries.chat, arguments: args, environment: environment, stdin: input, timeout: timeout)
        let run = Run(
            status: result.status, stdout: String(decoding: result.stdout, as: UTF8.self),
            stderr: String(decoding: result.stderr, as: UTF8.self))
        let leaked = Self.contains(result.stdout, key) || Self.contains(result.stderr, key)
        #expect(!leaked, "the key leaked")
        return run
    }

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    /// A port nothing listens on: port 1 is privileged and unused here. (A port freed by a
    /// stopped fake could be taken at once by another test's server running in parallel.)
    static let closedPort = 1

    // MARK: Every status, with and without Retry-After

    static let statuses = [400, 401, 402, 403, 404, 408, 429, 500, 502, 503, 504, 524, 529]
    static let retryable: Set<Int> = [408, 429, 500, 502, 503, 504, 524, 529]

    static func hint(_ status: Int, _ style: RetryAfterStyle) -> String {
        switch status {
        case 400: return "the request was rejected; check the model id and parameters"
        case 401: return "the API key was rejected; check OPENROUTER_API_KEY"
        case 402: return "the account is out of credits; add credits at https://openrouter.ai/settings/credits"
        case 403: return "the input was flagged by moderation or a guardrail; rephrase it"
        // One-shot advice names the flag, not the REPL command.
        case 404: return "the model or endpoint was not found; check the model id (list them with bankfuture-chat --models)"
        case 408: return "the request timed out; try again"
        case 429:
            switch style {
            case .none: return "rate limited; wait 10 s and try again (the server sent no Retry-After)"
            case .seconds: return "rate limited; wait 1 s and try again"
            case .httpDate: return "rate limited; wait "
            }
        case 502, 503: return "the model's provider is down or unavailable; try again later, another model, or set fallback_models"
        default: return "the server failed; try again later"
        }
    }

    @Test(arguments: FaultInjectionTests.statuses, RetryAfterStyle.allCases)
    func errorStatusIsRetriedOnlyWhenItShouldBeAndPrintsOneLine(_ status: Int, _ style: RetryAfterStyle) async throws {
        try await withFake(config: #"{"max_retries":1}"#) { fake, sandbox in
            let metadata = status == 403 ? #"{"reasons":["violence","hate"],"flagged_input":"q"}"# : nil
            for attempt in 1...3 {
                fake.enqueue(
                    .error(
                        status: status, message: "fault \(status) attempt \(attempt)", metadataJSON: metadata, retryAfter: style.header()))
            }
            let run = try await launch(["q"], fake, sandbox)
            let retried = Self.retryable.contains(status)
            #expect(run.status == (status == 401 ? 3 : 1))
            #expect(run.stdout.isEmpty)
            #expect(fake.chatRequests.count == (retried ? 2 : 1), "max_retries 1 from the config file")
            let lines = Self.lines(run.stderr)
            #expect(lines.count == (retried ? 2 : 1), "\(run.stderr)")
            var finalLine = "error: HTTP \(status): fault \(status) attempt \(retried ? 2 : 1)"
            if status == 403 { finalLine += " (reasons: violence, hate)" }
            finalLine += " — " + Self.hint(status, style)
            #expect(lines.last?.hasPrefix(finalLine) == true, "\(lines.last ?? "")\nwanted \(finalLine)")
            if retried, let first = lines.first {
                let reason = status == 429 ? "HTTP 429: rate limited" : "HTTP \(status): fault \(status) attempt 1"
                #expect(first.hasPrefix(reason + ", retrying in "), "\(first)")
                #expect(first.hasSuffix(" s…"))
                let seconds = Double(first.dropFirst((reason + ", retrying in ").count).dropLast(" s…".count))
                switch style {
                case .none: #expect(seconds.map { $0 >= 0 && $0 <= 0.5 } == true, "backoff with jitter from 0.5 s: \(first)")
                case .seconds: #expect(seconds == 1)
                case .httpDate: #expect(seconds.map { $0 >= 0 && $0 <= 2 } == true, "\(first)")
                }
            }
            if retried, fake.chatRequests.count == 2 {
                #expect(fake.chatRequests[0].bodyText == fake.chatRequests[1].bodyText, "the retry resends the same request")
            }
        }
    }

    @Test func rateLimitedThenSuccess() async throws {
        try await withFake(config: #"{"max_retries":2}"#) { fake, sandbox in
            fake.enqueue(
                .error(status: 429, message: "Rate limit exceeded", retryAfter: "1"), .streamText(pieces: ["fine ", "now"], model: "m/x"))
            let run = try await launch(["q"], fake, sandbox)
            #expect(run.status == 0)
            #expect(run.stdout == "fine now\n")
            #expect(Self.lines(run.stderr).first == "HTTP 429: rate limited, retrying in 1 s…")
            #expect(fake.chatRequests.count == 2)
        }
    }

    @Test func unavailableTwiceThenSuccess() async throws {
        try await withFake(config: #"{"max_retries":2}"#) { fake, sandbox in
            fake.enqueue(
                .error(status: 503, message: "No instances available"), .error(status: 503, message: "No instances available"),
                .streamText(pieces: ["third ", "time"], model: "m/x"))
            let run = try await launch(["q"], fake, sandbox)
            #expect(run.status == 0)
            #expect(run.stdout == "third time\n")
            let lines = Self.lines(run.stderr)
            #expect(lines.filter { $0.hasPrefix("HTTP 503: No instances available, retrying in ") }.count == 2, "\(run.stderr)")
            #expect(fake.chatRequests.count == 3)
            #expect(Set(fake.chatRequests.map(\.bodyText)).count == 1)
        }
    }

    // MARK: Ctrl-C during a retry wait

    @Test func ctrlCCancelsTheRetryWaitInTheREPL() async throws {
        try await withFake(config: #"{"max_retries":2}"#) { fake, sandbox in
            fake.enqueue(.error(status: 429, message: "Rate limit exceeded", retryAfter: "30"))
            let environment = sandbox.environment(key: Self.key)
            struct Seen: Sendable {
                var stoppedText: String
                var requestsAfterCtrlC: Int
                var requestsAfterRetry: Int
                var exit: Int32
                var output: String
            }
            let seen = try await { () async throws -> Seen in
                let terminal = try await PseudoTerminal.spawn(
                    executable: Binaries.chat, arguments: ["--base-url", fake.baseURL], environment: environment)
                defer { _ = terminal.terminate() }
                try await terminal.waitFor("> ", timeout: .seconds(60))
                try terminal.send("wait for me\r")
                try await terminal.waitFor("HTTP 429: rate limited, retrying in 30 s", timeout: .seconds(60))
                try terminal.sendControl("c")
                // Without the wait cancelled, the retry would go out after 30 s and answer with
                // an echo; the timeout only bounds a hang.
                let stoppedText = try await terminal.waitFor("answer stopped", timeout: .seconds(60))
                let afterCtrlC = fake.chatRequests.count
                try await terminal.waitFor("> ", timeout: .seconds(60))
                try terminal.send("/history\r")
                try await terminal.waitFor("(no messages yet)", timeout: .seconds(60))
                try terminal.send("/retry\r")
                try await terminal.waitFor("Echo: wait for me", timeout: .seconds(60))
                let afterRetry = fake.chatRequests.count
                try await terminal.waitFor("> ", timeout: .seconds(60))
                // /exit rather than Ctrl-D: a ^D sent right after the prompt was once not
                // honoured under load (see the report); Ctrl-D is covered by REPLTests.
                try terminal.send("/exit\r")
                let exit = try await terminal.waitForExit(timeout: .seconds(60))
                return Seen(
                    stoppedText: stoppedText, requestsAfterCtrlC: afterCtrlC, requestsAfterRetry: afterRetry, exit: exit,
                    output: terminal.output)
            }()
            #expect(!seen.stoppedText.contains("Echo:"), "stopped in the wait, before the retry: \(seen.stoppedText)")
            #expect(seen.requestsAfterCtrlC == 1, "no request after Ctrl-C")
            #expect(seen.requestsAfterRetry == 2)
            #expect(fake.chatRequests.map(\.bodyText).allSatisfy { $0 == fake.chatRequests[0].bodyText })
            #expect(seen.exit == 0)
            #expect(!seen.output.contains(Self.key))
        }
    }

    @Test func ctrlCCancelsTheRetryWaitInOneShotMode() async throws {
        try await withFake(config: #"{"max_retries":2}"#) { fake, sandbox in
            fake.enqueue(.error(status: 503, message: "No instances available", retryAfter: "30"))
            let environment = sandbox.environment(key: Self.key)
            let (exit, text) = try await { () async throws -> (Int32, String) in
                let terminal = try await PseudoTerminal.spawn(
                    executable: Binaries.chat, arguments: ["--base-url", fake.baseURL, "q"], environment: environment)
                defer { _ = terminal.terminate() }
                try await terminal.waitFor("HTTP 503: No instances available, retrying in 30 s", timeout: .seconds(60))
                try terminal.sendControl("c")
                let exit = try await terminal.waitForExit(timeout: .seconds(20))
                return (exit, terminal.text)
            }()
            #expect(exit == 130)
            #expect(text.contains("interrupted"))
            #expect(fake.chatRequests.count == 1)
        }
    }

    // MARK: Network faults

    @Test func connectionResetBeforeHeadersIsRetriedThenReported() async throws {
        try await withFake(config: #"{"max_retries":1}"#) { fake, sandbox in
            fake.enqueue(.dropBeforeHead, .dropBeforeHead, .dropBeforeHead)
            let run = try await launch(["q"], fake, sandbox)
            #expect(run.status == 1)
            #expect(run.stdout.isEmpty)
            let lines = Self.lines(run.stderr)
            #expect(lines.count == 2, "\(run.stderr)")
            #expect(lines.first?.hasPrefix("connection failed (") == true)
            #expect(lines.last?.hasPrefix("error: connection to \(fake.baseURL) failed: ") == true)
            #expect(lines.last?.hasSuffix("— check the network, the proxy settings and base_url") == true)
            #expect(fake.chatRequests.count == 2)
        }
    }

    @Test func connectionResetBeforeHeadersThenSuccess() async throws {
        try await withFake(config: #"{"max_retries":1}"#) { fake, sandbox in
            fake.enqueue(.dropBeforeHead)
            let run = try await launch(["q"], fake, sandbox)
            #expect(run.status == 0)
            #expect(run.stdout == "Echo: q\n")
            #expect(fake.chatRequests.count == 2)
        }
    }

    @Test func connectionResetMidStreamAfterTextIsNotRetried() async throws {
        try await withFake(config: #"{"max_retries":2}"#) { fake, sandbox in
            fake.enqueue(Fault.resetMidStreamAfterText.reply)
            let run = try await launch(["q"], fake, sandbox)
            #expect(run.status == 1)
            #expect(run.stdout == "half\n", "the partial answer was shown as it arrived")
            #expect(Self.lines(run.stderr).count == 1, "\(run.stderr)")
            #expect(run.stderr.hasPrefix("error: connection to \(fake.baseURL) failed: "))
            #expect(fake.chatRequests.count == 1)
        }
    }

    @Test func stallLongerThanTheReadTimeout() async throws {
        try await withFake(config: #"{"max_retries":1,"timeout_seconds":1}"#) { fake, sandbox in
            fake.enqueue(.stall(afterBytes: Fault.keepAlive), .stall(afterBytes: Fault.keepAlive))
            let run = try await launch(["q"], fake, sandbox)
            #expect(run.status == 1)
            #expect(run.stdout.isEmpty)
            let lines = Self.lines(run.stderr)
            #expect(lines.count == 2, "\(run.stderr)")
            #expect(lines.first?.hasPrefix("timed out, retrying in ") == true)
            #expect(lines.last == "error: no answer from the server for 1 s — try again, or raise timeout_seconds in the config")
            #expect(fake.chatRequests.count == 2)
            // The read timeout fired, twice: the client closed both stalled responses itself.
            #expect(await Waiting.until { fake.unfinishedResponses == 2 })
        }
    }

    @Test func connectionRefusedNamesTheBaseURL() async throws {
        let port = Self.closedPort
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        _ = try sandbox.write("config/bankfuture-chat/config.json", #"{"max_retries":1}"#)
        let base = "http://127.0.0.1:\(port)/api/v1"
        let run = try await launch(["--base-url", base, "q"], nil, sandbox)
        // A refusal is reported as one (not as the 10 s connect timeout it would otherwise end in).
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        let lines = Self.lines(run.stderr)
        #expect(lines.count == 2, "\(run.stderr)")
        #expect(lines.first?.hasPrefix("connection failed (connection refused), retrying in ") == true, "\(run.stderr)")
        #expect(
            lines.last == "error: connection to \(base) failed: connection refused — check the network, the proxy settings and base_url")
    }

    // MARK: Protocol faults (one-shot)

    @Test(arguments: Fault.allCases)
    func everyFaultInOneShotModePrintsOneLineAndExitsNonZero(_ fault: Fault) async throws {
        try await withFake(config: fault.config) { fake, sandbox in
            fake.enqueue(fault.reply)
            let run = try await launch(["q"], fake, sandbox)
            #expect(run.status == (fault == .status401 ? 3 : 1))
            #expect(run.stdout == (fault.partial.isEmpty ? "" : fault.partial + "\n"))
            let lines = Self.lines(run.stderr)
            #expect(lines.count == 1, "\(run.stderr)")
            #expect(lines.first?.hasPrefix("error: " + fault.expected(baseURL: fake.baseURL)) == true, "\(run.stderr)")
            #expect(fake.chatRequests.count == 1)
        }
    }

    @Test func twoHundredWithAnErrorAndANumericCodeIsTreatedAsThatStatus() async throws {
        try await withFake(config: #"{"max_retries":1}"#) { fake, sandbox in
            let body = Array(#"{"error":{"code":502,"message":"Upstream provider returned an error"}}"#.utf8)
            fake.enqueue(
                .raw(status: 200, headers: [("Content-Type", "application/json")], body: body),
                .raw(status: 200, headers: [("Content-Type", "application/json")], body: body))
            let run = try await launch(["--no-stream", "q"], fake, sandbox)
            #expect(run.status == 1)
            #expect(
                Self.lines(run.stderr).last?.hasPrefix(
                    "error: HTTP 502: Upstream provider returned an error — the model's provider is down") == true, "\(run.stderr)")
            #expect(fake.chatRequests.count == 2, "a 502 inside a 200 is retried like a 502")
        }
    }

    @Test func validUTF8AroundInvalidBytesInsideTheAnswerStillSucceeds() async throws {
        try await withFake { fake, sandbox in
            let body =
                Array(("data: " + #"{"choices":[{"delta":{"content":"ok "#).utf8) + [0xFF, 0xC3]
                + Array(#" end"},"finish_reason":"stop"}]}"#.utf8) + Array("\n\ndata: [DONE]\n\n".utf8)
            fake.enqueue(.raw(status: 200, headers: [("Content-Type", "text/event-stream")], body: body))
            let run = try await launch(["q"], fake, sandbox)
            #expect(run.status == 0)
            #expect(run.stdout == "ok \u{FFFD}\u{FFFD} end\n")
            #expect(fake.chatRequests.count == 1)
        }
    }

    @Test func fiftyMegabyteStreamedAnswer() async throws {
        try await withFake { fake, sandbox in
            // 51,200 events of 1 KiB of text: 50 MiB of answer in small events, sent chunked.
            let piece = String(repeating: "0123456789abcde\u{20}", count: 64)
            let event = Array(("data: " + Fault.chunk(piece) + "\n\n").utf8)
            var wire: [UInt8] = []
            wire.reserveCapacity(event.count * 51_201)
            wire.append(contentsOf: Fault.keepAlive)
            for _ in 0..<51_200 { wire.append(contentsOf: event) }
            wire.append(
                contentsOf: Array(
                    ("data: "
                        + #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":51200}}"#
                        + "\n\ndata: [DONE]\n\n").utf8))
            fake.enqueue(.raw(status: 200, headers: [("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked")], body: wire))
            let run = try await launch(["q"], fake, sandbox, timeout: .seconds(600))
            #expect(run.status == 0, "\(run.stderr.prefix(500))")
            #expect(run.stdout.utf8.count == 50 * 1024 * 1024 + 1)
            #expect(run.stdout.hasPrefix(piece + piece))
            #expect(run.stderr.contains("1 in / 51200 out tokens"))
            #expect(fake.chatRequests.count == 1)
        }
    }

    // MARK: Nothing lost (REPL)

    @Test(arguments: Fault.allCases)
    func afterAnyFailureTheHistoryIsUnchangedAndRetryResendsTheMessage(_ fault: Fault) async throws {
        try await withFake(config: fault.config) { fake, sandbox in
            fake.enqueue(.streamText(pieces: ["A1"], model: "m/x"), fault.reply, .streamText(pieces: ["A2"], model: "m/x"))
            let run = try await launch(["--stdin", "repl"], fake, sandbox, stdin: "q1\nq2\n/history\n/retry\n/history\n")
            #expect(run.status == 0, "the REPL goes on after a failure")
            // The failed turn is not part of the history; it is named after it, for /retry.
            let before = "1 [user] q1\n\n2 [assistant] A1\n\n"
            let pending = "(not answered: q2; /retry sends it again)\n"
            let after = before + "3 [user] q2\n\n4 [assistant] A2\n\n"
            let partial = fault.partial.isEmpty ? "" : fault.partial + "\n"
            #expect(run.stdout == "A1\n" + partial + before + pending + "A2\n" + after)
            let errors = Self.lines(run.stderr).filter { $0.hasPrefix("error: ") }
            #expect(errors.count == 1, "\(run.stderr)")
            #expect(errors.first?.hasPrefix("error: " + fault.expected(baseURL: fake.baseURL)) == true, "\(run.stderr)")
            #expect(errors.first?.hasSuffix("(your message is kept: /retry)") == true)
            let requests = fake.chatRequests
            #expect(requests.count == 3)
            if requests.count == 3 {
                #expect(requests[1].messages.map(\.content) == ["q1", "A1", "q2"])
                #expect(requests[2].bodyText == requests[1].bodyText, "/retry resends exactly the failed request")
            }
        }
    }

    // MARK: Secrets

    @Test func theKeyNeverAppearsInAnyOutputOrFile() async throws {
        try await withFake(config: #"{"max_retries":0}"#) { fake, sandbox in
            var runs: [Run] = []
            runs.append(try await launch(["q"], fake, sandbox))
            runs.append(try await launch(["--debug", "q"], fake, sandbox))
            runs.append(try await launch(["--debug", "--no-stream", "q"], fake, sandbox))
            runs.append(try await launch(["--debug", "--json", "q"], fake, sandbox))
            fake.enqueue(.error(status: 401, message: "User not found."))
            runs.append(try await launch(["--debug", "q"], fake, sandbox))
            runs.append(try await launch(["--debug", "--models"], fake, sandbox))
            runs.append(try await launch(["--debug", "--key-info"], fake, sandbox))
            fake.enqueue(
                .streamText(pieces: ["one"], model: "m/x"), .error(status: 500, message: "boom"),
                .dropMidStream(afterBytes: Array(("data: " + Fault.chunk("part") + "\n\n").utf8)))
            runs.append(
                try await launch(
                    ["--debug", "--stdin", "repl"], fake, sandbox,
                    stdin: "first\n/models\n/model openai/gpt-4o-mini\nsecond\nthird\n/retry\n/history\n/usage\n"))
            #expect(runs.map(\.status) == [0, 0, 0, 0, 3, 0, 0, 0])
            #expect(runs[1].stderr.contains("Authorization: Bearer [REDACTED]"))

            // An interactive session in a terminal: writes the line history file. (No --debug here:
            // the wire log would interleave with the answer that the test waits for.)
            let environment = sandbox.environment(key: Self.key)
            let (exit, transcript) = try await { () async throws -> (Int32, String) in
                let terminal = try await PseudoTerminal.spawn(
                    executable: Binaries.chat, arguments: ["--base-url", fake.baseURL], environment: environment)
                defer { _ = terminal.terminate() }
                try await terminal.waitFor("> ", timeout: .seconds(60))
                try terminal.send("hello from the terminal\r")
                try await terminal.waitFor("Echo: hello from the terminal", timeout: .seconds(60))
                try await terminal.waitFor("> ", timeout: .seconds(60))
                try terminal.send("/model fake/error-402\r")
                try await terminal.waitFor("fake/error-402> ", timeout: .seconds(60))
                try terminal.send("this fails\r")
                try await terminal.waitFor("HTTP 402", timeout: .seconds(60))
                try await terminal.waitFor("> ", timeout: .seconds(60))
                try terminal.send("/exit\r")
                return (try await terminal.waitForExit(timeout: .seconds(60)), terminal.output)
            }()
            #expect(exit == 0)
            #expect(!transcript.contains(Self.key))

            // Every request carried the key, so there was something to leak.
            #expect(fake.requests.allSatisfy { $0.header("Authorization") == "Bearer \(Self.key)" })

            // Every file the sessions wrote.
            let secretPart = Array(Self.key.dropFirst("sk-or-v1-".count).utf8)
            var files: [String] = []
            let enumerator = FileManager.default.enumerator(atPath: sandbox.root)
            while let relative = enumerator?.nextObject() as? String {
                let path = sandbox.root + "/" + relative
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                files.append(relative)
                let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
                #expect(!Self.contains(bytes, secretPart), "the key is in \(relative)")
            }
            #expect(files.contains("state/bankfuture-chat/history"), "\(files)")
            #expect(files.contains("state/bankfuture-chat/models.json"), "\(files)")
            for file in files where file.hasPrefix("state/") {
                let attributes = try FileManager.default.attributesOfItem(atPath: sandbox.root + "/" + file)
                #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(file)")
            }
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<start + needle.count]) == needle { return true }
        }
        return false
    }

    @Test func configFileHoldingTheKeyIsRejectedWithoutEchoingIt() async throws {
        for config in [#"{"api_key": "\#(Self.key)"}"#, #"{"model":"m/x","api_key_env":"\#(Self.key)"}"#] {
            try await withFake(config: config) { fake, sandbox in
                let run = try await launch(["q"], fake, sandbox)
                #expect(run.status == 2)
                #expect(run.stdout.isEmpty)
                #expect(Self.lines(run.stderr).count == 1)
                #expect(run.stderr.contains("api_key_env"))
                #expect(run.stderr.contains("would store the API key in the file"))
                #expect(!run.stderr.contains("FAULTKEY"))
                #expect(fake.requests.isEmpty)
            }
        }
    }

    // MARK: Proxy

    @Test func failedConnectionsAreTriedExactlyOnePlusMaxRetriesTimes() async throws {
        // A proxy that cannot reach the target answers 502 to each CONNECT: it counts the attempts.
        let proxy = try ConnectProxy()
        defer { proxy.stop() }
        let closed = Self.closedPort
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        _ = try sandbox.write("config/bankfuture-chat/config.json", #"{"max_retries":2}"#)
        let base = "http://127.0.0.1:\(closed)/api/v1"
        let run = try await launch(["--base-url", base, "q"], nil, sandbox, env: ["HTTP_PROXY": "http://127.0.0.1:\(proxy.port)"])
        #expect(run.status == 1)
        #expect(proxy.heads.count == 3, "1 + max_retries attempts, no hidden retries inside the HTTP client")
        let lines = Self.lines(run.stderr)
        #expect(lines.count == 3, "\(run.stderr)")
        #expect(
            lines.dropLast().allSatisfy {
                $0.hasPrefix("connection failed (the proxy refused the connection") && $0.contains(", retrying in ")
            })
        #expect(lines.last?.hasPrefix("error: connection to \(base) failed: the proxy refused the connection") == true, "\(run.stderr)")
    }

    @Test func httpProxyCarriesTheRequestAndNoProxyBypassesIt() async throws {
        let proxy = try ConnectProxy()
        defer { proxy.stop() }
        try await withFake(config: #"{"max_retries":0}"#) { fake, sandbox in
            for variable in ["HTTP_PROXY", "http_proxy"] {
                let before = proxy.heads.count
                let run = try await launch(["q"], fake, sandbox, env: [variable: "http://127.0.0.1:\(proxy.port)"])
                #expect(run.status == 0, "\(run.stderr)")
                #expect(run.stdout == "Echo: q\n")
                let heads = proxy.heads.dropFirst(before)
                #expect(heads.count == 1)
                #expect(heads.first?.hasPrefix("CONNECT 127.0.0.1:\(fake.port) HTTP/1.1\r\n") == true, "\(heads)")
                #expect(heads.allSatisfy { !$0.contains(Self.key) }, "the key travels only inside the tunnel")
            }
            #expect(fake.chatRequests.count == 2, "both requests reached the fake through the tunnel")
            #expect(proxy.tunnelledBytes > 0)

            let direct = try await launch(
                ["q"], fake, sandbox, env: ["HTTP_PROXY": "http://127.0.0.1:\(proxy.port)", "NO_PROXY": "localhost,127.0.0.1"])
            #expect(direct.status == 0)
            #expect(proxy.heads.count == 2, "NO_PROXY: the proxy saw nothing")
            #expect(fake.chatRequests.count == 3)

            let onlyHTTPS = try await launch(["q"], fake, sandbox, env: ["HTTPS_PROXY": "http://127.0.0.1:\(proxy.port)"])
            #expect(onlyHTTPS.status == 0)
            #expect(proxy.heads.count == 2, "HTTPS_PROXY is not used for an http:// base URL")

            let closed = Self.closedPort
            let dead = try await launch(["q"], fake, sandbox, env: ["HTTP_PROXY": "http://127.0.0.1:\(closed)"])
            #expect(dead.status == 1, "a proxy that is down is really used, not ignored")
            #expect(dead.stderr.hasPrefix("error: connection to \(fake.baseURL) failed: "))
            #expect(fake.chatRequests.count == 4)
        }
    }

    @Test func httpsProxyGetsTheConnectForAnHTTPSBaseURL() async throws {
        let proxy = try ConnectProxy()
        defer { proxy.stop() }
        try await withFake(config: #"{"max_retries":0,"timeout_seconds":5}"#) { fake, sandbox in
            // https:// to the plain-HTTP fake: the CONNECT goes through, the TLS handshake then fails.
            let base = "https://127.0.0.1:\(fake.port)/api/v1"
            for variable in ["HTTPS_PROXY", "https_proxy"] {
                let before = proxy.heads.count
                let run = try await launch(["--base-url", base, "q"], nil, sandbox, env: [variable: "127.0.0.1:\(proxy.port)"])
                #expect(run.status == 1)
                #expect(run.stderr.contains(base), "\(run.stderr)")
                #expect(Self.lines(run.stderr).count == 1)
                let heads = proxy.heads.dropFirst(before)
                #expect(heads.count == 1)
                #expect(heads.first?.hasPrefix("CONNECT 127.0.0.1:\(fake.port) HTTP/1.1\r\n") == true, "\(heads)")
                #expect(heads.allSatisfy { !$0.contains(Self.key) })
            }
            let bypass = try await launch(
                ["--base-url", base, "q"], nil, sandbox, env: ["HTTPS_PROXY": "http://127.0.0.1:\(proxy.port)", "no_proxy": "127.0.0.1"])
            #expect(bypass.status == 1)
            #expect(bypass.stderr.hasPrefix("error: TLS failure talking to \(base): "), "\(bypass.stderr)")
            #expect(bypass.stderr.hasSuffix("— check the system clock, a proxy that intercepts TLS, or base_url\n"))
            #expect(Self.lines(bypass.stderr).count == 1)
            #expect(proxy.heads.count == 2, "NO_PROXY: the proxy saw nothing")
            #expect(fake.chatRequests.isEmpty, "never plain HTTP to an https:// base")
        }
    }
}

/// A minimal HTTP CONNECT proxy on 127.0.0.1 for the proxy tests: records each request head,
/// tunnels to 127.0.0.1 only, and relays bytes both ways. Blocking sockets on threads.
final class ConnectProxy: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var recordedHeads: [String] = []
    private var relayed = 0

    var heads: [String] { lock.withLock { recordedHeads } }
    var tunnelledBytes: Int { lock.withLock { relayed } }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestProcessError("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw TestProcessError("bind/listen failed")
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { self.acceptLoop() }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            Thread.detachNewThread { self.serve(client) }
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !(head.count >= 4 && Array(head.suffix(4)) == [13, 10, 13, 10]) {
            guard read(client, &byte, 1) == 1, head.count < 16 * 1024 else { return }
            head.append(byte)
        }
        let text = String(decoding: head, as: UTF8.self)
        lock.withLock { recordedHeads.append(text) }
        // Not prefix(while:) on Characters: "\r\n" is one Character in Swift.
        let requestLine = (text.components(separatedBy: "\r\n").first ?? "").split(separator: " ")
        guard requestLine.count == 3, requestLine[0] == "CONNECT", let colon = requestLine[1].lastIndex(of: ":"),
            requestLine[1][..<colon] == "127.0.0.1", let port = UInt16(requestLine[1][requestLine[1].index(after: colon)...])
        else {
            Self.writeAll(client, Array("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".utf8))
            return
        }
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(upstream) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Self.writeAll(client, Array("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n".utf8))
            return
        }
        Self.writeAll(client, Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8))
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            var fds = [pollfd(fd: client, events: Int16(POLLIN), revents: 0), pollfd(fd: upstream, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, 30_000)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return }
            for (index, entry) in fds.enumerated() where entry.revents != 0 {
                let from = entry.fd
                let to = index == 0 ? upstream : client
                let count = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
                if count <= 0 { return }
                Self.writeAll(to, Array(buffer[0..<count]))
                lock.withLock { relayed += count }
            }
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}
