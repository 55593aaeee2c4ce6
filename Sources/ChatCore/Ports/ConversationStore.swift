/// Where conversations are kept: the saved conversation of this run (its journal, appended
/// to at every change), and the files `/save`, `/load` and `/export` name (`~` included).
public protocol ConversationStore: AnyObject {
    /// The saved conversation's name, once it has one.
    var autosaveName: String? { get }
    /// Appends what changed in `session` to its saved conversation; in the file when this
    /// returns (flushed to disk behind the caller: a failure there is thrown by the next call).
    func record(_ session: ChatSession) throws(StorageError)
    /// Returns once every save is flushed to disk; throws a failure of the background.
    func flush() throws(StorageError)
    /// Writes the conversation to `path` as one file that stands alone (the whole tree).
    func save(_ archive: SessionArchive, to path: String) throws(StorageError)
    /// Reads a saved conversation (a `/save` file, an earlier version's file, or a journal).
    func load(from path: String) throws(StorageError) -> SessionArchive
    /// Writes the Markdown transcript to `path`.
    func export(_ markdown: String, to path: String) throws(StorageError)
    /// Whether a saved conversation of that name exists.
    func exists(session name: String) -> Bool
    /// The saved conversations' names, newest first (for suggestions and completion).
    func sessionNames() -> [String]
    /// Makes saved conversation `name` the one saved from now on (locked for this process),
    /// and returns it; nil when there is none of that name yet: it starts empty under it.
    func switchTo(session name: String) throws(StorageError) -> SessionArchive?
    /// Saves from now on to a new conversation, named by the time (`/load`, `/reset` keep theirs).
    func startNew()
    /// Writes `archive` as the new saved conversation `name` (which must not exist) and saves
    /// to it from now on (`/fork`).
    func fork(_ archive: SessionArchive, as name: String) throws(StorageError)
    /// Gives the saved conversation a new name.
    func renameAutosave(to name: String, session: ChatSession) throws(StorageError)
}
