import ChatCore
import ChatStorage

/// `--sessions [QUERY]` and `--delete-session NAME`.
enum Sessions {
    static func list(_ launch: Launch, query: String?) -> Int32 {
        guard let catalog = launch.sessionCatalog else {
            Output.error("the sessions index is not available")
            return 1
        }
        do {
            // Only conversations go to stdout; "none" is said on stderr, so a script reads an empty list.
            let text: String
            let empty: Bool
            if let query {
                let matches = try catalog.search(query)
                (text, empty) = (SessionListing.matches(matches, query: query, offset: Launch.timeZoneOffset), matches.isEmpty)
            } else {
                let sessions = try catalog.list()
                (text, empty) = (SessionListing.summaries(sessions, offset: Launch.timeZoneOffset), sessions.isEmpty)
            }
            if empty { Output.stderr(text) } else { Output.stdout(text) }
            return 0
        } catch {
            Output.error(error.message)
            return 1
        }
    }

    static func delete(_ launch: Launch, name: String) -> Int32 {
        guard let catalog = launch.sessionCatalog else {
            Output.error("the sessions index is not available")
            return 1
        }
        do {
            try catalog.delete(name)
            Output.stderr("deleted session \(name)\n")
            return 0
        } catch {
            Output.error(error.message)
            return 2
        }
    }
}

/// Which catalog serves the sessions folder.
enum SessionCatalogs {
    /// The SQLite FTS5 index kept beside the session files (`.index.sqlite`).
    static func make(directory: SessionDirectory) -> (any SessionCatalog)? {
        SessionIndex(directory: directory)
    }
}
