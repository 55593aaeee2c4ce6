import Testing

@testable import ChatCore

@Suite struct ChatSessionTests {
    @Test func requestHasSystemFirstThenHistoryThenTheNewMessage() {
        var session = ChatSession(model: "m/1", systemPrompt: "Be brief", parameters: RequestParameters(temperature: 0.5, maxTokens: 100))
        session.recordSuccess(user: "q1", answer: "a1", usage: nil)
        session.recordSuccess(user: "q2", answer: "a2", usage: nil)
        let request = session.request(sending: "q3")
        #expect(request.model == "m/1")
        #expect(request.messages == [.system("Be brief"), .user("q1"), .assistant("a1"), .user("q2"), .assistant("a2"), .user("q3")])
        #expect(request.parameters.temperature == 0.5)
    }

    @Test func noSystemMessageWhenThereIsNoSystemPrompt() {
        let session = ChatSession(model: "m")
        #expect(session.request(sending: "hi").messages == [.user("hi")])
    }

    @Test func failureLeavesHistoryAndKeepsTheMessageForRetry() {
        var session = ChatSession(model: "m")
        session.recordSuccess(user: "q1", answer: "a1", usage: Usage(promptTokens: 1, completionTokens: 2, cost: 0.5))
        let before = session.history
        session.recordFailure(user: .user("lost?"))
        #expect(session.history == before)
        #expect(session.pending?.content == "lost?")
        let retried = session.takeRetryMessage()
        #expect(retried?.content == "lost?")
        session.recordSuccess(user: "lost?", answer: "found", usage: Usage(promptTokens: 1, completionTokens: 1))
        #expect(session.pending == nil)
        #expect(session.history.map(\.content) == ["q1", "a1", "lost?", "found"])
        #expect(session.totalUsage == Usage(promptTokens: 2, completionTokens: 3, totalTokens: 5, cost: 0.5))
    }

    @Test func retryWithoutFailureReplacesTheLastAnswer() {
        var session = ChatSession(model: "m")
        session.recordSuccess(user: "q1", answer: "a1", usage: nil)
        session.recordSuccess(user: "q2", answer: "a2", usage: nil)
        let retried = session.takeRetryMessage()
        #expect(retried?.content == "q2")
        #expect(session.history == [.user("q1"), .assistant("a1")])
    }

    @Test func undoAndReset() {
        var session = ChatSession(model: "m", systemPrompt: "sys")
        let undidNothing = session.undo()
        #expect(!undidNothing)
        session.recordSuccess(user: "q1", answer: "a1", usage: nil)
        session.recordSuccess(user: "q2", answer: "a2", usage: nil)
        let undid = session.undo()
        #expect(undid)
        #expect(session.history == [.user("q1"), .assistant("a1")])
        session.reset()
        #expect(session.history.isEmpty)
        #expect(session.systemPrompt == "sys")
        #expect(session.model == "m")
    }

    @Test func requestBodyIsValidJSONWithEveryField() throws {
        var session = ChatSession(
            model: "a/b", systemPrompt: "line1\nline2 \"quoted\" \\ \u{01}",
            parameters: RequestParameters(temperature: 0.7, maxTokens: 256, topP: 0.9), fallbackModels: ["c/d"])
        session.recordSuccess(user: "Привет 👋", answer: "tab\there", usage: nil)
        let body = try JSONParser.parse(session.request(sending: "next").jsonBody())
        #expect(body["model"] == .string("a/b"))
        #expect(body["stream"] == .bool(true))
        #expect(body["temperature"] == .number(0.7))
        #expect(body["max_tokens"] == .number(256))
        #expect(body["top_p"] == .number(0.9))
        #expect(body["models"] == .array([.string("a/b"), .string("c/d")]))
        guard case .array(let messages)? = body["messages"] else {
            Issue.record("no messages")
            return
        }
        #expect(messages.count == 4)
        #expect(messages[0]["role"] == .string("system"))
        #expect(messages[0]["content"] == .string("line1\nline2 \"quoted\" \\ \u{01}"))
        #expect(messages[1]["content"] == .string("Привет 👋"))
        #expect(messages[2]["content"] == .string("tab\there"))
        #expect(messages[3] == .object([("role", .string("user")), ("content", .string("next"))]))
    }

    @Test func nonStreamingBodyOmitsUnsetParameters() throws {
        let body = try JSONParser.parse(
            ChatSession(model: "m", parameters: RequestParameters(stream: false)).request(sending: "x").jsonBody())
        #expect(body["stream"] == .bool(false))
        #expect(body["temperature"] == nil)
        #expect(body["max_tokens"] == nil)
        #expect(body["models"] == nil)
    }
}

@Suite struct JSONParserTests {
    @Test func reportsLineAndColumnOfTheError() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": 1,\n  \"b\": tru\n}")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 3)
            #expect(error.column == 8)
        }
    }

    @Test(arguments: ["{\"a\":1,}", "[1,]", "{'a':1}", "01", "\"\\x\"", "[1 2]", "", "{\"a\"}", "\"unterminated"])
    func rejectsInvalidJSON(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { _ = try JSONParser.parse(text) }
    }

    @Test func unicodeEscapesAndSurrogatePairs() throws {
        #expect(try JSONParser.parse(#""\u041f\ud83d\udc4b\n""#) == .string("П👋\n"))
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        #expect(throws: JSONSyntaxError.self) { _ = try JSONParser.parse(String(repeating: "[", count: 100_000)) }
    }
}

@Suite struct RetryPolicyTests {
    let server429 = ChatError.api(APIErrorInfo(status: 429, message: "slow down"), inStream: false)

    @Test func retryableStatusesOnly() {
        for status in [408, 429, 500, 502, 503, 504, 524, 529] {
            #expect(ChatError.api(APIErrorInfo(status: status, message: ""), inStream: false).isRetryable, "\(status)")
        }
        for status in [400, 401, 402, 403, 404] {
            #expect(!ChatError.api(APIErrorInfo(status: status, message: ""), inStream: false).isRetryable, "\(status)")
        }
        #expect(!ChatError.api(APIErrorInfo(status: 502, message: ""), inStream: true).isRetryable)
        #expect(ChatError.connection(url: "u", reason: "refused").isRetryable)
    }

    @Test func exponentialBackoffWithFullJitterAndACap() {
        let policy = RetryPolicy(maxRetries: 5, baseDelay: 0.5, maxDelay: 4)
        let ceilings = (1...5).map { policy.delay(beforeRetry: $0, after: server429, random: { $0 })! }
        #expect(ceilings == [0.5, 1, 2, 4, 4])
        #expect(policy.delay(beforeRetry: 6, after: server429) == nil)
        #expect(policy.delay(beforeRetry: 1, after: server429, random: { _ in 0 }) == 0)
    }

    @Test func retryAfterIsHonouredUpToTheCap() {
        let policy = RetryPolicy(maxRetries: 2, retryAfterCap: 60)
        var info = APIErrorInfo(status: 429, message: "")
        info.retryAfter = 7
        #expect(policy.delay(beforeRetry: 1, after: .api(info, inStream: false)) == 7)
        info.retryAfter = 3600
        #expect(policy.delay(beforeRetry: 1, after: .api(info, inStream: false)) == 60)
    }

    @Test func neverRetriesAuthOrModeration() {
        let policy = RetryPolicy(maxRetries: 5)
        #expect(policy.delay(beforeRetry: 1, after: .api(APIErrorInfo(status: 401, message: ""), inStream: false)) == nil)
        #expect(policy.delay(beforeRetry: 1, after: .api(APIErrorInfo(status: 403, message: ""), inStream: false)) == nil)
    }

    @Test func parsesRetryAfterSecondsAndHTTPDates() {
        #expect(RetryPolicy.parseRetryAfter("7", now: 0) == 7)
        #expect(RetryPolicy.parseRetryAfter(" 12 ", now: 0) == 12)
        // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
        #expect(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_770) == 7)
        #expect(RetryPolicy.parseRetryAfter("soon", now: 0) == nil)
    }
}

@Suite struct ErrorMessageTests {
    @Test func everyErrorIsOneLineWithStatusMessageAndAFix() {
        let cases: [(ChatError, [String])] = [
            (
                .api(APIErrorInfo(status: 401, message: "No auth credentials found"), inStream: false),
                ["HTTP 401", "No auth credentials found", "MY_KEY"]
            ),
            (
                .api(APIErrorInfo(status: 402, message: "Insufficient credits"), inStream: false),
                ["HTTP 402", "Insufficient credits", "credits"]
            ),
            (.api(APIErrorInfo(status: 429, message: "Rate limit", retryAfter: 7), inStream: false), ["HTTP 429", "Rate limit", "7 s"]),
            (.api(APIErrorInfo(status: 503, message: "No provider"), inStream: false), ["HTTP 503", "No provider", "fallback_models"]),
            (
                .api(APIErrorInfo(status: 400, message: "x is not a valid model ID"), inStream: false),
                ["HTTP 400", "not a valid model ID", "--models"]
            ),
            (.missingAPIKey(variable: "MY_KEY"), ["MY_KEY", "--offline"]),
            (.connection(url: "http://127.0.0.1:9/api/v1", reason: "connection refused"), ["http://127.0.0.1:9/api/v1", "refused"]),
            (.timeout(seconds: 30), ["30 s", "timeout_seconds"]),
            (.truncatedStream, ["[DONE]"]),
        ]
        for (error, needles) in cases {
            let line = error.oneLine(keyVariable: "MY_KEY")
            #expect(!line.contains("\n"))
            for needle in needles { #expect(line.contains(needle), "\(line) lacks \(needle)") }
        }
    }

    @Test func aRejectedKeyWithQuotesOrWhitespaceIsPointedOut() {
        let rejected = ChatError.api(APIErrorInfo(status: 401, message: "User not found."), inStream: false)
        #expect(ChatError.keyProblem("\"sk-or-v1-abc\"")?.contains("quotes") == true)
        #expect(ChatError.keyProblem("sk-or-v1-abc\n")?.contains("spaces or newlines") == true)
        #expect(ChatError.keyProblem("sk-or-v1-abc") == nil)
        let line = rejected.oneLine(keyVariable: "OPENROUTER_API_KEY", keyProblem: ChatError.keyProblem("'k'"))
        #expect(line.contains("OPENROUTER_API_KEY is wrapped in quotes"))
        let other = ChatError.api(APIErrorInfo(status: 402, message: "x"), inStream: false)
        #expect(!other.oneLine(keyProblem: "is wrapped in quotes; remove them").contains("quotes"))
    }

    @Test func exitCodes() {
        #expect(ChatError.api(APIErrorInfo(status: 401, message: ""), inStream: false).exitCode == 3)
        #expect(ChatError.api(APIErrorInfo(status: 403, message: ""), inStream: false).exitCode == 1)
        #expect(ChatError.missingAPIKey(variable: "K").exitCode == 2)
        #expect(ChatError.cancelled.exitCode == 130)
        #expect(ChatError.connection(url: "", reason: "").exitCode == 1)
    }
}
