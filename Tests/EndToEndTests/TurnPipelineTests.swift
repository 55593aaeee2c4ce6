import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// The one turn pipeline, seen from outside: a one-shot run and the REPL send the same request
/// for the same conversation and message (context fitting included), and a resumed
/// conversation keeps its usage totals.
@Suite struct TurnPipelineEndToEndTests {
    /// A fresh model cache that gives the default model a small context, so fitting leaves
    /// old turns out.
    func writeSmallContextCache(_ sandbox: Sandbox, tokens: Int) throws {
        let folder = sandbox.root + "/state/bankfuture-chat"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let cache = #"{"saved_at":\#(Date().timeIntervalSince1970),"data":[{"id":"google/gemini-2.5-flash","context_length":\#(tokens)}]}"#
        _ = try sandbox.write("state/bankfuture-chat/models.json", cache)
    }

    @Test func oneShotAndREPLSendTheSameRequestForTheSameInputFittedToTheContext() async throws {
        try await withFake { fake, sandbox in
            // Two conversations made the same way: four long turns each.
            let long = String(repeating: "word ", count: 60)
            for name in ["one", "two"] {
                for turn in 1...4 {
                    let run = try await chat(["--session", name, "turn \(turn): \(long)"], fake: fake, sandbox: sandbox)
                    #expect(run.status == 0, "\(run.stderr)")
                }
            }
            try writeSmallContextCache(sandbox, tokens: 400)
            let before = fake.chatRequests.count
            let oneShot = try await chat(["--session", "one", "the question"], fake: fake, sandbox: sandbox)
            #expect(oneShot.status == 0, "\(oneShot.stderr)")
            #expect(oneShot.stderr.contains("earlier messages were left out of this request"), "\(oneShot.stderr)")
            let repl = try await chat(["--stdin", "repl", "--session", "two"], fake: fake, sandbox: sandbox, stdin: "the question\n")
            #expect(repl.status == 0, "\(repl.stderr)")
            #expect(repl.stderr.contains("earlier messages were left out of this request"), "\(repl.stderr)")
            let requests = Array(fake.chatRequests.dropFirst(before))
            try #require(requests.count == 2)
            let (a, b) = (requests[0], requests[1])
            #expect(a.messages.map(\.content) == b.messages.map(\.content))
            #expect(a.messages.count < 9, "old turns were left out: \(a.messages.count) messages")
            #expect(a.messages.last?.content == "the question")
            var first = try #require(a.json)
            var second = try #require(b.json)
            // Everything but the messages: the same fields with the same values.
            first["messages"] = nil
            second["messages"] = nil
            let sorted: ([String: Any]) throws -> String = {
                String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self)
            }
            #expect(try sorted(first) == sorted(second), "\(a.bodyText)\n\(b.bodyText)")
        }
    }

    @Test func aResumedConversationKeepsItsUsageTotals() async throws {
        try await withFake { fake, sandbox in
            for turn in 1...3 {
                let run = try await chat(["--session", "costs", "question \(turn)"], fake: fake, sandbox: sandbox)
                #expect(run.status == 0, "\(run.stderr)")
            }
            let file = sandbox.root + "/state/bankfuture-chat/sessions/costs.jsonl"
            // The journal: each answer's line carries its usage.
            let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
            let events = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            #expect(fake.chatRequests.count == 3)
            let perAnswer = events.compactMap { ($0["usage"] as? [String: Any])?["total_tokens"] as? Int }
            #expect(perAnswer.count == 3)
            #expect(perAnswer.allSatisfy { $0 > 0 })
            let usage = try await chat(["--stdin", "repl", "--session", "costs"], fake: fake, sandbox: sandbox, stdin: "/usage\n")
            #expect(usage.stdout.contains("3 turns, "), "\(usage.stdout)")
            #expect(usage.stdout.contains("= \(perAnswer.reduce(0, +)) tokens"), "\(usage.stdout)")
        }
    }
}
