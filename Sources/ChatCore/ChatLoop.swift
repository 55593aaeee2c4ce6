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

/// Things the REPL needs from its surroundings that the core cannot do itself
/// (editor, clipboard, images). Each is optional; a missing one is reported to the user.
public struct ChatLoopServices {
    /// Opens the user's editor and returns the text written, nil when cancelled (empty file).
    /// The argument is the text to start from.
    public var composeInEditor: ((String) -> Result<String?, ChatLoop.ServiceFailure>)?
    /// Puts text on the clipboard (OSC 52); false when the terminal cannot.
    public var copyToClipboard: ((String) -> Bool)?
    /// Generates images for a prompt and returns a line to show (paths, text) and a short
    /// note for the conversation history.
    public var generateImage: ((String) async -> Result<(shown: String, note: String), ChatLoop.ServiceFailure>)?
    /// Saves images that came with a normal answer (data URLs); returns the file paths.
    public var saveImages: (([String]) -> Result<[String], ChatLoop.ServiceFailure>)?
    /// Where the conversation is autosaved after every change.
    public var autosave: AutosaveFile?

    public init() {}
}

/// The REPL: reads lines, runs slash commands, sends messages and shows answers.
/// It knows the terminal only through `LineReader` and `ChatRenderer`, so it is tested
/// with a scripted reader and a recording renderer.
@MainActor
public final class ChatLoop {
    /// A service (editor, clipboard, images) that failed: one line for the user.
    public struct ServiceFailure: Error, Sendable, Equatable {
        public var message: String
        public init(_ message: String) { self.message = message }
    }

    public private(set) var session: ChatSession
    public private(set) var stream: Bool
    private let transport: any ChatTransport
    private let reader: any LineReader
    private let renderer: any ChatRenderer
    private let waitForInterrupt: (@Sendable () async -> Void)?
    private let describe: (ChatError) -> String
    private var assembler = InputAssembler()
    private var knownModels: [ModelInfo]?
    private var lastInterruptAtEmptyPrompt = false
    private var pendingAttachments: [Attachment] = []
    private var lastAnswer: String?
    /// Set when the REPL must end (standard output is gone): the process's exit code.
    private var endCode: Int32?
    /// Models used in this session, offered by completion even without a model list.
    private var recentModels: [String] = []
    public var services = ChatLoopServices()
    /// Supplies the model list (e.g. from a disk cache); defaults to the transport.
    public var modelSource: (() async -> [ModelInfo]?)?
    /// Called before each prompt (e.g. to pick up a model list fetched in the background).
    public var beforePrompt: ((ChatLoop) -> Void)?

    public init(
        session: ChatSession, transport: any ChatTransport, reader: any LineReader, renderer: any ChatRenderer,
        stream: Bool = true, describe: @escaping (ChatError) -> String = { $0.oneLine() },
        waitForInterrupt: (@Sendable () async -> Void)? = nil
    ) {
        self.session = session
        self.transport = transport
        self.reader = reader
        self.renderer = renderer
        self.stream = stream
        self.describe = describe
        self.waitForInterrupt = waitForInterrupt
        recentModels = [session.model]
        updateCompletions()
    }

    /// The prompt: the current model id.
    public var prompt: String {
        assembler.isPending ? "... " : "\(session.model)> "
    }

    /// Runs until `/exit` or end of input. Returns the exit code: 0, or 141 / 1 when standard
    /// output could no longer be written.
    public func run() async -> Int32 {
        while true {
            if let endCode { return endCode }
            beforePrompt?(self)
            switch reader.readLine(prompt: prompt) {
            case .endOfFile:
                if let text = assembler.flush(), !text.trimmingWhitespace().isEmpty {
                    // Input ended inside a block: send what was typed rather than lose it.
                    reader.remember(text)
                    if await handle(text) == false { return endCode ?? 0 }
                }
                return endCode ?? 0
            case .interrupt:
                if assembler.isPending {
                    assembler.cancel()
                    lastInterruptAtEmptyPrompt = false
                } else if lastInterruptAtEmptyPrompt {
                    renderer.notice("(press Ctrl-D or type /exit to leave)")
                    lastInterruptAtEmptyPrompt = false
                } else {
                    lastInterruptAtEmptyPrompt = true
                }
            case .line(let line):
                lastInterruptAtEmptyPrompt = false
                guard let input = assembler.add(line) else { continue }
                if !input.trimmingWhitespace().isEmpty { reader.remember(input) }
                if await handle(input) == false { return endCode ?? 0 }
            }
        }
    }

    /// Handles one complete input. Returns false when the REPL should end.
    @discardableResult
    public func handle(_ input: String) async -> Bool {
        switch ParsedInput.parse(input) {
        case .empty:
            return true
        case .message(let text):
            await send(text)
            return true
        case .unknownCommand(_, let hint):
            renderer.notice(hint)
            return true
        case .command(let command):
            return await run(command)
        }
    }

    // MARK: - Commands

    private func run(_ command: SlashCommand) async -> Bool {
        switch command {
        case .exit:
            return false
        case .help:
            let width = SlashCommand.helpLines.map(\.0.count).max() ?? 0
            renderer.output(SlashCommand.helpLines.map { $0.0.padding(width) + "  " + $0.1 }.joined(separator: "\n") + "\n")
        case .system(nil):
            if let system = session.systemPrompt, !system.isEmpty {
                renderer.output(system + "\n")
            } else {
                renderer.notice("no system prompt; set one with /system TEXT")
            }
        case .system(let text?):
            session.systemPrompt = text
            renderer.notice("system prompt set (\(text.count) characters); history kept")
            autosave()
        case .model(nil):
            renderer.output(session.model + "\n")
        case .model(let id?):
            guard !id.contains(where: \.isWhitespace) else {
                renderer.error("a model id has no spaces: \"\(id)\"; see /models")
                return true
            }
            session.model = id
            if !recentModels.contains(id) { recentModels.append(id) }
            updateCompletions()
            if let models = await models(), !models.isEmpty, !models.contains(where: { $0.id == id }) {
                renderer.notice("warning: \(id) is not in the model list; keeping it anyway (see /models)")
            }
            renderer.notice("model: \(id)")
        case .models(let filter):
            guard let models = await models() else {
                renderer.error("could not fetch the model list; check the connection and try again")
                return true
            }
            renderer.output(ModelTable.render(models, filter: filter))
        case .reset:
            session.reset()
            pendingAttachments.removeAll()
            autosave()
            renderer.notice("conversation cleared (system prompt and model kept)")
        case .undo:
            if session.undo() {
                autosave()
                renderer.notice("removed the last exchange (\(session.turnCount) left)")
            } else {
                renderer.notice("nothing to undo")
            }
        case .retry:
            guard let text = session.takeRetryMessage() else {
                renderer.notice("nothing to retry")
                return true
            }
            await send(text, attachments: [])
        case .history:
            renderer.output(historyText())
        case .usage:
            let u = session.totalUsage
            var line = "\(session.turnCount) turn\(session.turnCount == 1 ? "" : "s"), \(u.promptTokens) prompt + \(u.completionTokens) completion = \(u.totalTokens) tokens"
            if let cost = u.cost { line += ", " + UsageText.cost(cost) }
            renderer.output(line + "\n")
        case .save(let path):
            guard let path else { return usage("/save PATH") }
            do {
                try SessionArchive(session).save(to: expand(path))
                renderer.notice("saved \(session.history.count) messages to \(path)")
            } catch {
                renderer.error(error.message)
            }
        case .load(let path):
            guard let path else { return usage("/load PATH") }
            do {
                let archive = try SessionArchive.load(from: expand(path))
                session.model = archive.model
                session.systemPrompt = archive.systemPrompt
                session.replaceHistory(archive.messages, pending: archive.pending)
                lastAnswer = archive.messages.last(where: { $0.role == .assistant })?.content
                autosave()
                renderer.notice("loaded \(archive.messages.count) messages from \(path) (model \(archive.model))")
            } catch {
                renderer.error(error.message + " (nothing changed)")
            }
        case .export(let path):
            guard let path else { return usage("/export PATH") }
            do {
                try PrivateFile.write(Array(SessionArchive(session).markdown().utf8), to: expand(path))
                renderer.notice("exported the conversation to \(path)")
            } catch {
                renderer.error(error.message)
            }
        case .set(nil, _):
            renderer.output(RequestSettings.describe(session.parameters, stream: stream))
        case .set(let key?, nil):
            let known = RequestSettings.keys.first { $0.key == key.lowercased() }
            renderer.notice(known.map { "usage: /set \($0.key) VALUE (\($0.values))" } ?? "unknown setting \"\(key)\"; settings: " + RequestSettings.keys.map(\.key).joined(separator: ", "))
        case .set(let key?, let value?):
            do {
                try RequestSettings.apply(key: key, value: value, to: &session.parameters, stream: &stream)
                renderer.notice("\(key.lowercased()) = \(value)")
            } catch {
                renderer.error(error.message)
            }
        case .file(let patterns):
            guard !patterns.isEmpty else {
                if pendingAttachments.isEmpty { return usage("/file PATH... (attaches text files to the next message)") }
                renderer.notice("attached to the next message: " + pendingAttachments.map(\.path).joined(separator: ", "))
                return true
            }
            var added: [Attachment] = []
            for pattern in patterns {
                let paths = FileGlob.expand(expand(pattern))
                if paths.isEmpty {
                    renderer.error("cannot attach \(pattern): no such file")
                    return true
                }
                for path in paths {
                    do { added.append(try Attachment.load(path)) } catch {
                        renderer.error(error.message + " (nothing attached)")
                        return true
                    }
                }
            }
            pendingAttachments += added
            renderer.notice("attached \(added.map(\.path).joined(separator: ", ")) to the next message")
        case .edit(let initial):
            guard let compose = services.composeInEditor else {
                renderer.error("/edit needs a terminal and $VISUAL or $EDITOR")
                return true
            }
            switch compose(initial ?? "") {
            case .success(let text?) where !text.trimmingWhitespace().isEmpty:
                reader.remember(text)
                await send(text)
            case .success:
                renderer.notice("empty message; nothing sent")
            case .failure(let failure):
                renderer.error(failure.message)
            }
        case .copy(let codeOnly):
            guard let answer = lastAnswer else {
                renderer.notice("nothing to copy yet")
                return true
            }
            let text = codeOnly ? CodeBlocks.last(in: answer) : answer
            guard let text else {
                renderer.notice("the last answer has no code block")
                return true
            }
            if services.copyToClipboard?(text) == true {
                renderer.notice("copied \(text.count) characters")
            } else {
                renderer.notice("this terminal cannot take the clipboard (OSC 52); nothing copied")
            }
        case .fallback(let ids):
            session.fallbackModels = ids
            updateCompletions()
            renderer.notice(ids.isEmpty ? "no fallback models" : "fallback models: " + ids.joined(separator: ", "))
        case .image(nil):
            return usage("/image PROMPT")
        case .image(let prompt?):
            guard let generate = services.generateImage else {
                renderer.error("image generation is not available here")
                return true
            }
            renderer.notice("generating an image…")
            switch await generate(prompt) {
            case .success(let (shown, note)):
                renderer.output(shown + "\n")
                session.recordSuccess(user: "/image " + prompt, answer: note, usage: nil)
                autosave()
            case .failure(let failure):
                renderer.error(failure.message)
            }
        }
        return true
    }

    private func usage(_ text: String) -> Bool {
        renderer.notice("usage: \(text)")
        return true
    }

    private func expand(_ path: String) -> String {
        PathText.expandingTilde(path)
    }

    // MARK: - Turns

    private func send(_ text: String) async {
        let attachments = pendingAttachments
        pendingAttachments.removeAll()
        await send(text, attachments: attachments)
    }

    private func send(_ typed: String, attachments: [Attachment]) async {
        let text = Attachment.compose(typed, attachments: attachments)
        var request = session.request(sending: text, stream: stream)
        if let limit = knownModels?.first(where: { $0.id == session.model })?.contextLength {
            let (fitted, dropped) = ContextWindow.fit(request, contextLength: limit)
            if dropped > 0 {
                renderer.notice("the conversation is longer than \(session.model)'s context (\(limit) tokens): the oldest \(dropped) messages were left out of this request (they stay in the saved transcript)")
                request = fitted
            }
        }
        // Saved before the request goes out: if this process dies mid-turn, the message is
        // in the autosave as the pending one, and /retry after --continue resends it.
        session.beginTurn(user: text)
        autosave()
        var outcome = await ChatTurn.run(request, transport: transport, renderer: renderer, waitForInterrupt: waitForInterrupt)
        if let error = outcome.error, ContextWindow.isContextExceeded(error) {
            let (halved, dropped) = ContextWindow.halve(request)
            if dropped > 0 {
                renderer.notice("the model's context was exceeded: retrying without the oldest \(dropped) messages (they stay in the saved transcript)")
                outcome = await ChatTurn.run(halved, transport: transport, renderer: renderer, waitForInterrupt: waitForInterrupt)
            }
        }
        if let error = outcome.error {
            session.recordFailure(user: text)
            autosave()
            if case .output(let failure) = error {
                // Nobody reads the answers any more: leave, saying why only when it is not a closed pipe.
                if case .failed = failure { renderer.error(describe(error)) }
                endCode = error.exitCode
                return
            }
            if error == .cancelled {
                renderer.notice("answer stopped; not added to the conversation (/retry sends it again)")
            } else {
                renderer.error(describe(error) + " (your message is kept: /retry)")
            }
            return
        }
        var usage = outcome.response.usage
        if var u = usage, u.cost == nil, let model = knownModels?.first(where: { $0.id == (outcome.response.model ?? session.model) }),
            let input = model.promptPrice, let output = model.completionPrice
        {
            u.cost = Double(u.promptTokens) * input + Double(u.completionTokens) * output
            usage = u
        }
        var answer = outcome.response.content
        if !outcome.response.images.isEmpty {
            switch services.saveImages?(outcome.response.images) {
            case .success(let paths)?:
                renderer.output(paths.joined(separator: "\n"))
                answer += (answer.isEmpty ? "" : "\n") + "[image\(paths.count == 1 ? "" : "s") saved: \(paths.joined(separator: ", "))]"
            case .failure(let failure)?:
                renderer.error(failure.message)
            case nil:
                renderer.notice("the answer carried \(outcome.response.images.count) image(s), which cannot be saved here")
            }
        }
        session.recordSuccess(user: text, answer: answer, usage: usage)
        lastAnswer = outcome.response.content
        autosave()
    }

    private func autosave() {
        guard let file = services.autosave else { return }
        do {
            try file.save(SessionArchive(session))
        } catch {
            renderer.error("autosave failed: \(error.message)")
        }
    }

    // MARK: - Models

    /// Whether a model list is known (for checks and completion).
    public var hasModels: Bool { knownModels != nil }

    /// Uses `models` for `/model` checks and tab completion without fetching.
    public func preload(models: [ModelInfo]) {
        knownModels = models
        updateCompletions()
    }

    private func updateCompletions() {
        var ids = (knownModels ?? []).map(\.id)
        for id in [session.model] + session.fallbackModels + recentModels where !ids.contains(id) { ids.append(id) }
        reader.setCompletions(commands: SlashCommand.names, models: ids)
    }

    private func models() async -> [ModelInfo]? {
        if let knownModels { return knownModels }
        let fetched: [ModelInfo]?
        if let modelSource { fetched = await modelSource() } else { fetched = try? await transport.listModels() }
        if let fetched { preload(models: fetched) }
        return fetched
    }

    private func historyText() -> String {
        var out = ""
        if let system = session.systemPrompt, !system.isEmpty { out += "[system] \(system)\n\n" }
        if session.history.isEmpty { return out + "(no messages yet)\n" }
        for message in session.history {
            out += "[\(message.role.rawValue)] \(message.content)\n\n"
        }
        return out
    }
}

/// Fenced code blocks in an answer (for `/copy code`).
public enum CodeBlocks {
    /// The contents of the last fenced block, without its fences.
    public static func last(in text: String) -> String? {
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingWhitespace().hasPrefix("```") {
                if let lines = current {
                    blocks.append(lines.joined(separator: "\n"))
                    current = nil
                } else {
                    current = []
                }
            } else {
                current?.append(line)
            }
        }
        return blocks.last
    }
}

/// Shell-style glob expansion for `/file`.
public enum FileGlob {
    /// The paths matching `pattern`, sorted; a pattern without wildcards is returned when the file exists.
    public static func expand(_ pattern: String) -> [String] {
        guard pattern.contains(where: { "*?[".contains($0) }) else {
            return FileManager.default.fileExists(atPath: pattern) ? [pattern] : []
        }
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }
}
