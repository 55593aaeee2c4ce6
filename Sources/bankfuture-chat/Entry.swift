import ArgumentParser
import CProcessTuning
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

@main
enum Entry {
    /// The process environment, with HOME filled in from the password database when unset
    /// (the core takes paths from the environment only).
    static func environment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        if environment["HOME"]?.isEmpty ?? true, let home = PathExpansion.homeDirectory() { environment["HOME"] = home }
        return environment
    }

    static func main() async {
        // One malloc arena, before other threads allocate (see bfchat_process_tuning.h).
        bfchat_limit_malloc_arenas()
        // A closed stdout is an EPIPE error to handle (stop the request, exit 141), not a
        // signal that kills the process in the middle of saving.
        signal(SIGPIPE, SIG_IGN)
        let code = await run(Array(CommandLine.arguments.dropFirst()))
        exit(Output.finalCode(code))
    }

    @MainActor
    static func run(_ arguments: [String]) async -> Int32 {
        let command: BankfutureChat
        do {
            var parsed = try BankfutureChat.parseAsRoot(arguments)
            guard let chat = parsed as? BankfutureChat else {
                // --help and friends come back as their own command; running it throws CleanExit.
                try parsed.run()
                return 0
            }
            command = chat
        } catch {
            // Help, version and completion scripts "fail" with exit code 0: print them on stdout.
            let code = BankfutureChat.exitCode(for: error)
            if code == .success {
                Output.stdout(BankfutureChat.fullMessage(for: error) + "\n")
                return 0
            }
            let message = BankfutureChat.message(for: error)
            Output.error(message.split(separator: "\n").first.map(String.init) ?? message)
            Output.stderr("usage: bankfuture-chat [options] [MESSAGE ...]  (see --help)\n")
            return 2
        }

        let launch: Launch
        do {
            launch = try Launch.prepare(command.options.arguments, environment: environment())
        } catch {
            Output.error(error.message)
            return 2
        }
        try? InterruptMonitor.install()
        let code: Int32
        switch launch.plan.mode {
        case .oneShot:
            code = await OneShot.run(launch)
        case .listModels(let filter):
            code = await Listing.models(launch, filter: filter)
        case .keyInfo:
            code = await Listing.keyInfo(launch)
        case .image(let prompt):
            code = await OneShot.image(launch, prompt: prompt)
        case .repl(let scripted, let piped):
            code = await REPL.run(launch, scripted: scripted, pipedSystemPrompt: piped)
        case .execute(let task):
            code = await Execute.run(launch, task: task)
        case .sessions(let query):
            code = Sessions.list(launch, query: query)
        case .deleteSession(let name):
            code = Sessions.delete(launch, name: name)
        }
        await launch.tools?.shutdown()
        await launch.httpTransport?.shutdown()
        return code
    }
}
