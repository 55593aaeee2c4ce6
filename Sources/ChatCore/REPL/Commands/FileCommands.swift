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
                let count = state.session.tree.count
                renderer.notice("saved \(count) message\(count == 1 ? "" : "s") (every branch) to \(path)")
            } catch {
                renderer.error(error.message)
            }
        case .load(nil):
            state.usage("/load PATH")
        case .load(let path?):
            guard let store = state.services.conversations else { return unavailable("/load") }
            do {
                var archive = try store.load(from: path)
                // A copy of that conversation from now on: its own saved conversation and id.
                archive.id = ConversationID.make()
                state.autosave()
                store.startNew()
                state.adopt(
                    ChatSession(resuming: archive, parameters: state.session.parameters, fallbackModels: state.session.fallbackModels))
                state.autosave()
                let count = archive.tree.count
                renderer.notice(
                    "loaded \(count) message\(count == 1 ? "" : "s") from \(path) (model \(archive.model)) into a new session \(store.autosaveName ?? "")"
                )
            } catch {
                renderer.error(error.message + " (nothing changed)")
            }
        case .export(nil):
            state.usage("/export PATH")
        case .export(let path?):
            guard let store = state.services.conversations else { return unavailable("/export") }
            do {
                try store.export(SessionArchive(state.session).markdown(), to: path)
                renderer.notice("exported the current branch to \(path)")
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
