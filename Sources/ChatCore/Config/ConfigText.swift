// Small helpers of config checking: number text, suggestions, names.

func fmt(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d) }

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for (i, ca) in a.enumerated() {
        var current = [i + 1] + Array(repeating: 0, count: b.count)
        for (j, cb) in b.enumerated() {
            current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}

/// Whether `s` looks like an API key rather than a variable name.
func looksLikeAPIKey(_ s: String) -> Bool {
    s.hasPrefix("sk-") || s.hasPrefix("Bearer ") || (s.count >= 32 && s.contains("-") && s.lowercased() == s)
}

func isValidEnvironmentName(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
    return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
}

/// When to colour output.
public enum ColorMode: String, Sendable, Equatable {
    case auto, always, never
}

/// Who generates images.
public enum ImageProvider: String, Sendable, Equatable {
    case openrouter, openai
}
