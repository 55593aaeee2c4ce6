import Foundation
import TestSupport
import Testing

@testable import ChatCore

@Suite struct ConfigTests {
    static func arguments(_ set: (inout CommandLineArguments) -> Void) -> CommandLineArguments {
        var arguments = CommandLineArguments()
        set(&arguments)
        return arguments
    }

    func parse(_ text: String) throws(ConfigError) -> ConfigFile {
        try ConfigFile.parse(Array(text.utf8), path: "/cfg.json")
    }

    @Test func readsEveryKey() throws {
        let config = try parse(
            """
            {"model":"a/b","system_prompt":"sys","base_url":"http://127.0.0.1:1/api/v1","api_key_env":"MY_KEY",
             "referer":"https://r","title":"T","stream":false,"temperature":1.5,"max_tokens":100,"timeout_seconds":5,
             "max_retries":3,"history_file":"/tmp/h","fallback_models":["c/d","e/f"],"color":"never",
             "image_model":"i/m","image_dir":"imgs","image_provider":"openai","image_base_url":"https://img/v1","image_api_key_env":"IMG_KEY"}
            """)
        #expect(config.model == "a/b")
        #expect(config.stream == false)
        #expect(config.temperature == 1.5)
        #expect(config.maxTokens == 100)
        #expect(config.fallbackModels == ["c/d", "e/f"])
        #expect(config.color == .never)
        #expect(config.imageProvider == .openai)
        #expect(config.imageAPIKeyEnv == "IMG_KEY")
    }

    @Test func sampleConfigDocumentsEveryKeyAndLoads() throws {
        let path = #filePath.replacingOccurrences(of: "Tests/ChatCoreTests/ConfigTests.swift", with: "config.sample.json")
        let config = try ConfigFile.load(path: path)
        #expect(config.model != nil)
        let json = try JSONParser.parse(Array(try String(contentsOfFile: path, encoding: .utf8).utf8))
        guard case .object(let members) = json else {
            Issue.record("not an object")
            return
        }
        #expect(Set(members.map(\.key)) == Set(ConfigFile.knownKeys))
    }

    @Test func toolServersGetTheEnvironmentWithoutTheKeys() throws {
        var file = ConfigFile()
        file.apiKeyEnv = "MY_ROUTER_KEY"
        file.imageAPIKeyEnv = "MY_IMAGE_KEY"
        // Named in the config or left where the defaults look: none of them reaches a server.
        let environment = [
            "HOME": "/home/u", "PATH": "/bin", "MY_ROUTER_KEY": "sk-or-secret", "MY_IMAGE_KEY": "img-secret",
            "OPENROUTER_API_KEY": "sk-or-other", "OPENAI_API_KEY": "sk-secret",
        ]
        let settings = try Settings(file: file, environment: environment)
        #expect(settings.toolEnvironment(environment) == ["HOME": "/home/u", "PATH": "/bin"])
    }

    @Test func unknownKeyIsNamedWithASuggestion() {
        #expect(throws: ConfigError.unknownKey(path: "/cfg.json", key: "modle", suggestion: "model")) { try parse(#"{"modle":"x"}"#) }
    }

    @Test(arguments: [
        (#"{"stream":"yes"}"#, "stream"), (#"{"temperature":"hot"}"#, "temperature"), (#"{"max_tokens":1.5}"#, "max_tokens"),
        (#"{"fallback_models":"a/b"}"#, "fallback_models"), (#"{"fallback_models":[1]}"#, "fallback_models"), (#"{"model":3}"#, "model"),
    ])
    func wrongTypesNameTheKey(_ text: String, _ key: String) {
        do {
            _ = try parse(text)
            Issue.record("accepted \(text)")
        } catch {
            guard case .wrongType(_, let named, _, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(named == key)
            #expect(error.message.contains("\"\(key)\""))
        }
    }

    @Test(arguments: [
        #"{"temperature":3}"#, #"{"max_retries":99}"#, #"{"color":"blue"}"#, #"{"base_url":"ftp://x"}"#, #"{"api_key_env":"not a name"}"#,
        #"{"model":" "}"#, "[1]",
    ])
    func invalidValuesAreRejected(_ text: String) {
        #expect(throws: ConfigError.self) { try parse(text) }
    }

    @Test func malformedJSONNamesLineAndColumn() {
        do {
            _ = try parse("{\n  \"model\": \"a\"\n  \"stream\": true\n}")
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("line 3, column 3"), "\(error.message)")
        }
    }

    @Test(arguments: [#"{"api_key":"sk-or-v1-123"}"#, #"{"OPENROUTER_API_KEY":"x"}"#, #"{"api_key_env":"sk-or-v1-abcdef"}"#])
    func aKeyInTheFileIsRejectedPointingToApiKeyEnv(_ text: String) {
        do {
            _ = try parse(text)
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("api_key_env"))
            #expect(!error.message.contains("sk-or-v1"))
        }
    }

    @Test func precedenceFlagsOverEnvironmentOverFileOverDefaults() throws {
        var file = ConfigFile()
        file.model = "file/model"
        file.baseURL = "https://file/api"
        file.temperature = 0.1
        let env = ["OPENROUTER_BASE_URL": "https://env/api/", "XDG_STATE_HOME": "/state", "HOME": "/home/u"]
        let fromFile = try Settings(file: file, environment: env)
        #expect(fromFile.model == "file/model")
        #expect(fromFile.baseURL == "https://env/api")
        #expect(fromFile.temperature == 0.1)
        #expect(fromFile.historyFile == "/state/bankfuture-chat/history")
        let fromFlags = try Settings(
            file: file, environment: env,
            arguments: Self.arguments {
                $0.model = "flag/model"
                $0.baseURL = "https://flag/api"
                $0.noStream = true
                $0.temperature = 0.9
            })
        #expect(fromFlags.model == "flag/model")
        #expect(fromFlags.baseURL == "https://flag/api")
        #expect(fromFlags.stream == false)
        #expect(fromFlags.temperature == 0.9)
        let defaults = try Settings(file: ConfigFile(), environment: ["HOME": "/home/u"])
        #expect(defaults.model == "google/gemini-2.5-flash")
        #expect(defaults.baseURL == "https://openrouter.ai/api/v1")
        #expect(defaults.referer == "https://bankfuture.com")
        #expect(defaults.title == "BankFuture")
        #expect(defaults.imageProvider == .openrouter)
        #expect(defaults.imageDir == "images")
        #expect(defaults.historyFile == "/home/u/.local/state/bankfuture-chat/history")
    }

    @Test func configPathResolution() {
        #expect(Settings.configPath(flag: "/x.json", environment: ["BANKFUTURE_CHAT_CONFIG": "/y.json"]) == ("/x.json", true))
        #expect(Settings.configPath(flag: nil, environment: ["BANKFUTURE_CHAT_CONFIG": "/y.json"]) == ("/y.json", true))
        #expect(
            Settings.configPath(flag: nil, environment: ["XDG_CONFIG_HOME": "/xdg", "HOME": "/h"]) == (
                "/xdg/bankfuture-chat/config.json", false
            ))
        #expect(Settings.configPath(flag: nil, environment: ["HOME": "/h"]) == ("/h/.config/bankfuture-chat/config.json", false))
    }

    @Test func everyRandomConfigIsReadOrRefusedInOneLineNamingTheFile() throws {
        var rng = SplitMix64(seed: 99)
        let path = "/fuzz/config.json"
        var read = 0
        var refusals: [String: Int] = [:]
        for round in 0..<3000 {
            // Half near-JSON noise, half objects of real and wrong keys with fitting and unfitting values.
            let bytes = round.isMultiple(of: 2) ? ConfigFuzz.noise(using: &rng) : ConfigFuzz.object(using: &rng)
            let input = String(decoding: bytes, as: UTF8.self)
            switch Result(catching: { () throws(ConfigError) in try ConfigFile.parse(bytes, path: path) }) {
            case .success:
                read += 1
                // Only an object of known keys is read.
                let object = try #require(try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], "read: \(input)")
                #expect(Set(object.keys).isSubset(of: ConfigFile.knownKeys), "read: \(input)")
            case .failure(let error):
                refusals[ConfigFuzz.kind(error), default: 0] += 1
                let message = error.message
                #expect(message.contains(path), "\(message) for \(input)")
                #expect(!message.contains("\n") && !message.contains("\r") && !message.contains("\t"), "\(message)")
                #expect(!TerminalText.needsSanitizing(message), "\(message)")
            }
        }
        // Both outcomes, and every kind of refusal the file can earn, occurred.
        #expect(read > 100, "read \(read)")
        #expect(Set(refusals.keys) == ["syntax", "notAnObject", "unknownKey", "wrongType", "invalid", "secret"], "\(refusals)")
    }
}

/// Inputs for the config fuzz test.
enum ConfigFuzz {
    static let alphabet = Array(#"{}[]":,0123456789.-truefalsnl "model""stream""temperature"\u"#.utf8)

    /// Up to 60 bytes of JSON punctuation, digits, literals and key names.
    static func noise(using rng: inout SplitMix64) -> [UInt8] {
        (0..<Int(rng.next() % 60)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
    }

    static let keys = ConfigFile.knownKeys + ["modle", "api_key", "Token", "x", "", #"\u001b[31m"#]
    static let values = [
        #""a/b""#, "true", "false", "1.5", "-1", "3", "0", "1e400", #""""#, "null", "[]", "{}", #"["c/d"]"#, #"[1]"#,
        #""http://127.0.0.1:1/api/v1""#, #""https://openrouter.ai/api/v1""#, #""never""#, #""openai""#, #""MY_KEY""#,
        #""line\nbreak""#, #""\u001b]0;title\u0007""#, #"{"effort":"high"}"#,
    ]

    /// A JSON object of 0 to 4 members from ``keys`` and ``values``.
    static func object(using rng: inout SplitMix64) -> [UInt8] {
        let members = (0..<Int(rng.next() % 5)).map { _ in
            "\"\(keys[Int(rng.next() % UInt64(keys.count))])\":\(values[Int(rng.next() % UInt64(values.count))])"
        }
        return Array(("{" + members.joined(separator: ",") + "}").utf8)
    }

    /// The kind of a refusal, to see that each occurred.
    static func kind(_ error: ConfigError) -> String {
        switch error {
        case .syntax: return "syntax"
        case .invalid(_, nil, _): return "notAnObject"
        case .invalid: return "invalid"
        case .unknownKey: return "unknownKey"
        case .wrongType: return "wrongType"
        case .secretInConfig: return "secret"
        case .missingFile, .unreadable, .setting: return "\(error)"
        }
    }
}

@Suite struct SlashCommandTests {
    @Test func parsesCommands() {
        #expect(ParsedInput.parse("/model openai/gpt-4o") == .command(.model("openai/gpt-4o")))
        #expect(ParsedInput.parse("/model") == .command(.model(nil)))
        #expect(ParsedInput.parse("/system  Be terse.  ") == .command(.system("Be terse.")))
        #expect(ParsedInput.parse("/quit") == .command(.exit))
        #expect(ParsedInput.parse("  /reset ") == .command(.reset))
        #expect(ParsedInput.parse("hello /model") == .message("hello /model"))
        #expect(ParsedInput.parse("//etc/passwd is a path") == .message("/etc/passwd is a path"))
        #expect(ParsedInput.parse("   ") == .empty)
    }

    @Test func unknownCommandGetsAHintAndIsNotAMessage() {
        guard case .unknownCommand(let name, let hint) = ParsedInput.parse("/modle x") else {
            Issue.record("not unknown")
            return
        }
        #expect(name == "/modle")
        #expect(hint.contains("/model"))
        #expect(hint.contains("//modle"))
    }

    @Test func backslashContinuationAndTripleQuoteBlocks() {
        var a = InputAssembler()
        #expect(a.add("first \\") == nil)
        #expect(a.isPending)
        #expect(a.add("second") == "first \nsecond")
        #expect(a.add("\"\"\"") == nil)
        #expect(a.add("line 1") == nil)
        #expect(a.add("") == nil)
        #expect(a.add("line 3\"\"\"") == "line 1\n\nline 3")
        #expect(a.add("\"\"\"one line\"\"\"") == "one line")
        #expect(a.add("\"\"\"x") == nil)
        a.cancel()
        #expect(!a.isPending)
        #expect(a.add("plain") == "plain")
    }

    @Test func endOfInputInsideABlockKeepsTheText() {
        var a = InputAssembler()
        _ = a.add("\"\"\"")
        _ = a.add("kept")
        #expect(a.flush() == "kept")
    }
}

@Suite struct ModelTableTests {
    @Test func rendersIdContextAndPricePerMillion() {
        let table = ModelTable.render(
            [
                ModelInfo(id: "b/model", contextLength: 128_000, promptPrice: 0.0000003, completionPrice: 0.0000025),
                ModelInfo(id: "a/model", contextLength: 1_048_576, promptPrice: 0, completionPrice: 0),
            ], filter: nil)
        let lines = table.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("a/model"))
        #expect(lines[2].contains("128K"))
        #expect(lines[2].contains("0.30"))
        #expect(lines[2].contains("2.50"))
        #expect(ModelTable.render([ModelInfo(id: "x/y")], filter: "zzz").contains("no models match"))
    }
}
