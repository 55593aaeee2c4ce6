/// `/model`, `/models`, `/fallback`, `/set`: which model answers, and how.
@MainActor
struct ModelCommands {
    let state: REPLState

    func handle(_ command: SlashCommand) async {
        let renderer = state.renderer
        switch command {
        case .model(nil):
            renderer.output(state.session.model + "\n")
        case .model(let id?):
            guard !id.contains(where: \.isWhitespace) else {
                renderer.error("a model id has no spaces: \"\(id)\"; see /models")
                return
            }
            state.session.model = id
            if !state.recentModels.contains(id) { state.recentModels.append(id) }
            // Presets are not in the model list.
            if !id.hasPrefix("@preset/"), let models = await state.models(), !models.isEmpty, !models.contains(where: { $0.id == id }) {
                renderer.notice("warning: \(id) is not in the model list; keeping it anyway (see /models)")
            }
            renderer.notice("model: \(id)")
        case .models(let filter):
            guard let models = await state.models() else {
                renderer.error("could not fetch the model list; check the connection and try again")
                return
            }
            renderer.output(ModelTable.render(models, filter: filter))
        case .allModels(let filter):
            do {
                renderer.output(ModelTable.render(try await state.services.transport.listAllModels(), filter: filter))
            } catch {
                renderer.error("could not fetch the model list; check the connection and try again")
            }
        case .web(nil):
            renderer.output("web search is \(state.session.parameters.webSearch == nil ? "off" : "on")\n")
        case .web(let on?):
            if on && state.session.parameters.webSearch == nil { state.session.parameters.webSearch = WebSearch() }
            if !on { state.session.parameters.webSearch = nil }
            renderer.notice(on ? "web search on: answers cite their sources" : "web search off")
        case .generation:
            guard let id = state.lastGeneration else {
                renderer.notice("no answer yet (or the server gave it no generation id)")
                return
            }
            do {
                renderer.output(try await state.services.transport.generation(id: id).lines.joined(separator: "\n") + "\n")
            } catch let error as ChatError {
                renderer.error(state.services.errors.line(error, in: .repl))
            } catch {
                renderer.error("could not fetch the generation record")
            }
        case .fallback(let ids):
            state.session.fallbackModels = ids
            renderer.notice(ids.isEmpty ? "no fallback models" : "fallback models: " + ids.joined(separator: ", "))
        case .set(nil, _):
            renderer.output(RequestSettings.describe(state.session.parameters))
        case .set(let key?, nil):
            let known = RequestSettings.keys.first { $0.key == key.lowercased() }
            renderer.notice(
                known.map { "usage: /set \($0.key) VALUE (\($0.values))" }
                    ?? "unknown setting \"\(key)\"; settings: " + RequestSettings.keys.map(\.key).joined(separator: ", "))
        case .set(let key?, let value?):
            do {
                try RequestSettings.apply(key: key, value: value, to: &state.session.parameters)
                renderer.notice("\(key.lowercased()) = \(value)")
            } catch {
                renderer.error(error.message)
            }
        default:
            break
        }
    }
}
