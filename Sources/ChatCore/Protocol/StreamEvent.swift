/// Token counts and cost of one answer, as the API reports them.
public struct Usage: Sendable, Equatable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int
    /// Cost in USD, when the API reports it.
    public var cost: Double?

    public init(promptTokens: Int = 0, completionTokens: Int = 0, totalTokens: Int? = nil, cost: Double? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens ?? promptTokens + completionTokens
        self.cost = cost
    }

    /// Sums two usages (for session totals).
    public static func + (a: Usage, b: Usage) -> Usage {
        let cost: Double? = (a.cost == nil && b.cost == nil) ? nil : (a.cost ?? 0) + (b.cost ?? 0)
        return Usage(
            promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens,
            totalTokens: a.totalTokens + b.totalTokens, cost: cost)
    }
}

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
}

/// A complete answer, as the non-streaming call returns it.
public struct ChatResponse: Sendable, Equatable {
    public var content: String
    public var reasoning: String
    public var model: String?
    public var usage: Usage?
    public var finishReason: String?
    /// Images that came with the answer (data URLs); saved to files, never put in history.
    public var images: [String] = []

    public init(content: String = "", reasoning: String = "", model: String? = nil, usage: Usage? = nil, finishReason: String? = nil) {
        self.content = content
        self.reasoning = reasoning
        self.model = model
        self.usage = usage
        self.finishReason = finishReason
    }

    /// Folds one event into the response.
    public mutating func apply(_ event: StreamEvent) {
        switch event {
        case .text(let t): content += t
        case .reasoning(let r): reasoning += r
        case .model(let m): model = m
        case .usage(let u): usage = u
        case .finish(let reason): if reason != nil { finishReason = reason }
        case .retrying: break
        case .images(let urls): images += urls
        }
    }
}
