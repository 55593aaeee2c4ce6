/// The REPL: reads lines, joins continued ones, hands slash commands to their handlers and
/// messages to the turn runner. It knows the terminal only through `LineReader` and
/// `ChatRenderer`, so it is tested with a scripted reader and a recording renderer.
@MainActor
public final class ChatREPL {
    public let state: REPLState
    private var assembler = InputAssembler()
    private var lastInterruptAtEmptyPrompt = false

    public init(session: ChatSession, services: REPLServices) {
        state = REPLState(session: session, services: services)
        // Tab is pressed inside `readLine`, which the REPL calls on the main actor.
        services.reader.setCompletionSource { [state] in MainActor.assumeIsolated { state.completionLists() } }
    }

    /// The conversation as it stands.
    public var session: ChatSession { state.session }

    /// The prompt: the current model id.
    public var prompt: String {
        assembler.isPending ? "... " : "\(state.session.model)> "
    }

    /// Runs until `/exit` or end of input. Returns the exit code: 0, or 141 / 1 when standard
    /// output could no longer be written.
    public func run() async -> Int32 {
        let reader = state.services.reader
        while true {
            if let endCode = state.endCode { return endCode }
            let dropped = reader.discardTypeAheadAfterInterrupt()
            if dropped > 0 {
                state.renderer.notice("dropped \(dropped) line\(dropped == 1 ? "" : "s") typed during the answer")
            }
            switch reader.readLine(prompt: prompt) {
            case .endOfFile:
                if let text = assembler.flush(), !text.trimmingWhitespace().isEmpty {
                    // Input ended inside a block: send what was typed rather than lose it.
                    reader.remember(text)
                    _ = await handle(text)
                }
                return state.endCode ?? 0
            case .interrupt:
                if assembler.isPending {
                    assembler.cancel()
                    lastInterruptAtEmptyPrompt = false
                } else if lastInterruptAtEmptyPrompt {
                    state.renderer.notice("(press Ctrl-D or type /exit to leave)")
                    lastInterruptAtEmptyPrompt = false
                } else {
                    lastInterruptAtEmptyPrompt = true
                }
            case .line(let line):
                lastInterruptAtEmptyPrompt = false
                guard let input = assembler.add(line) else { continue }
                if !input.trimmingWhitespace().isEmpty { reader.remember(input) }
                if await handle(input) == false { return state.endCode ?? 0 }
            case .pasted(let text, let typedBefore):
                lastInterruptAtEmptyPrompt = false
                // A command only when its `/` was typed (or a block was open before the
                // paste); pasted text is a message whatever it starts with.
                let typedCommand = assembler.isPending || typedBefore.trimmingWhitespace().hasPrefix("/")
                guard let input = assembler.addVerbatim(text) else { continue }
                let trimmed = input.trimmingWhitespace()
                if trimmed.isEmpty { continue }
                if typedCommand {
                    reader.remember(input)
                    if await handle(input) == false { return state.endCode ?? 0 }
                } else {
                    // Recalled from history it is a typed line: `//` keeps it a message.
                    reader.remember(trimmed.hasPrefix("/") ? "/" + trimmed : input)
                    await TurnRunner(state: state).send(input)
                }
            }
        }
    }

    /// Handles one complete input. Returns false when the REPL should end.
    @discardableResult
    public func handle(_ input: String) async -> Bool {
        switch ParsedInput.parse(input) {
        case .empty:
            return true
        case .message(let text):
            await TurnRunner(state: state).send(text)
            return true
        case .unknownCommand(_, let hint):
            state.renderer.notice(hint)
            return true
        case .command(let command):
            return await run(command)
        }
    }

    private func run(_ command: SlashCommand) async -> Bool {
        switch command {
        case .exit:
            return false
        case .help, .system, .reset, .undo, .retry, .usage:
            await ConversationCommands(state: state).handle(command)
        case .history, .rewind, .editMessage, .regen, .tree, .switchBranch, .fork:
            await BranchCommands(state: state).handle(command)
        case .compare(let models):
            await CompareCommand(state: state).run(models)
        case .model, .models, .allModels, .fallback, .set, .web, .generation:
            await ModelCommands(state: state).handle(command)
        case .role:
            RoleCommands(state: state).handle(command)
        case .tools, .mcp:
            await ToolCommands(state: state).handle(command)
        case .sessions, .session, .rename:
            SessionCommands(state: state).handle(command)
        case .exec(let task):
            await ShellCommandFlow(state: state).run(task)
        case .save, .load, .export, .file:
            FileCommands(state: state).handle(command)
        case .edit, .copy, .image:
            await ComposeCommands(state: state).handle(command)
        }
        return true
    }
}
