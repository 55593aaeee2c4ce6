/// `/history`, `/rewind`, `/edit N`, `/regen`, `/tree`, `/switch`, `/fork`: the conversation
/// as a tree. Nothing is removed: these move the current position or add new versions.
@MainActor
struct BranchCommands {
    let state: REPLState

    func handle(_ command: SlashCommand) async {
        let renderer = state.renderer
        switch command {
        case .history:
            renderer.output(historyText())
        case .rewind(let argument):
            guard let id = userMessage(argument, usage: "/rewind N (N: a user message's number in /history)") else { return }
            do {
                try state.session.rewind(before: id)
            } catch {
                return renderer.error(error.reason)
            }
            state.autosave()
            renderer.notice(
                "moved to just before message \(argument ?? ""); what you send next is a new version of it (the old one stays: /tree)")
        case .editMessage(let number):
            await edit(number)
        case .regen(let model):
            guard let id = state.session.lastUserID else {
                renderer.notice("nothing to answer again: no user message on this branch")
                return
            }
            await TurnRunner(state: state).run(.answer(to: id), model: model)
        case .tree:
            renderer.output(treeText())
        case .switchBranch(let argument):
            let list = BranchList(state.session.tree)
            guard let text = argument, let number = Int(text), let branch = list.branch(number) else {
                state.usage("/switch K (K: a branch's number in /tree, 1 to \(list.branches.count))")
                return
            }
            do {
                try state.session.switchBranch(to: branch.end)
            } catch {
                return renderer.error(error.reason)
            }
            state.autosave()
            state.lastAnswer = state.session.lastAnswer
            renderer.notice("now on branch \(number) (\(branch.messageCount) message\(branch.messageCount == 1 ? "" : "s"))")
        case .fork(nil):
            state.usage("/fork NAME (the current branch becomes the saved conversation NAME)")
        case .fork(let name?):
            guard let store = state.services.conversations else { return renderer.error("/fork is not available here") }
            let archive = state.session.forked()
            do {
                state.autosave()
                try store.fork(archive, as: name)
            } catch {
                return renderer.error(error.message)
            }
            state.adopt(ChatSession(resuming: archive, parameters: state.session.parameters, fallbackModels: state.session.fallbackModels))
            renderer.notice("forked the current branch (\(archive.tree.count) messages) as session \(name); continuing there")
        default:
            break
        }
    }

    /// The id of the user message `argument` numbers on the current branch; says why not.
    private func userMessage(_ argument: String?, usage: String) -> Int? {
        guard let text = argument, let number = Int(text) else {
            state.usage(usage)
            return nil
        }
        guard let id = state.session.userMessage(numbered: number) else {
            let count = state.session.history.count
            state.renderer.error(
                count == 0
                    ? "there are no messages yet"
                    : "message \(number) is not a user message of this branch (/history numbers them 1 to \(count))")
            return nil
        }
        return id
    }

    /// `/edit N`: the edited text is sent as a new version of message N; unchanged or empty
    /// sends nothing.
    private func edit(_ number: Int) async {
        let renderer = state.renderer
        guard let id = userMessage(String(number), usage: "/edit N"), let original = state.session.tree.node(id)?.message else { return }
        guard let terminal = state.services.terminal else {
            renderer.error("/edit needs a terminal and $VISUAL or $EDITOR")
            return
        }
        switch terminal.compose(original.content) {
        case .success(let text?) where !text.trimmingWhitespace().isEmpty && text != original.content:
            do {
                try state.session.rewind(before: id)
            } catch {
                return renderer.error(error.reason)
            }
            // The new version keeps what the old one had attached.
            var message = original
            message.parts =
                [.text(text)]
                + original.parts.filter {
                    if case .attachment = $0 { return true }
                    return false
                }
            state.services.reader.remember(text)
            await TurnRunner(state: state).send(message)
        case .success:
            renderer.notice("unchanged or empty; nothing sent")
        case .failure(let failure):
            renderer.error(failure.message)
        }
    }

    /// The finished messages of the current branch, numbered, with `[k/n]` on a message that
    /// has other versions (and, on an answer, the model that wrote it); an unfinished turn is
    /// not part of it (as if it had not been sent) and is named after it.
    private func historyText() -> String {
        let session = state.session
        var out = ""
        if let system = session.systemPrompt, !system.isEmpty { out += "[system] \(system)\n\n" }
        let pending = session.pendingID
        let settled = session.tree.path(to: session.settledPosition)
        if settled.isEmpty { out += "(no messages yet)\n" }
        for (index, id) in settled.enumerated() {
            guard let node = session.tree.node(id) else { continue }
            var head = "\(index + 1) [\(node.message.role.rawValue)]"
            let version = session.tree.version(of: id)
            if version.of > 1 {
                let model = node.message.role == .assistant ? node.model.map { " · \($0)" } ?? "" : ""
                head += " [\(version.number)/\(version.of)\(model)]"
            }
            out += head + " " + TranscriptText.lines(of: node.message).joined(separator: "\n") + "\n\n"
        }
        if let pending, let message = session.tree.node(pending)?.message {
            out += "(not answered: \(TerminalText.oneLine(message.content, limit: 60)); /retry sends it again)\n"
        }
        return out
    }

    private func treeText() -> String {
        let list = BranchList(state.session.tree)
        guard !state.session.tree.isEmpty else { return "(no messages yet)\n" }
        let width = max(40, state.services.shell?.screenSize?.columns ?? 100)
        return list.branches.map { branch in
            let where_ = branch.leavesAt == 0 ? "from the start" : "after \(branch.leavesAt)"
            let count = "\(branch.messageCount) msg\(branch.messageCount == 1 ? "" : "s")"
            let head = "\(branch.isCurrent ? "*" : " ") \(branch.number). \(where_) · \(branch.model ?? "—") · \(count) · "
            let room = max(10, width - head.count)
            return head + TerminalText.oneLine(branch.lastUserLine, limit: room)
        }.joined(separator: "\n") + "\n"
    }
}
