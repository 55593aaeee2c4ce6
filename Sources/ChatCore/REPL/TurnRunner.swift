/// Sends a message of the REPL through the turn pipeline, with what `/file` attached, and
/// says how it went in the REPL's words.
@MainActor
struct TurnRunner {
    let state: REPLState

    /// Sends typed text with whatever `/file` attached.
    func send(_ text: String) async {
        let files = state.pendingFiles
        state.pendingFiles.removeAll()
        await run(.message(ChatMessage.user(text, files: files)))
    }

    /// Sends `message` as the next user message.
    func send(_ message: ChatMessage) async {
        await run(.message(message))
    }

    /// Runs one turn; `model` answers instead of the session's.
    func run(_ input: TurnPipeline.Input, model: String? = nil) async {
        let renderer = state.renderer
        if case .message(let message) = input { warnAboutInputs(message) }
        let report = await state.pipeline.run(input, in: &state.session, renderer: renderer, model: model)
        if let error = report.error {
            fail(error)
            return
        }
        if let failure = report.saveFailure { renderer.error("autosave failed: \(failure)") }
        if !report.savedImages.isEmpty { renderer.output(report.savedImages.joined(separator: "\n")) }
        state.lastAnswer = report.response.content
        state.lastGeneration = report.response.generationID
    }

    /// Warns when the model list says the model does not take what is attached, naming
    /// models that do.
    private func warnAboutInputs(_ message: ChatMessage) {
        guard let info = state.modelInfo(), let inputs = info.inputModalities else { return }
        let kinds = Set(message.attachments.map(\.kind))
        for kind in Attachment.Kind.allCases where kinds.contains(kind) && !inputs.contains(kind.modality) {
            let others = ModelTable.accepting(kind.modality, in: state.services.models.known() ?? [])
            state.renderer.notice(
                "warning: \(info.id) does not take \(kind.rawValue) input (it takes \(inputs.joined(separator: ", ")))"
                    + (others.isEmpty ? "; sending anyway" : "; models that do: \(others.joined(separator: ", ")); sending anyway"))
        }
    }

    private func fail(_ error: ChatError) {
        let renderer = state.renderer
        if case .output(let failure) = error {
            // Nobody reads the answers any more: leave, saying why only when it is not a closed pipe.
            if case .failed = failure { renderer.error(state.services.errors.line(error, in: .repl)) }
            state.endCode = error.exitCode
            return
        }
        if error == .cancelled {
            renderer.notice("answer stopped; not added to the conversation (/retry sends it again)")
        } else {
            renderer.error(state.services.errors.line(error, in: .repl) + " (your message is kept: /retry)")
        }
    }
}
