/// Close matches for a mistyped word, by edit distance: commands, session names, model ids.
public enum Suggestions {
    /// The candidates within a small edit distance of `word` (at most 2, or a third of its
    /// length for long words), closest first; at most `limit`.
    public static func close(to word: String, among candidates: [String], limit: Int = 3) -> [String] {
        let target = Array(word.lowercased())
        let allowed = max(2, target.count / 3)
        let scored = candidates.compactMap { candidate -> (String, Int)? in
            guard candidate != word else { return nil }
            let distance = editDistance(Array(candidate.lowercased()), target)
            return distance <= allowed ? (candidate, distance) : nil
        }
        return scored.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.prefix(limit).map(\.0)
    }
}
