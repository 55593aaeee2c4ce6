/// `-e TASK` and `/exec TASK`: ask the model (with the `shell` role) for one command, show
/// it, and act only on a key: `e` execute, `d` describe, `c` copy; anything else aborts.
/// Nothing runs that the user did not see and approve: the command is shown visibly
/// (``ShellCommandView``), and one taller than the screen only after `v` showed it whole.
@MainActor
public struct ShellCommandFlow {
    /// How the flow ended.
    public enum Outcome: Sendable, Equatable {
        /// Executed: the command's exit status.
        case executed(Int32)
        case copied
        /// Printed only (no terminal to ask on).
        case printed
        /// Any other key, Ctrl-C, or end of input.
        case aborted
        /// The command could not be offered (a NUL in it); the reason was shown.
        case refused
        case failed(ChatError)
    }

    public var renderer: any ChatRenderer
    public var shell: (any ShellServices)?
    /// The session to ask in: the shell role's prompt, the model and parameters.
    public var session: ChatSession
    public var errors: ErrorPresenter
    /// How the command (and its description) is asked for: no tools, nothing saved.
    let pipeline: TurnPipeline

    public init(
        transport: any ChatTransport, renderer: any ChatRenderer, shell: (any ShellServices)?, session: ChatSession,
        errors: ErrorPresenter, waitForInterrupt: (@Sendable () async -> Void)? = nil
    ) {
        self.renderer = renderer
        self.shell = shell
        self.session = session
        self.errors = errors
        pipeline = TurnPipeline(services: .init(transport: transport, waitForInterrupt: waitForInterrupt))
    }

    init(state: REPLState) {
        var session = ChatSession(model: state.session.model, parameters: state.session.parameters)
        if let role = try? state.services.roles?.role("shell") { role.apply(to: &session, keepModel: true) }
        self.init(
            transport: state.services.transport, renderer: state.renderer, shell: state.services.shell, session: session,
            errors: state.services.errors, waitForInterrupt: state.services.waitForInterrupt)
    }

    /// Asks in a new conversation of `session`'s settings; the answer's text, or the failure.
    private func ask(_ text: String, systemPrompt: String? = nil) async -> Result<String, ChatError> {
        var asking = ChatSession(
            model: session.model, systemPrompt: systemPrompt ?? session.systemPrompt, parameters: session.parameters,
            fallbackModels: session.fallbackModels)
        let report = await pipeline.run(.message(.user(text)), in: &asking, renderer: SilentRenderer(), offerTools: false)
        if let error = report.error { return .failure(error) }
        return .success(report.response.content)
    }

    /// `/exec` in the REPL.
    func run(_ task: String?) async {
        guard let task, !task.trimmingWhitespace().isEmpty else {
            renderer.notice("usage: /exec TASK, e.g. /exec find the ten largest files here")
            return
        }
        switch await run(task: task) {
        case .executed(let status): renderer.notice("exit status \(status)")
        case .failed(let error): renderer.error(errors.line(error, in: .repl))
        case .copied, .printed, .aborted, .refused: break
        }
    }

    /// Asks for the command and acts on the user's key.
    public func run(task: String) async -> Outcome {
        let answer: String
        switch await ask(task) {
        case .success(let text): answer = text
        case .failure(let error): return .failed(error)
        }
        let command = ShellCommandText.extract(answer)
        if let refusal = ShellCommandText.refusal(command) {
            renderer.error(refusal)
            return .refused
        }
        guard let shell else {
            renderer.output(command + "\n")
            return .printed
        }
        let view = ShellCommandView(command: command, screen: shell.screenSize)
        var seenWhole = view.fitsOnScreen
        renderer.output(view.preview + "\n")
        while true {
            let question =
                seenWhole
                ? "[e]xecute, [d]escribe, [c]opy, anything else aborts: "
                : "[v]iew all \(view.countText), [d]escribe, [c]opy, anything else aborts: "
            switch shell.ask(question) {
            case "v":
                renderer.output(view.numbered + "\n")
                seenWhole = true
            case "e" where !seenWhole:
                renderer.notice("see the whole command first: v shows all \(view.countText)")
            case "e":
                guard let status = shell.run(command) else {
                    renderer.error("cannot start $SHELL to run the command")
                    return .aborted
                }
                return .executed(status)
            case "d":
                let described = await ask(
                    command, systemPrompt: "Explain briefly, in plain words, what this shell command does and any risk it carries.")
                switch described {
                case .success(let text): renderer.output(text.trimmingWhitespace() + "\n")
                case .failure(let error): return .failed(error)
                }
            case "c":
                renderer.notice(shell.copy(command) ? "copied" : "this terminal cannot take the clipboard (OSC 52); nothing copied")
                return .copied
            default:
                renderer.notice("aborted; nothing was run")
                return .aborted
            }
        }
    }
}
