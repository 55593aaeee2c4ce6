import ChatCore
import ChatOpenRouter
import ChatStorage
import ChatToolHost
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// This run's wiring: the resolved invocation, the transport, the tools started in the
/// background, and the saved conversation it continues.
struct Launch {
    /// The command line, environment, config and role, resolved once.
    var invocation: Invocation
    var environment: [String: String]
    var transport: any ChatTransport = OfflineTransport()
    var httpTransport: OpenRouterTransport?
    /// Something odd about the key's text, mentioned when the key is rejected.
    var keyProblem: String?
    /// The MCP servers' tools, started in the background at launch; nil when none are offered.
    var tools: (any ToolProvider)?
    /// The saved conversation this run continues and writes (REPL, or one-shot with --session).
    var conversation: ConversationFile?
    var resumed: SessionArchive?
    /// Lines to say before the run starts (a new named session, a damaged line left out).
    var notices: [String] = []

    var settings: Settings { invocation.settings }
    var plan: LaunchPlan { invocation.plan }

    /// The wall clock, seconds since 1970.
    static let now: @Sendable () -> Double = { Date().timeIntervalSince1970 }

    /// How errors are worded for this run's key.
    var errors: ErrorPresenter {
        ErrorPresenter(keyVariable: settings.apiKeyEnv, keyProblem: keyProblem)
    }

    /// Reads config, environment, stdin and the role, resolves them once, and wires the run.
    static func prepare(_ arguments: CommandLineArguments, environment: [String: String]) throws(UsageError) -> Launch {
        let (path, explicit) = Settings.configPath(flag: arguments.config, environment: environment)
        var file = ConfigFile()
        do {
            if explicit || access(path, F_OK) == 0 { file = try ConfigFile.load(path: path) }
        } catch {
            throw UsageError(error.message, underlying: error)
        }
        var role: RoleProfile?
        if let name = arguments.roleName {
            // -e asks with the shell role (a file of that name replaces the built-in one).
            role = try Self.roles(environment).role(name)
        }
        let invocation = try Invocation.resolve(
            arguments, file: file, environment: environment,
            input: .init(isTerminal: isatty(0) == 1, readAll: StandardInput.readAll, readFile: StandardInput.readSystemFile),
            role: role, schema: try arguments.schema.map(Self.schema))
        var launch = Launch(invocation: invocation, environment: environment)
        // Image generation makes its own client, which may use another key.
        if case .image = invocation.plan.mode { return launch }
        // Before the HTTP client exists: a client dropped without shutdown would trap.
        try launch.openSession()
        if !invocation.offline { try launch.connect() }
        if invocation.startsTools { launch.startTools() }
        return launch
    }

    /// The MCP servers of the config, started in the tool host in the background: only for
    /// a chat (one-shot or REPL) that talks to OpenRouter with tools on. The first request
    /// waits for them (up to the call timeout), not the start.
    private mutating func startTools() {
        let servers = settings.mcpServers.map { server -> ToolServerConfig in
            var server = server
            if case .stdio(let command, let arguments, let env) = server.connection {
                server.connection = .stdio(command: PathExpansion.expandingTilde(command), arguments: arguments, environment: env)
            }
            return server
        }
        tools = ToolHostClient.start(
            servers: servers, logDirectory: settings.stateDirectory + "/mcp",
            callTimeout: .seconds(settings.toolTimeoutSeconds), environment: settings.toolEnvironment(environment),
            clientVersion: BuildInfo.version, hostPath: ToolHostClient.defaultHostPath(),
            cache: ToolListCacheFile(path: settings.stateDirectory + "/mcp/tools.json"))
    }

    /// The OpenRouter transport, with the key checked first.
    private mutating func connect() throws(UsageError) {
        guard let key = try APIKey.read(variable: settings.apiKeyEnv, environment: environment) else {
            throw UsageError(ErrorPresenter().line(.missingAPIKey(variable: settings.apiKeyEnv), in: .oneShot))
        }
        keyProblem = ChatError.keyProblem(environment[settings.apiKeyEnv] ?? key)
        let proxy = try ProxySettings.resolve(baseURL: settings.baseURL, environment: environment)
        let http = OpenRouterTransport(
            configuration: .init(
                baseURL: settings.baseURL, apiKey: key, referer: settings.referer, title: settings.title,
                connectTimeout: min(Settings.connectTimeoutSeconds, settings.timeoutSeconds), readTimeout: settings.timeoutSeconds,
                retry: RetryPolicy(maxRetries: settings.maxRetries), proxy: proxy,
                maxAnswerBytes: settings.maxAnswerMB * 1024 * 1024, logger: wireLogger))
        httpTransport = http
        transport = http
    }

    /// Opens this run's saved conversation: `--session NAME` (resumed, or new under that
    /// name), `--continue` (the newest no other process has open), or a new one for a REPL; a
    /// named or continued one is locked for this process.
    private mutating func openSession() throws(UsageError) {
        let directory = SessionDirectory(stateDirectory: settings.stateDirectory)
        let index = sessionCatalog
        let didSave: @Sendable (String, SessionArchive) -> Void = { name, archive in index?.didSave(name, archive: archive) }
        var latest: (name: String, lock: SessionLock?)?
        if invocation.conversation == .latest {
            latest = directory.mostRecentUnlocked()
            if latest == nil {
                if directory.mostRecent() != nil {
                    throw UsageError(
                        "--continue: every saved conversation in \(directory.path) is open in another bankfuture-chat; "
                            + "use --session NAME for another one")
                }
                throw UsageError("--continue: no saved conversation in \(directory.path) yet; start one without --continue")
            }
        }
        do throws(StorageError) {
            switch invocation.conversation {
            case .none:
                return
            case .new:
                conversation = .new(SessionDirectory.newName(now: Self.now()), in: directory, now: Self.now(), didSave: didSave)
            case .named(let name):
                let isNew = !directory.exists(name)
                (conversation, resumed) = try SessionFiles.open(name, in: directory, now: Self.now(), didSave: didSave)
                if isNew {
                    let close = Suggestions.close(to: name, among: directory.namesNewestFirst())
                    notices.append("new session \(name)" + (close.isEmpty ? "" : " (did you mean \(close.joined(separator: ", "))?)"))
                }
            case .latest:
                guard let latest else { return }
                // The file's own name, even one --session would refuse (a file copied in by hand).
                (conversation, resumed) = try ConversationFile.open(
                    latest.name, in: directory, lock: latest.lock, now: Self.now(), didSave: didSave)
            }
        } catch {
            let flag = invocation.conversation == .latest ? "--continue" : "--session"
            throw UsageError("\(flag): " + error.message, underlying: error)
        }
        if let notice = conversation?.notice { notices.append(notice) }
    }

    /// The conversation every mode starts from (see ``Invocation/session(resuming:)``).
    var session: ChatSession {
        invocation.session(resuming: resumed)
    }

    /// The roles folder and the built-in roles.
    var roles: RoleFiles { Self.roles(environment) }

    static func roles(_ environment: [String: String]) -> RoleFiles {
        var name = utsname()
        uname(&name)
        let os = withUnsafeBytes(of: &name.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return RoleFiles(
            directory: Settings.configHome(environment) + "/bankfuture-chat/roles",
            place: .init(
                os: os.isEmpty ? "Linux" : os, shell: environment["SHELL"].flatMap { $0.isEmpty ? nil : $0 } ?? "/bin/sh",
                directory: Self.currentDirectory()))
    }

    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(cString: buffer)
    }

    /// `--schema JSON|@FILE`: a JSON object, or exit 2.
    static func schema(_ argument: String) throws(UsageError) -> RawJSON {
        var text = argument
        if argument.hasPrefix("@") {
            let path = String(argument.dropFirst())
            do {
                text = String(decoding: try FileBytes.contents(of: path, maxBytes: InputLimits.schemaBytes), as: UTF8.self)
            } catch {
                if case .tooLarge(let limit) = error.kind {
                    throw UsageError(
                        "--schema file \(path) is larger than \(InputLimits.size(limit)), the most a schema may hold")
                }
                throw UsageError("cannot read --schema file \(path): \(error.reason)")
            }
        }
        guard let raw = RawJSON(validating: text), text.trimmingWhitespace().hasPrefix("{") else {
            throw UsageError("--schema must be a JSON Schema object (JSON text, or @FILE holding it)")
        }
        return raw
    }

    /// The model list: the cache of the last day's fetch (never waited for); `refreshing`
    /// fetches it in the background too (the REPL).
    func modelCatalog(refreshing: Bool) -> CachedModelCatalog {
        let cache = invocation.offline ? nil : ModelCacheFile(path: settings.stateDirectory + "/models.json")
        let catalog = CachedModelCatalog(transport: transport, cache: cache, now: Launch.now)
        if refreshing { catalog.refreshInBackground() }
        return catalog
    }

    /// Where this run's conversation is saved (the journal, `/save`, `/load`, `/export`); nil
    /// when this run saves nothing (a one-shot without `--session`).
    func conversationStore() -> SessionFiles? {
        guard let conversation else { return nil }
        let index = sessionCatalog
        return SessionFiles(
            file: conversation, directory: SessionDirectory(stateDirectory: settings.stateDirectory), now: Launch.now,
            didSave: { name, archive in index?.didSave(name, archive: archive) })
    }

    /// Every saved conversation, listed and searched through the index beside them.
    var sessionCatalog: (any SessionCatalog)? {
        SessionCatalogs.make(directory: SessionDirectory(stateDirectory: settings.stateDirectory))
    }

    /// The local time zone's offset from UTC now, in seconds.
    static var timeZoneOffset: Int {
        var time = time_t(Date().timeIntervalSince1970)
        var parts = tm()
        localtime_r(&time, &parts)
        return parts.tm_gmtoff
    }

    /// The wire logger: stderr at debug level with `--debug`, silent otherwise.
    var wireLogger: Logger {
        let debug = invocation.debug
        return Logger(label: "wire", factory: { _ in WireLogHandler(logLevel: debug ? .debug : .critical) })
    }

    /// Whether to colour output on `fd`.
    func useColor(fd: Int32) -> Bool {
        if invocation.raw || settings.noColorEnv { return false }
        switch settings.color {
        case .always: return true
        case .never: return false
        case .auto: return isatty(fd) == 1 && environment["TERM"] != "dumb"
        }
    }
}

/// What the launch plan reads: standard input whole and `--system-file`, each bounded.
enum StandardInput {
    /// Everything on stdin, at most ``InputLimits/standardInputBytes`` (`yes | bankfuture-chat q`
    /// and `< /dev/zero` end with an error, not with the memory).
    static func readAll() throws(LaunchPlan.InputFailure) -> String {
        do {
            let bytes = try FileBytes.read(descriptor: STDIN_FILENO, maxBytes: InputLimits.standardInputBytes)
            return String(decoding: bytes, as: UTF8.self)
        } catch {
            throw failure(error)
        }
    }

    /// A `--system-file`: a regular file of at most ``InputLimits/systemFileBytes``.
    static func readSystemFile(_ path: String) throws(LaunchPlan.InputFailure) -> String {
        do {
            return String(decoding: try FileBytes.contents(of: path, maxBytes: InputLimits.systemFileBytes), as: UTF8.self)
        } catch {
            throw failure(error)
        }
    }

    private static func failure(_ error: FileBytes.ReadError) -> LaunchPlan.InputFailure {
        if case .tooLarge(let limit) = error.kind { return .tooLarge(limit: limit) }
        return .unreadable(reason: error.reason)
    }
}
