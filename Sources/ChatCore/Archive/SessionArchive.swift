#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A conversation as saved: by `/save`, `/load`, `--session NAME`, `--continue` and the
/// autosave. This type is the format (JSON with a version field); writing files is the
/// storage module's job.
///
/// - Version 2 added `pending`: the user message whose turn has not (yet) succeeded, saved
///   before the request goes out, so a failed, cancelled or killed turn can be resent with
///   `/retry` after `--continue`.
/// - Version 3 stores messages with their attachments (inline as base64, or as a reference to
///   a copy beside the session file), tool calls, tool results and reasoning details.
/// - Version 4 stores the conversation as a tree: every message with its `id` and `parent`
///   (and the answering `model` and its `usage`), the current position `leaf`, and the
///   conversation's `id`. Versions 1–3 load as one branch, their pending message at its end.
///
/// Every older version still loads; a newer one is refused and nothing changes.
public struct SessionArchive: Sendable, Equatable {
    /// The format this build writes; files with a higher version are refused.
    public static let currentVersion = 4

    /// The conversation's stable id (sent as `session_id`; the same in every process).
    public var id: String
    public var model: String
    public var systemPrompt: String?
    /// Every message, and the current position.
    public var tree: ConversationTree
    /// Totals over every answer of the conversation.
    public var usage: Usage

    public init(id: String = ConversationID.make(), model: String, systemPrompt: String?, tree: ConversationTree, usage: Usage = Usage()) {
        self.id = id
        self.model = model
        self.systemPrompt = systemPrompt
        self.tree = tree
        self.usage = usage
    }

    /// A conversation of one branch, as versions 1 to 3 saved it: `messages`, then the
    /// unanswered `pending` message, if any.
    public init(
        id: String = ConversationID.make(), model: String, systemPrompt: String?, messages: [ChatMessage], usage: Usage = Usage(),
        pending: ChatMessage? = nil
    ) {
        var session = ChatSession(model: model)
        session.replaceHistory(messages, pending: pending)
        self.init(id: id, model: model, systemPrompt: systemPrompt, tree: session.tree, usage: usage)
    }

    public init(_ session: ChatSession) {
        self.init(id: session.id, model: session.model, systemPrompt: session.systemPrompt, tree: session.tree, usage: session.totalUsage)
    }

    /// The part of ``usage`` no message carries (totals of a conversation saved before messages
    /// kept their own usage, and costs outside the messages): what a journal's start carries.
    public var unattributedUsage: Usage? {
        let attributed = tree.nodes.reduce(Usage()) { total, node in node.usage.map { total + $0 } ?? total }
        let rest = Usage(
            promptTokens: max(0, usage.promptTokens - attributed.promptTokens),
            completionTokens: max(0, usage.completionTokens - attributed.completionTokens),
            totalTokens: max(0, usage.totalTokens - attributed.totalTokens),
            cost: usage.cost.map { max(0, $0 - (attributed.cost ?? 0)) },
            cachedTokens: usage.cachedTokens.map { max(0, $0 - (attributed.cachedTokens ?? 0)) },
            reasoningTokens: usage.reasoningTokens.map { max(0, $0 - (attributed.reasoningTokens ?? 0)) })
        return rest.totalTokens == 0 && (rest.cost ?? 0) == 0 ? nil : rest
    }

    /// The finished messages of the current branch.
    public var messages: [ChatMessage] { resumed.history }

    /// The user message of the unfinished turn at the end of the current branch.
    public var pending: ChatMessage? { resumed.pending }

    /// The conversation as a session, with default request settings.
    var resumed: ChatSession { ChatSession(resuming: self) }

    /// Where attachment data goes when encoding.
    public enum AttachmentData: Sendable {
        /// In the file, as base64 (`/save`: one file that stands alone).
        case inline
        /// Only a reference (`"blob": ID`); the caller keeps the data beside the file
        /// (``dataAttachments``), so an autosave after every turn does not rewrite every image.
        case referenced
    }

    /// Every attachment that carries data, in every message of the tree.
    public var dataAttachments: [Attachment] {
        tree.nodes.flatMap(\.message.attachments).filter {
            if case .data = $0.source { return true }
            return false
        }
    }

    /// The JSON text: version 4, every message with its id and parent, and the position.
    public func encoded(attachments: AttachmentData = .inline, savedAt: Double = Date().timeIntervalSince1970) -> [UInt8] {
        let file = ArchiveFile(
            version: Self.currentVersion, saved_at: savedAt.isFinite ? Int64(savedAt.rounded(.down)) : nil, id: id, model: model,
            system_prompt: systemPrompt, usage: ArchiveFile.Totals(usage), pending: nil, leaf: tree.leaf,
            messages: tree.nodes.map { ArchiveFile.Message($0, attachments: attachments) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain values cannot fail; an empty file would be refused on load.
        return Array((try? encoder.encode(file)) ?? Data()) + [0x0A]
    }

    /// Parses archive JSON; `path` names the file in errors; `blob` returns the base64 data of
    /// an attachment stored beside the file. Never traps on what the file holds.
    public static func decode(
        _ bytes: [UInt8], path: String, blob: (String) -> String? = { _ in nil }
    ) throws(StorageError) -> SessionArchive {
        let data = Data(bytes)
        let decoder = JSONDecoder()
        let probe: VersionProbe
        do {
            probe = try decoder.decode(VersionProbe.self, from: data)
        } catch {
            throw StorageError("cannot load \(path): not valid JSON (\(JSONProblem.describe(error)))", underlying: error)
        }
        guard let version = probe.version else {
            throw StorageError("cannot load \(path): not a saved conversation (no \"version\")")
        }
        guard version.isFinite, version >= 1, version == version.rounded() else {
            throw StorageError("cannot load \(path): \"version\" must be a whole number from 1, got \(JSONProblem.number(version))")
        }
        guard version <= Double(currentVersion) else {
            throw StorageError(
                "cannot load \(path): it was saved by a newer bankfuture-chat (format version \(JSONProblem.number(version)), "
                    + "this one reads up to \(currentVersion)); upgrade to load it")
        }
        let file: ArchiveFile
        do {
            file = try decoder.decode(ArchiveFile.self, from: data)
        } catch {
            throw StorageError("cannot load \(path): \(JSONProblem.describe(error))", underlying: error)
        }
        do {
            let usage = file.usage?.usage ?? Usage()
            let id = file.id.flatMap(ConversationID.validated) ?? ConversationID.make()
            if version >= 4 {
                var tree = ConversationTree()
                for (index, item) in file.messages.enumerated() {
                    try tree.restore(try item.node(at: "message \(index + 1)", blob: blob))
                }
                try tree.move(to: file.leaf)
                return SessionArchive(id: id, model: file.model, systemPrompt: file.system_prompt, tree: tree, usage: usage)
            }
            var messages: [ChatMessage] = []
            messages.reserveCapacity(file.messages.count)
            for (index, item) in file.messages.enumerated() {
                messages.append(try item.message(at: "message \(index + 1)", blob: blob))
            }
            let pending: ChatMessage?
            switch file.pending {
            case .text(let text)?: pending = text.isEmpty ? nil : .user(text)
            case .message(let item)?: pending = try item.message(at: "the pending message", blob: blob)
            case nil: pending = nil
            }
            return SessionArchive(
                id: id, model: file.model, systemPrompt: file.system_prompt, messages: messages, usage: usage, pending: pending)
        } catch let problem as ArchiveProblem {
            throw StorageError("cannot load \(path): \(problem.reason)", underlying: problem)
        } catch let problem as ConversationTree.Problem {
            throw StorageError("cannot load \(path): \(problem.reason)", underlying: problem)
        } catch {
            throw StorageError("cannot load \(path): \(error)")
        }
    }

    /// Only the version, read first so that a newer file is refused before its shape matters.
    private struct VersionProbe: Decodable {
        var version: Double?
    }

    /// The conversation as Markdown, for `/export`. Attachments are named, never inlined.
    public func markdown() -> String {
        var out = "# Conversation with \(model)\n\n"
        if let systemPrompt, !systemPrompt.isEmpty {
            out += "**System:**\n\n\(systemPrompt)\n\n---\n\n"
        }
        for message in messages {
            switch message.role {
            case .user: out += "## You\n\n"
            case .assistant: out += "## \(model)\n\n"
            case .tool: out += "### Tool result\n\n"
            case .system: out += "## System\n\n"
            }
            for line in TranscriptText.lines(of: message) { out += line + "\n\n" }
        }
        if usage.totalTokens > 0 {
            out += "---\n\n_\(usage.totalTokens) tokens"
            if let cost = usage.cost { out += ", " + UsageText.cost(cost) }
            out += "_\n"
        }
        return out
    }
}
