/// Where conversations are kept: the autosave after every change, and the files `/save`,
/// `/load` and `/export` name. Paths are as the user typed them (`~` included).
public protocol ConversationStore: AnyObject {
    /// The autosaved session's name, once it has one.
    var autosaveName: String? { get }
    /// Saves the conversation where it is autosaved, and returns once it is on disk (after
    /// any save still being written in the background).
    func autosave(_ archive: SessionArchive) throws(StorageError)
    /// Saves the conversation where it is autosaved, behind the caller: saves are written in
    /// order, and a failure is thrown by the next save or by ``flush()``.
    func autosaveInBackground(_ archive: SessionArchive) throws(StorageError)
    /// Returns once every save asked for is on disk; throws a background save's failure.
    func flush() throws(StorageError)
    /// Writes the conversation to `path` as one file that stands alone.
    func save(_ archive: SessionArchive, to path: String) throws(StorageError)
    /// Reads a saved conversation.
    func load(from path: String) throws(StorageError) -> SessionArchive
    /// Writes the Markdown transcript to `path`.
    func export(_ markdown: String, to path: String) throws(StorageError)
    /// Makes the saved session `name` the one autosaved from now on, and returns it (or nil
    /// when there is no such session yet: it starts empty under that name).
    func switchTo(session name: String) throws(StorageError) -> SessionArchive?
    /// Gives the autosaved session a new name (its file is renamed).
    func renameAutosave(to name: String) throws(StorageError)
}

extension ConversationStore {
    /// A store without a background writes every save at once.
    public func autosaveInBackground(_ archive: SessionArchive) throws(StorageError) {
        try autosave(archive)
    }

    public func flush() throws(StorageError) {}
}
