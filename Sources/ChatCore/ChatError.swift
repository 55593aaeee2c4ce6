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

    public init(
        status: Int?, code: String? = nil, message: String, reasons: [String] = [], flaggedInput: String? = nil,
        providerName: String? = nil, retryAfter: Double? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.reasons = reasons
        self.flaggedInput = flaggedInput
        self.providerName = providerName
        self.retryAfter = retryAfter
    }
}

/// Everything that can make a turn fail. Each case renders as one line that says what
/// happened and what to do (`oneLine(keyVariable:)`), and maps to an exit code.
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

    /// HTTP statuses that are worth retrying (SPEC: 408, 429, 500, 502, 503, 504, 524, 529).
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

    /// Process exit code of SPEC.md: 1 API or network failure, 2 usage or config, 3 auth rejected, 130 interrupted.
    public var exitCode: Int32 {
        switch self {
        case .missingAPIKey: return 2
        case .cancelled: return 130
        case .output(.closed): return 141
        case .output(.failed): return 1
        default: return status == 401 ? 3 : 1
        }
    }

    /// One line for stderr: what failed (HTTP status and the server's message verbatim) and what to do.
    /// `keyProblem` describes something odd about the key (surrounding quotes, say), added to a 401.
    public func oneLine(keyVariable: String = "OPENROUTER_API_KEY", keyProblem: String? = nil) -> String {
        let line = baseLine(keyVariable: keyVariable)
        if let keyProblem, status == 401 { return line + " (\(keyVariable) \(keyProblem))" }
        return line
    }

    /// What is odd about an API key's text, if anything: quotes or whitespace around it.
    public static func keyProblem(_ key: String) -> String? {
        let trimmed = key.trimmingWhitespace()
        let quoted = trimmed.count >= 2 && (trimmed.first == "\"" || trimmed.first == "'") && trimmed.last == trimmed.first
        if quoted { return "is wrapped in quotes; remove them" }
        if trimmed != key { return "has spaces or newlines around it; they were ignored, check the key itself" }
        return nil
    }

    private func baseLine(keyVariable: String) -> String {
        switch self {
        case .missingAPIKey(let variable):
            return "no API key: \(variable) is not set; export \(variable)=sk-or-... (get one at https://openrouter.ai/keys), or run with --offline to try the built-in offline responder"
        case .api(let info, let inStream):
            var head: String
            if inStream {
                head = "the answer failed mid-stream"
                if let status = info.status { head += " (HTTP \(status))" } else if let code = info.code { head += " (\(code))" }
            } else if let status = info.status {
                head = "HTTP \(status)"
            } else {
                head = "API error" + (info.code.map { " (\($0))" } ?? "")
            }
            var line = "\(head): \(Self.serverText(info.message))"
            if let provider = info.providerName { line += " [provider: \(Self.serverText(provider))]" }
            if !info.reasons.isEmpty { line += " (reasons: \(Self.serverText(info.reasons.joined(separator: ", "))))" }
            return line + " — " + Self.hint(status: info.status, message: info.message, retryAfter: info.retryAfter, inStream: inStream, keyVariable: keyVariable)
        case .httpStatus(let status, let snippet, let retryAfter):
            let body = snippet.isEmpty ? "(empty body)" : "non-JSON body: \(snippet)"
            return "HTTP \(status): \(body) — " + Self.hint(status: status, message: "", retryAfter: retryAfter, inStream: false, keyVariable: keyVariable)
        case .connection(let url, let reason):
            return "connection to \(url) failed: \(reason) — check the network, the proxy settings and base_url"
        case .tls(let url, let reason):
            return "TLS failure talking to \(url): \(reason) — check the system clock, a proxy that intercepts TLS, or base_url"
        case .timeout(let seconds):
            return "no answer from the server for \(Self.formatSeconds(seconds)) s — try again, or raise timeout_seconds in the config"
        case .malformedResponse(let what):
            return "the server sent a malformed response: \(what) — try again; if it persists, check base_url points at an OpenRouter-compatible API"
        case .truncatedStream:
            return "the answer stream ended early (no [DONE]) — the partial answer was not kept; try again"
        case .responseTooLarge(let limit):
            return "the server sent a response larger than \(limit / (1024 * 1024)) MiB in one piece — refusing it; check base_url"
        case .answerTooLarge(let limit):
            return "the answer grew past \(limit / (1024 * 1024)) MiB and was stopped (max_answer_mb); raise max_answer_mb in the config if such answers are expected"
        case .cancelled:
            return "interrupted"
        case .invalidRequest(let reason):
            return "the request could not be sent: \(reason)"
        case .output(.closed):
            return "standard output was closed"
        case .output(.failed(_, let reason)):
            return "cannot write the answer to standard output: \(reason)"
        }
    }

    static func hint(status: Int?, message: String, retryAfter: Double?, inStream: Bool, keyVariable: String) -> String {
        let lower = message.lowercased()
        switch status {
        case 401: return "the API key was rejected; check \(keyVariable)"
        case 402: return "the account is out of credits; add credits at https://openrouter.ai/settings/credits"
        case 403: return "the input was flagged by moderation or a guardrail; rephrase it"
        case 404: return "the model or endpoint was not found; check the model id (list them with /models)"
        case 400 where lower.contains("model"): return "check the model id (list them with /models)"
        case 400 where lower.contains("context"): return "the conversation is too long for this model; /undo or /reset"
        case 400: return "the request was rejected; check the model id and parameters"
        case 408: return "the request timed out; try again"
        case 429:
            if let retryAfter { return "rate limited; wait \(formatSeconds(retryAfter)) s and try again" }
            return "rate limited; wait 10 s and try again (the server sent no Retry-After)"
        case 502, 503:
            return "the model's provider is down or unavailable; try again later, another model, or set fallback_models"
        case .some(let s) where s >= 500: return "the server failed; try again later"
        default: return inStream ? "the partial answer was not kept; try again" : "try again"
        }
    }

    static func formatSeconds(_ s: Double) -> String { UsageText.seconds(s) }

    /// Server text inside an error line: one line, controls neutralised, at most 500 characters.
    static func serverText(_ text: String) -> String {
        TerminalText.oneLine(text, limit: TerminalText.errorTextLimit)
    }
}
