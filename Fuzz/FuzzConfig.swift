// libFuzzer target for the config file and the API key: the bytes go to `ConfigFile.parse`
// and, when they parse, to `Settings(file:environment:flags:)` with a small fixed environment;
// every error must be one line. The same bytes, as UTF-8, are the value of the key variable
// for `APIKey.read`: an accepted key must hold no whitespace or control character, and a
// refusal must not quote the key.
//
// Compiled into the ChatCore module, one target per binary (not part of `swift build`):
//
//   swiftc -sanitize=fuzzer,address -parse-as-library -module-name ChatCore -g -O \
//       $(find Sources/ChatCore -name '*.swift' | sort) Fuzz/FuzzConfig.swift -o .build/fuzz/fuzz-config
//
// See docs/FUZZING.md for running it.

private func checkOneLine(_ message: String, what: String) {
    if message.contains("\n") || message.contains("\r") {
        fatalError("\(what) error is more than one line: \(message.debugDescription)")
    }
}

private let environments: [[String: String]] = [
    ["HOME": "/home/fuzz"],
    [
        "HOME": "/home/fuzz", "XDG_STATE_HOME": "/tmp/fuzz-state", "XDG_CONFIG_HOME": "relative",
        "NO_COLOR": "1", "OPENROUTER_BASE_URL": "http://203.0.113.7:8080/api/v1/",
    ],
]

private let flagSets: [Settings.Flags] = [
    Settings.Flags(),
    Settings.Flags(model: "m/x", baseURL: "http://localhost:1/", noStream: true, temperature: 1, maxTokens: 5, allowInsecureHTTP: true),
]

private func settings(_ file: ConfigFile) {
    for environment in environments {
        for flags in flagSets {
            do {
                let settings = try Settings(file: file, environment: environment, flags: flags)
                guard settings.baseURL.hasPrefix("http://") || settings.baseURL.hasPrefix("https://"),
                    !settings.baseURL.hasSuffix("/")
                else { fatalError("Settings accepted base URL \(settings.baseURL.debugDescription)") }
                if !settings.allowInsecureHTTP, let parts = URLParts(settings.baseURL), parts.scheme == "http", !parts.isLoopback {
                    fatalError("Settings accepted a clear-text base URL on \(parts.host.debugDescription)")
                }
                _ = settings.parameters
                _ = URLParts(settings.imageBaseURL)?.isLoopback
            } catch {
                checkOneLine(error.message, what: "Settings")
            }
        }
    }
    _ = Settings.configPath(flag: nil, environment: environments[1])
}

private let keyVariable = "OPENROUTER_API_KEY"

/// The refusal for a key the fuzzer did not choose, so that a fuzzed key which merely
/// happens to spell part of the fixed wording is not taken for a leak.
private let refusalWording: String = {
    let result: Result<String?, APIKey.Problem> = Result { () throws(APIKey.Problem) in
        try APIKey.read(variable: keyVariable, environment: [keyVariable: "x y"])
    }
    guard case .failure(let problem) = result else { fatalError("APIKey.read accepted a key with a space inside") }
    return problem.message
}()

private func forbiddenInKey(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.isWhitespace || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
}

private func apiKey(_ value: String) {
    do {
        guard let key = try APIKey.read(variable: keyVariable, environment: [keyVariable: value]) else { return }
        if key.isEmpty || key.unicodeScalars.contains(where: forbiddenInKey) {
            fatalError("APIKey.read accepted a key with whitespace or a control character: \(key.debugDescription)")
        }
        if !value.contains(key) {
            fatalError("APIKey.read returned text that is not in the variable")
        }
    } catch {
        checkOneLine(error.message, what: "APIKey")
        let trimmed = value.trimmingWhitespace()
        for candidate in [value, trimmed] where candidate.count >= 8 {
            if error.message.contains(candidate) && !refusalWording.contains(candidate) {
                fatalError("APIKey.read's error quotes the key")
            }
        }
        if error.message != refusalWording {
            fatalError("APIKey.read's error depends on the key: \(error.message.debugDescription)")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))

    do {
        let file = try ConfigFile.parse(bytes, path: "fuzz.json")
        settings(file)
        if let url = file.baseURL { _ = try? ClearTextPolicy.check(url, key: "base_url", allowed: false) }
    } catch {
        checkOneLine(error.message, what: "ConfigFile.parse")
    }

    apiKey(String(decoding: bytes, as: UTF8.self))
    return 0
}
