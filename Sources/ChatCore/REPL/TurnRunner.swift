/// Sends one message of the REPL and records how it went: the message is saved as pending
/// before the request goes out; the request is fitted into the model's context; the answer
/// is shown as it streams; the cost is filled in from the model list when the API sent none;
/// images are saved; and the history changes only when the turn succeeds.
@MainActor
struct TurnRunner {
    let state: REPLState

    /// Sends typed text with whatever `/file` attached.
    func send(_ text: String) async {
        let files = state.pendingFiles
        state.pendingFiles.removeAll()
        await send(ChatMessage.user(text, files: files))
    }

    func send(_ message: ChatMessage) async {
        let renderer = state.renderer
        let services = state.services
        warnAboutInputs(message)
        let limit = state.modelInfo()?.contextLength
        let model = state.session.model
        var noted = false
        let fit: (ChatRequest, Int) -> ChatRequest = { request, newMessages in
            guard let limit else { return request }
            let (fitted, dropped) = ContextWindow.fit(request, contextLength: limit, newMessages: newMessages)
            if dropped > 0 && !noted {
                noted = true
                renderer.notice(
                    "the conversation is longer than \(model)'s context (\(limit) tokens): \(dropped) earlier messages were left out of this request (they stay in the saved transcript)"
                )
            }
            return fitted
        }
        // Saved before the request goes out: if this process dies mid-turn, the message is
        // in the autosave as the pending one, and /retry after --continue resends it.
        state.session.beginTurn(user: message)
        state.autosave()
        var loop = AnswerLoop(
            transport: services.transport, renderer: renderer, tools: services.tools, approval: state.approval,
            maxRounds: services.maxToolRounds, stream: state.stream, toolWait: state.waitedForTools ? .zero : .seconds(10),
            waitForInterrupt: services.waitForInterrupt, fit: fit)
        state.waitedForTools = true
        var result = await loop.run(message, in: state.session)
        if let error = result.outcome.error, ContextWindow.isContextExceeded(error), result.toolCalls.isEmpty {
            let (halved, dropped) = ContextWindow.halve(state.session.request(sending: message, stream: state.stream))
            if dropped > 0 {
                renderer.notice(
                    "the model's context was exceeded: retrying without \(dropped) earlier messages (they stay in the saved transcript)")
                loop.fit = { request, newMessages in
                    var trimmed = request
                    trimmed.messages = halved.messages.dropLast() + request.messages.suffix(newMessages)
                    return trimmed
                }
                result = await loop.run(message, in: state.session)
            }
        }
        if let error = result.outcome.error {
            fail(message, error)
            return
        }
        let response = result.outcome.response
        var messages = result.messages
        if !response.images.isEmpty, var final = messages.popLast() {
            var note = ""
            switch services.images?.save(answerImages: response.images) {
            case .success(let paths)?:
                renderer.output(paths.joined(separator: "\n"))
                note = "[image\(paths.count == 1 ? "" : "s") saved: \(paths.joined(separator: ", "))]"
            case .failure(let failure)?:
                renderer.error(failure.message)
            case nil:
                renderer.notice("the answer carried \(response.images.count) image(s), which cannot be saved here")
            }
            if !note.isEmpty {
                let text = final.content
                final.parts = [.text(text.isEmpty ? note : text + "\n" + note)]
            }
            messages.append(final)
        }
        state.session.recordSuccess(user: message, answer: messages, usage: priced(result.usage, model: response.model))
        state.lastAnswer = response.content
        state.lastGeneration = response.generationID
        // The message is on disk already (saved as pending before the request).
        state.autosave(inBackground: true)
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

    /// The usage, with the cost computed from the model list's prices when the API sent none.
    private func priced(_ usage: Usage?, model answered: String?) -> Usage? {
        guard var usage else { return nil }
        if usage.cost == nil, let model = state.modelInfo(answered ?? state.session.model),
            let input = model.promptPrice, let output = model.completionPrice
        {
            usage.cost = Double(usage.promptTokens) * input + Double(usage.completionTokens) * output
        }
        return usage
    }

    private func fail(_ message: ChatMessage, _ error: ChatError) {
        let renderer = state.renderer
        state.session.recordFailure(user: message)
        state.autosave(inBackground: true)
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
