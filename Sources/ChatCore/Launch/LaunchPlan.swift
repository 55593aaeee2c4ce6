/// What piped standard input means (`--stdin`).
public enum StdinMode: String, Sendable, Equatable, CaseIterable {
    case system, user, repl, none
}

/// The rules of the product contract's command line, as a pure decision: from what was asked and what
/// standard input holds, which mode runs, with which system prompt and message — or the
/// one-line usage error (exit 2).
public struct LaunchPlan: Sendable, Equatable {
    /// Standard input: whether it is a terminal, and how to read all of it (called at most once).
    public struct Input {
        public var isTerminal: Bool
        /// Reads standard input to its end, at most ``InputLimits/standardInputBytes``.
        public var readAll: () throws(InputFailure) -> String
        /// Reads a `--system-file` path, at most ``InputLimits/systemFileBytes``.
        public var readFile: (String) throws(InputFailure) -> String

        public init(
            isTerminal: Bool, readAll: @escaping () throws(InputFailure) -> String,
            readFile: @escaping (String) throws(InputFailure) -> String
        ) {
            self.isTerminal = isTerminal
            self.readAll = readAll
            self.readFile = readFile
        }
    }

    /// Why standard input or a `--system-file` was not read.
    public enum InputFailure: Error, Sendable, Equatable {
        /// It holds more than `limit` bytes; nothing past the limit was read.
        case tooLarge(limit: Int)
        /// The system's reason, e.g. "No such file or directory", "it is a FIFO, not a regular file".
        case unreadable(reason: String)
    }

    public enum Mode: Sendable, Equatable {
        case oneShot
        /// `scripted`: lines come from piped stdin (`--stdin repl`); `pipedSystemPrompt`: the
        /// conversation happens on `/dev/tty`, because stdin carried the system prompt (or is no terminal).
        case repl(scripted: Bool, pipedSystemPrompt: Bool)
        case listModels(filter: String?)
        case keyInfo
        case image(prompt: String)
        /// `--sessions [QUERY]`.
        case sessions(query: String?)
        case deleteSession(name: String)
        /// `-e TASK`: ask for one shell command.
        case execute(task: String)
    }
    public var mode: Mode
    /// The system prompt from `-s`, `--system-file` or piped stdin; nil when none was given.
    public var systemPrompt: String?
    /// Whether the system prompt came from piped stdin (the REPL says so in its banner).
    public var systemPromptFromStdin = false
    /// The one-shot message (piped text first with `--stdin user`).
    public var message: String
    /// Files to attach to the one-shot message.
    public var files: [String]

    public static func make(_ arguments: CommandLineArguments, input: Input) throws(UsageError) -> LaunchPlan {
        var systemFromFile: String?
        if arguments.systemFile == "-" {
            if arguments.stdin == .user || arguments.stdin == .repl {
                throw UsageError("--system-file - reads stdin, which --stdin \(arguments.stdin.rawValue) also wants; pick one")
            }
            systemFromFile = trimmingTrailingNewlines(try readStandardInput(input, for: "--system-file -"))
        } else if let path = arguments.systemFile {
            do {
                systemFromFile = trimmingTrailingNewlines(try input.readFile(path))
            } catch {
                switch error {
                case .tooLarge(let limit):
                    throw UsageError(
                        "--system-file \(path) is larger than \(InputLimits.size(limit)), the most a system prompt file may hold")
                case .unreadable(let reason):
                    throw UsageError("cannot read --system-file \(path): \(reason)")
                }
            }
        }
        // "Piped" means stdin is not a terminal and yields non-blank text.
        var piped: String?
        if arguments.systemFile != "-", !input.isTerminal, arguments.stdin == .system || arguments.stdin == .user {
            let text = try readStandardInput(input, for: arguments.stdin == .user ? "--stdin user" : "piped as the system prompt")
            if !text.trimmingWhitespace().isEmpty { piped = text }
        }

        var plan = LaunchPlan(
            mode: .oneShot, systemPrompt: arguments.system ?? systemFromFile, message: arguments.message.joined(separator: " "),
            files: arguments.files)
        if arguments.role != nil && (arguments.system != nil || arguments.systemFile != nil) {
            let other = arguments.system != nil ? "-s/--system" : "--system-file"
            throw UsageError("two system prompts: --role and \(other); drop one")
        }
        if let piped {
            switch arguments.stdin {
            case .system:
                if arguments.system != nil || arguments.systemFile != nil || arguments.role != nil {
                    let other = arguments.system != nil ? "-s/--system" : arguments.role != nil ? "--role" : "--system-file"
                    throw UsageError("two system prompts: piped stdin and \(other); drop one, or use --stdin user/none")
                }
                plan.systemPrompt = trimmingTrailingNewlines(piped)
                plan.systemPromptFromStdin = true
            case .user:
                let text = trimmingTrailingNewlines(piped)
                plan.message = plan.message.isEmpty ? text : text + "\n\n" + plan.message
            case .repl, .none:
                break
            }
        }
        if !arguments.files.isEmpty && plan.message.isEmpty && arguments.image == nil && !arguments.listModels && !arguments.keyInfo {
            throw UsageError("-f/--file attaches to a one-shot MESSAGE; give a message too (in the REPL use /file)")
        }

        if let prompt = arguments.image {
            guard !prompt.trimmingWhitespace().isEmpty else {
                throw UsageError("--image needs a prompt, e.g. --image \"a lighthouse at dawn\"")
            }
            plan.mode = .image(prompt: prompt)
        } else if arguments.listModels {
            plan.mode = .listModels(filter: plan.message.isEmpty ? nil : plan.message)
        } else if arguments.keyInfo {
            plan.mode = .keyInfo
        } else if arguments.listSessions {
            plan.mode = .sessions(query: plan.message.isEmpty ? nil : plan.message)
        } else if let name = arguments.deleteSession {
            plan.mode = .deleteSession(name: name)
        } else if let task = arguments.execute {
            guard !task.trimmingWhitespace().isEmpty else {
                throw UsageError("-e/--execute needs a task, e.g. -e \"list the largest files here\"")
            }
            plan.mode = .execute(task: [task, plan.message].filter { !$0.isEmpty }.joined(separator: " "))
        } else if !plan.message.isEmpty {
            plan.mode = .oneShot
        } else if arguments.stdin == .repl && !input.isTerminal {
            plan.mode = .repl(scripted: true, pipedSystemPrompt: false)
        } else {
            plan.mode = .repl(scripted: false, pipedSystemPrompt: plan.systemPromptFromStdin || !input.isTerminal)
        }
        if arguments.json, case .repl = plan.mode {
            throw UsageError("--json works in one-shot mode only; give a MESSAGE")
        }
        if arguments.schema != nil, plan.mode != .oneShot {
            throw UsageError("--schema works in one-shot mode only; give a MESSAGE")
        }
        if arguments.image != nil && arguments.offline {
            throw UsageError("--image needs an image model; it is not available with --offline")
        }
        if arguments.session != nil && arguments.continueLast {
            throw UsageError("give either --session NAME or --continue, not both")
        }
        return plan
    }

    /// Whether this run continues and autosaves a saved session: every REPL, and a one-shot
    /// run with `--session` or `--continue`.
    public func keepsSession(_ arguments: CommandLineArguments) -> Bool {
        switch mode {
        case .repl: true
        case .oneShot: arguments.session != nil || arguments.continueLast
        default: false
        }
    }

    /// Standard input whole, or the one-line error naming it, what read it (`use`) and the cap.
    private static func readStandardInput(_ input: Input, for use: String) throws(UsageError) -> String {
        do {
            return try input.readAll()
        } catch {
            switch error {
            case .tooLarge(let limit):
                throw UsageError(
                    "standard input (\(use)) holds more than \(InputLimits.size(limit)), the most read from it; "
                        + "put the text in a file and attach it with -f, or use --stdin none")
            case .unreadable(let reason):
                throw UsageError("cannot read standard input (\(use)): \(reason)")
            }
        }
    }

    static func trimmingTrailingNewlines(_ s: String) -> String {
        var s = Substring(s)
        while let last = s.last, last.isNewline || last == " " || last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
