import Foundation
import Testing

@testable import ChatCore

@Suite struct TerminalTextTests {
    @Test func everyControlClassIsNeutralisedAndTabAndLineFeedStay() {
        for value in UInt32(0)..<0x20 where value != 0x09 && value != 0x0A {
            let text = "a" + String(Unicode.Scalar(value)!) + "b"
            let safe = TerminalText.sanitize(text)
            #expect(!safe.unicodeScalars.contains { $0.value == value }, "U+\(String(value, radix: 16))")
        }
        for value in UInt32(0x7F)...0x9F {
            let safe = TerminalText.sanitize("a" + String(Unicode.Scalar(value)!) + "b")
            #expect(!safe.unicodeScalars.contains { $0.value == value }, "U+\(String(value, radix: 16))")
            #expect(safe.count == 3)
        }
        #expect(TerminalText.sanitize("a\tb\nc") == "a\tb\nc")
        #expect(TerminalText.sanitize("\u{1B}]0;x\u{07}") == "␛]0;x␇")
        #expect(TerminalText.sanitize("line\r\nnext\r") == "line\nnext")
    }

    @Test func cleanTextIsReturnedAsIs() {
        let text = "Привет, мир ✨ — ordinary text with é and £ (C2 A3)"
        #expect(!TerminalText.needsSanitizing(text))
        #expect(TerminalText.sanitize(text) == text)
    }

    @Test func oneLineJoinsLinesAndCutsLongText() {
        #expect(TerminalText.oneLine("a\r\nb\nc\td\re") == "a b c d e")
        let long = String(repeating: "x", count: 600)
        let cut = TerminalText.oneLine(long, limit: TerminalText.errorTextLimit)
        #expect(cut.count == 501)
        #expect(cut.hasSuffix("…"))
    }

    @Test func serverTextInAnErrorLineIsOneLineOfAtMost500Characters() {
        let info = APIErrorInfo(status: 400, message: "first\r\nsecond \u{1B}[2J" + String(repeating: "y", count: 900))
        let line = ChatError.api(info, inStream: false).oneLine()
        #expect(!line.contains("\n") && !line.contains("\r") && !line.contains("\u{1B}"))
        #expect(line.count < 700)
    }

    @Test func jsonWriterEscapesDelAndC1() {
        var writer = JSONWriter()
        writer.string("a\u{7F}b\u{85}c\u{9F}dé£\u{A0}")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""a\u007fb\u0085c\u009fdé£\#u{A0}""#)
    }
}

@Suite struct APIKeyTests {
    @Test func surroundingWhitespaceIsTrimmed() throws {
        #expect(try APIKey.read(variable: "K", environment: ["K": "  sk-or-1\n"]) == "sk-or-1")
        #expect(try APIKey.read(variable: "K", environment: ["K": " \n"]) == nil)
        #expect(try APIKey.read(variable: "K", environment: [:]) == nil)
    }

    @Test(arguments: ["SECRET-1\nXYZZY", "SECRET or", "SECRET-\u{7}x", "SECRET-\u{85}x", "SECRET-\u{A0}x"])
    func insideWhitespaceOrControlsAreRefusedWithoutShowingTheKey(_ key: String) {
        do {
            _ = try APIKey.read(variable: "MY_KEY", environment: ["MY_KEY": key])
            Issue.record("accepted \(key.debugDescription)")
        } catch {
            #expect(error.message.contains("MY_KEY"))
            #expect(!error.message.contains("SECRET"))
            #expect(!error.message.contains("XYZZY"))
        }
    }
}

@Suite struct ClearTextPolicyTests {
    @Test func plainHTTPToAnotherHostIsRefusedUnlessAllowed() throws {
        #expect(throws: ConfigError.self) { try ClearTextPolicy.check("http://example.com/api", key: "base_url", allowed: false) }
        try ClearTextPolicy.check("http://example.com/api", key: "base_url", allowed: true)
        for url in ["http://127.0.0.1:8080/v1", "http://localhost/v1", "http://[::1]:9/v1", "http://127.5.6.7", "https://example.com"] {
            try ClearTextPolicy.check(url, key: "base_url", allowed: false)
        }
        #expect(throws: ConfigError.self) { try ClearTextPolicy.check("http://127.0.0.1.evil.com/", key: "base_url", allowed: false) }
    }

    @Test func settingsApplyThePolicyToTheFinalBaseURL() throws {
        #expect(throws: ConfigError.self) {
            _ = try Settings(file: ConfigFile(), environment: ["OPENROUTER_BASE_URL": "http://10.0.0.5/api"])
        }
        let allowed = try Settings(
            file: ConfigFile(), environment: ["OPENROUTER_BASE_URL": "http://10.0.0.5/api"],
            arguments: ConfigTests.arguments { $0.allowInsecureHTTP = true })
        #expect(allowed.baseURL == "http://10.0.0.5/api")
    }
}

@Suite struct SessionArchiveSafetyTests {
    @Test(arguments: ["1e20", "1e400", "-1e300", "1.5", "0", "\"1\"", "null", "true"])
    func absurdVersionsAreOneLineNamingTheFile(_ version: String) {
        let text = #"{"version":\#(version),"model":"m","messages":[]}"#
        do {
            _ = try SessionArchive.decode(Array(text.utf8), path: "/x/s.json")
            Issue.record("accepted version \(version)")
        } catch {
            #expect(error.message.hasPrefix("cannot load /x/s.json"))
            #expect(!error.message.contains("\n"))
        }
    }

    @Test(arguments: [
        #"{"version":2,"model":"m","messages":[],"usage":{"prompt_tokens":1e300}}"#,
        #"{"version":2,"model":"m","messages":[{"role":"user","content":5}]}"#,
        #"{"version":2,"model":"m","messages":[{"role":"system","content":"x"}]}"#,
        #"{"version":2,"model":7,"messages":[]}"#,
        #"{"version":2,"model":"m"}"#,
        #"[1,2]"#,
        #"{"version":2,"model":"m","messages":[],"saved_at":1e400}"#,
    ])
    func badShapesAndHugeNumbersAreErrorsNotTraps(_ text: String) {
        #expect(throws: StorageError.self) { try SessionArchive.decode(Array(text.utf8), path: "f") }
    }

    @Test func versionOneStillLoadsAndPendingRoundTrips() throws {
        let v1 =
            #"{"version":1,"saved_at":5,"model":"a/b","system_prompt":null,"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7},"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]}"#
        let loaded = try SessionArchive.decode(Array(v1.utf8), path: "v1")
        #expect(loaded.messages.map(\.content) == ["hi", "yo"])
        #expect(loaded.pending == nil)
        var session = ChatSession(model: "a/b")
        session.replaceHistory(loaded.messages)
        session.beginTurn(user: .user("unanswered"))
        let again = try SessionArchive.decode(SessionArchive(session).encoded(), path: "v2")
        #expect(again.pending?.content == "unanswered")
        var resumed = ChatSession(model: "a/b")
        resumed.replaceHistory(again.messages, pending: again.pending)
        #expect(resumed.takeRetryMessage()?.content == "unanswered")
    }
}
