/// The REPL: reads lines, runs slash commands, sends messages and shows answers.
/// It knows the terminal only through `LineReader` and `ChatRenderer`, so it is tested
/// with a scripted reader and a recording renderer.
@MainActor
public final class ChatLoop {
    public private(set) var session: ChatSession
    private let transport: any ChatTransport
    private let reader: any LineReader
    private let renderer: any ChatRenderer
    private let stream: Bool
    private let waitForInterrupt: (@Sendable () async -> Void)?
    private let describe: (ChatError) -> String
    private var assembler = InputAssembler()
    private var knownModels: [ModelInfo]?
    private var lastInterruptAtEmptyPrompt = false
    /// Called after every turn that changed the history (autosave hook).
    public var onHistoryChange: ((ChatSession) -> Void)?
    /// Supplies the model list (e.g. from a disk cache); defaults to the transport.
    public var modelSource: (() async -> [ModelInfo]?)?
    /// Called before each prompt (e.g. to pick up a model list fetched in the background).
    public var beforePrompt: ((ChatLoop) -> Void)?

    public init(
        session: ChatSession, transport: any ChatTransport, reader: any LineReader, renderer: any ChatRenderer,
        stream: Bool = true, describe: @escaping (ChatError) -> String = { $0.oneLine() }, waitForInterrupt: (@Sendable () async -> Void)? = nil
    ) {
        self.session = session
        self.transport = transport
        self.reader = reader
        self.renderer = renderer
        self.stream = stream
        self.describe = describe
        self.waitForInterrupt = waitForInterrupt
        reader.setCompletions(commands: SlashCommand.names, models: [session.model] + session.fallbackModels)
    }

    /// The prompt: the current model id.
    public var prompt: String {
        assembler.isPending ? "... " : "\(session.model)> "
    }

    /// Runs until `/exit` or end of input. Returns the exit code (0).
    public func run() async -> Int32 {
        while true {
            beforePrompt?(self)
            switch reader.readLine(prompt: prompt) {
            case .endOfFile:
                if let text = assembler.flush(), !text.trimmingWhitespace().isEmpty {
                    // Input ended inside a block: send what was typed rather than lose it.
                    if await handle(text) == false { return 0 }
                }
                return 0
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
                if await handle(input) == false { return 0 }
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
        case .model(nil):
            renderer.output(session.model + "\n")
        case .model(let id?):
            guard !id.contains(where: \.isWhitespace) else {
                renderer.error("a model id has no spaces: \"\(id)\"; see /models")
                return true
            }
            session.model = id
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
            onHistoryChange?(session)
            renderer.notice("conversation cleared (system prompt and model kept)")
        case .undo:
            if session.undo() {
                onHistoryChange?(session)
                renderer.notice("removed the last exchange (\(session.turnCount) left)")
            } else {
                renderer.notice("nothing to undo")
            }
        case .retry:
            guard let text = session.takeRetryMessage() else {
                renderer.notice("nothing to retry")
                return true
            }
            await send(text)
        case .history:
            renderer.output(historyText())
        case .usage:
            let u = session.totalUsage
            var line = "\(session.turnCount) turn\(session.turnCount == 1 ? "" : "s"), \(u.promptTokens) prompt + \(u.completionTokens) completion = \(u.totalTokens) tokens"
            if let cost = u.cost { line += ", $" + ModelTable.formatCost(cost) }
            renderer.output(line + "\n")
        }
        return true
    }

    private func send(_ text: String) async {
        let request = session.request(sending: text, stream: stream)
        let outcome = await ChatTurn.run(request, transport: transport, renderer: renderer, waitForInterrupt: waitForInterrupt)
        if let error = outcome.error {
            session.recordFailure(user: text)
            if error == .cancelled {
                renderer.notice("answer stopped; not added to the conversation (/retry sends it again)")
            } else {
                renderer.error(describe(error) + " (your message is kept: /retry)")
            }
        } else {
            session.recordSuccess(user: text, answer: outcome.response.content, usage: outcome.response.usage)
            onHistoryChange?(session)
        }
    }

    /// Whether a model list is known (for checks and completion).
    public var hasModels: Bool { knownModels != nil }

    /// Uses `models` for `/model` checks and tab completion without fetching.
    public func preload(models: [ModelInfo]) {
        knownModels = models
        reader.setCompletions(commands: SlashCommand.names, models: models.map(\.id) + session.fallbackModels)
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

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

/// The `/models` table: id, context length, price per 1M tokens.
public enum ModelTable {
    /// Renders the models whose id or name contains `filter` (case-insensitive).
    public static func render(_ models: [ModelInfo], filter: String?) -> String {
        let needle = filter?.lowercased()
        let rows = models.filter { m in
            guard let needle, !needle.isEmpty else { return true }
            return m.id.lowercased().contains(needle) || (m.name?.lowercased().contains(needle) ?? false)
        }.sorted { $0.id < $1.id }
        if rows.isEmpty { return "no models match \"\(filter ?? "")\"\n" }
        let header = ["MODEL", "CONTEXT", "$/1M IN", "$/1M OUT"]
        let cells = rows.map { m in
            [m.id, m.contextLength.map(formatContext) ?? "-", m.promptPrice.map(perMillion) ?? "-", m.completionPrice.map(perMillion) ?? "-"]
        }
        let widths = (0..<4).map { col in ([header] + cells).map { $0[col].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            row[0].padding(widths[0]) + "  " + (1..<4).map { String(repeating: " ", count: widths[$0] - row[$0].count) + row[$0] }.joined(separator: "  ")
        }
        return ([line(header)] + cells.map(line)).joined(separator: "\n") + "\n"
    }

    /// `128000` → `128K`, `1048576` → `1M`.
    public static func formatContext(_ n: Int) -> String {
        if n >= 1_000_000, n % 1_000_000 == 0 { return "\(n / 1_000_000)M" }
        if n >= 1_000_000 { return "\(n / 1_000_000).\((n % 1_000_000) / 100_000)M" }
        if n >= 1000 { return "\(n / 1000)K" }
        return String(n)
    }

    static func perMillion(_ perToken: Double) -> String {
        let value = perToken * 1_000_000
        if value == 0 { return "0" }
        return formatDecimal(value, digits: value < 0.01 ? 4 : 2)
    }

    /// Cost in USD with enough digits for small amounts.
    public static func formatCost(_ cost: Double) -> String {
        formatDecimal(cost, digits: cost < 0.01 ? 6 : 4)
    }

    static func formatDecimal(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((value * scale).rounded())
        let whole = scaled / Int64(scale)
        var fraction = String(scaled % Int64(scale))
        while fraction.count < digits { fraction = "0" + fraction }
        return "\(whole).\(fraction)"
    }
}
