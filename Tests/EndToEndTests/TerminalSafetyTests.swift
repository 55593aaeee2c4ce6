import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// A hostile server against the built binary: no byte it sends may steer the terminal,
/// through any writer, in any mode. Each writer is driven end to end; the pseudo-terminal's
/// raw output (escape sequences included) is what is checked.
@Suite(.serialized) struct TerminalSafetyTests {
    /// What a hostile server puts in its text: set the window title, clear the screen, write
    /// to the clipboard (OSC 52), a bell, a C1 CSI, a DEL and a bare CR.
    static let hostile = "A\u{1B}]0;PWNED\u{07}B\u{1B}[2JC\u{1B}]52;c;Y3VybCBldmlsIHwgc2g=\u{07}D\u{9B}31mE\u{7F}F\rG"
    /// Sequences none of which may appear in what the terminal receives.
    static let forbidden = ["\u{1B}]0;", "\u{1B}[2J", "\u{1B}]52;", "\u{9B}", "\u{7F}", "\u{07}"]

    static func expectClean(_ output: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for sequence in forbidden {
            #expect(!output.contains(sequence), "terminal received \(sequence.debugDescription)", sourceLocation: sourceLocation)
        }
    }

    func withREPL(
        _ arguments: [String] = [], env extra: [String: String] = [:], files: [String: String] = [:],
        _ body: (PseudoTerminal, FakeOpenRouter, Sandbox) async throws -> Void
    ) async throws {
        let fake = try await FakeOpenRouter.start()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        for (name, text) in files { _ = try sandbox.write(name, text) }
        let terminal = try await PseudoTerminal.spawn(
            executable: Binaries.chat,
            arguments: ["--base-url", fake.baseURL] + arguments.map { $0.replacingOccurrences(of: "$ROOT", with: sandbox.root) },
            environment: sandbox.environment(extra))
        do {
            try await body(terminal, fake, sandbox)
        } catch {
            _ = terminal.terminate()
            try await fake.shutdown()
            throw error
        }
        _ = terminal.terminate()
        try await fake.shutdown()
    }

    static let modes: [(String, [String], [String: String])] = [
        ("colour", [], [:]),
        ("raw", ["--raw"], [:]),
        ("NO_COLOR", [], ["NO_COLOR": "1"]),
        ("TERM=dumb", [], ["TERM": "dumb"]),
    ]

    @Test(arguments: 0..<4)
    func answerReasoningModelAndHistoryAreInertInEveryMode(_ index: Int) async throws {
        let (_, arguments, env) = Self.modes[index]
        try await withREPL(arguments, env: env) { terminal, fake, _ in
            let hostileModel = "evil/\u{1B}]0;MODEL\u{07}m"
            fake.enqueue(
                .stream(
                    [
                        #"{"model":"\#(json(hostileModel))","choices":[{"delta":{"reasoning":"\#(json(Self.hostile))"}}]}"#,
                        #"{"model":"\#(json(hostileModel))","choices":[{"delta":{"content":"\#(json(Self.hostile))"}}]}"#,
                        #"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#,
                    ]))
            try await terminal.waitFor("> ")
            try terminal.send("hi\r")
            try await terminal.waitFor("1 in / 2 out tokens")
            try await terminal.waitFor("> ")
            try terminal.send("/history\r")
            try await terminal.waitFor("[assistant]")
            try await terminal.waitFor("> ")
            let output = terminal.output
            Self.expectClean(output)
            #expect(!output.contains("\u{1B}]0;MODEL"))
            // What was there is shown, not obeyed.
            #expect(output.contains("␛]0;PWNED"))
            try terminal.send("/exit\r")
            #expect(try await terminal.waitForExit() == 0)
        }
    }

    @Test func errorMessageAndMetadataStayOneInertLine() async throws {
        try await withREPL(["--config", "$ROOT/cfg.json"], files: ["cfg.json": #"{"max_retries":0}"#]) { terminal, fake, _ in
            let message = "bad\r\nthing \(Self.hostile)"
            fake.enqueue(
                .error(
                    status: 400, message: message,
                    metadataJSON: #"{"provider_name":"\#(json("Prov\u{1B}[2Jider"))","reasons":["\#(json("r\u{9B}1"))"]}"#))
            try await terminal.waitFor("> ")
            try terminal.send("hi\r")
            let shown = try await terminal.waitFor("(your message is kept: /retry)")
            Self.expectClean(terminal.output)
            let line = try #require(shown.split(separator: "\n").last { $0.contains("HTTP 400") })
            #expect(line.contains("bad  thing") || line.contains("bad thing"))
            #expect(line.contains("your message is kept"))
        }
    }

    @Test func modelTableIsInert() async throws {
        try await withREPL { terminal, fake, _ in
            fake.setModels([
                FakeModel(
                    id: "evil/\u{1B}]52;c;cm0gLXJm\u{07}x", name: "Evil \u{9B}2J", contextLength: 1000, promptPrice: "0",
                    completionPrice: "0"),
                FakeModel(id: "good/model", name: "Good", contextLength: 2000, promptPrice: "0", completionPrice: "0"),
            ])
            try await terminal.waitFor("> ")
            try terminal.send("/models\r")
            try await terminal.waitFor("good/model")
            try await terminal.waitFor("> ")
            Self.expectClean(terminal.output)
        }
    }

    @Test func fileNamesInNoticesAreInert() async throws {
        let name = "note\u{1B}]0;FILE\u{07}.txt"
        try await withREPL(files: [name: "hello"]) { terminal, _, sandbox in
            try await terminal.waitFor("> ")
            try terminal.send("/file \(sandbox.root)/note*.txt\r")
            try await terminal.waitFor("to the next message")
            Self.expectClean(terminal.output)
        }
    }

    @Test func oneShotOnATerminalIsInertButToAPipeIsByteExact() async throws {
        let fake = try await FakeOpenRouter.start()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        fake.enqueue(.streamText(pieces: [Self.hostile], model: "m/1"))
        let terminal = try await PseudoTerminal.spawn(
            executable: Binaries.chat, arguments: ["--base-url", fake.baseURL, "q"], environment: sandbox.environment())
        #expect(try await terminal.waitForExit() == 0)
        Self.expectClean(terminal.output)
        #expect(terminal.output.contains("␛]0;PWNED"))

        fake.enqueue(.streamText(pieces: [Self.hostile], model: "m/1"))
        let piped = try await chat(["q"], fake: fake, sandbox: sandbox)
        #expect(piped.status == 0)
        #expect(piped.stdout == Self.hostile + "\n")
        Self.expectClean(piped.stderr)
        try await fake.shutdown()
    }

    @Test func modelsListAndErrorsToPipesAreInertToo() async throws {
        let fake = try await FakeOpenRouter.start()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        fake.setModels([FakeModel(id: "evil/\u{1B}[2Jx", name: "E\u{07}", contextLength: 1, promptPrice: "0", completionPrice: "0")])
        let models = try await chat(["--models"], fake: fake, sandbox: sandbox)
        #expect(models.status == 0)
        Self.expectClean(models.stdout)
        #expect(models.stdout.contains("evil/␛[2Jx"))
        fake.enqueue(.error(status: 402, message: "no \u{1B}]0;T\u{07} credits\nsecond line"))
        let failed = try await chat(["--config", try sandbox.write("c.json", #"{"max_retries":0}"#), "q"], fake: fake, sandbox: sandbox)
        #expect(failed.status == 1)
        Self.expectClean(failed.stderr)
        #expect(failed.stderr.split(separator: "\n").count == 1)
        #expect(failed.stderr.contains("HTTP 402"))
        try await fake.shutdown()
    }

    @Test func jsonEscapesC0DelAndC1() async throws {
        let fake = try await FakeOpenRouter.start()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        fake.enqueue(.streamText(pieces: ["x\u{1B}y\u{7F}z\u{9B}w\u{85}"], model: "m/1"))
        let run = try await chat(["--json", "q"], fake: fake, sandbox: sandbox)
        #expect(run.status == 0)
        #expect(run.stdout.contains(#"x\u001by\u007fz\u009bw\u0085"#))
        #expect(!run.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["content"] as? String == "x\u{1B}y\u{7F}z\u{9B}w\u{85}")
        try await fake.shutdown()
    }
}

/// `s` escaped for the inside of a JSON string literal.
func json(_ s: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed])
    let text = String(decoding: data, as: UTF8.self)
    return String(text.dropFirst(2).dropLast(2))
}
