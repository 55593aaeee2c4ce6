import ChatCore
import ChatStorage
import ChatTerminal

#if canImport(Glibc)
import Glibc
#endif

/// `-e TASK`: one shell command. On a terminal it is shown and acted on by key; without one
/// it is printed on stdout and never run.
@MainActor
enum Execute {
    static func run(_ launch: Launch, task: String) async -> Int32 {
        let onTerminal = isatty(0) == 1 && isatty(1) == 1 && KeyPrompt.canAsk
        let renderer = TerminalRenderer(color: launch.useColor(fd: 2), answerIsData: !onTerminal)
        let flow = ShellCommandFlow(
            transport: launch.transport, renderer: renderer, shell: onTerminal ? TerminalShell(environment: launch.environment) : nil,
            session: launch.session, errors: launch.errors,
            waitForInterrupt: { _ = await InterruptMonitor.waitForInterrupt() })
        switch await flow.run(task: task) {
        case .executed(let status): return status
        case .copied, .printed: return 0
        case .aborted: return 130
        case .refused: return 1
        case .failed(let error):
            Output.error(launch.errors.line(error, in: .oneShot))
            return error.exitCode
        }
    }
}
