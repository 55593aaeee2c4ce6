import ChatCore
import Foundation

@testable import ChatStorage

/// A scratch sessions folder filled through the real journal (``ConversationFile``), with each
/// file's modification time set to the `at:` given, so "newest first" does not depend on
/// how fast the test runs.
struct SessionFolderFixture {
    let state: String
    let directory: SessionDirectory

    init() throws {
        state = NSTemporaryDirectory() + "bfc-index-\(UUID().uuidString)"
        directory = SessionDirectory(stateDirectory: state)
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
    }

    var indexPath: String { directory.path + "/" + SessionIndex.fileName }

    func index() -> SessionIndex { SessionIndex(directory: directory) }

    @discardableResult
    func save(
        _ name: String, _ messages: [ChatMessage], model: String = "m/x", pending: ChatMessage? = nil, at time: Double
    ) throws
        -> SessionArchive
    {
        let archive = SessionArchive(model: model, systemPrompt: nil, messages: messages, pending: pending)
        try directory.write(archive, named: name, now: time)
        try setModified(name, time)
        return archive
    }

    func setModified(_ name: String, _ time: Double) throws {
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: time)], ofItemAtPath: directory.file(named: name))
    }

    func write(_ text: String, to file: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory.path + "/" + file))
    }

    func exists(_ file: String) -> Bool { FileManager.default.fileExists(atPath: directory.path + "/" + file) }

    func remove() { try? FileManager.default.removeItem(atPath: state) }

    /// A conversation of alternating user and assistant messages.
    static func chat(_ texts: String...) -> [ChatMessage] {
        texts.enumerated().map { $0.offset % 2 == 0 ? .user($0.element) : .assistant($0.element) }
    }
}
