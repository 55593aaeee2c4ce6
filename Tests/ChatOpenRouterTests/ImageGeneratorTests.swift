import ChatCore
import ChatStorage
import FakeOpenRouter
import Foundation
import Testing

@testable import ChatOpenRouter

/// Runs `body` with a fresh fake and a fresh temporary directory for images.
private func withImageFake(_ body: (FakeOpenRouter, String) async throws -> Void) async throws {
    let fake = try await FakeOpenRouter.start()
    let directory = NSTemporaryDirectory() + "image-generator-tests-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: directory) }
    do {
        try await body(fake, directory)
    } catch {
        try await fake.shutdown()
        throw error
    }
    try await fake.shutdown()
}

private let fastHTTP = ImageHTTPSettings(connectTimeout: 2, readTimeout: 10, retry: RetryPolicy(maxRetries: 0))

private func openRouter(_ fake: FakeOpenRouter, model: String = "google/gemini-2.5-flash-image") -> OpenRouterImageGenerator {
    OpenRouterImageGenerator(
        configuration: .init(
            baseURL: fake.baseURL + "/", apiKey: "test-key-123", model: model, referer: "https://ref.example", title: "TitleX",
            http: fastHTTP))
}

private func openAI(_ fake: FakeOpenRouter, model: String = "gpt-image-1", key: String = "sk-test-456") -> OpenAIImageGenerator {
    OpenAIImageGenerator(configuration: .init(baseURL: fake.openAIBaseURL, apiKey: key, model: model, http: fastHTTP))
}

private func files(in directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
}

private func makeSettings(_ edit: (inout ConfigFile) -> Void) throws -> Settings {
    var file = ConfigFile()
    edit(&file)
    return try Settings(file: file, environment: ["HOME": "/nonexistent"])
}

/// Reads a PNG independently of the fake's encoder: checks the signature and every chunk's
/// CRC (bit by bit), inflates stored deflate blocks, checks the Adler-32, and returns the size
/// and the unfiltered scanlines.
private func readPNG(_ bytes: [UInt8]) -> (width: Int, height: Int, rows: [[UInt8]])? {
    func be32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
    func crc(_ data: ArraySlice<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in data {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = (c >> 1) ^ (c & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        return ~c
    }
    guard bytes.starts(with: [137, 80, 78, 71, 13, 10, 26, 10]) else { return nil }
    var offset = 8
    var width = 0
    var height = 0
    var idat: [UInt8] = []
    var sawEnd = false
    while offset + 12 <= bytes.count {
        let length = be32(offset)
        let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
        guard offset + 12 + length <= bytes.count else { return nil }
        let data = bytes[(offset + 8)..<(offset + 8 + length)]
        guard crc(bytes[(offset + 4)..<(offset + 8 + length)]) == UInt32(be32(offset + 8 + length)) else { return nil }
        switch type {
        case "IHDR":
            width = be32(offset + 8)
            height = be32(offset + 12)
            guard Array(data.suffix(5)) == [8, 6, 0, 0, 0] else { return nil }
        case "IDAT": idat += data
        case "IEND": sawEnd = true
        default: break
        }
        offset += 12 + length
    }
    guard sawEnd, offset == bytes.count, idat.count >= 6, (Int(idat[0]) << 8 | Int(idat[1])) % 31 == 0 else { return nil }
    var raw: [UInt8] = []
    var i = 2
    while true {
        let header = idat[i]
        guard header & 0b110 == 0 else { return nil }  // stored blocks only
        let len = Int(idat[i + 1]) | Int(idat[i + 2]) << 8
        let nlen = Int(idat[i + 3]) | Int(idat[i + 4]) << 8
        guard len == (~nlen & 0xFFFF) else { return nil }
        raw += idat[(i + 5)..<(i + 5 + len)]
        i += 5 + len
        if header & 1 == 1 { break }
    }
    var a = 1
    var b = 0
    for byte in raw {
        a = (a + Int(byte)) % 65_521
        b = (b + a) % 65_521
    }
    guard Array(idat[i..<(i + 4)]) == [UInt8(b >> 8), UInt8(b & 0xFF), UInt8(a >> 8), UInt8(a & 0xFF)], i + 4 == idat.count else {
        return nil
    }
    let stride = width * 4 + 1
    guard raw.count == stride * height else { return nil }
    let rows = (0..<height).map { Array(raw[($0 * stride)..<(($0 + 1) * stride)]) }
    guard rows.allSatisfy({ $0[0] == 0 }) else { return nil }
    return (width, height, rows.map { Array($0.dropFirst()) })
}

@Suite(.serialized) struct ImageGeneratorTests {
    @Test func theFakesPNGIsAValidImage() throws {
        let png = try #require(readPNG(FakeOpenRouter.imagePNG))
        #expect(png.width == 2 && png.height == 2)
        #expect(png.rows[0] == [255, 0, 0, 255, 0, 255, 0, 255])
        #expect(png.rows[1] == [0, 0, 255, 255, 255, 255, 255, 128])
        // A broken CRC is noticed, so the check above means something.
        var broken = FakeOpenRouter.imagePNG
        broken[20] ^= 1
        #expect(readPNG(broken) == nil)
    }

    @Test func openRouterRequestCarriesModalitiesModelAndHeaders() async throws {
        try await withImageFake { fake, _ in
            let result = try await openRouter(fake).generate(prompt: "a cat in a hat")
            #expect(result.images == [GeneratedImage(mimeType: "image/png", bytes: FakeOpenRouter.imagePNG)])
            #expect(result.text == "Here is your image of a cat in a hat.")
            #expect(result.model == "google/gemini-2.5-flash-image")

            let request = try #require(fake.chatRequests.first)
            #expect(fake.chatRequests.count == 1)
            #expect(request.method == "POST")
            #expect(request.path == "/api/v1/chat/completions")
            #expect(request.header("Authorization") == "Bearer test-key-123")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.header("HTTP-Referer") == "https://ref.example")
            #expect(request.header("X-Title") == "TitleX")
            #expect(request.header("X-OpenRouter-Title") == "TitleX")
            #expect(request.model == "google/gemini-2.5-flash-image")
            #expect(request.stream == false)
            #expect(request.json?["modalities"] as? [String] == ["image", "text"])
            #expect(request.messages.map(\.role) == ["user"])
            #expect(request.messages.map(\.content) == ["a cat in a hat"])
        }
    }

    @Test func requestBodyIsExactlyTheDocumentedShape() {
        let body = String(decoding: OpenRouterImageGenerator.requestBody(model: "m/x", prompt: "say \"hi\"\n"), as: UTF8.self)
        #expect(
            body == #"{"model":"m/x","messages":[{"role":"user","content":"say \"hi\"\n"}],"modalities":["image","text"],"stream":false}"#)
        let openAI = String(decoding: OpenAIImageGenerator.requestBody(model: "gpt-image-1", prompt: "p", size: "1024x1024"), as: UTF8.self)
        #expect(openAI == #"{"model":"gpt-image-1","prompt":"p","n":1,"size":"1024x1024"}"#)
    }

    @Test func savedFilesAreByteIdenticalAndUniquePerRepeatedPrompt() async throws {
        try await withImageFake { fake, directory in
            let store = ImageStore(directory: directory + "/images")
            var paths: [String] = []
            for _ in 0..<3 {
                let saved = try await generateAndSave(
                    prompt: "A cat, in a hat!", generator: openRouter(fake, model: "fake/image"), store: store)
                #expect(saved.paths.count == 1)
                #expect(saved.text == "Here is your image of A cat, in a hat!.")
                #expect(!saved.historyNote.contains("base64"))
                #expect(saved.historyNote.count < 200)
                paths += saved.paths
            }
            #expect(Set(paths).count == 3)
            for path in paths {
                #expect(FileManager.default.contents(atPath: path).map { Array($0) } == FakeOpenRouter.imagePNG)
                #expect(path.hasPrefix(directory + "/images/"))
                #expect(path.hasSuffix(".png"))
                #expect(path.contains("_a-cat-in-a-hat"))
            }
            // Only the image files are in the directory.
            #expect(files(in: directory + "/images").count == 3)
            #expect(files(in: directory + "/images").allSatisfy { $0.hasSuffix(".png") })
        }
    }

    @Test func imagesStreamedInDeltasAreFoundToo() async throws {
        try await withImageFake { fake, _ in
            let chunk =
                #"{"id":"g","model":"fake/streamer","choices":[{"index":0,"delta":{"content":"","images":[{"type":"image_url","image_url":{"url":"data:image/png;base64,"#
                + Data(FakeOpenRouter.imagePNG).base64EncodedString() + #""}}]},"finish_reason":"stop"}]}"#
            fake.enqueue(
                .stream([#"{"id":"g","model":"fake/streamer","choices":[{"index":0,"delta":{"content":"Streamed "}}]}"#, chunk]))
            let result = try await openRouter(fake).generate(prompt: "x")
            #expect(result.images.map(\.bytes) == [FakeOpenRouter.imagePNG])
            #expect(result.text == "Streamed ")
            #expect(result.model == "fake/streamer")
        }
    }

    @Test func aModelThatReturnsNoImageIsAClearError() async throws {
        try await withImageFake { fake, directory in
            fake.enqueue(.completion(content: "I can only write text.", model: "openai/gpt-4o-mini"))
            let error = await #expect(throws: ServiceFailure.self) {
                try await openRouter(fake, model: "openai/gpt-4o-mini").generate(prompt: "a cat")
            }
            #expect(
                error?.message
                    == #"the model openai/gpt-4o-mini returned no image; pick an image-output model such as google/gemini-2.5-flash-image (see /models); it answered: "I can only write text.""#
            )
            // The echo scenario ignores modalities: the same error, and nothing saved.
            let store = ImageStore(directory: directory)
            let echo = await #expect(throws: ServiceFailure.self) {
                try await generateAndSave(prompt: "a cat", generator: openRouter(fake, model: "fake/echo"), store: store)
            }
            #expect(
                echo?.message.hasPrefix(
                    "the model fake/echo returned no image; pick an image-output model such as google/gemini-2.5-flash-image (see /models)")
                    == true)
            #expect(files(in: directory).isEmpty)
        }
    }

    @Test func invalidBase64IsAClearErrorAndSavesNothing() async throws {
        try await withImageFake { fake, directory in
            let store = ImageStore(directory: directory)
            let error = await #expect(throws: ServiceFailure.self) {
                try await generateAndSave(prompt: "p", generator: openRouter(fake, model: "fake/image-invalid"), store: store)
            }
            #expect(
                error?.message
                    == "the model fake/image-invalid sent an unusable image: invalid base64 in the image data: '*' at position 9 of 20")
            #expect(files(in: directory).isEmpty)

            let openAIError = await #expect(throws: ServiceFailure.self) {
                try await openAI(fake, model: "fake/image-invalid").generate(prompt: "p")
            }
            #expect(openAIError?.message.contains("invalid base64 in the image data") == true)
        }
    }

    @Test func anUnwritableDirectoryIsAClearError() async throws {
        try await withImageFake { fake, directory in
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let file = directory + "/not-a-dir"
            #expect(FileManager.default.createFile(atPath: file, contents: Data()))
            let error = await #expect(throws: ServiceFailure.self) {
                try await generateAndSave(prompt: "p", generator: openRouter(fake), store: ImageStore(directory: file + "/images"))
            }
            #expect(error?.message == "cannot create the image directory \(file)/images: \(file) is not a directory; check image_dir")
        }
    }

    @Test func httpErrorsAreChatErrorsWithTheStatusAndMessage() async throws {
        try await withImageFake { fake, _ in
            let error = await #expect(throws: ChatError.self) { try await openRouter(fake, model: "fake/error-402").generate(prompt: "p") }
            #expect(error?.status == 402)
            #expect(error?.oneLine().hasPrefix("HTTP 402: Insufficient credits.") == true)

            fake.enqueue(.raw(status: 502, headers: [("Content-Type", "text/html")], body: Array("<html><h1>Bad gateway</h1></html>".utf8)))
            let html = await #expect(throws: ChatError.self) { try await openRouter(fake).generate(prompt: "p") }
            #expect(html == .httpStatus(502, bodySnippet: "Bad gateway", retryAfter: nil))

            // A 200 that carries an error object.
            let inBody = await #expect(throws: ChatError.self) { try await openRouter(fake, model: "fake/200-error").generate(prompt: "p") }
            #expect(inBody?.oneLine().contains("Upstream provider returned an error") == true)

            let openAIError = await #expect(throws: ChatError.self) {
                try await openAI(fake, model: "fake/error-429").generate(prompt: "p")
            }
            #expect(openAIError?.status == 429)
            #expect(openAIError?.retryAfter == 1)
        }
    }

    @Test func retriesARateLimitedRequest() async throws {
        try await withImageFake { fake, _ in
            fake.enqueue(.error(status: 503, message: "No instances available", retryAfter: "0"))
            var config = openRouter(fake).configuration
            config.http.retry = RetryPolicy(maxRetries: 1, baseDelay: 0.01, maxDelay: 0.05, retryAfterCap: 0.1)
            let result = try await OpenRouterImageGenerator(configuration: config).generate(prompt: "p")
            #expect(result.images.count == 1)
            #expect(fake.chatRequests.count == 2)
        }
    }

    @Test func connectionFailuresAreChatErrors() async throws {
        // Port 1 is privileged and never listened on here; a port freed by a stopped fake
        // could be taken at once by another test's server running in parallel.
        let base = "http://127.0.0.1:1/api/v1"
        let generator = OpenRouterImageGenerator(configuration: .init(baseURL: base, apiKey: "k", http: fastHTTP))
        let error = await #expect(throws: ChatError.self) { try await generator.generate(prompt: "p") }
        guard case .connection(let url, _)? = error else {
            Issue.record("expected a connection error, got \(String(describing: error))")
            return
        }
        #expect(url == base)
    }

    // MARK: OpenAI-compatible provider

    @Test func openAIBase64AnswerIsDecodedAndTheRequestIsRight() async throws {
        try await withImageFake { fake, directory in
            let saved = try await openAI(fake).generateAndSave(prompt: "a red fox", store: ImageStore(directory: directory))
            #expect(saved.paths.count == 1)
            #expect(FileManager.default.contents(atPath: saved.paths[0]).map { Array($0) } == FakeOpenRouter.imagePNG)
            #expect(saved.model == "gpt-image-1")

            let request = try #require(fake.imageRequests.first)
            #expect(fake.imageRequests.count == 1)
            #expect(fake.chatRequests.isEmpty)
            #expect(request.method == "POST")
            #expect(request.path == "/v1/images/generations")
            #expect(request.header("Authorization") == "Bearer sk-test-456")
            #expect(request.header("Content-Type") == "application/json")
            let json = try #require(request.json)
            #expect(json["model"] as? String == "gpt-image-1")
            #expect(json["prompt"] as? String == "a red fox")
            #expect(json["n"] as? Int == 1)
            #expect(json["size"] as? String == "1024x1024")
        }
    }

    @Test func openAIURLAnswerIsDownloadedWithoutTheKey() async throws {
        try await withImageFake { fake, directory in
            let saved = try await openAI(fake, model: "dall-e-3").generateAndSave(
                prompt: "a red fox", store: ImageStore(directory: directory))
            #expect(saved.paths.count == 1)
            #expect(FileManager.default.contents(atPath: saved.paths[0]).map { Array($0) } == FakeOpenRouter.imagePNG)
            #expect(saved.text == "A picture of a red fox")

            let requests = fake.imageRequests
            #expect(requests.map(\.method) == ["POST", "GET"])
            let download = try #require(requests.last)
            #expect(download.path.hasPrefix("/fake-images/"))
            #expect(download.header("Authorization") == nil)
        }
    }

    @Test func openAIEmptyAnswerIsAClearError() async throws {
        try await withImageFake { fake, _ in
            let error = await #expect(throws: ServiceFailure.self) {
                try await openAI(fake, model: "fake/image-none").generate(prompt: "p")
            }
            #expect(
                error?.message
                    == "the images endpoint (fake/image-none) at \(fake.openAIBaseURL) returned no image; check image_model and image_base_url"
            )
        }
    }

    @Test func missingKeyForTheOpenAIProviderNamesTheVariable() async throws {
        try await withImageFake { fake, _ in
            let openAISettings = try makeSettings {
                $0.imageProvider = .openai
                $0.imageBaseURL = fake.openAIBaseURL
            }
            let error = #expect(throws: ServiceFailure.self) {
                try ImageGenerators.make(settings: openAISettings, environment: ["OPENROUTER_API_KEY": "sk-or-x"])
            }
            #expect(error?.exitCode == 2)
            #expect(error?.message.hasPrefix("no API key for the openai image provider: OPENAI_API_KEY is not set") == true)
            #expect(ImageGenerators.keyVariable(for: openAISettings) == "OPENAI_API_KEY")

            let custom = try Self.settings(provider: .openai, base: fake.openAIBaseURL, keyEnv: "MY_IMAGE_KEY")
            let named = #expect(throws: ServiceFailure.self) {
                try ImageGenerators.make(settings: custom, environment: ["OPENAI_API_KEY": "sk-other", "MY_IMAGE_KEY": "  "])
            }
            #expect(named?.message.contains("MY_IMAGE_KEY is not set") == true)

            // A generator built with an empty key fails the same way before sending anything.
            let direct = await #expect(throws: ServiceFailure.self) { try await openAI(fake, key: "").generate(prompt: "p") }
            #expect(direct?.message.contains("OPENAI_API_KEY is not set") == true)
            #expect(fake.requests.isEmpty)
        }
    }

    @Test func missingKeyForTheOpenRouterProviderNamesTheVariable() throws {
        let error = #expect(throws: ServiceFailure.self) {
            try ImageGenerators.make(settings: try makeSettings { _ in }, environment: ["OPENAI_API_KEY": "sk-x"])
        }
        #expect(error?.exitCode == 2)
        #expect(error?.message.contains("OPENROUTER_API_KEY is not set") == true)
    }

    @Test func settingsChooseTheProviderModelAndKey() async throws {
        try await withImageFake { fake, directory in
            let openAISettings = try Self.settings(provider: .openai, base: fake.openAIBaseURL + "/", keyEnv: "IMG_KEY")
            #expect(ImageGenerators.model(for: openAISettings) == "gpt-image-1")
            let generator = try ImageGenerators.make(settings: openAISettings, environment: ["IMG_KEY": " sk-img \n"])
            let saved = try await generator.generateAndSave(prompt: "fox", store: ImageStore(directory: directory))
            #expect(FileManager.default.contents(atPath: saved.paths[0]).map { Array($0) } == FakeOpenRouter.imagePNG)
            #expect(fake.imageRequests.first?.header("Authorization") == "Bearer sk-img")
            #expect(fake.imageRequests.first?.model == "gpt-image-1")

            var openRouterFile = ConfigFile()
            openRouterFile.baseURL = fake.baseURL
            openRouterFile.referer = "https://r.example"
            openRouterFile.title = "T"
            let openRouterSettings = try Settings(file: openRouterFile, environment: [:])
            #expect(ImageGenerators.model(for: openRouterSettings) == "google/gemini-2.5-flash-image")
            #expect(ImageGenerators.keyVariable(for: openRouterSettings) == "OPENROUTER_API_KEY")
            let openRouterGenerator = try ImageGenerators.make(settings: openRouterSettings, environment: ["OPENROUTER_API_KEY": "sk-or-1"])
            let result = try await openRouterGenerator.generate(prompt: "cat")
            #expect(result.images.map(\.bytes) == [FakeOpenRouter.imagePNG])
            let request = try #require(fake.chatRequests.last)
            #expect(request.header("Authorization") == "Bearer sk-or-1")
            #expect(request.header("HTTP-Referer") == "https://r.example")
            #expect(request.header("X-OpenRouter-Title") == "T")
            #expect(openRouterSettings.imageDir == "images")
        }
    }

    private static func settings(provider: ImageProvider, base: String, keyEnv: String) throws -> Settings {
        var file = ConfigFile()
        file.imageProvider = provider
        file.imageBaseURL = base
        file.imageAPIKeyEnv = keyEnv
        return try Settings(file: file, environment: [:])
    }
}
