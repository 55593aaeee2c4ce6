/// Words for a ``ChatError`` where it is shown: what happened (the HTTP status and the
/// server's message verbatim, made safe), then what to do — advice that fits the context,
/// so a one-shot user is not told to `/undo`.
public struct ErrorPresenter: Sendable {
    /// Where the line is shown.
    public enum Context: Sendable {
        /// The interactive chat: slash commands are the remedies.
        case repl
        /// One message from the command line: flags are.
        case oneShot
        /// `/image` and `--image`.
        case images
    }

    /// The variable that holds the key in use, named by 401 advice.
    public var keyVariable: String
    /// Something odd about the key's text (quotes around it), added to a 401.
    public var keyProblem: String?

    public init(keyVariable: String = "OPENROUTER_API_KEY", keyProblem: String? = nil) {
        self.keyVariable = keyVariable
        self.keyProblem = keyProblem
    }

    /// The one line.
    public func line(_ error: ChatError, in context: Context) -> String {
        var line = summary(error)
        if let advice = advice(error, in: context) { line += " — " + advice }
        if let keyProblem, error.status == 401 { line += " (\(keyVariable) \(keyProblem))" }
        return line
    }

    /// What happened.
    public func summary(_ error: ChatError) -> String {
        switch error {
        case .missingAPIKey(let variable):
            return "no API key: \(variable) is not set; export \(variable)=sk-or-... (get one at https://openrouter.ai/keys), "
                + "or run with --offline to try the built-in offline responder"
        case .api(let info, let inStream):
            var head: String
            if inStream {
                head = "the answer failed mid-stream"
                if let status = info.status {
                    head += " (HTTP \(status))"
                } else if let code = info.code {
                    head += " (\(Self.serverText(code)))"
                }
            } else if let status = info.status {
                head = "HTTP \(status)"
            } else {
                head = "API error" + (info.code.map { " (\(Self.serverText($0)))" } ?? "")
            }
            var line = "\(head): \(Self.serverText(info.message))"
            if let provider = info.providerName { line += " [provider: \(Self.serverText(provider))]" }
            if let raw = info.providerRaw, !raw.isEmpty, raw != info.message {
                line += " (provider said: \(Self.serverText(raw, limit: 300)))"
            }
            if !info.reasons.isEmpty { line += " (reasons: \(Self.serverText(info.reasons.joined(separator: ", "))))" }
            return line
        case .httpStatus(let status, let snippet, _):
            return "HTTP \(status): " + (snippet.isEmpty ? "(empty body)" : "non-JSON body: \(Self.serverText(snippet))")
        case .connection(let url, let reason):
            return "connection to \(url) failed: \(reason)"
        case .tls(let url, let reason):
            return "TLS failure talking to \(url): \(reason)"
        case .timeout(let seconds):
            return "no answer from the server for \(UsageText.seconds(seconds)) s"
        case .malformedResponse(let what):
            return "the server sent a malformed response: \(Self.serverText(what))"
        case .truncatedStream:
            return "the answer stream ended early (no [DONE])"
        case .responseTooLarge(let limit):
            return "the server sent a response larger than \(limit / (1024 * 1024)) MiB in one piece"
        case .answerTooLarge(let limit):
            return "the answer grew past \(limit / (1024 * 1024)) MiB and was stopped (max_answer_mb)"
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

    /// What to do, in `context`; nil when there is nothing to add.
    public func advice(_ error: ChatError, in context: Context) -> String? {
        let listModels = context == .repl ? "/models" : "bankfuture-chat --models"
        switch error {
        case .missingAPIKey:
            return nil
        case .api(let info, let inStream):
            return statusAdvice(
                info.status, info: info, retryAfter: info.retryAfter, inStream: inStream, context: context, listModels: listModels)
        case .httpStatus(let status, _, let retryAfter):
            return statusAdvice(status, info: nil, retryAfter: retryAfter, inStream: false, context: context, listModels: listModels)
        case .connection:
            return "check the network, the proxy settings and base_url"
        case .tls:
            return "check the system clock, a proxy that intercepts TLS, or base_url"
        case .timeout:
            return "try again, or raise timeout_seconds in the config"
        case .malformedResponse:
            return "try again; if it persists, check base_url points at an OpenRouter-compatible API"
        case .truncatedStream:
            return "the partial answer was not kept; try again"
        case .responseTooLarge:
            return "refusing it; check base_url"
        case .answerTooLarge:
            return "raise max_answer_mb in the config if such answers are expected"
        case .cancelled, .invalidRequest, .output:
            return nil
        }
    }

    private func statusAdvice(
        _ status: Int?, info: APIErrorInfo?, retryAfter: Double?, inStream: Bool, context: Context, listModels: String
    ) -> String {
        let lower = (info?.message ?? "").lowercased()
        switch status {
        case 401: return "the API key was rejected; check \(keyVariable)"
        case 402: return "the account is out of credits; add credits at https://openrouter.ai/settings/credits"
        case 403: return "the input was flagged by moderation or a guardrail; rephrase it"
        case 404: return "the model or endpoint was not found; check the model id (list them with \(listModels))"
        case 400 where info.map(ContextWindow.isContextExceeded) == true:
            return context == .repl
                ? "the conversation is too long for this model; /undo or /reset"
                : "the input is too long for this model; shorten it or pick a model with a longer context (-m)"
        case 400 where lower.contains("model"): return "check the model id (list them with \(listModels))"
        case 400: return "the request was rejected; check the model id and parameters"
        case 408: return "the request timed out; try again"
        case 429:
            if let retryAfter { return "rate limited; wait \(UsageText.seconds(retryAfter)) s and try again" }
            return "rate limited; wait 10 s and try again (the server sent no Retry-After)"
        case 502, 503:
            return context == .images
                ? "the image model's provider is down or unavailable; try again later or another image_model"
                : "the model's provider is down or unavailable; try again later, another model, or set fallback_models"
        case .some(let s) where s >= 500: return "the server failed; try again later"
        default: return inStream ? "the partial answer was not kept; try again" : "try again"
        }
    }

    /// Server text inside an error line: one line, controls neutralised, at most 500 characters.
    static func serverText(_ text: String, limit: Int = TerminalText.errorTextLimit) -> String {
        TerminalText.oneLine(text, limit: limit)
    }
}
