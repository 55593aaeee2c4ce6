/// When to try a failed request again: exponential backoff with full jitter, honouring
/// the server's `Retry-After` up to a cap.
public struct RetryPolicy: Sendable, Equatable {
    /// Retries after the first attempt (0 = never retry).
    public var maxRetries: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// The longest `Retry-After` honoured, in seconds.
    public var retryAfterCap: Double

    public init(maxRetries: Int = 2, baseDelay: Double = 0.5, maxDelay: Double = 8, retryAfterCap: Double = 60) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.retryAfterCap = retryAfterCap
    }

    /// Seconds to wait before retry number `retry` (1-based) after `error`, or nil when
    /// the error is not worth retrying or the retries are used up.
    public func delay(beforeRetry retry: Int, after error: ChatError, random: (Double) -> Double = { Double.random(in: 0...$0) }) -> Double?
    {
        guard error.isRetryable, retry <= maxRetries else { return nil }
        if let retryAfter = error.retryAfter, retryAfter >= 0 {
            return min(retryAfter, retryAfterCap)
        }
        let ceiling = min(maxDelay, baseDelay * Double(1 << min(retry - 1, 16)))
        return random(ceiling)
    }

    /// Parses a `Retry-After` value: delay-seconds, or an HTTP date (IMF-fixdate) relative to `now`
    /// (seconds since 1970).
    public static func parseRetryAfter(_ value: String, now: Double) -> Double? {
        let trimmed = value.trimmingWhitespace()
        if let seconds = Double(trimmed), seconds.isFinite, seconds >= 0 { return seconds }
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        return max(0, date - now)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}

/// IMF-fixdate parsing ("Sun, 06 Nov 1994 08:49:37 GMT") without Foundation.
enum HTTPDate {
    static func parse(_ text: String) -> Double? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT",
            let day = Int(parts[1]), let year = Int(parts[3]),
            let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].firstIndex(
                of: String(parts[2]))
        else { return nil }
        let hms = parts[4].split(separator: ":").compactMap { Int($0) }
        // Out-of-range fields would overflow the arithmetic below (a hostile header must not trap).
        guard hms.count == 3, (1...31).contains(day), (1...9999).contains(year),
            (0...23).contains(hms[0]), (0...59).contains(hms[1]), (0...60).contains(hms[2])
        else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let m = month + 1
        let y = m <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Double(days * 86400 + hms[0] * 3600 + hms[1] * 60 + hms[2])
    }
}
