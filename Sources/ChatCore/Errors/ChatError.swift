/// The error object OpenRouter sends: `{"error":{"code":N,"message":"...","metadata":{...}}}`,
/// before streaming (with HTTP status N), inside a 200 body, or as a mid-stream chunk.
public struct APIErrorInfo: Sendable, Equatable {
    /// The HTTP status, or the numeric `error.code` of an error delivered with HTTP 200.
    public var status: Int?
    /// `error.code` as text (it is a number or a string).
    public var code: String?
    /// `error.message`, verbatim.
    public var message: String
    /// `metadata.reasons` of a moderation error.
    public var reasons: [String]
    /// `metadata.flagged_input` of a moderation error.
    public var flaggedInput: String?
    /// `metadata.provider_name`, when the error came from an upstream provider.
    public var providerName: String?
    /// Seconds from a `Retry-After` header.
    public var retryAfter: Double?
    /// `metadata.error_type` (`context_length_exceeded`, `rate_limit_exceeded`, …), when sent.
    public var errorType: String?
    /// `metadata.raw`: what the upstream provider said, as text.
    public var providerRaw: String?

    public init(
        status: Int?, code: String? = nil, message: String, reasons: [String] = [], flaggedInput: String? = nil,
        providerName: String? = nil, retryAfter: Double? = nil, errorType: String? = nil, providerRaw: String? = nil
    ) {
        self.errorType = errorType
        self.providerRaw = providerRaw
        self.status = status
        self.code = code
        self.message = message
        self.reasons = reasons
        self.flaggedInput = flaggedInput
        self.providerName = providerName
        self.retryAfter = retryAfter
    }
}

/// Everything that can make a turn fail, as facts: what happened, with the server's words.
/// ``ErrorPresenter`` turns a case into the one line a user reads in the REPL, in a one-shot
/// run or in image generation, with the advice that fits there; ``exitCode`` maps it to
/// the process's exit code.
public enum ChatError: Error, Sendable, Equatable {
    /// The variable that should hold the API key is unset or empty.
    case missingAPIKey(variable: String)
    /// The API answered with an error object: before streaming (`inStream: false`, with the
    /// HTTP status or a 200-with-error), or as a chunk of a stream that had started.
    case api(APIErrorInfo, inStream: Bool)
    /// A non-2xx status whose body is not an OpenRouter error object (e.g. a proxy's HTML page).
    case httpStatus(Int, bodySnippet: String, retryAfter: Double?)
    /// The server could not be reached, or the connection broke before an answer.
    case connection(url: String, reason: String)
    /// TLS handshake or certificate failure.
    case tls(url: String, reason: String)
    /// No response, or no data on a started stream, for `seconds`.
    case timeout(seconds: Double)
    /// The server sent something that is not the protocol (bad JSON, missing fields).
    case malformedResponse(String)
    /// The stream ended without `data: [DONE]` or a finish reason.
    case truncatedStream
    /// A single body or SSE line exceeded the safety cap.
    case responseTooLarge(limitBytes: Int)
    /// The answer grew past `max_answer_mb`; it was stopped there.
    case answerTooLarge(limitBytes: Int)
    /// The user interrupted the turn.
    case cancelled
    /// The request could not be sent as built (a header with a forbidden character, a bad
    /// URL). Not retried: sending it again fails the same way.
    case invalidRequest(reason: String)
    /// The answer could not be written to standard output.
    case output(OutputFailure)

    /// HTTP statuses that are worth retrying (the contract: 408, 429, 500, 502, 503, 504, 524, 529).
    public static let retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504, 524, 529]

    /// Whether trying the same request again may succeed. Never true for 400/401/402/403.
    public var isRetryable: Bool {
        switch self {
        case .api(let info, let inStream): return !inStream && info.status.map(Self.retryableStatuses.contains) == true
        case .httpStatus(let status, _, _): return Self.retryableStatuses.contains(status)
        case .connection, .timeout: return true
        default: return false
        }
    }

    /// `Retry-After` seconds the server asked for, if any.
    public var retryAfter: Double? {
        switch self {
        case .api(let info, _): return info.retryAfter
        case .httpStatus(_, _, let retryAfter): return retryAfter
        default: return nil
        }
    }

    /// The HTTP status involved, when there is one.
    public var status: Int? {
        switch self {
        case .api(let info, _): return info.status
        case .httpStatus(let status, _, _): return status
        default: return nil
        }
    }

    /// Process exit code of the product contract: 1 API or network failure, 2 usage or config, 3 auth rejected, 130 interrupted.
    public var exitCode: Int32 {
        switch self {
        case .missingAPIKey: return 2
        case .cancelled: return 130
        case .output(.closed): return 141
        case .output(.failed): return 1
        default: return status == 401 ? 3 : 1
        }
    }

    /// One line for stderr in a one-shot run (see ``ErrorPresenter`` for the other contexts).
    public func oneLine(keyVariable: String = "OPENROUTER_API_KEY", keyProblem: String? = nil) -> String {
        ErrorPresenter(keyVariable: keyVariable, keyProblem: keyProblem).line(self, in: .oneShot)
    }

    /// What is odd about an API key's text, if anything: quotes or whitespace around it.
    public static func keyProblem(_ key: String) -> String? {
        let trimmed = key.trimmingWhitespace()
        let quoted = trimmed.count >= 2 && (trimmed.first == "\"" || trimmed.first == "'") && trimmed.last == trimmed.first
        if quoted { return "is wrapped in quotes; remove them" }
        if trimmed != key { return "has spaces or newlines around it; they were ignored, check the key itself" }
        return nil
    }
}
