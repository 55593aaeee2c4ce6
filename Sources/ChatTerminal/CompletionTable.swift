/// What Tab completes: slash commands at the start of a line, model ids after
/// `/model `, file names after commands that take a path.
struct CompletionTable: Sendable, Equatable {
    /// What a completion request resolves to.
    enum Result: Equatable {
        /// These words (may be empty: nothing matches).
        case words([String])
        /// Let libedit complete file names.
        case fileNames
    }

    /// Commands whose argument is a file path.
    static let pathCommands: Set<String> = ["/file", "/load", "/save", "/export"]

    var commands: [String] = []
    var models: [String] = []
    var roles: [String] = []

    init(commands: [String] = [], models: [String] = [], roles: [String] = []) {
        // Commands may be given with or without their slash.
        self.commands = commands.map { $0.hasPrefix("/") ? $0 : "/" + $0 }
        self.models = models
        self.roles = roles
    }

    /// Completions of `word`, the word under the cursor, where `lineBeforeWord` is the
    /// text of the line before it.
    func complete(word: String, lineBeforeWord: String) -> Result {
        let before = lineBeforeWord.drop { $0 == " " || $0 == "\t" }
        if before.isEmpty {
            guard word.hasPrefix("/") else { return .words([]) }
            return .words(Self.matching(word, in: commands))
        }
        let arguments = before.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let command = arguments.first.map(String.init) else { return .words([]) }
        if command == "/model" && arguments.count == 1 {
            return .words(Self.matching(word, in: models))
        }
        if command == "/role" && arguments.count == 1 {
            return .words(Self.matching(word, in: roles))
        }
        if Self.pathCommands.contains(command) {
            return .fileNames
        }
        return .words([])
    }

    private static func matching(_ prefix: String, in words: [String]) -> [String] {
        var seen = Set<String>()
        return words.filter { $0.hasPrefix(prefix) && seen.insert($0).inserted }
    }

    /// The longest common prefix of `words`, by Unicode scalars (what libedit inserts
    /// when several words match).
    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first.map({ Array($0.unicodeScalars) }) else { return "" }
        for word in words.dropFirst() {
            let scalars = Array(word.unicodeScalars)
            var count = 0
            while count < min(prefix.count, scalars.count) && prefix[count] == scalars[count] {
                count += 1
            }
            prefix.removeSubrange(count...)
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: prefix)
        return String(result)
    }
}
