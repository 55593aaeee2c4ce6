import ChatCore
import FakeOpenRouter
import NIOCore
import Testing

@testable import ChatOpenRouter

/// A request body is written in pieces: the bytes the server receives are the JSON the
/// request writes, whatever the pieces and chunk size.
@Suite(.serialized) struct RequestBodyStreamingTests {
    static func request(imageBytes: Int) -> ChatRequest {
        let base64 = String(repeating: "QUJD", count: imageBytes / 3)
        let image = Attachment(
            id: "a1", kind: .image, name: "big.png", mediaType: "image/png", byteCount: imageBytes, source: .data(base64: base64))
        let messages = [
            ChatMessage.system("Be brief"),
            ChatMessage(role: .user, parts: [.text("What is this? 👋🏽"), .attachment(image)]),
            ChatMessage.assistant("A picture."),
            ChatMessage(role: .user, parts: [.text("And this?"), .attachment(image)]),
        ]
        return ChatRequest(model: "google/gemini-2.5-flash", messages: messages)
    }

    @Test func chunksCoverEveryByteOnceInOrder() {
        let body = Self.request(imageBytes: 100_000).body()
        #expect(body.pieces.contains { if case .text = $0 { true } else { false } })
        for size in [7, 4096, 1 << 20] {
            let chunks = BodyChunks(body, chunkSize: size)
            var joined: [UInt8] = []
            for index in 0..<chunks.count {
                let buffer = chunks.buffer(index)
                #expect(buffer.readableBytes <= size)
                joined += buffer.readableBytesView
            }
            #expect(joined == body.bytes)
        }
    }

    @Test func anEmptyBodyIsOneEmptyChunk() {
        let chunks = BodyChunks(RequestBody(pieces: []), chunkSize: 16)
        #expect(chunks.count == 1)
        #expect(chunks.buffer(0).readableBytes == 0)
    }

    @Test func aBodyOfSeveralMegabytesArrivesWhole() async throws {
        try await withFake { fake, transport in
            fake.enqueue(.streamText(pieces: ["ok"], model: "google/gemini-2.5-flash"))
            let request = Self.request(imageBytes: 3 * 1024 * 1024)
            let (events, error) = await collect(transport, request)
            #expect(error == nil)
            #expect(text(events) == "ok")
            let received = try #require(fake.chatRequests.first)
            #expect(received.header("Content-Length") == String(request.body().count))
            #expect(received.body == request.jsonBody())
        }
    }
}
