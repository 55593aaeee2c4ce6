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

    public var transport: any ChatTransport
    public var renderer: any ChatRenderer
    public var shell: (any ShellServices)?
    /// The session to ask in: the shell role's prompt, the model and parameters.
    public var session: ChatSession
    public var errors: ErrorPresenter
    /// Whether the answers are asked for as a stream (config `stream`).
    public var stream: Bool

    public init(
        transport: any ChatTransport, renderer: any ChatRenderer, shell: (any ShellServices)?, session: ChatSession,
        errors: ErrorPresenter, stream: Bool = true
    ) {
        self.stream = stream
        self.transport = transport
        self.renderer = renderer
        self.shell = shell
        self.session = session
        self.errors = errors
    }

    init(state: REPLState) {
        var session = ChatSession(model: state.session.model, parameters: state.session.parameters)
        if let role = try? state.services.roles?.role("shell") { role.apply(to: &session, keepModel: true) }
        self.init(
            transport: state.services.transport, renderer: state.renderer, shell: state.services.shell, session: session,
            errors: state.services.errors, stream: state.stream)
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
        let silent = SilentAnswer()
        let asked = await ChatTurn.run(session.request(sending: task, stream: stream), transport: transport, renderer: silent)
        if let error = asked.error { return .failed(error) }
        let command = ShellCommandText.extract(asked.response.content)
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
                var describe = session
                describe.systemPrompt = "Explain briefly, in plain words, what this shell command does and any risk it carries."
                let described = await ChatTurn.run(
                    describe.request(sending: command, stream: stream), transport: transport, renderer: SilentAnswer())
                if let error = described.error { return .failed(error) }
                renderer.output(described.response.content.trimmingWhitespace() + "\n")
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

/// Collects an answer without showing it (the command is shown once, whole).
final class SilentAnswer: ChatRenderer {
    func beginAnswer() {}
    func answerText(_ text: String) {}
    func reasoningText(_ text: String) {}
    func endAnswer(_ response: ChatResponse, interrupted: Bool) {}
    func retrying(_ notice: RetryNotice) {}
    func output(_ text: String) {}
    func notice(_ text: String) {}
    func error(_ text: String) {}
}
