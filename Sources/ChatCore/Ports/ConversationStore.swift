/// Where conversations are kept: the autosave after every change, and the files `/save`,
/// `/load` and `/export` name. Paths are as the user typed them (`~` included).
public protocol ConversationStore: AnyObject {
    /// The autosaved session's name, once it has one.
    var autosaveName: String? { get }
    /// Saves the conversation where it is autosaved.
    func autosave(_ archive: SessionArchive) throws(SessionArchive.Failure)
    /// Writes the conversation to `path` as one file that stands alone.
    func save(_ archive: SessionArchive, to path: String) throws(SessionArchive.Failure)
    /// Reads a saved conversation.
    func load(from path: String) throws(SessionArchive.Failure) -> SessionArchive
    /// Writes the Markdown transcript to `path`.
    func export(_ markdown: String, to path: String) throws(SessionArchive.Failure)
}
