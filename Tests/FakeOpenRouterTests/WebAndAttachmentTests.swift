import Foundation
import Testing

@testable import FakeOpenRouter

/// The `url_citation` objects of an annotations array.
private func citations(_ annotations: Any?) -> [[String: Any]] {
    (annotations as? [[String: Any]] ?? []).compactMap { annotation in
        annotation["type"] as? String == "url_citation" ? annotation["url_citation"] as? [String: Any] : nil
    }
}

@Suite("Web search and attachments")
struct WebAndAttachmentTests {
    @Test func webPluginAddsCitationsToTheLastContentChunk() async throws {
        let events = EventStream(
            try await chat(request("openai/gpt-4o-mini", stream: true, ["plugins": [["id": "web", "max_results": 2]]]))
                .bodyText)
        let withText = events.deltas.filter { $0["content"] != nil }
        #expect(withText.dropLast().allSatisfy { $0["annotations"] == nil })
        let sources = citations(withText.last?["annotations"])
        #expect(sources.map { $0["url"] as? String } == ["https://example.com/a", "https://example.org/b"])
        #expect(sources.allSatisfy { ($0["title"] as? String)?.isEmpty == false && ($0["content"] as? String)?.isEmpty == false })
        #expect(sources.last?["end_index"] as? Int == events.content.count)
        #expect(sources.first?["start_index"] as? Int == 0)
    }

    @Test func fakeWebPutsCitationsInTheWholeMessage() async throws {
        let message = try #require(try await chat(request("fake/web", stream: false)).message)
        #expect(message["content"] as? String == "Echo: hi")
        #expect(citations(message["annotations"]).count == 2)
    }

    @Test func noWebNoAnnotations() async throws {
        let response = try await chat(request("fake/echo", stream: false, ["plugins": [["id": "file-parser"]]]))
        #expect(response.message?["annotations"] == nil)
    }

    @Test func echoDescribesEveryAttachment() async throws {
        let png = Data(FakeImages.png)
        let pdf = Data("%PDF-1.4 fake".utf8)
        let wav = Data(repeating: 7, count: 44)
        let parts: [[String: Any]] = [
            ["type": "text", "text": "look"],
            ["type": "image_url", "image_url": ["url": "data:image/png;base64," + png.base64EncodedString()]],
            ["type": "image_url", "image_url": ["url": "https://example.com/cat.jpg"]],
            [
                "type": "file",
                "file": ["filename": "report.pdf", "file_data": "data:application/pdf;base64," + pdf.base64EncodedString()],
            ],
            ["type": "file", "file": ["filename": "paper.pdf", "file_data": "https://example.com/paper.pdf"]],
            ["type": "input_audio", "input_audio": ["data": wav.base64EncodedString(), "format": "wav"]],
        ]
        let plugins = [["id": "file-parser", "pdf": ["engine": "cloudflare-ai"]]]
        let response = try await chat(request("openai/gpt-4o-mini", stream: true, user: parts, ["plugins": plugins]))
        #expect(
            EventStream(response.bodyText).content
                == "Echo: look [image image/png \(png.count) B] [image https://example.com/cat.jpg]"
                + " [file report.pdf \(pdf.count) B] [file https://example.com/paper.pdf] [audio wav 44 B]"
                + " [plugin file-parser cloudflare-ai]")
    }

    @Test func brokenBase64IsCalledOut() {
        #expect(
            MultimodalEcho.note(for: ["type": "input_audio", "input_audio": ["data": "data:audio/wav;base64,AAAA", "format": "wav"]])
                == "audio wav invalid base64")
        #expect(
            MultimodalEcho.note(for: ["type": "image_url", "image_url": ["url": "data:image/png;base64,*"]])
                == "image image/png invalid base64")
        #expect(MultimodalEcho.note(for: ["type": "video_url", "video_url": ["url": "https://x"]]) == "video_url")
        #expect(MultimodalEcho.note(for: ["type": "text", "text": "x"]) == nil)
    }

    @Test func recordedPartsKeepEachMessagesRawParts() async throws {
        try await withFake { fake in
            let parts: [[String: Any]] = [
                ["type": "text", "text": "a"], ["type": "image_url", "image_url": ["url": "https://x/y.png"]],
                ["type": "text", "text": "b"],
            ]
            let messages: [[String: Any]] = [["role": "system", "content": "sys"], ["role": "user", "content": parts]]
            _ = try await chat(fake, ["model": "x/y", "messages": messages])
            let recorded = try #require(fake.chatRequests.first)
            #expect(recorded.messages.map(\.content) == ["sys", "ab"])
            #expect(recorded.parts.count == 2)
            #expect(recorded.parts[0].first?["text"] as? String == "sys")
            #expect(recorded.parts[1].map { $0["type"] as? String } == ["text", "image_url", "text"])
            #expect((recorded.parts[1][1]["image_url"] as? [String: Any])?["url"] as? String == "https://x/y.png")
        }
    }
}
