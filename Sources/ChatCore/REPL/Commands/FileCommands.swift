/// `/save`, `/load`, `/export`, `/file`: the conversation and attachments on disk.
@MainActor
struct FileCommands {
    let state: REPLState

    func handle(_ command: SlashCommand) {
        let renderer = state.renderer
        switch command {
        case .save(nil):
            state.usage("/save PATH")
        case .save(let path?):
            guard let store = state.services.conversations else { return unavailable("/save") }
            do {
                try store.save(SessionArchive(state.session), to: path)
                renderer.notice("saved \(state.session.history.count) messages to \(path)")
            } catch {
                renderer.error(error.message)
            }
        case .load(nil):
            state.usage("/load PATH")
        case .load(let path?):
            guard let store = state.services.conversations else { return unavailable("/load") }
            do {
                let archive = try store.load(from: path)
                state.session.model = archive.model
                state.session.systemPrompt = archive.systemPrompt
                state.session.replaceHistory(archive.messages, pending: archive.pending)
                state.lastAnswer = state.session.lastAnswer
                state.updateCompletions()
                state.autosave()
                renderer.notice("loaded \(archive.messages.count) messages from \(path) (model \(archive.model))")
            } catch {
                renderer.error(error.message + " (nothing changed)")
            }
        case .export(nil):
            state.usage("/export PATH")
        case .export(let path?):
            guard let store = state.services.conversations else { return unavailable("/export") }
            do {
                try store.export(SessionArchive(state.session).markdown(), to: path)
                renderer.notice("exported the conversation to \(path)")
            } catch {
                renderer.error(error.message)
            }
        case .file(let arguments):
            attach(arguments)
        default:
            break
        }
    }

    /// `/file` lists what is attached, `/file clear` drops it, `/file PATH|URL...` adds to it.
    private func attach(_ arguments: [String]) {
        let renderer = state.renderer
        if arguments.isEmpty {
            if state.pendingFiles.isEmpty {
                state.usage("/file PATH|URL... (attaches text, images, PDFs and audio to the next message; /file clear drops them)")
            } else {
                renderer.notice("attached to the next message: " + state.pendingFiles.map(Self.shown).joined(separator: ", "))
            }
            return
        }
        if arguments == ["clear"] {
            let count = state.pendingFiles.count
            state.pendingFiles.removeAll()
            renderer.notice(count == 0 ? "nothing was attached" : "dropped \(count) attachment\(count == 1 ? "" : "s")")
            return
        }
        guard let source = state.services.attachments else { return unavailable("/file") }
        let added: [LoadedFile]
        do {
            added = try source.load(arguments, joining: state.pendingFiles)
        } catch {
            // The files attached before stay; none of these is added.
            let kept = state.pendingFiles.count
            renderer.error(error.message + (kept == 0 ? " (nothing attached)" : " (nothing added; \(kept) attached before stay)"))
            return
        }
        state.pendingFiles += added
        renderer.notice("attached \(added.map(Self.shown).joined(separator: ", ")) to the next message")
    }

    static func shown(_ file: LoadedFile) -> String {
        switch file {
        case .text(let text): text.path
        case .attachment(let attachment): attachment.label
        }
    }

    private func unavailable(_ command: String) {
        state.renderer.error("\(command) is not available here")
    }
}
