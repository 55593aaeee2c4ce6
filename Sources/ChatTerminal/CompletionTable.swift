import ChatCore

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
    var sessions: [String] = []
    var reasoningValues: [String] = []

    init(commands: [String] = [], models: [String] = [], roles: [String] = [], sessions: [String] = [], reasoningValues: [String] = []) {
        // Commands may be given with or without their slash.
        self.commands = commands.map { $0.hasPrefix("/") ? $0 : "/" + $0 }
        self.models = models
        self.roles = roles
        self.sessions = sessions
        self.reasoningValues = reasoningValues
    }

    /// The table of `lists`, with what came from outside (model ids, file names of roles and
    /// sessions) made safe to list on the terminal.
    init(_ lists: CompletionLists) {
        self.init(
            commands: lists.commands, models: lists.models.map(TerminalText.sanitize), roles: lists.roles.map(TerminalText.sanitize),
            sessions: lists.sessions.map(TerminalText.sanitize), reasoningValues: lists.reasoningValues)
    }

    /// Commands whose arguments are model ids: every argument of `/compare` and `/fallback`,
    /// the first of the others.
    static let modelCommands: Set<String> = ["/model", "/regen", "/regenerate"]
    static let manyModelCommands: Set<String> = ["/compare", "/fallback"]

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
        if Self.modelCommands.contains(command) && arguments.count == 1 || Self.manyModelCommands.contains(command) {
            return .words(Self.matching(word, in: models))
        }
        if command == "/role" && arguments.count == 1 {
            return .words(Self.matching(word, in: roles))
        }
        if command == "/session" && arguments.count == 1 {
            return .words(Self.matching(word, in: sessions))
        }
        if command == "/set" && arguments.count == 2 && arguments[1] == "reasoning" {
            return .words(Self.matching(word, in: reasoningValues))
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
