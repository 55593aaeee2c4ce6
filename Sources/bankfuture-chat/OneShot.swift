import ChatCore
import ChatOpenRouter
import ChatStorage
import ChatTerminal

#if canImport(Glibc)
import Glibc
#endif

/// Shows only notices, retries and errors (on stderr): for `--json`, where the final
/// object is all stdout carries.
final class NoticesOnly: ChatRenderer {
    func retrying(_ notice: RetryNotice) {
        Output.stderr("\(notice.reason), retrying in \(UsageText.seconds(notice.delaySeconds)) s…\n")
    }
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
        var session = launch.session
        let renderer: any ChatRenderer =
            launch.invocation.json
            ? NoticesOnly()
            : TerminalRenderer(color: launch.useColor(fd: 2), markdown: launch.useColor(fd: 1), answerIsData: true)
        let settings = launch.settings
        for notice in launch.notices { Output.stderr(notice + "\n") }
        let store = launch.conversationStore()
        // With --session (or --continue) the message is saved before it is sent, so a failed
        // or interrupted run leaves it for /retry; a message that cannot be saved is not sent.
        let pipeline = TurnPipeline(
            services: .init(
                transport: launch.transport, tools: launch.tools,
                approval: ToolApproval(patterns: settings.autoApproveTools, approver: KeyApprover.onTerminal()),
                maxToolRounds: settings.maxToolRounds, waitForInterrupt: { _ = await InterruptMonitor.waitForInterrupt() },
                models: launch.modelCatalog(refreshing: false), images: ImageGeneration(launch: launch, preview: false),
                store: store, requireSave: true))
        var report = await pipeline.run(.message(ChatMessage.user(launch.plan.message, files: files)), in: &session, renderer: renderer)
        // The save after the answer is written behind the pipeline: on disk before the exit.
        do { try store?.flush() } catch { report.saveFailure = report.saveFailure ?? error.message }
        if let failure = report.saveFailure {
            Output.error("could not save the session: \(failure)")
            return 1
        }
        if let error = report.error {
            if error == .output(.closed) {
                return 141  // the reader went away: no message
            } else if error == .cancelled {
                Output.stderr("\ninterrupted\n")
            } else {
                Output.error(launch.errors.line(error, in: .oneShot))
            }
            return error.exitCode
        }
        Output.stderr(report.savedImages.map { "image saved: \($0)\n" }.joined())
        if launch.invocation.json {
            var response = report.response
            response.usage = report.usage
            Output.stdout(response.jsonObject(requestedModel: session.model, toolCalls: report.toolCalls) + "\n")
        }
        if settings.responseSchema != nil, (try? JSONParser.parse(Array(report.response.content.utf8))) == nil {
            Output.error(
                "the answer is not JSON, although --schema asked for JSON matching the schema; the model may not support structured output (try another, or provider.require_parameters)"
            )
            return 1
        }
        return 0
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
