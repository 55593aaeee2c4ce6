import TestSupport
import Testing

@testable import ChatCore

/// Every decoder entry point on random JSON shaped like OpenRouter's, on mutations of it and
/// on random bytes: each input is decoded or refused, and every outcome has the properties
/// the client relies on (a trap anywhere ends the test run, naming nothing: the seeds repeat).
@Suite struct DecoderPropertyTests {
    /// What the decoders did with the inputs, and every outcome that broke a property.
    struct Outcomes: Sendable {
        var decoded = 0
        var refused = 0
        var problems: [String] = []

        mutating func check(_ holds: Bool, _ what: @autoclosure () -> String) {
            if !holds { problems.append(what()) }
        }

        /// A refusal: an error of the kinds `allowed` says, shown as one safe line.
        mutating func refusal(_ error: ChatError, from entry: String, allowed: (ChatError) -> Bool, input: [UInt8]) {
            refused += 1
            errorShown(error, from: entry, allowed: allowed, input: input)
        }

        /// An error of the kinds `allowed` says, shown as one line without terminal controls.
        mutating func errorShown(_ error: ChatError, from entry: String, allowed: (ChatError) -> Bool, input: [UInt8]) {
            let line = error.oneLine()
            let shown = "\(entry) on \(String(decoding: input, as: UTF8.self).debugDescription)"
            check(allowed(error), "\(shown): an unexpected kind of error: \(error)")
            check(!line.isEmpty, "\(shown): an empty message")
            check(!line.contains("\n") && !line.contains("\r") && !line.contains("\t"), "\(shown): not one line: \(line)")
            check(!TerminalText.needsSanitizing(line), "\(shown): terminal controls in \(line.debugDescription)")
        }

        mutating func usage(_ usage: Usage?, from entry: String) {
            guard let cost = usage?.cost else { return }
            check(cost.isFinite && abs(cost) < 1e9, "\(entry): a cost of \(cost) passed on to formatting")
        }

        /// Runs every decoder entry point on `bytes`.
        mutating func decode(_ bytes: [UInt8]) {
            var decoder = ChatCompletionDecoder()
            do {
                let events = try decoder.events(fromChunk: String(decoding: bytes, as: UTF8.self))
                decoded += 1
                for case .usage(let usage) in events { self.usage(usage, from: "a stream chunk") }
                Hostile.render(events)
            } catch {
                refusal(error, from: "a stream chunk", allowed: Self.isStreamRefusal, input: bytes)
            }
            do {
                let response = try ChatCompletionDecoder.response(fromBody: bytes)
                decoded += 1
                usage(response.usage, from: "a whole answer")
            } catch {
                refusal(error, from: "a whole answer", allowed: Self.isAnswerRefusal, input: bytes)
            }
            for status in [400, 401, 403, 429, 502, 599] {
                for retryAfter in [nil, 1e300] {
                    let error = ChatCompletionDecoder.error(status: status, body: bytes, retryAfter: retryAfter)
                    errorShown(error, from: "an HTTP \(status) body", allowed: { $0.status == status }, input: bytes)
                    let retryable = ChatError.retryableStatuses.contains(status)
                    check(error.isRetryable == retryable, "HTTP \(status): retryable \(error.isRetryable)")
                    check(error.retryAfter == retryAfter, "HTTP \(status): Retry-After \(String(describing: error.retryAfter))")
                    Hostile.render(error)
                }
            }
            do {
                let models = try ChatCompletionDecoder.models(fromBody: bytes)
                decoded += 1
                for model in models {
                    for price in [model.promptPrice, model.completionPrice] {
                        if let price { check(price.isFinite && abs(price) < 1e9, "model \(model.id): a price of \(price)") }
                    }
                }
                Hostile.render(models)
            } catch {
                refusal(error, from: "a model list", allowed: Self.isMalformed, input: bytes)
            }
        }

        static func isMalformed(_ error: ChatError) -> Bool {
            if case .malformedResponse = error { return true }
            return false
        }

        static func isStreamRefusal(_ error: ChatError) -> Bool {
            if case .api(_, inStream: true) = error { return true }
            return isMalformed(error)
        }

        static func isAnswerRefusal(_ error: ChatError) -> Bool {
            if case .api(_, inStream: false) = error { return true }
            return isMalformed(error)
        }
    }

    @Test func everyInputIsDecodedOrRefusedInOneSafeLine() async throws {
        // 2,000 seeds, three inputs each, on a thread of their own (see `Hostile.offPool`).
        let outcomes = try await Hostile.offPool { () -> Outcomes in
            var outcomes = Outcomes()
            for seed in UInt64(0)..<2_000 {
                var rng = SplitMix64(seed: seed)
                let json = Array(Hostile.json(depth: 5, using: &rng).utf8)
                outcomes.decode(json)
                outcomes.decode(Hostile.mutate(json, using: &rng))
                outcomes.decode(Hostile.bytes(count: Int.random(in: 0...300, using: &rng), using: &rng))
            }
            return outcomes
        }
        #expect(outcomes.problems.isEmpty, "\(outcomes.problems.count) problems, first: \(outcomes.problems.prefix(5))")
        // Both outcomes occur, in numbers: the inputs reach past the first check.
        #expect(outcomes.decoded > 500, "decoded \(outcomes.decoded)")
        #expect(outcomes.refused > 1_000, "refused \(outcomes.refused)")
    }
}
