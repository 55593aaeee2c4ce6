/// `/help`, `/system`, `/reset`, `/undo`, `/retry`, `/usage`: the conversation itself.
@MainActor
struct ConversationCommands {
    let state: REPLState

    func handle(_ command: SlashCommand) async {
        let renderer = state.renderer
        switch command {
        case .help:
            let width = SlashCommand.helpLines.map(\.0.count).max() ?? 0
            renderer.output(SlashCommand.helpLines.map { $0.0.padding(width) + "  " + $0.1 }.joined(separator: "\n") + "\n")
        case .system(nil):
            if let system = state.session.systemPrompt, !system.isEmpty {
                renderer.output(system + "\n")
            } else {
                renderer.notice("no system prompt; set one with /system TEXT")
            }
        case .system(let text?):
            state.session.systemPrompt = text
            renderer.notice("system prompt set (\(text.count) characters); history kept")
            state.autosave()
        case .reset:
            state.session.reset()
            state.pendingFiles.removeAll()
            state.autosave()
            renderer.notice("started over (system prompt and model kept; the old messages stay in the tree: /tree)")
        case .undo:
            if state.session.undo() {
                state.autosave()
                let turns = state.session.turnCount
                renderer.notice(
                    "moved back before the last message (\(turns) turn\(turns == 1 ? "" : "s") on this branch; /tree shows the others)")
            } else {
                renderer.notice("nothing to undo")
            }
        case .retry:
            // The unfinished turn's message; else a new answer to the last one (the old stays).
            guard let id = state.session.pendingID ?? state.session.lastUserID else {
                renderer.notice("nothing to retry")
                return
            }
            await TurnRunner(state: state).run(.answer(to: id))
        case .usage:
            let u = state.session.totalUsage
            let turns = state.session.turnCount
            var line =
                "\(turns) turn\(turns == 1 ? "" : "s"), \(u.promptTokens) prompt + \(u.completionTokens) completion = \(u.totalTokens) tokens"
            if let cost = u.cost { line += ", " + UsageText.cost(cost) }
            renderer.output(line + "\n")
        default:
            break
        }
    }
}
