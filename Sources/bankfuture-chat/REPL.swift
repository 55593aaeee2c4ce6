import ChatCore
import ChatOpenRouter
import ChatStorage
import ChatTerminal
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#endif

/// Wires the interactive chat: the line reader (libedit on a terminal, plain for scripts
/// and `TERM=dumb`), the renderer, Ctrl-C, the model cache, and the chat loop.
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
                Output.error("stdin is not a terminal and /dev/tty cannot be opened, so there is nowhere to chat; give a MESSAGE for one-shot mode, or use --stdin repl to read REPL input from stdin")
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
        let loop = ChatLoop(
            session: launch.session, transport: launch.transport, reader: reader, renderer: renderer,
            stream: settings.stream, describe: launch.describe,
            waitForInterrupt: { _ = await InterruptMonitor.waitForInterrupt() })

        // Model ids for /model checks and completion: a disk cache with a time limit,
        // refreshed from GET /models when stale (in the background, so the prompt is not delayed).
        let cache = ModelCache(path: settings.stateDirectory + "/models.json")
        let transport = launch.transport
        if !launch.options.offline {
            if let cached = cache.load(), cached.fresh {
                loop.preload(models: cached.models)
            } else if interactive {
                Task.detached {
                    if let models = try? await transport.listModels() { cache.save(models) }
                }
            }
        }
        loop.modelSource = {
            if launch.options.offline { return try? await transport.listModels() }
            if let cached = cache.load(), cached.fresh { return cached.models }
            if let models = try? await transport.listModels() {
                cache.save(models)
                return models
            }
            guard let stale = cache.load()?.models else { return nil }
            renderer.notice("could not refresh the model list; showing the cached one (\(stale.count) models)")
            return stale
        }
        loop.beforePrompt = { loop in
            if !loop.hasModels, let cached = cache.load(), cached.fresh { loop.preload(models: cached.models) }
        }

        var services = ChatLoopServices()
        let environment = launch.environment
        if interactive {
            services.composeInEditor = { ExternalEditor.compose($0, environment: environment) }
            services.copyToClipboard = { Clipboard.copy($0, environment: environment) }
        }
        services.autosave = launch.sessionPath.map { AutosaveFile(path: $0, claimed: launch.sessionClaimed) }
        if !launch.options.offline {
            services.generateImage = { prompt in
                await launch.generateImage(prompt).map { saved in
                    InlineImagePreview.show(paths: saved.paths, environment: environment, enabled: interactive && launch.useColor(fd: 2))
                    let text = saved.text.trimmingWhitespace()
                    return (shown: saved.paths.joined(separator: "\n") + (text.isEmpty ? "" : "\n" + text), note: saved.historyNote)
                }
            }
        }
        services.saveImages = { launch.saveImages($0, prompt: "answer") }
        loop.services = services

        if interactive {
            var banner = "bankfuture-chat \(BuildInfo.version) · \(settings.model) · /help for commands, Ctrl-D to exit"
            if launch.options.offline {
                banner += "\noffline mode: the built-in responder answers (no network, no model)"
            }
            if let resumed = launch.resumedMessages {
                banner += "\nresumed session \(launch.sessionName ?? "") (\(resumed) messages)"
            }
            if pipedSystemPrompt, let system = settings.systemPrompt {
                banner += "\nsystem prompt from stdin (\(system.count) characters)"
            }
            renderer.notice(banner)
        }
        let code = await loop.run()
        if interactive { Output.stderr("\n") }
        return code
    }
}
