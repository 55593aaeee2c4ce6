#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A conversation on disk: JSON with a version field, written atomically with mode 0600.
/// Used by `/save`, `/load`, `--session NAME`, `--continue` and the autosave.
///
/// Version 2 adds `pending`: the user message whose turn has not (yet) succeeded. It is
/// saved before the request goes out, so a failed, cancelled or killed turn can be resent
/// with `/retry` after `--continue`. Version 1 files load as before.
public struct SessionArchive: Sendable, Equatable {
    /// The format this build writes; files with a higher version are refused.
    public static let currentVersion = 2

    public var model: String
    public var systemPrompt: String?
    public var messages: [ChatMessage]
    public var usage: Usage
    /// The message of a turn that failed, was cancelled or is still under way.
    public var pending: String?

    public init(model: String, systemPrompt: String?, messages: [ChatMessage], usage: Usage = Usage(), pending: String? = nil) {
        self.model = model
        self.systemPrompt = systemPrompt
        self.messages = messages
        self.usage = usage
        self.pending = pending
    }

    public init(_ session: ChatSession) {
        self.init(
            model: session.model, systemPrompt: session.systemPrompt, messages: session.history, usage: session.totalUsage,
            pending: session.unsentMessage)
    }

    /// Why a file could not be loaded or saved; nothing was changed.
    public struct Failure: Error, Sendable, Equatable {
        public var message: String
    }

    /// The file's JSON shape.
    struct File: Codable {
        struct Message: Codable {
            var role: String
            var content: String
        }
        struct Totals: Codable {
            var prompt_tokens: Int?
            var completion_tokens: Int?
            var total_tokens: Int?
            var cost: Double?
        }
        var version: Int
        var saved_at: Int64?
        var model: String
        var system_prompt: String?
        var usage: Totals?
        var pending: String?
        var messages: [Message]
    }

    /// Only the version, read first so that a newer file is refused before its shape matters.
    private struct VersionProbe: Decodable {
        var version: Double?
    }

    /// The JSON text.
    public func encoded(savedAt: Double = Date().timeIntervalSince1970) -> [UInt8] {
        let file = File(
            version: Self.currentVersion, saved_at: savedAt.isFinite ? Int64(savedAt.rounded(.down)) : nil, model: model,
            system_prompt: systemPrompt,
            usage: .init(
                prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.totalTokens,
                cost: usage.cost),
            pending: pending,
            messages: messages.map { File.Message(role: $0.role.rawValue, content: $0.content) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding these plain values cannot fail; an empty file would be refused on load.
        return Array((try? encoder.encode(file)) ?? Data()) + [0x0A]
    }

    /// Writes the archive to `path` (atomic, 0600).
    public func save(to path: String) throws(Failure) {
        do {
            try PrivateFile.write(encoded(), to: path)
        } catch {
            throw Failure(message: error.message)
        }
    }

    /// Reads an archive. A missing, malformed or newer-version file is an error naming it.
    public static func load(from path: String) throws(Failure) -> SessionArchive {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.contents(of: path, limit: maxFileBytes + 1)
        } catch {
            throw Failure(message: "cannot load \(path): \(error.code == ENOENT ? "no such file" : error.reason)")
        }
        guard bytes.count <= maxFileBytes else {
            throw Failure(message: "cannot load \(path): larger than \(maxFileBytes / (1024 * 1024)) MiB, not a saved conversation")
        }
        return try decode(bytes, path: path)
    }

    /// The largest session file read.
    public static let maxFileBytes = 512 * 1024 * 1024

    /// Parses archive JSON; `path` names the file in errors. Never traps on what the file holds.
    public static func decode(_ bytes: [UInt8], path: String) throws(Failure) -> SessionArchive {
        let data = Data(bytes)
        let decoder = JSONDecoder()
        let probe: VersionProbe
        do {
            probe = try decoder.decode(VersionProbe.self, from: data)
        } catch {
            throw Failure(message: "cannot load \(path): not valid JSON (\(JSONProblem.describe(error)))")
        }
        guard let version = probe.version else {
            throw Failure(message: "cannot load \(path): not a saved conversation (no \"version\")")
        }
        guard version.isFinite, version >= 1, version == version.rounded() else {
            throw Failure(message: "cannot load \(path): \"version\" must be a whole number from 1, got \(JSONProblem.number(version))")
        }
        guard version <= Double(currentVersion) else {
            throw Failure(
                message: "cannot load \(path): it was saved by a newer bankfuture-chat (format version \(JSONProblem.number(version)), "
                    + "this one reads up to \(currentVersion)); upgrade to load it")
        }
        let file: File
        do {
            file = try decoder.decode(File.self, from: data)
        } catch {
            throw Failure(message: "cannot load \(path): \(JSONProblem.describe(error))")
        }
        var messages: [ChatMessage] = []
        messages.reserveCapacity(file.messages.count)
        for (index, item) in file.messages.enumerated() {
            guard let role = Role(rawValue: item.role), role != .system else {
                throw Failure(message: "cannot load \(path): message \(index + 1) has role \"\(item.role)\"; expected user or assistant")
            }
            messages.append(ChatMessage(role: role, content: item.content))
        }
        let totals = file.usage
        let usage = Usage(
            promptTokens: max(0, totals?.prompt_tokens ?? 0), completionTokens: max(0, totals?.completion_tokens ?? 0),
            totalTokens: totals?.total_tokens.map { max(0, $0) }, cost: ChatCompletionDecoder.money(totals?.cost))
        return SessionArchive(
            model: file.model, systemPrompt: file.system_prompt, messages: messages, usage: usage,
            pending: file.pending.flatMap { $0.isEmpty ? nil : $0 })
    }
    /// The conversation as Markdown, for `/export`.
    public func markdown() -> String {
        var out = "# Conversation with \(model)\n\n"
        if let systemPrompt, !systemPrompt.isEmpty {
            out += "**System:**\n\n\(systemPrompt)\n\n---\n\n"
        }
        for message in messages {
            out += message.role == .user ? "## You\n\n" : "## \(model)\n\n"
            out += message.content + "\n\n"
        }
        if usage.totalTokens > 0 {
            out += "---\n\n_\(usage.totalTokens) tokens"
            if let cost = usage.cost { out += ", " + UsageText.cost(cost) }
            out += "_\n"
        }
        return out
    }
}

/// The file a conversation is autosaved to after every change.
///
/// A new, unnamed session gets its name from the time it started. Two REPLs started in the
/// same second must not share a file, so the first save claims the name exclusively and,
/// when another process has it already, takes `NAME-2`, `NAME-3`, ….
public final class AutosaveFile: @unchecked Sendable {
    // @unchecked: used from one task at a time (the chat loop on the main actor).
    public private(set) var path: String
    private var claimed: Bool
    private let stem: String
    private var attempt = 1

    /// - Parameter claimed: whether the file is this session's already (resumed, or named
    ///   with `--session`); otherwise the first save claims the name.
    public init(path: String, claimed: Bool) {
        self.path = path
        self.claimed = claimed
        stem = path.hasSuffix(".json") ? String(path.dropLast(5)) : path
    }

    /// The session's name (the file name without `.json`).
    public var name: String { PathText.lastComponent(path).replacingJSONSuffix() }

    public func save(_ archive: SessionArchive) throws(SessionArchive.Failure) {
        let bytes = archive.encoded()
        while !claimed {
            do {
                try PrivateFile.write(bytes, to: path, creatingOnly: true)
                claimed = true
                return
            } catch where error.code == EEXIST && attempt < 1000 {
                attempt += 1
                path = stem + "-\(attempt).json"
            } catch {
                throw SessionArchive.Failure(message: error.message)
            }
        }
        try archive.save(to: path)
    }
}

extension String {
    fileprivate func replacingJSONSuffix() -> String { hasSuffix(".json") ? String(dropLast(5)) : self }
}

/// The named sessions in `$XDG_STATE_HOME/bankfuture-chat/sessions/`, autosaved after every turn.
public struct SessionDirectory: Sendable {
    public var path: String

    public init(stateDirectory: String) {
        path = stateDirectory + "/sessions"
    }

    /// The file of session `name`. Names are kept to safe characters.
    public func file(named name: String) -> String {
        path + "/" + Self.safeName(name) + ".json"
    }

    /// A new name for an unnamed session: the local date and time.
    public static func newName(now: Date = Date()) -> String {
        var time = time_t(now.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&time, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))-\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
    }

    static func safeName(_ name: String) -> String {
        let mapped = name.unicodeScalars.map { scalar -> Character in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_" || scalar == "."
                ? Character(scalar) : "_"
        }
        var result = String(mapped)
        while result.hasPrefix(".") { result.removeFirst() }
        return result.isEmpty ? "session" : String(result.prefix(100))
    }

    /// The most recently saved session's name, for `--continue`.
    public func mostRecent() -> String? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return nil }
        var best: (name: String, date: Date)?
        for file in names where file.hasSuffix(".json") && !file.hasPrefix(".") {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + file),
                let date = attributes[.modificationDate] as? Date
            else { continue }
            if best == nil || date > best!.date { best = (String(file.dropLast(5)), date) }
        }
        return best?.name
    }
}
