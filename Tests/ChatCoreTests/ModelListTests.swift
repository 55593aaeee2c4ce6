import Foundation
import Testing

@testable import ChatCore

/// `GET /models`, the model cache and `GET /key`, decoded with `Codable`.
@Suite struct ModelListTests {
    static func models(_ json: String) throws -> [ModelInfo] {
        try ModelList(decoding: Array(json.utf8)).models
    }

    @Test func pricesMayBeStringsOrNumbersButMustBeSane() throws {
        let models = try Self.models(
            #"{"data":[{"id":"a","pricing":{"prompt":"0.000001","completion":0.000002}},"#
                + #"{"id":"b","pricing":{"prompt":"nan","completion":"inf"}},"#
                + #"{"id":"c","pricing":{"prompt":1e400,"completion":"1e400"}},"#
                + #"{"id":"d","pricing":{"prompt":true,"completion":[1]}},"#
                + #"{"id":"e","pricing":"free"}]}"#)
        #expect(models.map(\.id) == ["a", "b", "c", "d", "e"])
        #expect(models[0].promptPrice == 0.000001 && models[0].completionPrice == 0.000002)
        for model in models.dropFirst() {
            #expect(model.promptPrice == nil && model.completionPrice == nil, "\(model.id)")
        }
    }

    @Test func contextLengthIsAWholeNumberOrAbsent() throws {
        let models = try Self.models(
            #"{"data":[{"id":"a","context_length":128000},{"id":"b","context_length":1e300},{"id":"c","context_length":1e400},"#
                + #"{"id":"d","context_length":"big"},{"id":"e"},{"id":"f","context_length":1.6},{"id":"g","context_length":-5}]}"#)
        #expect(models.map(\.contextLength) == [128000, nil, nil, nil, nil, 2, -5])
    }

    @Test func entriesWithoutAnIdAreSkipped() throws {
        let models = try Self.models(
            #"{"data":[{"name":"no id"},{"id":7},"a string",null,{"id":"ok","name":"OK","extra":{"deep":[1,2]}}],"more":1}"#)
        #expect(models == [ModelInfo(id: "ok", name: "OK")])
    }

    @Test(arguments: ["", "not json", "[]", #"{"data":{}}"#, #"{"data":"x"}"#, #"{"models":[]}"#, #"{"data":[]} trailing"#])
    func anythingButADataArrayIsMalformed(_ body: String) {
        #expect(throws: ChatError.malformedResponse("the model list is not {\"data\":[...]}")) {
            try ModelList(decoding: Array(body.utf8))
        }
    }

    // MARK: GET /key

    @Test func keyInfoReadsItsFieldsAndNeverTheLabel() throws {
        let body =
            #"{"data":{"label":"sk-or-v1-abc...xyz","usage":1.25,"limit":10,"limit_remaining":8.75,"is_free_tier":false,"rate_limit":{"requests":20,"interval":"10s"}}}"#
        let info = try KeyInfo.parse(Array(body.utf8))
        #expect(info == KeyInfo(usage: 1.25, limit: 10, limitRemaining: 8.75, isFreeTier: false, rateLimit: "20 requests / 10s"))
        #expect(!info.lines.joined().contains("sk-or"))
    }

    @Test func keyInfoFieldsOfAnotherTypeAreAbsent() throws {
        let body =
            #"{"data":{"usage":"1.25","limit":null,"limit_remaining":1e400,"is_free_tier":1,"rate_limit":{"requests":1.5,"interval":null}}}"#
        let info = try KeyInfo.parse(Array(body.utf8))
        #expect(info == KeyInfo(usage: nil, limit: nil, limitRemaining: nil, isFreeTier: nil, rateLimit: "1.5 requests / null"))
        #expect(try KeyInfo.parse(Array(#"{"data":{"rate_limit":{}}}"#.utf8)).rateLimit == "? requests / ?")
        #expect(try KeyInfo.parse(Array(#"{"data":{"rate_limit":[]}}"#.utf8)).rateLimit == nil)
        // Huge amounts are shown, not trapped on.
        let huge = try KeyInfo.parse(Array(#"{"data":{"usage":1e300,"limit":-1e300,"limit_remaining":1e15}}"#.utf8))
        #expect(huge.lines.count == 4)
    }

    @Test(arguments: ["", "[]", #"{"data":[]}"#, #"{"data":"x"}"#, #"{"nodata":{}}"#])
    func keyInfoWithoutADataObjectIsMalformed(_ body: String) {
        #expect(throws: ChatError.malformedResponse("the key information is not {\"data\":{...}}")) {
            try KeyInfo.parse(Array(body.utf8))
        }
    }
}
