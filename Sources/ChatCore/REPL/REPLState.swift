/// What the REPL holds between inputs: the conversation, the request settings, what is
/// attached to the next message, and the services it works with. The command handlers and
/// the turn runner read and change it; only the REPL creates it.
@MainActor
public final class REPLState {
    public internal(set) var session: ChatSession
    let services: REPLServices
    /// How every turn of this REPL runs.
    let pipeline: TurnPipeline
    /// Files attached with `/file`, sent with the next message.
    var pendingFiles: [LoadedFile] = []
    /// Models used in this session, offered by completion even without a model list.
    var recentModels: [String]
    /// Set when the REPL must end (standard output is gone): the process's exit code.
    var endCode: Int32?
    /// The text of the last answer, for `/copy`.
    var lastAnswer: String?
    /// The generation id of the last answer, for `/generation`.
    var lastGeneration: String?
    init(session: ChatSession, services: REPLServices) {
        self.session = session
        self.services = services
        recentModels = [session.model]
        lastAnswer = session.lastAnswer
        // Which tool calls run: "always" answers last for the session.
        let approval = ToolApproval(patterns: services.autoApprove, approver: services.approver)
        pipeline = TurnPipeline(
            services: .init(
                transport: services.transport, tools: services.tools, approval: approval, maxToolRounds: services.maxToolRounds,
                waitForInterrupt: services.waitForInterrupt, models: services.models, images: services.images,
                store: services.conversations))
    }

    var renderer: any ChatRenderer { services.renderer }

    /// Saves what changed in the conversation; a failure is one line, and the chat goes on.
    func autosave() {
        do {
            try services.conversations?.record(session)
        } catch {
            renderer.error("autosave failed: \(error.message)")
        }
    }

    /// Continues in another conversation (`/session`, `/load`, `/fork`): `session`, or an empty
    /// one with this one's settings; what was attached and the last answer go with the old one.
    func adopt(_ next: ChatSession?) {
        if let next {
            session = next
        } else {
            session = ChatSession(
                model: session.model, systemPrompt: session.systemPrompt, parameters: session.parameters,
                fallbackModels: session.fallbackModels)
        }
        pendingFiles.removeAll()
        lastAnswer = session.lastAnswer
    }

    /// The model list, when one can be had (a note is shown when it is a stale copy).
    func models() async -> [ModelInfo]? {
        guard let (models, note) = await services.models.fetch() else { return nil }
        if let note { renderer.notice(note) }
        return models
    }

    /// The entry of the current model (or `id`) in the known model list.
    func modelInfo(_ id: String? = nil) -> ModelInfo? {
        let wanted = id ?? session.model
        return services.models.known()?.first { $0.id == wanted }
    }

    /// The words Tab completes now.
    func completionLists() -> CompletionLists {
        var ids = (services.models.known() ?? []).map(\.id)
        for id in [session.model] + session.fallbackModels + recentModels where !ids.contains(id) { ids.append(id) }
        return CompletionLists(
            commands: SlashCommand.names, models: ids, roles: services.roles?.names() ?? [],
            sessions: services.conversations?.sessionNames() ?? [], reasoningValues: ReasoningSetting.completions)
    }

    func usage(_ text: String) {
        renderer.notice("usage: \(text)")
    }
}
