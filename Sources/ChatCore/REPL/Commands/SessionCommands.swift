/// `/sessions`, `/session`, `/rename`: every saved conversation, findable.
@MainActor
struct SessionCommands {
    let state: REPLState

    func handle(_ command: SlashCommand) {
        let renderer = state.renderer
        switch command {
        case .sessions(let query):
            guard let catalog = state.services.sessions else { return unavailable("/sessions") }
            do {
                if let query {
                    renderer.output(SessionListing.matches(try catalog.search(query), query: query, offset: state.services.timeZoneOffset))
                } else {
                    renderer.output(SessionListing.summaries(try catalog.list(), offset: state.services.timeZoneOffset))
                }
            } catch {
                renderer.error(error.message)
            }
        case .session(nil):
            state.usage("/session NAME (see /sessions)")
        case .session(let name?):
            guard let store = state.services.conversations else { return unavailable("/session") }
            do {
                state.autosave()
                let isNew = !store.exists(session: name)
                let archive = try store.switchTo(session: name)
                state.adopt(
                    archive.map {
                        ChatSession(resuming: $0, parameters: state.session.parameters, fallbackModels: state.session.fallbackModels)
                    })
                if let archive {
                    let turns = state.session.turnCount
                    renderer.notice("switched to session \(name) (\(turns) turn\(turns == 1 ? "" : "s"), model \(archive.model))")
                } else {
                    var line = "new session \(name)"
                    let close = Suggestions.close(to: name, among: store.sessionNames())
                    if isNew, !close.isEmpty { line += " (did you mean \(close.joined(separator: ", "))?)" }
                    renderer.notice(line)
                }
            } catch {
                renderer.error(error.message)
            }
        case .rename(nil):
            state.usage("/rename NAME")
        case .rename(let name?):
            guard let store = state.services.conversations else { return unavailable("/rename") }
            do {
                try store.renameAutosave(to: name, session: state.session)
                renderer.notice("this conversation is now \(store.autosaveName ?? name)")
            } catch {
                renderer.error(error.message)
            }
        default:
            break
        }
    }

    private func unavailable(_ command: String) {
        state.renderer.error("\(command) is not available here")
    }
}

/// How saved conversations are listed: name, last change, turns, model, first user line.
public enum SessionListing {
    /// One line per session, newest first; `offset` is the local time zone's, in seconds.
    public static func summaries(_ sessions: [SessionSummary], offset: Int) -> String {
        guard !sessions.isEmpty else { return "no saved conversations yet\n" }
        return sessions.map { line($0, offset: offset) }.joined(separator: "\n") + "\n"
    }

    /// The sessions that contain `query`, each with its snippet.
    public static func matches(_ matches: [SessionMatch], query: String, offset: Int) -> String {
        guard !matches.isEmpty else { return "no saved conversation contains \"\(query)\"\n" }
        return matches.map { match in
            line(match.summary, offset: offset) + "\n    " + highlighted(match.snippet, match.highlights)
                + (match.otherBranch ? " (other branch)" : "")
        }.joined(separator: "\n") + "\n"
    }

    static func line(_ summary: SessionSummary, offset: Int) -> String {
        let turns = "\(summary.turns) turn\(summary.turns == 1 ? "" : "s")"
        return summary.name.padding(22) + " " + DateText.format(summary.modified, offset: offset) + "  " + turns.padding(10) + " "
            + summary.model.padding(24) + " " + TerminalText.oneLine(summary.firstUserLine, limit: 60)
    }

    /// The snippet with its matches marked `[like this]` (the renderer may style them).
    static func highlighted(_ snippet: String, _ ranges: [Range<Int>]) -> String {
        var out = ""
        for (offset, character) in TerminalText.oneLine(snippet).enumerated() {
            if ranges.contains(where: { $0.lowerBound == offset }) { out += "[" }
            out.append(character)
            if ranges.contains(where: { $0.upperBound == offset + 1 }) { out += "]" }
        }
        return out
    }
}
