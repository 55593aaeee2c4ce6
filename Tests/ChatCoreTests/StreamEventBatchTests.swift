import Testing

@testable import ChatCore

@Suite struct StreamEventBatchTests {
    @Test func runsOfTextAndOfReasoningAreJoinedAndOrderIsKept() {
        var batch = StreamEventBatch()
        let events: [StreamEvent] = [
            .model("a/b"), .reasoning("think "), .reasoning("more"), .text("Hel"), .text("lo"), .text(" 👋🏽"),
            .images(["data:image/png;base64,AA=="]), .text("!"), .finish(reason: "stop"),
            .usage(Usage(promptTokens: 1, completionTokens: 2)),
        ]
        for event in events { batch.append(event) }
        #expect(
            batch.events == [
                .model("a/b"), .reasoning("think more"), .text("Hello 👋🏽"), .images(["data:image/png;base64,AA=="]), .text("!"),
                .finish(reason: "stop"), .usage(Usage(promptTokens: 1, completionTokens: 2)),
            ])
        // Joining never changes the answer the events add up to.
        var joined = ChatResponse()
        var separate = ChatResponse()
        for event in batch.events { joined.apply(event) }
        for event in events { separate.apply(event) }
        #expect(joined == separate)
    }

    @Test func takeEmptiesTheBatch() {
        var batch = StreamEventBatch()
        #expect(batch.isEmpty)
        batch.append(.text("x"))
        batch.append(.text("yé"))
        #expect(batch.textBytes == 4)
        #expect(batch.take() == [.text("xyé")])
        #expect(batch.isEmpty)
        #expect(batch.textBytes == 0)
        batch.append(.text("z"))
        #expect(batch.take() == [.text("z")])
    }
}
