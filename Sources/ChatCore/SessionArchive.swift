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
/// Used by `/save`, `/load`, `--session NAME`, `--continue` and the autosave after every turn.
public struct SessionArchive: Sendable, Equatable {
    /// The format this build writes; files with a higher version are refused.
    public static let currentVersion = 1

    public var model: String
    public var systemPrompt: String?
    public var messages: [ChatMessage]
    public var usage: Usage

    public init(model: String, systemPrompt: String?, messages: [ChatMessage], usage: Usage = Usage()) {
        self.model = model
        self.systemPrompt = systemPrompt
        self.messages = messages
        self.usage = usage
    }

    public init(_ session: ChatSession) {
        self.init(model: session.model, systemPrompt: session.systemPrompt, messages: session.history, usage: session.totalUsage)
    }

    /// Why a file could not be loaded or saved; nothing was changed.
    public struct Failure: Error, Sendable, Equatable {
        public var message: String
    }

    /// The JSON text.
    public func encoded(savedAt: Double = Date().timeIntervalSince1970) -> [UInt8] {
        var out = JSONWriter()
        out.raw("{\"version\":\(Self.currentVersion),\"saved_at\":\(Int(savedAt)),\"model\":")
        out.string(model)
        out.raw(",\"system_prompt\":")
        if let systemPrompt { out.string(systemPrompt) } else { out.raw("null") }
        out.raw(",\"usage\":{\"prompt_tokens\":\(usage.promptTokens),\"completion_tokens\":\(usage.completionTokens),\"total_tokens\":\(usage.totalTokens)")
        if let cost = usage.cost { out.raw(",\"cost\":\(cost)") }
        out.raw("},\"messages\":[")
        for (i, message) in messages.enumerated() {
            out.raw(i == 0 ? "\n" : ",\n")
            out.raw("{\"role\":")
            out.string(message.role.rawValue)
            out.raw(",\"content\":")
            out.string(message.content)
            out.raw("}")
        }
        out.raw("\n]}\n")
        return out.bytes
    }

    /// Writes the archive to `path` (atomic, 0600).
    public func save(to path: String) throws(Failure) {
        do {
            try PrivateFile.write(encoded(), to: path)
        } catch {
            throw Failure(message: error.message)
        }
    }

    /// Reads an archive. A missing, malformed or newer-version file is an error.
    public static func load(from path: String) throws(Failure) -> SessionArchive {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(message: "cannot load \(path): no such file or not readable")
        }
        return try decode(Array(data), path: path)
    }

    /// Parses archive JSON; `path` names the file in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws(Failure) -> SessionArchive {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw Failure(message: "cannot load \(path): not valid JSON (\(error.reason) at line \(error.line), column \(error.column))")
        }
        guard case .number(let version)? = json["version"] else {
            throw Failure(message: "cannot load \(path): not a saved conversation (no \"version\")")
        }
        guard Int(version) <= currentVersion else {
            throw Failure(message: "cannot load \(path): it was saved by a newer bankfuture-chat (format version \(Int(version)), this one reads up to \(currentVersion)); upgrade to load it")
        }
        guard case .string(let model)? = json["model"], case .array(let items)? = json["messages"] else {
            throw Failure(message: "cannot load \(path): \"model\" or \"messages\" is missing")
        }
        var messages: [ChatMessage] = []
        for (index, item) in items.enumerated() {
            guard case .string(let roleText)? = item["role"], let role = Role(rawValue: roleText), role != .system,
                case .string(let content)? = item["content"]
            else {
                throw Failure(message: "cannot load \(path): message \(index + 1) needs a \"role\" (user or assistant) and a \"content\" string")
            }
            messages.append(ChatMessage(role: role, content: content))
        }
        var systemPrompt: String?
        if case .string(let s)? = json["system_prompt"] { systemPrompt = s }
        let usage = json["usage"].flatMap(ChatCompletionDecoder.usage) ?? Usage()
        return SessionArchive(model: model, systemPrompt: systemPrompt, messages: messages, usage: usage)
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
