// Whole answers, error bodies, usage objects: the parts of the decoder that read a whole body.

extension ChatCompletionDecoder {
    /// Decodes a whole (non-streamed) answer with HTTP 200. A top-level `error` or
    /// `choices[0].error` / `finish_reason: "error"` throws `ChatError.api(_, inStream: false)`.
    public static func response(fromBody body: [UInt8]) throws(ChatError) -> ChatResponse {
        var response = ChatResponse()
        for event in try events(fromBody: body) { response.apply(event) }
        return response
    }

    /// A whole answer as the events a stream of it would give, in the stream's order.
    public static func events(fromBody body: [UInt8]) throws(ChatError) -> [StreamEvent] {
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            throw .malformedResponse(
                "the answer is not valid JSON (\(error.reason), line \(error.line) column \(error.column)): \(snippet(String(decoding: body.prefix(200), as: UTF8.self)))"
            )
        }
        if let error = json["error"], error != .null {
            throw .api(errorInfo(error, status: nil), inStream: false)
        }
        guard case .array(let choices)? = json["choices"] else {
            throw .malformedResponse("the answer has no \"choices\": \(snippet(String(decoding: body.prefix(200), as: UTF8.self)))")
        }
        var events: [StreamEvent] = []
        if case .string(let model)? = json["model"] { events.append(.model(model)) }
        if case .string(let id)? = json["id"] { events.append(.generation(id: id)) }
        var finish: String?
        if let choice = choices.first {
            if case .string(let reason)? = choice["finish_reason"] {
                if reason == "error" {
                    throw .api(errorInfo(choice["error"] ?? .null, status: nil), inStream: false)
                }
                finish = reason
            }
            if let error = choice["error"], case .object = error {
                throw .api(errorInfo(error, status: nil), inStream: false)
            }
            events += messageEvents(choice["message"] ?? choice["delta"], choice: choice)
        }
        events.append(.finish(reason: finish))
        if let usage = json["usage"].flatMap(usage) { events.append(.usage(usage)) }
        return events
    }

    /// The error of a non-2xx answer: OpenRouter's error object when the body holds one,
    /// else `.httpStatus` with a snippet of the body (an HTML page from a proxy, say).
    public static func error(status: Int, body: [UInt8], retryAfter: Double?) -> ChatError {
        if let json = try? JSONParser.parse(body), let error = json["error"] {
            var info = errorInfo(error, status: status)
            info.status = status
            info.retryAfter = retryAfter
            return .api(info, inStream: false)
        }
        return .httpStatus(status, bodySnippet: snippet(visibleText(body)), retryAfter: retryAfter)
    }

    /// The error for a 200 answer that is a web page instead of an answer (a captive portal or
    /// a proxy's login page): its visible text, so the user sees what answered.
    public static func notAnAnswer(contentType: String, body: [UInt8]) -> ChatError {
        let type = contentType.split(separator: ";").first.map { String($0).trimmingWhitespace() } ?? contentType
        let text = snippet(visibleText(body))
        return .malformedResponse("expected an answer, got a \(type) page" + (text.isEmpty ? "" : ": \(text)"))
    }

    /// A price or cost only when it is a sane amount: `"nan"`, `"inf"` or `1e400` (which
    /// parses as infinity) would trap the integer arithmetic that formats money for display.
    static func money(_ value: Double?) -> Double? {
        guard let value, value.isFinite, abs(value) < 1e9 else { return nil }
        return value
    }

    static func usage(_ json: JSONValue) -> Usage? {
        guard case .object = json else { return nil }
        func int(_ key: String) -> Int? {
            if case .number(let n)? = json[key], n.isFinite, abs(n) < 1e15 { return Int(n) }
            return nil
        }
        func detail(_ object: String, _ key: String) -> Int? {
            if case .number(let n)? = json[object]?[key], n.isFinite, n >= 0, n < 1e15 { return Int(n) }
            return nil
        }
        var cost: Double?
        if case .number(let c)? = json["cost"] { cost = money(c) }
        let prompt = int("prompt_tokens") ?? 0
        let completion = int("completion_tokens") ?? 0
        return Usage(
            promptTokens: prompt, completionTokens: completion, totalTokens: int("total_tokens"), cost: cost,
            cachedTokens: detail("prompt_tokens_details", "cached_tokens"),
            reasoningTokens: detail("completion_tokens_details", "reasoning_tokens"), raw: RawJSON(trusted: json.jsonText))
    }

    static func errorInfo(_ json: JSONValue, status: Int?) -> APIErrorInfo {
        var code: String?
        var numeric: Int?
        switch json["code"] {
        case .number(let n)?:
            if n.isFinite, abs(n) < 1e9 { numeric = Int(n) }
            code = numeric.map(String.init) ?? String(n)
        case .string(let s)?:
            code = s
            numeric = Int(s)
        default: break
        }
        var message = "unknown error"
        if case .string(let m)? = json["message"] { message = m } else if case .string(let s) = json { message = s }
        var info = APIErrorInfo(status: status ?? numeric.flatMap { (100..<600).contains($0) ? $0 : nil }, code: code, message: message)
        if let metadata = json["metadata"] {
            if case .array(let reasons)? = metadata["reasons"] { info.reasons = reasons.map(\.compactText) }
            if let flagged = metadata["flagged_input"], flagged != .null { info.flaggedInput = flagged.compactText }
            if case .string(let provider)? = metadata["provider_name"] { info.providerName = provider }
            if case .string(let type)? = metadata["error_type"] { info.errorType = type }
            switch metadata["raw"] {
            case .string(let raw)?: info.providerRaw = raw
            case .object?, .array?: info.providerRaw = metadata["raw"]?.jsonText
            default: break
            }
        }
        return info
    }

    /// Text of a body for an error line: tags stripped, whitespace collapsed.
    static func visibleText(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        var out = ""
        var inTag = false
        for ch in text {
            if ch == "<" {
                inTag = true
                continue
            }
            if ch == ">" {
                inTag = false
                out.append(" ")
                continue
            }
            if !inTag { out.append(ch) }
        }
        return out
    }

    /// One line of at most 160 characters.
    static func snippet(_ text: String) -> String {
        let collapsed = text.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
        return collapsed.count > 160 ? String(collapsed.prefix(157)) + "..." : collapsed
    }
}
