/// Turns OpenRouter's JSON (stream chunks, whole answers, error bodies) into values (the
/// model list is ``ModelList``). Every field but `choices`, `error` and `usage` is optional and unknown
/// fields are ignored; nothing here traps on any input.
public struct ChatCompletionDecoder: Sendable {
    var lastModel: String?
    var sawGeneration = false

    public init() {}

    /// Decodes the data of one SSE event (not `[DONE]`) into events. A chunk with a
    /// top-level `error`, or with `finish_reason: "error"`, throws `ChatError.api(_, inStream: true)`.
    public mutating func events(fromChunk payload: String) throws(ChatError) -> [StreamEvent] {
        let bytes = Array(payload.utf8)
        if let events = commonChunkEvents(bytes) { return events }
        return try treeEvents(bytes, payload: payload)
    }

    /// Decodes a chunk through its whole JSON tree: every case, and every error. Events come
    /// in this order: model, generation, reasoning details, reasoning, text, images, tool-call
    /// pieces, citations, finish, usage.
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
        if case .string(let id)? = json["id"], !sawGeneration {
            sawGeneration = true
            events.append(.generation(id: id))
        }
        if case .array(let choices)? = json["choices"], let choice = choices.first {
            let delta = choice["delta"] ?? choice["message"]
            events += Self.messageEvents(delta, choice: choice)
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

    /// The events of a delta or a whole message: what the model said and did.
    static func messageEvents(_ message: JSONValue?, choice: JSONValue) -> [StreamEvent] {
        var events: [StreamEvent] = []
        var detailText = ""
        if case .array(let details)? = message?["reasoning_details"], !details.isEmpty {
            events.append(.reasoningDetails(details))
            for item in details {
                if case .string(let text)? = item["text"] { detailText += text }
                if case .string(let summary)? = item["summary"] { detailText += summary }
            }
        }
        if case .string(let reasoning)? = message?["reasoning"], !reasoning.isEmpty {
            events.append(.reasoning(reasoning))
        } else if !detailText.isEmpty {
            // Models that return only summaries or details: show those.
            events.append(.reasoning(detailText))
        }
        if case .string(let text)? = message?["content"], !text.isEmpty {
            events.append(.text(text))
        }
        let images = images(fromChoice: choice)
        if !images.isEmpty { events.append(.images(images)) }
        if case .array(let calls)? = message?["tool_calls"] {
            for (position, call) in calls.enumerated() {
                events.append(.toolCall(toolCallDelta(call, position: position)))
            }
        }
        if case .array(let annotations)? = message?["annotations"] {
            let citations = annotations.compactMap(citation)
            if !citations.isEmpty { events.append(.citations(citations)) }
        }
        return events
    }

    /// One item of `tool_calls`: `{"index","id","type","function":{"name","arguments"}}`.
    static func toolCallDelta(_ call: JSONValue, position: Int) -> ToolCallDelta {
        var index = position
        if case .number(let n)? = call["index"], n.isFinite, n >= 0, n < 10_000, n == n.rounded() { index = Int(n) }
        var delta = ToolCallDelta(index: index)
        if case .string(let id)? = call["id"] { delta.id = id }
        if case .string(let name)? = call["function"]?["name"] { delta.name = name }
        switch call["function"]?["arguments"] {
        case .string(let arguments)?: delta.arguments = arguments
        case .object?, .array?: delta.arguments = call["function"]?["arguments"]?.jsonText ?? ""
        default: break
        }
        return delta
    }

    /// `{"type":"url_citation","url_citation":{"url","title",…}}`.
    static func citation(_ annotation: JSONValue) -> Citation? {
        guard case .string("url_citation")? = annotation["type"], case .string(let url)? = annotation["url_citation"]?["url"] else {
            return nil
        }
        var title: String?
        if case .string(let text)? = annotation["url_citation"]?["title"], !text.isEmpty { title = text }
        return Citation(url: url, title: title)
    }
}
