import ChatCore
import Testing

@testable import ChatOpenRouter

/// The OpenAI images answer, decoded with `Codable`: leniently, and invalid JSON is a clear error.
@Suite struct OpenAIImagesAnswerTests {
    typealias Answer = OpenAIImageGenerator.Answer

    static func decode(_ json: String) throws -> Answer {
        try Answer(decoding: Array(json.utf8))
    }

    @Test func itemsCarryBase64OrAURLAndARevisedPrompt() throws {
        let answer = try Self.decode(
            #"{"created":1,"output_format":"webp","data":[{"b64_json":"AAAA","revised_prompt":"a fox"},{"url":"https://cdn/x.png","output_format":"jpeg"}]}"#
        )
        #expect(
            answer
                == Answer(
                    data: [.init(b64JSON: "AAAA", revisedPrompt: "a fox"), .init(url: "https://cdn/x.png", outputFormat: "jpeg")],
                    outputFormat: "webp"))
        #expect(!answer.hasError)
    }

    @Test func fieldsOfAnotherTypeAndOddItemsArePassedOver() throws {
        let answer = try Self.decode(
            #"{"output_format":5,"data":[{"b64_json":7,"url":null,"revised_prompt":["x"]},3,"s",null,{"url":"u"}]}"#)
        #expect(answer == Answer(data: [.init(), .init(), .init(), .init(), .init(url: "u")]))
    }

    @Test func anErrorObjectIsNoticedButANullOneIsNot() throws {
        #expect(try Self.decode(#"{"error":{"code":429,"message":"slow"}}"#).hasError)
        #expect(try Self.decode(#"{"error":"text"}"#).hasError)
        #expect(try !Self.decode(#"{"error":null,"data":[]}"#).hasError)
    }

    @Test func noDataArrayDecodesAsNil() throws {
        #expect(try Self.decode(#"{"data":{}}"#).data == nil)
        #expect(try Self.decode(#"[]"#).data == nil)
        #expect(try Self.decode(#"{}"#).data == nil)
    }

    @Test(arguments: ["", "not json", #"{"data":[}"#, #"{"data":[]} and more"#])
    func invalidJSONIsAMalformedResponse(_ body: String) {
        #expect(throws: ChatError.malformedResponse("the images answer is not valid JSON")) { try Self.decode(body) }
    }
}
