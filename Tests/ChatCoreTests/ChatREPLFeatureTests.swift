import ChatStorage
import Foundation
import Testing

@testable import ChatCore

func scratchDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("bfc-core-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func mode(of path: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
}

/// Keeps saved conversations in memory.
final class MemoryConversations: ConversationStore {
    var autosaves: [SessionArchive] = []
    var files: [String: SessionArchive] = [:]
    var exports: [String: String] = [:]
    var autosaveName: String? { "memory" }

    func record(_ session: ChatSession) throws(StorageError) { autosaves.append(SessionArchive(session)) }
    func flush() throws(StorageError) {}
    func exists(session name: String) -> Bool { files[name] != nil }
    func sessionNames() -> [String] { Array(files.keys) }
    func startNew() {}
    func fork(_ archive: SessionArchive, as name: String) throws(StorageError) { files[name] = archive }
    func save(_ archive: SessionArchive, to path: String) throws(StorageError) { files[path] = archive }
    func load(from path: String) throws(StorageError) -> SessionArchive {
        guard let archive = files[path] else { throw StorageError("cannot load \(path): no such file") }
        return archive
    }
    func export(_ markdown: String, to path: String) throws(StorageError) { exports[path] = markdown }
    func switchTo(session name: String) throws(StorageError) -> SessionArchive? { files[name] }
    func renameAutosave(to name: String, session: ChatSession) throws(StorageError) {}
}

/// The editor and clipboard, scripted.
final class ScriptedTerminal: TerminalServices {
    var composed: String?
    var copied: [String] = []

    init(composed: String? = nil) { self.composed = composed }

    func compose(_ initial: String) -> Result<String?, ServiceFailure> { .success(composed) }
    func copy(_ text: String) -> Bool {
        copied.append(text)
        return true
    }
}

@MainActor
@Suite struct ChatREPLFeatureTests {
    func loop(
        _ lines: [String], transport: RecordingTransport = RecordingTransport(), conversations: (any ConversationStore)? = nil,
        attachments: (any AttachmentSource)? = nil, terminal: (any TerminalServices)? = nil
    ) async -> (ChatREPL, RecordingTransport, RecordingRenderer) {
        let renderer = RecordingRenderer()
        let loop = ChatREPL(
            session: ChatSession(model: "known/model", systemPrompt: "sys"),
            services: REPLServices(
                transport: transport, reader: ScriptedReader(lines: lines), renderer: renderer, conversations: conversations,
                attachments: attachments, terminal: terminal, now: { 1_700_000_000 }))
        _ = await loop.run()
        return (loop, transport, renderer)
    }

    @Test func setParametersGoIntoEveryFollowingRequest() async throws {
        let (loop, transport, renderer) = await loop([
            "/set temperature 0.3", "/set max_tokens 77", "/set top_p 0.5", "/set reasoning high", "/set provider openai, together",
            "/set allow_fallbacks false", "/set stream off", "/set temperature 5", "/set bogus 1", "q", "/set",
        ])
        #expect(renderer.errors.count == 2)
        #expect(renderer.errors[0].contains("0 to 2"))
        #expect(renderer.errors[1].contains("unknown setting"))
        #expect(loop.state.session.parameters.stream == false)
        #expect(transport.requests.first?.stream == false)
        let body = try JSONParser.parse(try #require(transport.requests.first).jsonBody())
        #expect(body["temperature"] == .number(0.3))
        #expect(body["max_tokens"] == .number(77))
        #expect(body["top_p"] == .number(0.5))
        #expect(body["reasoning"] == .object([("effort", .string("high"))]))
        #expect(
            body["provider"] == .object([("order", .array([.string("openai"), .string("together")])), ("allow_fallbacks", .bool(false))]))
        #expect(body["stream"] == .bool(false))
        #expect(renderer.outputs.last?.contains("temperature     0.3") == true)
    }

    /// `off` turns reasoning off (`exclude` would only hide it, still billed); `hide` hides it.
    @Test func reasoningValuesMapToTheirFields() async throws {
        let lines = [
            "/set reasoning off", "q", "/set reasoning hide", "q", "/set reasoning 2048", "q", "/set reasoning xhigh", "q",
            "/set reasoning on", "q", "/set reasoning default", "q", "/set reasoning lots",
        ]
        let (_, transport, renderer) = await loop(lines)
        let bodies = try transport.requests.map { try JSONParser.parse($0.jsonBody()) }
        #expect(
            bodies.map { $0["reasoning"] } == [
                .object([("effort", .string("none"))]), .object([("exclude", .bool(true))]), .object([("max_tokens", .number(2048))]),
                .object([("effort", .string("xhigh"))]), .object([("enabled", .bool(true))]), nil,
            ])
        #expect(renderer.errors.last?.contains("minimal, low, medium, high, xhigh, max") == true)
    }

    @Test func fallbackModelsGoIntoTheModelsField() async throws {
        let (_, transport, _) = await loop(["/fallback a/b c/d", "q"])
        let body = try JSONParser.parse(try #require(transport.requests.first).jsonBody())
        #expect(body["models"] == .array([.string("known/model"), .string("a/b"), .string("c/d")]))
    }

    @Test func saveLoadRoundTripAndExport() async throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = SessionFiles(file: nil, directory: SessionDirectory(stateDirectory: dir), now: { 1 })
        let (first, _, _) = await loop(["Привет", "second", "/save \(dir)/s.json", "/export \(dir)/s.md"], conversations: files)
        #expect(mode(of: "\(dir)/s.json") == 0o600)
        let markdown = try String(contentsOfFile: "\(dir)/s.md", encoding: .utf8)
        #expect(markdown.contains("## You\n\nПривет"))
        let (second, transport, renderer) = await loop(["/load \(dir)/s.json", "third"], conversations: files)
        #expect(renderer.errors.isEmpty)
        #expect(second.session.history.prefix(4) == first.session.history[...])
        #expect(transport.requests.first?.messages.count == 6)
    }

    @Test func loadingABadFileChangesNothing() async throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "{not json".write(toFile: "\(dir)/bad.json", atomically: true, encoding: .utf8)
        try #"{"version":99,"model":"m","messages":[]}"#.write(toFile: "\(dir)/new.json", atomically: true, encoding: .utf8)
        try #"{"version":1,"model":"m","messages":[{"role":"wizard","content":"x"}]}"#.write(
            toFile: "\(dir)/role.json", atomically: true, encoding: .utf8)
        let files = SessionFiles(file: nil, directory: SessionDirectory(stateDirectory: dir), now: { 1 })
        let (loop, _, renderer) = await loop(
            ["q", "/load \(dir)/bad.json", "/load \(dir)/new.json", "/load \(dir)/role.json", "/load \(dir)/missing.json"],
            conversations: files)
        #expect(renderer.errors.count == 4)
        #expect(renderer.errors[0].contains("not valid JSON"))
        #expect(renderer.errors[1].contains("newer"))
        #expect(renderer.errors.allSatisfy { $0.contains("nothing changed") })
        #expect(loop.session.history.map(\.content) == ["q", "answer 1"])
        #expect(loop.session.model == "known/model")
    }

    @Test func autosaveAfterEveryTurn() async throws {
        let store = MemoryConversations()
        _ = await loop(["one", "two"], conversations: store)
        let archive = try #require(store.autosaves.last)
        #expect(archive.messages.map(\.content) == ["one", "answer 1", "two", "answer 2"])
        // Before each request the message is saved as pending; after each answer it is not.
        #expect(store.autosaves.map { $0.pending?.content } == ["one", nil, "two", nil])
    }

    @Test func attachFilesWithGlobsAndRefuseBinaries() async throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "первый\n".write(toFile: "\(dir)/файл-1.txt", atomically: true, encoding: .utf8)
        try "second".write(toFile: "\(dir)/файл-2.txt", atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: "\(dir)/blob.bin", contents: Data([0x00, 0x01]))
        FileManager.default.createFile(atPath: "\(dir)/big.txt", contents: Data(repeating: 0x61, count: 1024 * 1024 + 1))
        let (_, transport, renderer) = await loop(
            [
                "/file \(dir)/blob.bin", "/file \(dir)/big.txt", "/file \(dir)/nope.txt", "/file \(dir)/файл-*.txt", "compare these",
                "plain",
            ],
            attachments: AttachmentFiles(maxBytes: 1024 * 1024))
        #expect(renderer.errors.count == 3)
        #expect(renderer.errors[0].contains("not a file kind that can be sent"))
        #expect(renderer.errors[1].contains("larger than 1 MB (max_attachment_mb)"))
        let sent = try #require(transport.requests.first?.messages.last?.content)
        #expect(sent == "compare these\n\nфайл-1.txt:\n```\nпервый\n```\n\nфайл-2.txt:\n```\nsecond\n```")
        #expect(transport.requests[1].messages.last?.content == "plain", "attachments go with the next message only")
    }

    @Test func editComposesTheMessage() async throws {
        let (_, transport, _) = await loop(["/edit"], terminal: ScriptedTerminal(composed: "from the editor\nline 2"))
        #expect(transport.requests.first?.messages.last?.content == "from the editor\nline 2")
        let (_, none, renderer) = await loop(["/edit"], terminal: ScriptedTerminal(composed: nil))
        #expect(none.requests.isEmpty)
        #expect(renderer.notices.contains { $0.contains("nothing sent") })
    }

    @Test func copyTheLastAnswerOrItsLastCodeBlock() async throws {
        let box = ScriptedTerminal()
        let (_, _, renderer) = await loop(["/copy", "q", "/copy", "/copy code"], terminal: box)
        #expect(box.copied == ["answer 1"])
        #expect(renderer.notices.contains { $0.contains("nothing to copy") })
        #expect(renderer.notices.contains { $0.contains("no code block") })
        #expect(CodeBlocks.last(in: "a\n```swift\nlet x = 1\n```\nb\n```\nlast\n```\n") == "last")
    }

    @Test func oldestTurnsAreLeftOutWhenTheContextIsTooSmall() async throws {
        final class SmallContext: ChatTransport, @unchecked Sendable {
            // Safe: used from the main actor only.
            let inner = RecordingTransport()
            func stream(_ request: ChatRequest) -> AsyncThrowingStream<StreamEvent, any Error> { inner.stream(request) }
            func listModels() async throws -> [ModelInfo] { [ModelInfo(id: "known/model", contextLength: 300)] }
        }
        let transport = SmallContext()
        let renderer = RecordingRenderer()
        let long = String(repeating: "word ", count: 100)
        let loop = makeREPL(
            session: ChatSession(model: "known/model", systemPrompt: "sys", parameters: RequestParameters(maxTokens: 50)),
            transport: transport, reader: ScriptedReader(lines: ["/models", long, long, long, "last"]), renderer: renderer)
        _ = await loop.run()
        let last = try #require(transport.inner.requests.last)
        #expect(last.messages.first == .system("sys"))
        #expect(last.messages.last == .user("last"))
        #expect(ContextWindow.estimateTokens(last.messages) <= 250)
        #expect(renderer.notices.contains { $0.contains("left out") })
        #expect(loop.session.history.count == 8, "the transcript keeps everything")
    }

    @Test func contextExceededErrorTrimsOnceAndRetries() async throws {
        let transport = RecordingTransport()
        transport.failures = [
            nil, nil,
            .api(
                APIErrorInfo(status: 400, code: "context_length_exceeded", message: "This model's maximum context length is 10 tokens"),
                inStream: false),
        ]
        let (loop, _, renderer) = await loop(["a", "b", "c"], transport: transport)
        #expect(transport.requests.count == 4)
        #expect(transport.requests[3].messages.count < transport.requests[2].messages.count)
        #expect(transport.requests[3].messages.last == .user("c"))
        #expect(renderer.errors.isEmpty)
        #expect(loop.session.history.count == 6)
    }

    @Test func costIsComputedFromPricesWhenTheAPIGivesNone() async throws {
        final class Priced: ChatTransport, @unchecked Sendable {
            // Safe: used from the main actor only.
            let inner = RecordingTransport()
            func stream(_ request: ChatRequest) -> AsyncThrowingStream<StreamEvent, any Error> { inner.stream(request) }
            func listModels() async throws -> [ModelInfo] { [ModelInfo(id: "known/model", promptPrice: 0.001, completionPrice: 0.01)] }
        }
        let loop = makeREPL(
            session: ChatSession(model: "known/model"), transport: Priced(), reader: ScriptedReader(lines: ["/models", "q"]),
            renderer: RecordingRenderer())
        _ = await loop.run()
        #expect(loop.session.totalUsage.cost == 0.001 * 1 + 0.01 * 2)
    }
}

@Suite struct SessionArchiveTests {
    @Test func roundTripKeepsEverything() throws {
        let archive = SessionArchive(
            model: "a/b", systemPrompt: "line\n\"q\"", messages: [.user("Привет 👋"), .assistant("tab\t")],
            usage: Usage(promptTokens: 3, completionTokens: 4, cost: 0.25))
        let decoded = try SessionArchive.decode(archive.encoded(), path: "x")
        #expect(decoded == archive)
    }

    @Test func sessionNamesAreFileNamesOfTheirOwnOrRefused() throws {
        let directory = SessionDirectory(stateDirectory: "/state")
        #expect(throws: UsageError.self) { try directory.file(named: "../../etc/passwd") }
        #expect(try directory.file(named: "work-notes") == "/state/sessions/work-notes.jsonl")
        #expect(try directory.file(named: "my notes") == "/state/sessions/my notes.jsonl")
    }
}
