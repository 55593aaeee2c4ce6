/// Turns OpenRouter's JSON (stream chunks, whole answers, error bodies) into values (the
/// model list is ``ModelList``). Every field but `choices`, `error` and `usage` is optional and unknown
/// fields are ignored; nothing here traps on any input.
public struct ChatCompletionDecoder: Sendable {
    private var lastModel: String?

    public init() {}

    /// Decodes the data of one SSE event (not `[DONE]`) into events. A chunk with a
    /// top-level `error`, or with `finish_reason: "error"`, throws `ChatError.api(_, inStream: true)`.
    public mutating func events(fromChunk payload: String) throws(ChatError) -> [StreamEvent] {
        let bytes = Array(payload.utf8)
        if let events = commonChunkEvents(bytes) { return events }
        return try treeEvents(bytes, payload: payload)
    }

    /// Decodes a chunk through its whole JSON tree: every case, and every error.
    mutating func treeEvents(_ bytes: [UInt8], payload: String) throws(ChatError) -> [StreamEvent] {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw .malformedResponse(
                "a stream event is not valid JSON (\(error.reason) at column \(error.column)): \(Self.snippet(payload))")
        }
        guard case .object = json else {
            throw .malformedResponse("a stream event is not a JSON object: \(Self.snippet(payload))")
        }
        if let error = json["error"], error != .null {
            throw .api(Self.errorInfo(error, status: nil), inStream: true)
        }
        var events: [StreamEvent] = []
        if case .string(let model)? = json["model"], model != lastModel {
            lastModel = model
            events.append(.model(model))
        }
        if case .array(let choices)? = json["choices"], let choice = choices.first {
            let delta = choice["delta"] ?? choice["message"]
            if case .string(let reasoning)? = delta?["reasoning"], !reasoning.isEmpty {
                events.append(.reasoning(reasoning))
            }
            if case .string(let text)? = delta?["content"], !text.isEmpty {
                events.append(.text(text))
            }
            let images = Self.images(fromChoice: choice)
            if !images.isEmpty { events.append(.images(images)) }
            if case .string(let reason)? = choice["finish_reason"] {
                if reason == "error" {
                    throw .api(Self.errorInfo(choice["error"] ?? .null, status: nil), inStream: true)
                }
                events.append(.finish(reason: reason))
            }
        }
        if let usage = json["usage"].flatMap(Self.usage) {
            events.append(.usage(usage))
        }
        return events
    }

    /// The events of an ordinary chunk — `{"id":…,"model":…,"choices":[{"delta":{"content":…},
    /// "finish_reason":…}],…}` — read without building its JSON tree, which cost most of the
    /// decoding time. nil for anything else (an error, usage, images, a duplicate key, a value
    /// of an unexpected type, invalid JSON): the full decoder handles those, and gives the same
    /// events as this for the chunks this accepts.
    mutating func commonChunkEvents(_ bytes: [UInt8]) -> [StreamEvent]? {
        var reader = JSONParser(reading: bytes)
        var model: String?
        var message = CommonMessage()
        var finishReason: String?
        do {
            guard try reader.openObject() else { return nil }
            var seenModel = false
            var seenChoices = false
            var first = true
            while let key = try reader.nextMemberKey(first: &first) {
                guard !key.escaped else { return nil }
                if reader.key(key.range, is: "model") {
                    guard !seenModel, let value = try reader.readString() else { return nil }
                    seenModel = true
                    model = value
                } else if reader.key(key.range, is: "choices") {
                    guard !seenChoices, try reader.openArray() else { return nil }
                    seenChoices = true
                    var firstChoice = true
                    var isFirst = true
                    while try reader.nextElement(first: &firstChoice) {
                        if isFirst {
                            guard try Self.readCommonChoice(&reader, message: &message, finishReason: &finishReason) else { return nil }
                            isFirst = false
                        } else {
                            try reader.skipValue()
                        }
                    }
                } else if reader.key(key.range, is: "error") || reader.key(key.range, is: "usage") {
                    // Only their absence (or null) is ordinary.
                    guard reader.nextByte == UInt8(ascii: "n") else { return nil }
                    try reader.skipValue()
                } else {
                    try reader.skipValue()
                }
            }
            try reader.finishDocument()
        } catch {
            return nil
        }
        var events: [StreamEvent] = []
        if let model, model != lastModel {
            lastModel = model
            events.append(.model(model))
        }
        if let reasoning = message.reasoning, !reasoning.isEmpty { events.append(.reasoning(reasoning)) }
        if let content = message.content, !content.isEmpty { events.append(.text(content)) }
        if let finishReason { events.append(.finish(reason: finishReason)) }
        return events
    }

    private struct CommonMessage {
        var content: String?
        var reasoning: String?
    }

    /// Reads the first choice of an ordinary chunk; false when it is not one.
    private static func readCommonChoice(
        _ reader: inout JSONParser, message: inout CommonMessage, finishReason: inout String?
    ) throws(JSONSyntaxError) -> Bool {
        guard try reader.openObject() else { return false }
        var seenMessage = false
        var seenFinish = false
        var first = true
        while let key = try reader.nextMemberKey(first: &first) {
            guard !key.escaped else { return false }
            if reader.key(key.range, is: "delta") || reader.key(key.range, is: "message") {
                guard !seenMessage, try readCommonMessage(&reader, into: &message) else { return false }
                seenMessage = true
            } else if reader.key(key.range, is: "finish_reason") {
                guard !seenFinish, let reason = try reader.readStringOrNull(), reason != "error" else { return false }
                seenFinish = true
                finishReason = reason
            } else {
                try reader.skipValue()
            }
        }
        return true
    }

    /// Reads a delta (or message) with text and reasoning only; false for anything else.
    private static func readCommonMessage(_ reader: inout JSONParser, into message: inout CommonMessage) throws(JSONSyntaxError) -> Bool {
        guard try reader.openObject() else { return false }
        var seenContent = false
        var seenReasoning = false
        var first = true
        while let key = try reader.nextMemberKey(first: &first) {
            guard !key.escaped else { return false }
            if reader.key(key.range, is: "content") {
                // Not a string or null: an array of parts, which may hold images.
                guard !seenContent, let text = try reader.readStringOrNull() else { return false }
                seenContent = true
                message.content = text
            } else if reader.key(key.range, is: "reasoning") {
                guard !seenReasoning, let text = try reader.readStringOrNull() else { return false }
                seenReasoning = true
                message.reasoning = text
            } else if reader.key(key.range, is: "images") {
                return false
            } else {
                try reader.skipValue()
            }
        }
        return true
    }

    /// Decodes a whole (non-streamed) answer with HTTP 200. A top-level `error` or
    /// `choices[0].error` / `finish_reason: "error"` throws `ChatError.api(_, inStream: false)`.
    public static func response(fromBody body: [UInt8]) throws(ChatError) -> ChatResponse {
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
        var response = ChatResponse()
        if case .string(let model)? = json["model"] { response.model = model }
        response.usage = json["usage"].flatMap(usage)
        if let choice = choices.first {
            if case .string(let reason)? = choice["finish_reason"] {
                if reason == "error" {
                    throw .api(errorInfo(choice["error"] ?? .null, status: nil), inStream: false)
                }
                response.finishReason = reason
            }
            if let error = choice["error"], case .object = error {
                throw .api(errorInfo(error, status: nil), inStream: false)
            }
            let message = choice["message"] ?? choice["delta"]
            if case .string(let text)? = message?["content"] { response.content = text }
            if case .string(let reasoning)? = message?["reasoning"] { response.reasoning = reasoning }
            response.images = images(fromChoice: choice)
        }
        return response
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
        var cost: Double?
        if case .number(let c)? = json["cost"] { cost = money(c) }
        let prompt = int("prompt_tokens") ?? 0
        let completion = int("completion_tokens") ?? 0
        return Usage(promptTokens: prompt, completionTokens: completion, totalTokens: int("total_tokens"), cost: cost)
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
