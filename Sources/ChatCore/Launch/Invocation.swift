/// The command line, environment, config file and role resolved once into what this run
/// does. Every mode reads it; nothing reads the command line again.
public struct Invocation: Sendable {
    /// Which saved conversation this run continues and saves.
    public enum Conversation: Sendable, Equatable {
        /// None: a one-shot without `--session`, or a mode that is not a chat.
        case none
        /// A new one, named by the time it starts (the REPL).
        case new
        /// `--session NAME`: resumed, or started under that name.
        case named(String)
        /// `--continue`: the newest one no other process has open.
        case latest
    }

    /// The mode, the system prompt, the one-shot message and its files.
    public var plan: LaunchPlan
    /// Every setting, request parameters included: flags > role > environment > config.
    public var settings: Settings
    /// `--role NAME` (or the shell role of `-e`).
    public var role: RoleProfile?
    public var conversation: Conversation
    /// `--offline`: the built-in responder answers.
    public var offline: Bool
    /// `--json`: one JSON object on stdout.
    public var json: Bool
    /// `--raw`: no markdown rendering, no colour.
    public var raw: Bool
    /// `--debug`: the wire log on stderr.
    public var debug: Bool
    /// Whether this run picked a model (`-m`, or its role): a resumed conversation keeps its
    /// own model otherwise.
    public var choosesModel: Bool

    /// Resolves `arguments` with the config `file` and the `environment`; standard input is
    /// read (through `input`) only when the rules say so. `role` is the role the arguments
    /// name (``CommandLineArguments/roleName``), loaded; `schema` the `--schema` object, read.
    public static func resolve(
        _ arguments: CommandLineArguments, file: ConfigFile, environment: [String: String], input: LaunchPlan.Input,
        role: RoleProfile? = nil, schema: RawJSON? = nil
    ) throws(UsageError) -> Invocation {
        let plan = try LaunchPlan.make(arguments, input: input)
        let settings: Settings
        do {
            settings = try Settings(
                file: file, environment: environment, arguments: arguments, systemPrompt: plan.systemPrompt, responseSchema: schema,
                role: role)
        } catch {
            throw UsageError(error.message, underlying: error)
        }
        var conversation = Conversation.none
        if plan.keepsSession(arguments) {
            conversation = arguments.continueLast ? .latest : arguments.session.map(Conversation.named) ?? .new
        }
        return Invocation(
            plan: plan, settings: settings, role: role, conversation: conversation, offline: arguments.offline, json: arguments.json,
            raw: arguments.raw, debug: arguments.debug, choosesModel: arguments.model != nil || role?.model != nil)
    }

    /// Whether this run starts its tools: a chat (one-shot or REPL) that talks to OpenRouter
    /// with tools on and servers configured.
    public var startsTools: Bool {
        switch plan.mode {
        case .oneShot, .repl: !offline && settings.toolsEnabled && !settings.mcpServers.isEmpty
        default: false
        }
    }

    /// The conversation this run starts from: `resumed` continued (its model kept unless this
    /// run chose one, its system prompt unless this run gave one), or a new one; with this
    /// run's request settings either way.
    public func session(resuming resumed: SessionArchive?) -> ChatSession {
        guard let resumed else {
            return ChatSession(
                model: settings.model, systemPrompt: settings.systemPrompt, parameters: settings.parameters,
                fallbackModels: settings.fallbackModels)
        }
        var session = ChatSession(resuming: resumed, parameters: settings.parameters, fallbackModels: settings.fallbackModels)
        if choosesModel { session.model = settings.model }
        if plan.systemPrompt != nil || role != nil { session.systemPrompt = settings.systemPrompt }
        return session
    }
}
