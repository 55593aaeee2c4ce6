import ChatCore
import ChatOpenRouter
import ChatStorage
import ChatTerminal

#if canImport(Glibc)
import Glibc
#endif

/// Collects nothing on the terminal: for `--json`, where only the final object is printed.
final class SilentRenderer: ChatRenderer {
    func beginAnswer() {}
    func answerText(_ text: String) {}
    func reasoningText(_ text: String) {}
    func endAnswer(_ response: ChatResponse, interrupted: Bool) {}
    func retrying(_ notice: RetryNotice) {
        Output.stderr("\(notice.reason), retrying in \(UsageText.seconds(notice.delaySeconds)) s…\n")
    }
    func output(_ text: String) {}
    func notice(_ text: String) { Output.stderr(text + "\n") }
    func error(_ text: String) { Output.error(text) }
    var outputFailure: OutputFailure? { FileDescriptorWriter.failure(of: 1) }
}

@MainActor
enum OneShot {
    /// Sends one message and prints the answer. Returns the exit code.
    static func run(_ launch: Launch) async -> Int32 {
        // Files are read before anything is sent; one refused file sends nothing.
        let files: [LoadedFile]
        let source = AttachmentFiles(
            maxBytes: launch.settings.maxAttachmentMB * 1024 * 1024, maxTotalBytes: launch.settings.maxAttachmentsMB * 1024 * 1024)
        do {
            files = try source.load(launch.plan.files, joining: [])
        } catch {
            Output.error(error.message + " (nothing was sent)")
            return 2
        }
        let message = ChatMessage.user(launch.plan.message, files: files)
        var session = launch.session
        let renderer: any ChatRenderer =
            launch.options.json
            ? SilentRenderer()
            : TerminalRenderer(color: launch.useColor(fd: 2), markdown: launch.useColor(fd: 1), answerIsData: true)
        // With --session (or --continue) the message is saved before it is sent, so a failed
        // or interrupted run leaves it for /retry.
        session.beginTurn(user: message)
        if let autosave = launch.autosave, !save(session, to: autosave) { return 1 }
        let settings = launch.settings
        let loop = AnswerLoop(
            transport: launch.transport, renderer: renderer, tools: launch.tools,
            approval: ToolApproval(patterns: settings.autoApproveTools, approver: KeyApprover.onTerminal()),
            maxRounds: settings.maxToolRounds, stream: settings.stream, toolWait: .seconds(10),
            waitForInterrupt: { _ = await InterruptMonitor.waitForInterrupt() })
        let result = await loop.run(message, in: session)
        let outcome = result.outcome
        if let error = outcome.error {
            if error == .output(.closed) {
                return 141  // the reader went away: no message
            } else if error == .cancelled {
                Output.stderr("\ninterrupted\n")
            } else {
                Output.error(launch.errors.line(error, in: .oneShot))
            }
            return error.exitCode
        }
        if !outcome.response.images.isEmpty {
            switch ImageGeneration(launch: launch, preview: false).save(answerImages: outcome.response.images) {
            case .success(let paths): Output.stderr(paths.map { "image saved: \($0)\n" }.joined())
            case .failure(let failure): Output.error(failure.message)
            }
        }
        if launch.options.json {
            Output.stdout(outcome.response.jsonObject(requestedModel: session.model, toolCalls: result.toolCalls) + "\n")
        }
        if let autosave = launch.autosave {
            session.recordSuccess(user: message, answer: result.messages, usage: result.usage)
            if !save(session, to: autosave) { return 1 }
        }
        if settings.responseSchema != nil, (try? JSONParser.parse(Array(outcome.response.content.utf8))) == nil {
            Output.error(
                "the answer is not JSON, although --schema asked for JSON matching the schema; the model may not support structured output (try another, or provider.require_parameters)"
            )
            return 1
        }
        return 0
    }

    /// Saves the session; on failure prints one line and returns false (the run exits 1).
    private static func save(_ session: ChatSession, to file: AutosaveFile) -> Bool {
        do {
            try file.save(SessionArchive(session), now: Launch.now())
            return true
        } catch {
            Output.error("could not save the session: \(error.message)")
            return false
        }
    }

    /// `--image PROMPT`: the saved paths on stdout (one per line), then any text the model sent.
    static func image(_ launch: Launch, prompt: String) async -> Int32 {
        let generation = ImageGeneration(launch: launch, preview: launch.useColor(fd: 2))
        switch await generation.generateAndSave(prompt: prompt) {
        case .success(let saved):
            Output.stdout(saved.paths.joined(separator: "\n") + "\n")
            let text = saved.text.trimmingWhitespace()
            if !text.isEmpty { Output.stdout(text + "\n") }
            return 0
        case .failure(let failure):
            Output.error(failure.message)
            return failure.exitCode
        }
    }
}
