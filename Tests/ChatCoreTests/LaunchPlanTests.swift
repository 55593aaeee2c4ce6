import Testing

@testable import ChatCore

/// The command-line rules, without a process: what stdin holds decides the mode.
@Suite struct LaunchPlanTests {
    func plan(
        _ configure: (inout CommandLineArguments) -> Void = { _ in }, terminal: Bool = true, stdin: String = "",
        files: [String: String] = [:]
    ) throws(UsageError) -> LaunchPlan {
        var request = CommandLineArguments()
        configure(&request)
        final class Reads: @unchecked Sendable { var count = 0 }
        let reads = Reads()
        let plan = try LaunchPlan.make(
            request,
            input: .init(
                isTerminal: terminal,
                readAll: {
                    reads.count += 1
                    return stdin
                },
                readFile: { path throws(LaunchPlan.InputFailure) in
                    guard let text = files[path] else { throw .unreadable(reason: "No such file or directory") }
                    return text
                }))
        #expect(reads.count <= 1, "stdin is read at most once")
        return plan
    }

    @Test func aMessageIsOneShotAndNoMessageOnATerminalIsTheREPL() throws {
        #expect(try plan { $0.message = ["hello", "there"] }.mode == .oneShot)
        #expect(try plan { $0.message = ["hello", "there"] }.message == "hello there")
        #expect(try plan().mode == .repl(scripted: false, pipedSystemPrompt: false))
    }

    @Test func pipedTextIsTheSystemPromptAndTheREPLMovesToTheTerminal() throws {
        let piped = try plan(terminal: false, stdin: "You are terse.\n\n")
        #expect(piped.systemPrompt == "You are terse.")
        #expect(piped.systemPromptFromStdin)
        #expect(piped.mode == .repl(scripted: false, pipedSystemPrompt: true))
        let oneShot = try plan({ $0.message = ["q"] }, terminal: false, stdin: "sys\n")
        #expect(oneShot.mode == .oneShot)
        #expect(oneShot.systemPrompt == "sys")
    }

    @Test func blankStdinIsNotPiped() throws {
        let blank = try plan(terminal: false, stdin: " \n\n")
        #expect(blank.systemPrompt == nil)
        #expect(blank.mode == .repl(scripted: false, pipedSystemPrompt: true), "no terminal on stdin: the REPL uses /dev/tty")
    }

    @Test func stdinModes() throws {
        let user = try plan(
            {
                $0.stdin = .user
                $0.message = ["write a commit message"]
            }, terminal: false, stdin: "diff\n")
        #expect(user.message == "diff\n\nwrite a commit message")
        #expect(user.systemPrompt == nil)
        #expect(try plan({ $0.stdin = .user }, terminal: false, stdin: "just this\n").message == "just this")
        #expect(try plan({ $0.stdin = .repl }, terminal: false, stdin: "hi\n").mode == .repl(scripted: true, pipedSystemPrompt: false))
        let none = try plan(
            {
                $0.stdin = .none
                $0.message = ["q"]
            }, terminal: false, stdin: "ignored")
        #expect(none.systemPrompt == nil)
        #expect(none.message == "q")
    }

    @Test func twoSystemPromptsAreAUsageError() {
        #expect(throws: UsageError.self) {
            try plan(
                {
                    $0.system = "s"
                    $0.message = ["q"]
                }, terminal: false, stdin: "piped")
        }
        #expect(throws: UsageError.self) {
            try plan(
                {
                    $0.systemFile = "/f"
                    $0.message = ["q"]
                }, terminal: false, stdin: "piped", files: ["/f": "x"])
        }
        #expect(throws: UsageError.self) {
            try plan {
                $0.systemFile = "-"
                $0.stdin = .user
            }
        }
    }

    @Test func systemFileFromAPathOrStdin() throws {
        #expect(
            try plan(
                {
                    $0.systemFile = "/s.txt"
                    $0.message = ["q"]
                }, files: ["/s.txt": "from file\n"]
            ).systemPrompt == "from file")
        #expect(
            try plan(
                {
                    $0.systemFile = "-"
                    $0.message = ["q"]
                }, terminal: false, stdin: "from stdin\n"
            ).systemPrompt == "from stdin")
        do {
            _ = try plan {
                $0.systemFile = "/missing"
                $0.message = ["q"]
            }
            Issue.record("a missing file was accepted")
        } catch {
            #expect(error.message.contains("/missing"))
        }
    }

    @Test func otherModesAndConflicts() throws {
        #expect(
            try plan {
                $0.listModels = true
                $0.message = ["gemini"]
            }.mode == .listModels(filter: "gemini"))
        #expect(try plan { $0.keyInfo = true }.mode == .keyInfo)
        #expect(try plan { $0.image = "a cat" }.mode == .image(prompt: "a cat"))
        #expect(throws: UsageError.self) { try plan { $0.image = "  " } }
        #expect(throws: UsageError.self) {
            try plan {
                $0.image = "x"
                $0.offline = true
            }
        }
        #expect(throws: UsageError.self) { try plan { $0.json = true } }
        #expect(throws: UsageError.self) {
            try plan {
                $0.session = "a"
                $0.continueLast = true
            }
        }
        #expect(throws: UsageError.self) { try plan { $0.files = ["a.png"] } }
    }

    @Test func whichRunsKeepASession() throws {
        var request = CommandLineArguments()
        #expect(try plan().keepsSession(request))
        request.message = ["q"]
        let oneShot = try plan { $0.message = ["q"] }
        #expect(!oneShot.keepsSession(request))
        request.session = "work"
        #expect(oneShot.keepsSession(request))
    }
}

@Suite struct CachedModelCatalogTests {
    final class Cache: ModelCacheStore, @unchecked Sendable {
        // Safe: the tests use it from one task.
        var stored: (models: [ModelInfo], savedAt: Double)?
        func load(now: Double) -> (models: [ModelInfo], fresh: Bool)? {
            stored.map { ($0.models, now - $0.savedAt < 3600) }
        }
        func save(_ models: [ModelInfo], now: Double) { stored = (models, now) }
    }

    struct Listing: ChatTransport {
        var models: [ModelInfo]?
        func stream(_ request: ChatRequest) -> AsyncThrowingStream<StreamEvent, any Error> { AsyncThrowingStream { $0.finish() } }
        func listModels() async throws -> [ModelInfo] {
            guard let models else { throw ChatError.connection(url: "u", reason: "down") }
            return models
        }
    }

    @Test func aFreshCacheIsKnownAtOnceAndAStaleOneIsRefreshedAndSaved() async {
        let cache = Cache()
        cache.stored = ([ModelInfo(id: "cached/one")], 1000)
        let fresh = CachedModelCatalog(transport: Listing(models: [ModelInfo(id: "server/one")]), cache: cache, now: { 1500 })
        #expect(fresh.known()?.map(\.id) == ["cached/one"])
        let stale = CachedModelCatalog(transport: Listing(models: [ModelInfo(id: "server/one")]), cache: cache, now: { 9000 })
        #expect(stale.known() == nil)
        let fetched = await stale.fetch()
        #expect(fetched?.models.map(\.id) == ["server/one"])
        #expect(fetched?.note == nil)
        #expect(cache.stored?.models.map(\.id) == ["server/one"])
        #expect(cache.stored?.savedAt == 9000)
        #expect(stale.known()?.map(\.id) == ["server/one"])
    }

    @Test func whenTheServerFailsTheStaleCopyIsShownWithANote() async {
        let cache = Cache()
        cache.stored = ([ModelInfo(id: "old/one")], 0)
        let catalog = CachedModelCatalog(transport: Listing(models: nil), cache: cache, now: { 99_999 })
        let fetched = await catalog.fetch()
        #expect(fetched?.models.map(\.id) == ["old/one"])
        #expect(fetched?.note?.contains("cached") == true)
        #expect(await CachedModelCatalog(transport: Listing(models: nil), cache: nil, now: { 0 }).fetch() == nil)
    }
}

@Suite struct ErrorPresenterTests {
    @Test func adviceFitsWhereTheLineIsShown() {
        let presenter = ErrorPresenter(keyVariable: "MY_KEY")
        let tooLong = ChatError.api(
            APIErrorInfo(status: 400, message: "prompt is too long", errorType: "context_length_exceeded"), inStream: false)
        #expect(presenter.line(tooLong, in: .repl).hasSuffix("/undo or /reset"))
        #expect(!presenter.line(tooLong, in: .oneShot).contains("/undo"))
        #expect(presenter.line(tooLong, in: .oneShot).contains("-m"))
        let missing = ChatError.api(APIErrorInfo(status: 404, message: "no such model"), inStream: false)
        #expect(presenter.line(missing, in: .repl).contains("list them with /models"))
        #expect(presenter.line(missing, in: .oneShot).contains("bankfuture-chat --models"))
        let down = ChatError.api(APIErrorInfo(status: 503, message: "down"), inStream: false)
        #expect(presenter.line(down, in: .images).contains("image_model"))
        #expect(presenter.line(.api(APIErrorInfo(status: 401, message: "bad"), inStream: false), in: .repl).contains("check MY_KEY"))
    }

    @Test func theErrorTypeDecidesContextOverflowBeforeTheWords() {
        #expect(ContextWindow.isContextExceeded(APIErrorInfo(status: 400, message: "anything", errorType: "context_length_exceeded")))
        #expect(
            !ContextWindow.isContextExceeded(APIErrorInfo(status: 400, message: "context length exceeded", errorType: "invalid_request")))
        #expect(ContextWindow.isContextExceeded(APIErrorInfo(status: 400, message: "maximum context length exceeded")))
    }

    @Test func providerRawTextIsShownShortAndSafe() {
        var info = APIErrorInfo(status: 400, message: "Provider returned error", providerName: "OpenAI")
        info.providerRaw = "{\"error\":{\"message\":\"Invalid \u{1B}[2J schema\"}}\n" + String(repeating: "x", count: 1000)
        let line = ErrorPresenter().line(.api(info, inStream: false), in: .oneShot)
        #expect(line.contains("[provider: OpenAI]"))
        #expect(line.contains("provider said: {\"error\""))
        #expect(!line.contains("\u{1B}") && !line.contains("\n"))
        #expect(line.count < 700)
    }
}
