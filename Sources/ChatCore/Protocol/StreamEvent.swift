/// Why the transport is waiting before trying again.
public struct RetryNotice: Sendable, Equatable {
    /// 1-based number of the attempt that failed.
    public var attempt: Int
    public var delaySeconds: Double
    /// One line saying what failed, e.g. "HTTP 429: rate limited".
    public var reason: String

    public init(attempt: Int, delaySeconds: Double, reason: String) {
        self.attempt = attempt
        self.delaySeconds = delaySeconds
        self.reason = reason
    }
}

/// What a transport yields while an answer arrives.
public enum StreamEvent: Sendable, Equatable {
    /// A piece of the answer text.
    case text(String)
    /// A piece of the model's reasoning (never part of the answer).
    case reasoning(String)
    /// The model that actually answered (may differ from the requested one with fallbacks).
    case model(String)
    /// Token counts and cost; comes last.
    case usage(Usage)
    /// The answer ended, with the API's finish reason when it gave one.
    case finish(reason: String?)
    /// The request failed before any answer and will be tried again after a delay.
    case retrying(RetryNotice)
    /// Images that came with the answer, as `data:image/...;base64,...` URLs.
    case images([String])
    /// The generation's id (`id` of the answer), for `GET /generation`; once per answer.
    case generation(id: String)
    /// A piece of a tool call (`delta.tool_calls[]`), joined by `index`.
    case toolCall(ToolCallDelta)
    /// Items (or pieces of items) of `reasoning_details`, kept to be sent back.
    case reasoningDetails([JSONValue])
    /// Sources the answer cites (`annotations[].url_citation`).
    case citations([Citation])
}

/// One piece of a streamed tool call: the first piece of an index carries the id and the
/// name, the following ones more of the arguments.
public struct ToolCallDelta: Sendable, Equatable {
    public var index: Int
    public var id: String?
    public var name: String?
    public var arguments: String

    public init(index: Int, id: String? = nil, name: String? = nil, arguments: String = "") {
        self.index = index
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// A web source an answer cites.
public struct Citation: Sendable, Equatable {
    public var url: String
    public var title: String?

    public init(url: String, title: String? = nil) {
        self.url = url
        self.title = title
    }
}
