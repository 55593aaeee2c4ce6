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
            if let query {
                Output.stdout(SessionListing.matches(try catalog.search(query), query: query, offset: Launch.timeZoneOffset))
            } else {
                Output.stdout(SessionListing.summaries(try catalog.list(), offset: Launch.timeZoneOffset))
            }
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
    static func make(directory: SessionDirectory) -> (any SessionCatalog)? {
        nil
    }
}
