import ArgumentParser
import ChatCore
import ChatOpenRouter

extension StdinMode: ExpressibleByArgument {}

/// The command line of the product contract.
struct Options: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp("Model id (default google/gemini-2.5-flash).", valueName: "id"))
    var model: String?

    @Option(name: [.short, .long], help: ArgumentHelp("System prompt.", valueName: "text"))
    var system: String?

    @Option(name: .customLong("system-file"), help: ArgumentHelp("System prompt from a file ('-' = standard input).", valueName: "path"))
    var systemFile: String?

    @Option(name: .long, help: ArgumentHelp("Config file (default $XDG_CONFIG_HOME/bankfuture-chat/config.json).", valueName: "path"))
    var config: String?

    @Option(name: .customLong("base-url"), help: ArgumentHelp("API base (default https://openrouter.ai/api/v1).", valueName: "url"))
    var baseURL: String?

    @Flag(name: .customLong("no-stream"), help: "Ask for the whole answer at once.")
    var noStream = false

    @Flag(name: .long, help: "Built-in offline responder: no network, no key.")
    var offline = false

    @Option(name: .long, help: ArgumentHelp("Sampling temperature (0-2).", valueName: "x"))
    var temperature: Double?

    @Option(name: .customLong("max-tokens"), help: ArgumentHelp("Maximum tokens in the answer.", valueName: "n"))
    var maxTokens: Int?

    @Flag(name: .long, help: "One-shot only: print one JSON object {\"content\",\"model\",\"usage\"}.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("What piped stdin is: system (default) | user | repl | none.", valueName: "mode"))
    var stdin: StdinMode = .system

    @Option(name: .long, help: ArgumentHelp("Generate an image and print the saved path(s).", valueName: "prompt"))
    var image: String?

    @Option(name: .long, help: ArgumentHelp("Resume or start a named saved session.", valueName: "name"))
    var session: String?

    @Flag(name: .long, help: "Plain text output, no markdown rendering.")
    var raw = false

    @Flag(name: .long, help: "Wire log on stderr (Authorization redacted).")
    var debug = false

    @Option(
        name: [.short, .customLong("file")],
        help: ArgumentHelp("Attach a file or URL to the message (repeatable): text, image, PDF or audio.", valueName: "path|url"))
    var files: [String] = []

    @Option(name: .long, help: ArgumentHelp("Start with a role (a persona: system prompt, model, parameters).", valueName: "name"))
    var role: String?

    @Option(
        name: [.short, .customLong("execute")], help: ArgumentHelp("Shell-command mode: ask for one command for TASK.", valueName: "task"))
    var execute: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Reasoning: \(ReasoningSetting.values).", valueName: "value"))
    var reasoning: String?

    @Flag(name: .long, help: "Web search with cited sources for this run.")
    var web = false

    @Option(
        name: .long,
        help: ArgumentHelp("One-shot: the answer must be JSON matching this JSON Schema (text, or @FILE).", valueName: "json|@file"))
    var schema: String?

    @Flag(name: [.short, .customLong("yes")], help: "Approve every tool call of this run.")
    var yes = false

    @Flag(name: .customLong("no-tools"), help: "Offer no tools to the model.")
    var noTools = false

    @Flag(name: .long, help: "List saved conversations, or search them (MESSAGE words are the query).")
    var sessions = false

    @Option(name: .customLong("delete-session"), help: ArgumentHelp("Delete a saved conversation and exit.", valueName: "name"))
    var deleteSession: String?

    @Flag(name: .long, help: "Print the model table and exit (a MESSAGE word filters it; with --json: JSON).")
    var models = false

    @Flag(name: .customLong("key-info"), help: "Credits and limits of the key (GET /key); never the key itself.")
    var keyInfo = false

    @Flag(name: .customLong("continue"), help: "Resume the last autosaved conversation.")
    var continueLast = false

    @Flag(
        name: .customLong("allow-insecure-http"), help: "Permit an http:// base URL on a non-loopback host (the key travels unencrypted).")
    var allowInsecureHTTP = false

    @Argument(help: ArgumentHelp("The message: given, one answer is printed and the program exits (one-shot).", valueName: "message"))
    var message: [String] = []

    mutating func validate() throws {
        if let t = temperature, !(0...2).contains(t) {
            throw ValidationError("--temperature must be between 0 and 2, got \(t)")
        }
        if let n = maxTokens, n < 1 {
            throw ValidationError("--max-tokens must be at least 1, got \(n)")
        }
        if system != nil && systemFile != nil {
            throw ValidationError("give either -s/--system or --system-file, not both")
        }
        if let reasoning, case .failure(let invalid) = ReasoningSetting.parse(reasoning) {
            throw ValidationError("--" + invalid.message)
        }
        if let model, model.isEmpty || model.contains(where: \.isWhitespace) {
            throw ValidationError("--model needs a model id without spaces, got \"\(model)\"")
        }
    }
}

extension Options {
    /// The command line as the core reads it: the one place the parser's values are copied.
    var arguments: CommandLineArguments {
        var arguments = CommandLineArguments()
        arguments.message = message
        arguments.model = model
        arguments.system = system
        arguments.systemFile = systemFile
        arguments.config = config
        arguments.baseURL = baseURL
        arguments.noStream = noStream
        arguments.offline = offline
        arguments.temperature = temperature
        arguments.maxTokens = maxTokens
        arguments.json = json
        arguments.stdin = stdin
        arguments.image = image
        arguments.session = session
        arguments.raw = raw
        arguments.debug = debug
        arguments.files = files
        arguments.role = role
        arguments.execute = execute
        if let reasoning, case .success(let setting) = ReasoningSetting.parse(reasoning) { arguments.reasoning = .some(setting) }
        arguments.web = web
        arguments.schema = schema
        arguments.yes = yes
        arguments.noTools = noTools
        arguments.listSessions = sessions
        arguments.deleteSession = deleteSession
        arguments.listModels = models
        arguments.keyInfo = keyInfo
        arguments.continueLast = continueLast
        arguments.allowInsecureHTTP = allowInsecureHTTP
        return arguments
    }
}

/// The `bankfuture-chat` command: its configuration (name, version, help) for ArgumentParser.
struct BankfutureChat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bankfuture-chat",
        abstract: "A terminal chat client for OpenRouter.",
        discussion: """
            With MESSAGE: one answer on stdout, then exit. Without: an interactive chat (REPL).
            Piped stdin is the system prompt (cat prompt.txt | bankfuture-chat); see --stdin.
            The API key is read from OPENROUTER_API_KEY (config key api_key_env names another variable).
            Exit codes: 0 ok, 1 API or network failure, 2 usage or config error, 3 key rejected, 130 interrupted.
            """,
        version: "bankfuture-chat \(BuildInfo.version)"
    )

    @OptionGroup var options: Options
}
