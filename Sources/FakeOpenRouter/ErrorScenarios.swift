/// The error scenarios: `fake/error-NNN`, `fake/moderation`, `fake/provider-error` and
/// `fake/context`, worded and shaped as OpenRouter sends them.
extension DefaultResponder {
    /// `fake/provider-error`: the provider rejected the request; `metadata.raw` is its own error body.
    static var providerError: ResponsePlan {
        let metadata = JSONText.object([
            ("provider_name", .string("FakeProvider")),
            ("raw", .string(#"{"error":{"message":"Invalid schema for function 'x'"}}"#)),
            ("error_type", .string("invalid_request")),
        ])
        return .error(status: 400, message: "Provider returned error", metadataJSON: metadata.encoded)
    }

    /// `fake/context`: the prompt does not fit the model's context window.
    static var contextLengthError: ResponsePlan {
        .error(
            status: 400, message: "This endpoint's maximum context length is 1000 tokens",
            metadataJSON: #"{"error_type":"context_length_exceeded"}"#)
    }

    /// A realistic error for status `status`, as OpenRouter words it.
    static func errorScenario(status: Int, lastUser: String) -> ResponsePlan {
        switch status {
        case 400: return .error(status: 400, message: "Invalid request: 'messages' must be a non-empty array")
        case 401: return .error(status: 401, message: "No auth credentials found")
        case 402:
            return .error(
                status: 402,
                message: "Insufficient credits. Add more using https://openrouter.ai/settings/credits")
        case 403:
            let flagged = lastUser.count > 100 ? String(lastUser.prefix(100)) + "..." : lastUser
            let metadata = JSONText.object([
                ("reasons", .array([.string("violence")])),
                ("flagged_input", .string(flagged)),
                ("provider_name", .string("FakeModerator")),
                ("model_slug", .string("fake/moderation")),
            ])
            return .error(
                status: 403, message: "fake/moderation requires moderation on FakeModerator. Your input was flagged for \"violence\"",
                metadataJSON: metadata.encoded)
        case 404: return .error(status: 404, message: "No endpoints found for this model.")
        case 408: return .error(status: 408, message: "Request timed out")
        case 429:
            return .error(
                status: 429, message: "Rate limit exceeded: free-models-per-min. Please retry shortly.", retryAfter: "1")
        case 500: return .error(status: 500, message: "Internal Server Error")
        case 502:
            return .error(
                status: 502, message: "Provider returned error",
                metadataJSON: #"{"provider_name":"FakeProvider","raw":"upstream connect error"}"#)
        case 503:
            return .error(status: 503, message: "No instances available for the requested model", retryAfter: "1")
        case 504: return .error(status: 504, message: "Gateway Timeout")
        case 524: return .error(status: 524, message: "Provider timed out")
        case 529: return .error(status: 529, message: "Provider is overloaded")
        default: return .error(status: status, message: "Fake error \(status)")
        }
    }
}
