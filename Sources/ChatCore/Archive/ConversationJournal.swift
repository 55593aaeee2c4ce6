#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One line of a conversation's journal: the saved conversation grows by events, one JSON
/// object per line, so saving a message costs the message, not the conversation.
///
/// ```
/// {"event":"start","journal":1,"id":"…","created":1765150000,"model":"m","system_prompt":"…"}
/// {"event":"message","id":1,"role":"user","content":"hi"}
/// {"event":"message","id":2,"parent":1,"role":"assistant","content":"hello","model":"m","usage":{…}}
/// {"event":"position","leaf":1}
/// {"event":"system_prompt","text":"…"}   {"event":"model","model":"…"}
/// {"event":"rename","name":"…"}          {"event":"usage","usage":{…}}
/// ```
public enum JournalEvent: Sendable, Equatable {
    /// The first line: the conversation's id, when it started, its model and system prompt
    /// then, and usage carried over from before the journal (a converted older file).
    case start(id: String, created: Int64?, model: String, systemPrompt: String?, usage: Usage?)
    /// A message added to the tree; it becomes the current position.
    case message(ConversationTree.Node)
    /// The current position moved (nil: before the first message).
    case position(Int?)
    case systemPrompt(String?)
    case model(String)
    /// The conversation was given a new name (its file was renamed).
    case rename(String)
    /// A cost outside the messages (an MCP server's sampling request).
    case usage(Usage)
}

/// Reading and writing journals (``JournalEvent``); the storage module owns the files.
public enum ConversationJournal {
    /// The journal format this build writes and reads.
    public static let format = 1

    /// The line of `event`, newline included. Attachments are written as references (their
    /// data is kept beside the journal).
    public static func line(_ event: JournalEvent) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain values cannot fail.
        return Array((try? encoder.encode(Line(event))) ?? Data("{}".utf8)) + [0x0A]
    }

    /// Every event that writes `archive` as a new journal: its start, every message, and the
    /// position when it is not the last message.
    /// The start carries the usage no message carries (``SessionArchive/unattributedUsage``).
    public static func events(of archive: SessionArchive, created: Int64?) -> [JournalEvent] {
        var events: [JournalEvent] = [
            .start(
                id: archive.id, created: created, model: archive.model, systemPrompt: archive.systemPrompt,
                usage: archive.unattributedUsage)
        ]
        events += archive.tree.nodes.map { .message($0) }
        if archive.tree.leaf != archive.tree.nodes.last?.id { events.append(.position(archive.tree.leaf)) }
        return events
    }

    /// What a journal holds once replayed.
    public struct Replay: Sendable, Equatable {
        public var archive: SessionArchive
        /// The name the last `rename` gave, if any.
        public var name: String?
        /// Lines left out because they are not complete events (1-based line numbers): a
        /// write cut short by a crash.
        public var damagedLines: [Int]
        /// Bytes up to the end of the last good line: where the next append starts when the
        /// file ends in a damaged line.
        public var goodLength: Int
        /// Whether the file must be written anew before anything is appended: message numbers
        /// had to be changed because a damaged line held a message.
        public var needsRewrite: Bool
    }

    /// Replays a journal. `path` names the file in errors; `blob` returns an attachment's
    /// data kept beside it. A damaged line is left out (and listed); a file that does not
    /// start as a journal is an error naming it.
    public static func replay(
        _ bytes: [UInt8], path: String, blob: (String) -> String? = { _ in nil }
    ) throws(StorageError)
        -> Replay
    {
        let decoder = JSONDecoder()
        var archive: SessionArchive?
        var name: String?
        var damaged: [Int] = []
        var goodLength = 0
        var renumbered: [Int: Int] = [:]
        var needsRewrite = false
        var carried = Usage()
        var extra = Usage()
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            let newline = bytes[start...].firstIndex(of: 0x0A)
            let end = newline ?? bytes.count
            lineNumber += 1
            defer { start = end + 1 }
            let slice = bytes[start..<end]
            if slice.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
                if newline != nil { goodLength = end + 1 }
                continue
            }
            guard let line = try? decoder.decode(Line.self, from: Data(slice)) else {
                if lineNumber == 1 {
                    throw StorageError("cannot load \(path): line 1 is not the start of a conversation journal")
                }
                damaged.append(lineNumber)
                continue
            }
            // A last line without its newline is complete but unterminated: the next append
            // starts a fresh line after it.
            goodLength = newline.map { $0 + 1 } ?? end
            do {
                switch try line.event(blob: blob) {
                case .start(let id, _, let model, let system, let usage):
                    guard archive == nil else { throw ArchiveProblem(reason: "a second start") }
                    archive = SessionArchive(
                        id: ConversationID.validated(id) ?? ConversationID.make(), model: model, systemPrompt: system,
                        tree: ConversationTree())
                    carried = usage ?? Usage()
                case let event:
                    guard var current = archive else {
                        throw StorageError("cannot load \(path): line 1 is not the start of a conversation journal")
                    }
                    try apply(event, to: &current, renumbered: &renumbered, needsRewrite: &needsRewrite, extra: &extra, name: &name)
                    archive = current
                }
            } catch let failure as StorageError {
                throw failure
            } catch let problem as ArchiveProblem {
                throw StorageError("cannot load \(path): line \(lineNumber): \(problem.reason)")
            } catch {
                throw StorageError("cannot load \(path): line \(lineNumber): \(error)")
            }
        }
        guard var archive else {
            throw StorageError("cannot load \(path): an empty file, not a conversation journal")
        }
        archive.usage = archive.tree.nodes.reduce(carried + extra) { total, node in node.usage.map { total + $0 } ?? total }
        return Replay(archive: archive, name: name, damagedLines: damaged, goodLength: goodLength, needsRewrite: needsRewrite)
    }

    private static func apply(
        _ event: JournalEvent, to archive: inout SessionArchive, renumbered: inout [Int: Int], needsRewrite: inout Bool,
        extra: inout Usage, name: inout String?
    ) throws(ArchiveProblem) {
        switch event {
        case .start:
            break
        case .message(let node):
            // Numbers follow on; after a damaged line they may skip, and are made to follow on.
            let id = archive.tree.count + 1
            if node.id != id { needsRewrite = true }
            guard renumbered[node.id] == nil else { throw ArchiveProblem(reason: "message \(node.id) appears twice") }
            let parent = node.parent.map { renumbered[$0] ?? -1 }
            if parent == -1 { throw ArchiveProblem(reason: "message \(node.id) follows message \(node.parent ?? 0), which is not there") }
            renumbered[node.id] = id
            archive.tree.append(node.message, under: parent, model: node.model, usage: node.usage)
        case .position(let leaf):
            try? archive.tree.move(to: leaf.flatMap { renumbered[$0] })
        case .systemPrompt(let text):
            archive.systemPrompt = text
        case .model(let model):
            archive.model = model
        case .rename(let newName):
            name = newName
        case .usage(let usage):
            extra = extra + usage
        }
    }
}

extension ConversationJournal {
    /// One line, field for field: `event` names what it is; the other fields are those of
    /// that event (a message's are those of ``ArchiveFile/Message``).
    struct Line: Codable {
        var event: String
        var journal: Int?
        var id: String?
        var created: Int64?
        var model: String?
        var system_prompt: String?
        var usage: ArchiveFile.Totals?
        var leaf: Int?
        var text: String?
        var name: String?
        var message: ArchiveFile.Message?

        private enum Keys: String, CodingKey {
            case event, journal, id, created, model, system_prompt, usage, leaf, text, name
        }

        init(_ event: JournalEvent) {
            switch event {
            case .start(let id, let created, let model, let system, let usage):
                self.event = "start"
                journal = ConversationJournal.format
                self.id = id
                self.created = created
                self.model = model
                system_prompt = system
                self.usage = usage.map(ArchiveFile.Totals.init)
            case .message(let node):
                self.event = "message"
                message = ArchiveFile.Message(node, attachments: .referenced)
            case .position(let leaf):
                self.event = "position"
                self.leaf = leaf
            case .systemPrompt(let text):
                self.event = "system_prompt"
                self.text = text
            case .model(let model):
                self.event = "model"
                self.model = model
            case .rename(let name):
                self.event = "rename"
                self.name = name
            case .usage(let usage):
                self.event = "usage"
                self.usage = ArchiveFile.Totals(usage)
            }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            event = try container.decode(String.self, forKey: .event)
            if event == "message" {
                message = try ArchiveFile.Message(from: decoder)
                return
            }
            journal = try container.decodeIfPresent(Int.self, forKey: .journal)
            id = try container.decodeIfPresent(String.self, forKey: .id)
            created = try container.decodeIfPresent(Int64.self, forKey: .created)
            model = try container.decodeIfPresent(String.self, forKey: .model)
            system_prompt = try container.decodeIfPresent(String.self, forKey: .system_prompt)
            usage = try container.decodeIfPresent(ArchiveFile.Totals.self, forKey: .usage)
            leaf = try container.decodeIfPresent(Int.self, forKey: .leaf)
            text = try container.decodeIfPresent(String.self, forKey: .text)
            name = try container.decodeIfPresent(String.self, forKey: .name)
        }

        func encode(to encoder: any Encoder) throws {
            if let message {
                try message.encode(to: encoder)
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(event, forKey: .event)
                return
            }
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(event, forKey: .event)
            try container.encodeIfPresent(journal, forKey: .journal)
            try container.encodeIfPresent(id, forKey: .id)
            try container.encodeIfPresent(created, forKey: .created)
            try container.encodeIfPresent(model, forKey: .model)
            try container.encodeIfPresent(system_prompt, forKey: .system_prompt)
            try container.encodeIfPresent(usage, forKey: .usage)
            if event == "position" { try container.encode(leaf, forKey: .leaf) } else { try container.encodeIfPresent(leaf, forKey: .leaf) }
            try container.encodeIfPresent(text, forKey: .text)
            try container.encodeIfPresent(name, forKey: .name)
        }

        /// The event this line records.
        func event(blob: (String) -> String?) throws(ArchiveProblem) -> JournalEvent {
            switch event {
            case "start":
                guard let journal, journal >= 1 else { throw ArchiveProblem(reason: "the start has no journal format") }
                guard journal <= ConversationJournal.format else {
                    throw ArchiveProblem(
                        reason: "written by a newer bankfuture-chat (journal format \(journal), this one reads up to "
                            + "\(ConversationJournal.format)); upgrade to load it")
                }
                guard let id, let model else { throw ArchiveProblem(reason: "the start has no id or model") }
                return .start(id: id, created: created, model: model, systemPrompt: system_prompt, usage: usage?.usage)
            case "message":
                guard let message else { throw ArchiveProblem(reason: "an empty message") }
                return .message(try message.node(at: "message \(message.id ?? 0)", blob: blob))
            case "position": return .position(leaf)
            case "system_prompt": return .systemPrompt(text)
            case "model":
                guard let model else { throw ArchiveProblem(reason: "a model change without a model") }
                return .model(model)
            case "rename":
                guard let name else { throw ArchiveProblem(reason: "a rename without a name") }
                return .rename(name)
            case "usage":
                guard let usage else { throw ArchiveProblem(reason: "a usage event without usage") }
                return .usage(usage.usage)
            default:
                throw ArchiveProblem(reason: "an unknown event \"\(event)\"")
            }
        }
    }
}
