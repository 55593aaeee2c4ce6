import ArgumentParser
import FakeOpenRouter
import Foundation

/// `fake-openrouter`: runs the fake OpenRouter server until SIGINT or SIGTERM.
///
/// Prints the API base on the first line of stdout (tests read it to learn the port) and one
/// line per request on stderr.
@main
struct FakeOpenRouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-openrouter",
        abstract: "A fake OpenRouter API on 127.0.0.1 for tests and demos.",
        discussion: """
            Prints the API base (http://127.0.0.1:PORT/api/v1) on stdout, logs each request \
            on stderr, and runs until interrupted. Chat completions echo the last user message; \
            these model ids choose a scenario instead:

            \(scenarioList)
            """
    )

    @Option(help: "The port to listen on (0 picks a free port).")
    var port: Int = 0

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535, got \(port)")
        }
    }

    func run() async throws {
        let signals = SignalWaiter(SIGINT, SIGTERM)
        let fake = try await FakeOpenRouter.start(port: port) { request in
            let model = request.model.map { " model=\($0)" } ?? ""
            FileHandle.standardError.write(Data("\(request.method) \(request.path)\(model)\n".utf8))
        }
        // FileHandle writes go straight to the descriptor, so the line is visible at once.
        FileHandle.standardOutput.write(Data((fake.baseURL + "\n").utf8))
        await signals.wait()
        try await fake.shutdown()
    }

    private static var scenarioList: String {
        FakeOpenRouter.scenarios.map { "  \($0.model.padding(toLength: 22, withPad: " ", startingAt: 0)) \($0.effect)" }
            .joined(separator: "\n")
    }
}

/// Waits for the first of some signals, which are kept from their default action (terminating
/// the process) so the server can shut down and exit 0.
struct SignalWaiter {
    private let signalNumbers: [Int32]
    private let stream: AsyncStream<Int32>
    /// Kept so the sources stay alive while waiting.
    private let sources: [any DispatchSourceSignal]

    init(_ signalNumbers: Int32...) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        self.signalNumbers = signalNumbers
        self.stream = stream
        self.sources = signalNumbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    /// Returns when one of the signals arrives.
    func wait() async {
        for await _ in stream { return }
    }
}
