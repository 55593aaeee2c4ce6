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

@MainActor
@Suite struct ChatLoopFeatureTests {
    func loop(_ lines: [String], transport: RecordingTransport = RecordingTransport(), services: ChatLoopServices = ChatLoopServices()) async -> (ChatLoop, RecordingTransport, RecordingRenderer) {
        let renderer = RecordingRenderer()
        let loop = ChatLoop(session: ChatSession(model: "known/model", systemPrompt: "sys"), transport: transport, reader: ScriptedReader(lines: lines), renderer: renderer)
        loop.services = services
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
        #expect(loop.stream == false)
        let body = try JSONParser.parse(try #require(transport.requests.first).jsonBody())
        #expect(body["temperature"] == .number(0.3))
        #expect(body["max_tokens"] == .number(77))
        #expect(body["top_p"] == .number(0.5))
        #expect(body["reasoning"] == .object([("effort", .string("high"))]))
        #expect(body["provider"] == .object([("order", .array([.string("openai"), .string("together")])), ("allow_fallbacks", .bool(false))]))
        #expect(body["stream"] == .bool(false))
        #expect(renderer.outputs.last?.contains("temperature     0.3") == true)
    }

    @Test func reasoningOffExcludesIt() async throws {
        let (_, transport, _) = await loop(["/set reasoning off", "q"])
        let body = try JSONParser.parse(try #require(transport.requests.first).jsonBody())
        #expect(body["reasoning"] == .object([("exclude", .bool(true))]))
    }

    @Test func fallbackModelsGoIntoTheModelsField() async throws {
        let (_, transport, _) = await loop(["/fallback a/b c/d", "q"])
        let body = try JSONParser.parse(try #require(transport.requests.first).jsonBody())
        #expect(body["models"] == .array([.string("known/model"), .string("a/b"), .string("c/d")]))
    }

    @Test func saveLoadRoundTripAndExport() async throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (first, _, _) = await loop(["Привет", "second", "/save \(dir)/s.json", "/export \(dir)/s.md"])
        #expect(mode(of: "\(dir)/s.json") == 0o600)
        let markdown = try String(contentsOfFile: "\(dir)/s.md", encoding: .utf8)
        #expect(markdown.contains("## You\n\nПривет"))
        let (second, transport, renderer) = await loop(["/load \(dir)/s.json", "third"])
        #expect(renderer.errors.isEmpty)
        #expect(second.session.history.prefix(4) == first.session.history[...])
        #expect(transport.requests.first?.messages.count == 6)
    }

    @Test func loadingABadFileChangesNothing() async throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "{not json".write(toFile: "\(dir)/bad.json", atomically: true, encoding: .utf8)
        try #"{"version":99,"model":"m","messages":[]}"#.write(toFile: "\(dir)/new.json", atomically: true, encoding: .utf8)
        try #"{"version":1,"model":"m","messages":[{"role":"wizard","content":"x"}]}"#.write(toFile: "\(dir)/role.json", atomically: true, encoding: .utf8)
        let (loop, _, renderer) = await loop(["q", "/load \(dir)/bad.json", "/load \(dir)/new.json", "/load \(dir)/role.json", "/load \(dir)/missing.json"])
        #expect(renderer.errors.count == 4)
        #expect(renderer.errors[0].contains("not valid JSON"))
        #expect(renderer.errors[1].contains("newer"))
        #expect(renderer.errors.allSatisfy { $0.contains("nothing changed") })
        #expect(loop.session.history.map(\.content) == ["q", "answer 1"])
        #expect(loop.session.model == "known/model")
    }

    @Test func autosaveAfterEveryTurn() async throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var services = ChatLoopServices()
        services.autosave = AutosaveFile(path: "\(dir)/sessions/auto.json", claimed: true)
        _ = await loop(["one", "two"], services: services)
        let archive = try SessionArchive.load(from: "\(dir)/sessions/auto.json")
        #expect(archive.messages.map(\.content) == ["one", "answer 1", "two", "answer 2"])
        #expect(mode(of: "\(dir)/sessions/auto.json") == 0o600)
    }

    @Test func attachFilesWithGlobsAndRefuseBinaries() async throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "первый\n".write(toFile: "\(dir)/файл-1.txt", atomically: true, encoding: .utf8)
        try "second".write(toFile: "\(dir)/файл-2.txt", atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: "\(dir)/blob.bin", contents: Data([0x00, 0x01]))
        FileManager.default.createFile(atPath: "\(dir)/big.txt", contents: Data(repeating: 0x61, count: Attachment.maxBytes + 1))
        let (_, transport, renderer) = await loop([
            "/file \(dir)/blob.bin", "/file \(dir)/big.txt", "/file \(dir)/nope.txt", "/file \(dir)/файл-*.txt", "compare these", "plain",
        ])
        #expect(renderer.errors.count == 3)
        #expect(renderer.errors[0].contains("binary"))
        #expect(renderer.errors[1].contains("KiB"))
        let sent = try #require(transport.requests.first?.messages.last?.content)
        #expect(sent == "compare these\n\nфайл-1.txt:\n```\nпервый\n```\n\nфайл-2.txt:\n```\nsecond\n```")
        #expect(transport.requests[1].messages.last?.content == "plain", "attachments go with the next message only")
    }

    @Test func editComposesTheMessage() async throws {
        var services = ChatLoopServices()
        services.composeInEditor = { _ in .success("from the editor\nline 2") }
        let (_, transport, _) = await loop(["/edit"], services: services)
        #expect(transport.requests.first?.messages.last?.content == "from the editor\nline 2")
        var empty = ChatLoopServices()
        empty.composeInEditor = { _ in .success(nil) }
        let (_, none, renderer) = await loop(["/edit"], services: empty)
        #expect(none.requests.isEmpty)
        #expect(renderer.notices.contains { $0.contains("nothing sent") })
    }

    @Test func copyTheLastAnswerOrItsLastCodeBlock() async throws {
        final class Box { var copied: [String] = [] }
        let box = Box()
        var services = ChatLoopServices()
        services.copyToClipboard = { box.copied.append($0); return true }
        let (_, _, renderer) = await loop(["/copy", "q", "/copy", "/copy code"], services: services)
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
        let loop = ChatLoop(session: ChatSession(model: "known/model", systemPrompt: "sys", parameters: RequestParameters(maxTokens: 50)), transport: transport, reader: ScriptedReader(lines: ["/models", long, long, long, "last"]), renderer: renderer)
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
        transport.failures = [nil, nil, .api(APIErrorInfo(status: 400, code: "context_length_exceeded", message: "This model's maximum context length is 10 tokens"), inStream: false)]
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
        let loop = ChatLoop(session: ChatSession(model: "known/model"), transport: Priced(), reader: ScriptedReader(lines: ["/models", "q"]), renderer: RecordingRenderer())
        _ = await loop.run()
        #expect(loop.session.totalUsage.cost == 0.001 * 1 + 0.01 * 2)
    }
}

@Suite struct SessionArchiveTests {
    @Test func roundTripKeepsEverything() throws {
        let archive = SessionArchive(model: "a/b", systemPrompt: "line\n\"q\"", messages: [.user("Привет 👋"), .assistant("tab\t")], usage: Usage(promptTokens: 3, completionTokens: 4, cost: 0.25))
        let decoded = try SessionArchive.decode(archive.encoded(), path: "x")
        #expect(decoded == archive)
    }

    @Test func safeSessionNames() {
        let directory = SessionDirectory(stateDirectory: "/state")
        let escaped = directory.file(named: "../../etc/passwd")
        #expect(escaped.hasPrefix("/state/sessions/"))
        #expect(!escaped.dropFirst("/state/sessions/".count).contains("/"))
        #expect(directory.file(named: "work-notes") == "/state/sessions/work-notes.json")
    }
}
