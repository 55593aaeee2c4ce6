import ChatCore
import ChatStorage
import Dispatch

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

/// The index told of each autosave in order, on a queue of its own: another process's first
/// build may hold the index for seconds, and the prompt must not wait for it. A save the index
/// misses (the chat killed first) is found stale by its file's stamp and indexed later.
final class IndexUpdates: Sendable {
    private let queue = DispatchQueue(label: "bankfuture-chat.session-index")
    private let catalog: any SessionCatalog

    init(_ catalog: any SessionCatalog) {
        self.catalog = catalog
    }

    func didSave(_ name: String, archive: SessionArchive, modified: Double) {
        queue.async { [catalog] in catalog.didSave(name, archive: archive, modified: modified) }
    }

    /// Waits for the updates already asked for (at exit).
    func finish() {
        queue.sync {}
    }
}
