/// What the user typed after `--sessions`, as FTS5 query strings.
///
/// The text is never FTS5 syntax: every word becomes a quoted string (quotes doubled), so
/// `AND`, `NEAR`, `*`, `-x`, `col:` and unbalanced quotes are just words. A word is what is
/// between spaces; inside the quotes the index's tokenizer splits it further (`foo-bar` is the
/// phrase "foo bar"). The last word also matches as a prefix, for a query typed as far as it
/// goes (`swif` finds "Swift").
struct SessionSearchQuery: Equatable {
    /// One FTS5 string per word, e.g. `"foo"` or `"swif"*`.
    var terms: [String]

    /// Words past this many are ignored: each is one more pass over the index.
    static let maxWords = 16
    /// A last word of fewer letters or digits than this is matched whole (a one-letter prefix matches nearly everything).
    static let minPrefixLength = 2

    init(_ text: String) {
        // Control characters are graphemes of their own, so splitting there drops them all.
        let words = text.split(whereSeparator: { $0.isWhitespace || $0.unicodeScalars.allSatisfy(IndexedSession.isControl) })
            .filter { $0.unicodeScalars.contains(where: Self.isWordCharacter) }
            .prefix(Self.maxWords)
        terms = words.enumerated().map { index, word in
            let quoted = "\"" + word.replacing("\"", with: "\"\"") + "\""
            let letters = word.unicodeScalars.lazy.filter(Self.isWordCharacter).count
            return index == words.count - 1 && letters >= Self.minPrefixLength ? quoted + "*" : quoted
        }
    }

    /// Nothing searchable: no word with a letter or a digit.
    var isEmpty: Bool { terms.isEmpty }

    /// Messages with any of the words (to mark them in the snippet).
    var anyTerm: String { terms.joined(separator: " OR ") }

    /// What the tokenizer keeps (letters, digits, private use); a word without one would be an
    /// empty phrase, which matches nothing.
    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber, .letterNumber,
            .otherNumber, .privateUse:
            return true
        default:
            return false
        }
    }
}
