import ChatCore
import ChatOpenRouter
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Everything decided before the first request: settings, system prompt, transport, mode.
struct Launch {
    enum Mode {
        case oneShot(String)
        case repl(scripted: Bool, pipedSystemPrompt: Bool)
        case listModels(filter: String?)
        case keyInfo
        case image(String)
    }

    var options: Options
    var settings: Settings
    var mode: Mode
    var environment: [String: String]
    var transport: any ChatTransport
    var httpTransport: OpenRouterTransport?
    /// Something odd about the key's text, mentioned when the key is rejected.
    var keyProblem: String?

    /// The one-line message for a failed request.
    func describe(_ error: ChatError) -> String {
        error.oneLine(keyVariable: settings.apiKeyEnv, keyProblem: keyProblem)
    }

    /// Reads config, environment and stdin, and picks the mode. Throws `UsageFailure` for exit code 2.
    static func prepare(_ options: Options, environment: [String: String]) throws -> Launch {
        // Config file.
        let (path, explicit) = Settings.configPath(flag: options.config, environment: environment)
        var file = ConfigFile()
        do {
            if explicit || FileManager.default.fileExists(atPath: path) {
                file = try ConfigFile.load(path: path)
            }
        } catch {
            throw UsageFailure(message: error.message)
        }

        // Standard input.
        let stdinIsTerminal = isatty(0) == 1
        var piped: String?
        var systemFromFile: String?
        if options.systemFile == "-" {
            if options.stdin == .user || options.stdin == .repl {
                throw UsageFailure(message: "--system-file - reads stdin, which --stdin \(options.stdin.rawValue) also wants; pick one")
            }
            systemFromFile = trimTrailingNewlines(readAllStandardInput())
        } else if let systemFile = options.systemFile {
            guard let data = FileManager.default.contents(atPath: systemFile) else {
                throw UsageFailure(message: "cannot read --system-file \(systemFile): no such file or not readable")
            }
            systemFromFile = trimTrailingNewlines(String(decoding: data, as: UTF8.self))
        }
        if systemFromFile == nil, !stdinIsTerminal, options.stdin == .system || options.stdin == .user {
            let text = readAllStandardInput()
            if !text.trimmingWhitespace().isEmpty { piped = text }
        }

        var flags = Settings.Flags(
            model: options.model, systemPrompt: options.system ?? systemFromFile, baseURL: options.baseURL,
            noStream: options.noStream, temperature: options.temperature, maxTokens: options.maxTokens,
            allowInsecureHTTP: options.allowInsecureHTTP)
        var message = options.message.joined(separator: " ")
        var pipedSystemPrompt = false
        if let piped {
            switch options.stdin {
            case .system:
                if options.system != nil || options.systemFile != nil {
                    throw UsageFailure(message: "two system prompts: piped stdin and \(options.system != nil ? "-s/--system" : "--system-file"); drop one, or use --stdin user/none")
                }
                flags.systemPrompt = trimTrailingNewlines(piped)
                pipedSystemPrompt = true
            case .user:
                let text = trimTrailingNewlines(piped)
                message = message.isEmpty ? text : text + "\n\n" + message
            case .repl, .none:
                break
            }
        }

        let settings: Settings
        do {
            settings = try Settings(file: file, environment: environment, flags: flags)
        } catch {
            throw UsageFailure(message: error.message)
        }

        // Attachments (checked before anything is sent).
        if !options.files.isEmpty {
            var attachments: [Attachment] = []
            for path in options.files {
                do { attachments.append(try Attachment.load(path)) } catch { throw UsageFailure(message: error.message + " (nothing was sent)") }
            }
            guard !message.isEmpty || options.stdin == .user else {
                throw UsageFailure(message: "-f/--file attaches to a one-shot MESSAGE; give a message too (in the REPL use /file)")
            }
            message = Attachment.compose(message, attachments: attachments)
        }

        let mode: Mode
        if let prompt = options.image {
            guard !prompt.trimmingWhitespace().isEmpty else {
                throw UsageFailure(message: "--image needs a prompt, e.g. --image \"a lighthouse at dawn\"")
            }
            mode = .image(prompt)
        } else if options.models {
            mode = .listModels(filter: message.isEmpty ? nil : message)
        } else if options.keyInfo {
            mode = .keyInfo
        } else if !message.isEmpty {
            mode = .oneShot(message)
        } else if options.stdin == .repl && !stdinIsTerminal {
            mode = .repl(scripted: true, pipedSystemPrompt: false)
        } else {
            if options.json { throw UsageFailure(message: "--json works in one-shot mode only; give a MESSAGE") }
            mode = .repl(scripted: false, pipedSystemPrompt: pipedSystemPrompt || !stdinIsTerminal)
        }
        if options.json, case .repl = mode {
            throw UsageFailure(message: "--json works in one-shot mode only; give a MESSAGE")
        }
        if options.image != nil && options.offline {
            throw UsageFailure(message: "--image needs an image model; it is not available with --offline")
        }
        if options.session != nil && options.continueLast {
            throw UsageFailure(message: "give either --session NAME or --continue, not both")
        }

        // Transport. (`--image` alone makes a client for its one request; `/image` in the REPL
        // sends through the transport's when it connects the same way.)
        if case .image = mode {
            return Launch(
                options: options, settings: settings, mode: mode, environment: environment, transport: OfflineTransport(),
                httpTransport: nil, keyProblem: nil)
        }
        var launch = Launch(
            options: options, settings: settings, mode: mode, environment: environment, transport: OfflineTransport(),
            httpTransport: nil, keyProblem: nil)
        // Before the HTTP client exists: a client dropped without shutdown would trap.
        try launch.openSession()
        var httpTransport: OpenRouterTransport?
        var keyProblem: String?
        let transport: any ChatTransport
        if options.offline {
            transport = OfflineTransport()
        } else {
            let key: String
            do {
                guard let found = try APIKey.read(variable: settings.apiKeyEnv, environment: environment) else {
                    throw UsageFailure(message: ChatError.missingAPIKey(variable: settings.apiKeyEnv).oneLine())
                }
                key = found
            } catch let problem as APIKey.Problem {
                throw UsageFailure(message: problem.message)
            }
            keyProblem = ChatError.keyProblem(environment[settings.apiKeyEnv] ?? key)
            let proxy: ProxySettings?
            do { proxy = try ProxySettings.resolve(baseURL: settings.baseURL, environment: environment) } catch { throw UsageFailure(message: error.message) }
            let logger = Launch.logger(debug: options.debug)
            let http = OpenRouterTransport(
                configuration: .init(
                    baseURL: settings.baseURL, apiKey: key, referer: settings.referer, title: settings.title,
                    connectTimeout: min(10, settings.timeoutSeconds), readTimeout: settings.timeoutSeconds,
                    retry: RetryPolicy(maxRetries: settings.maxRetries), proxy: proxy,
                    maxAnswerBytes: settings.maxAnswerMB * 1024 * 1024, logger: logger))
            httpTransport = http
            transport = http
        }
        launch.transport = transport
        launch.httpTransport = httpTransport
        launch.keyProblem = keyProblem
        return launch
    }

    /// The saved session this run continues and autosaves into (REPL, or one-shot with --session).
    var sessionName: String?
    var sessionPath: String?
    /// Whether the session file is this run's already (resumed or named): otherwise the
    /// first save claims a unique name.
    var sessionClaimed = false
    var resumed: SessionArchive?
    var resumedMessages: Int? { resumed.map { $0.messages.count } }

    /// Picks the session file: `--session NAME`, `--continue` (the latest), or a new one for a REPL.
    mutating func openSession() throws {
        let directory = SessionDirectory(stateDirectory: settings.stateDirectory)
        switch mode {
        case .repl:
            break
        case .oneShot where options.session != nil || options.continueLast:
            break
        default:
            return
        }
        if options.continueLast {
            guard let latest = directory.mostRecent() else {
                throw UsageFailure(message: "--continue: no saved conversation in \(directory.path) yet; start one without --continue")
            }
            sessionName = latest
        } else {
            sessionName = options.session ?? SessionDirectory.newName()
        }
        let path = directory.file(named: sessionName!)
        sessionPath = path
        sessionClaimed = options.session != nil || options.continueLast
        if FileManager.default.fileExists(atPath: path), sessionClaimed {
            do { resumed = try SessionArchive.load(from: path) } catch { throw UsageFailure(message: error.message) }
        }
    }

    /// The session every mode starts from: a resumed one keeps its history and model unless -m was given.
    var session: ChatSession {
        var session = ChatSession(model: settings.model, systemPrompt: settings.systemPrompt, parameters: settings.parameters, fallbackModels: settings.fallbackModels)
        if let resumed {
            if options.model == nil { session.model = resumed.model }
            if options.system == nil && options.systemFile == nil, let system = resumed.systemPrompt { session.systemPrompt = system }
            session.replaceHistory(resumed.messages, pending: resumed.pending)
        }
        return session
    }

    /// The wire logger: stderr at debug level with `--debug`, silent otherwise.
    var wireLogger: Logger { Launch.logger(debug: options.debug) }

    static func logger(debug: Bool) -> Logger {
        Logger(label: "wire", factory: { _ in WireLogHandler(logLevel: debug ? .debug : .critical) })
    }

    /// Image generation for `/image` and `--image`: saves the files and returns what to show
    /// and the note for the history.
    func generateImage(_ prompt: String) async -> Result<SavedImages, ChatLoop.ServiceFailure> {
        do {
            let generator = try ImageGenerators.make(
                settings: settings, environment: environment, logger: wireLogger, http: httpTransport?.http)
            return .success(try await generator.generateAndSave(prompt: prompt, store: ImageStore(settings: settings)))
        } catch let error as ImageError {
            return .failure(.init(error.message))
        } catch let error as ChatError {
            return .failure(.init(error.oneLine(keyVariable: ImageGenerators.keyVariable(for: settings))))
        } catch {
            return .failure(.init(String(describing: error)))
        }
    }

    /// Saves images that came with a normal answer into `image_dir`.
    func saveImages(_ dataURLs: [String], prompt: String) -> Result<[String], ChatLoop.ServiceFailure> {
        do {
            return .success(try ImageStore(settings: settings).save(dataURLs: dataURLs, prompt: prompt))
        } catch {
            return .failure(.init(error.message))
        }
    }

    /// Whether to colour output on `fd`.
    func useColor(fd: Int32) -> Bool {
        if options.raw || settings.noColorEnv { return false }
        switch settings.color {
        case .always: return true
        case .never: return false
        case .auto: return isatty(fd) == 1 && environment["TERM"] != "dumb"
        }
    }
}

func readAllStandardInput() -> String {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { break }
        bytes.append(contentsOf: chunk[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}

func trimTrailingNewlines(_ s: String) -> String {
    var s = Substring(s)
    while let last = s.last, last.isNewline || last == " " || last == "\t" { s = s.dropLast() }
    return String(s)
}
