// The decoder's shortcut for ordinary stream chunks (measured: it halves the decoding time
// of a stream; docs/PERFORMANCE.md), checked against the full decoder by a seeded test and
// by the libFuzzer target (docs/FUZZING.md).

extension ChatCompletionDecoder {
    /// The events of an ordinary chunk — `{"id":…,"model":…,"choices":[{"delta":{"content":…},
    /// "finish_reason":…}],…}` — read without building its JSON tree, which cost most of the
    /// decoding time. nil for anything else (an error, usage, images, a duplicate key, a value
    /// of an unexpected type, invalid JSON): the full decoder handles those, and gives the same
    /// events as this for the chunks this accepts.
    mutating func commonChunkEvents(_ bytes: [UInt8]) -> [StreamEvent]? {
        var reader = JSONParser(reading: bytes)
        var model: String?
        var id: String?
        var message = CommonMessage()
        var finishReason: String?
        do {
            guard try reader.openObject() else { return nil }
            var seenModel = false
            var seenID = false
            var seenChoices = false
            var first = true
            while let key = try reader.nextMemberKey(first: &first) {
                guard !key.escaped else { return nil }
                if reader.key(key.range, is: "model") {
                    guard !seenModel, let value = try reader.readString() else { return nil }
                    seenModel = true
                    model = value
                } else if reader.key(key.range, is: "id") {
                    guard !seenID, let value = try reader.readString() else { return nil }
                    seenID = true
                    id = value
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
        if let id, !sawGeneration {
            sawGeneration = true
            events.append(.generation(id: id))
        }
        if let reasoning = message.reasoning, !reasoning.isEmpty { events.append(.reasoning(reasoning)) }
        if let content = message.content, !content.isEmpty { events.append(.text(content)) }
        if let finishReason { events.append(.finish(reason: finishReason)) }
        return events
    }

    struct CommonMessage {
        var content: String?
        var reasoning: String?
    }

    /// Reads the first choice of an ordinary chunk; false when it is not one.
    static func readCommonChoice(
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
    static func readCommonMessage(_ reader: inout JSONParser, into message: inout CommonMessage) throws(JSONSyntaxError) -> Bool {
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
            } else if reader.key(key.range, is: "tool_calls") || reader.key(key.range, is: "reasoning_details")
                || reader.key(key.range, is: "annotations")
            {
                // Only their absence (or null) is ordinary.
                guard reader.nextByte == UInt8(ascii: "n") else { return false }
                try reader.skipValue()
            } else {
                try reader.skipValue()
            }
        }
        return true
    }
}
