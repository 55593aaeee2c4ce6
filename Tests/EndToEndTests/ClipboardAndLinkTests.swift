import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// `/copy` and the sources after an answer, against hostile answers on a pseudo-terminal:
/// the clipboard gets no controls, only web addresses become links.
@Suite(.serialized) struct ClipboardAndLinkTests {
    func repl(_ fake: FakeOpenRouter, _ sandbox: Sandbox, answer: String) async throws -> PseudoTerminal {
        fake.enqueue(.streamText(pieces: [answer], model: "m/1"))
        let terminal = try await PseudoTerminal.spawn(
            executable: Binaries.chat, arguments: ["--base-url", fake.baseURL], environment: sandbox.environment())
        try await terminal.waitFor("> ")
        try terminal.send("q\r")
        try await terminal.waitFor("> ")
        return terminal
    }

    @Test func copyPassesTheAnswerThroughTheSanitizer() async throws {
        try await withFake { fake, sandbox in
            let terminal = try await repl(fake, sandbox, answer: "x\u{1B}]0;T\u{07}y\r\nz\tw\u{9B}2J\u{202E}!")
            try terminal.send("/copy\r")
            try await terminal.waitFor("copied")
            #expect(OSC52.payloads(in: terminal.output) == ["x␛]0;T␇y\nz\tw�2J!"])
            _ = terminal.terminate()
        }
    }

    @Test func copyCodeFindsCRLFFences() async throws {
        try await withFake { fake, sandbox in
            let terminal = try await repl(fake, sandbox, answer: "Run this:\r\n```sh\r\nmake test\r\nmake lint\r\n```\r\nDone.")
            try terminal.send("/copy code\r")
            try await terminal.waitFor("copied")
            #expect(OSC52.payloads(in: terminal.output) == ["make test\nmake lint"])
            _ = terminal.terminate()
        }
    }

    @Test func onlyWebAddressesBecomeLinksAndBidiControlsInThemAreShown() async throws {
        try await withFake { fake, sandbox in
            let sources = [
                ("javascript:alert(1)", "Script"), ("file:///etc/passwd", "File"), ("ssh://evil.example/x", "SSH"),
                ("HTTPS://Good.Example/a", "Good"), ("https://ev\u{202E}il.example/", "Bidi"), ("https:///nohost", "No host"),
            ]
            let annotations = sources.map { url, title in
                #"{"type":"url_citation","url_citation":{"url":"\#(json(url))","title":"\#(title)"}}"#
            }
            let chunk =
                #"{"choices":[{"delta":{"content":"Answer.","annotations":[\#(annotations.joined(separator: ","))]},"finish_reason":"stop"}]}"#
            fake.enqueue(.stream([chunk]))
            let terminal = try await PseudoTerminal.spawn(
                executable: Binaries.chat, arguments: ["--base-url", fake.baseURL, "q"], environment: sandbox.environment())
            #expect(try await terminal.waitForExit() == 0)
            let output = terminal.output
            let links = output.components(separatedBy: "\u{1B}]8;;").dropFirst().map { $0.prefix { $0 != "\u{1B}" } }.filter { !$0.isEmpty }
            #expect(links == ["HTTPS://Good.Example/a"])
            for (url, title) in sources where !url.contains("\u{202E}") {
                #expect(terminal.text.contains(url), "\(url) is still shown")
                #expect(terminal.text.contains(title))
            }
            #expect(terminal.text.contains("https://ev⟨U+202E⟩il.example/"))
            #expect(!output.contains("\u{202E}"))
        }
    }
}
