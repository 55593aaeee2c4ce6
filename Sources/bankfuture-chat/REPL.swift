import ChatCore
import ChatOpenRouter
import ChatStorage
import ChatTerminal

#if canImport(Glibc)
import Glibc
#endif

/// Wires the interactive chat: the line reader (libedit on a terminal, plain for scripts
/// and `TERM=dumb`), the renderer, Ctrl-C, the model list, storage, and the REPL.
@MainActor
enum REPL {
    static func run(_ launch: Launch, scripted: Bool, pipedSystemPrompt: Bool) async -> Int32 {
        let settings = launch.settings
        let reader: any LineReader
        var interactive = false
        if scripted {
            reader = PlainLineReader(fileDescriptor: 0, showPrompt: false)
        } else {
            // Piped stdin carried the system prompt: the conversation happens on /dev/tty.
            let useTTY = pipedSystemPrompt || isatty(0) != 1
            let terminalFD = useTTY ? open("/dev/tty", O_RDWR | O_NOCTTY) : 0
            if useTTY && terminalFD < 0 {
                Output.error(
                    "stdin is not a terminal and /dev/tty cannot be opened, so there is nowhere to chat; give a MESSAGE for one-shot mode, or use --stdin repl to read REPL input from stdin"
                )
                return 2
            }
            TerminalState.save(fileDescriptor: terminalFD)
            try? TerminalState.installTerminationHandlers()
            if launch.environment["TERM"] == "dumb" {
                reader = PlainLineReader(fileDescriptor: terminalFD, showPrompt: true)
            } else {
                if useTTY { close(terminalFD) }
                do {
                    reader = try EditLineReader(useTTY: useTTY, history: LineHistoryFile(path: settings.historyFile))
                } catch {
                    Output.error("cannot start the line editor: \(error)")
                    return 2
                }
            }
            interactive = true
        }
        defer { TerminalState.restore() }

        let renderer = TerminalRenderer(
            color: launch.useColor(fd: 2), activityIndicator: interactive ? nil : false, markdown: launch.useColor(fd: 1))
        let models = launch.modelCatalog(refreshing: interactive)
        let catalog = launch.sessionCatalog
        let conversations = launch.conversationStore()
        let services = REPLServices(
            transport: launch.transport, reader: reader, renderer: renderer, models: models, conversations: conversations,
            attachments: AttachmentFiles(
                maxBytes: settings.maxAttachmentMB * 1024 * 1024, maxTotalBytes: settings.maxAttachmentsMB * 1024 * 1024),
            images: launch.invocation.offline ? nil : ImageGeneration(launch: launch, preview: interactive && launch.useColor(fd: 2)),
            terminal: interactive ? TerminalTools(environment: launch.environment) : nil, tools: launch.tools,
            approver: interactive ? KeyApprover() : nil, autoApprove: settings.autoApproveTools, maxToolRounds: settings.maxToolRounds,
            roles: launch.roles, sessions: catalog, shell: interactive ? TerminalShell(environment: launch.environment) : nil,
            errors: launch.errors, waitForInterrupt: { _ = await InterruptMonitor.waitForInterrupt() }, now: Launch.now,
            timeZoneOffset: Launch.timeZoneOffset)
        let session = launch.session
        let repl = ChatREPL(session: session, services: services)

        if interactive {
            var banner = "bankfuture-chat \(BuildInfo.version) · \(session.model) · /help for commands, Ctrl-D to exit"
            if launch.invocation.offline {
                banner += "\noffline mode: the built-in responder answers (no network, no model)"
            }
            if launch.resumed != nil {
                let turns = session.turnCount
                banner += "\nresumed session \(launch.conversation?.name ?? "") (\(turns) turn\(turns == 1 ? "" : "s"))"
                if let pending = session.pending {
                    banner +=
                        "\nits last message was not answered (\(TerminalText.oneLine(pending.content, limit: 60))); /retry sends it again"
                }
            }
            if let role = launch.invocation.role { banner += "\nrole: \(role.name)" }
            if launch.plan.systemPromptFromStdin, let system = settings.systemPrompt {
                banner += "\nsystem prompt from stdin (\(system.count) characters)"
            }
            for notice in launch.notices { banner += "\n" + notice }
            renderer.notice(banner)
        } else {
            for notice in launch.notices { renderer.notice(notice) }
        }
        let code = await repl.run()
        // The last save after a turn may still be on its way to disk.
        do { try conversations?.flush() } catch { renderer.error("autosave failed: \(error.message)") }
        if interactive { Output.stderr("\n") }
        return code
    }
}
