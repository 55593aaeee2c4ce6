import Foundation
import Testing

@testable import FakeOpenRouter

/// A tool as the client offers it, requiring `required` of `properties` (name → JSON type).
private func tool(_ name: String, properties: [String: String] = [:], required: [String] = []) -> [String: Any] {
    [
        "type": "function",
        "function": [
            "name": name, "description": "A tool.",
            "parameters": [
                "type": "object", "properties": properties.mapValues { ["type": $0] }, "required": required,
            ],
        ],
    ]
}

private var clock: [String: Any] {
    tool(
        "clock__now", properties: ["timezone": "string", "count": "integer", "exact": "boolean", "note": "string"],
        required: ["timezone", "count", "exact"])
}

/// The `delta.tool_calls` items of a stream, in order.
private func toolCallPieces(_ events: EventStream) -> [[String: Any]] {
    events.deltas.flatMap { $0["tool_calls"] as? [[String: Any]] ?? [] }
}

@Suite("Tool-call scenarios")
struct ToolScenarioTests {
    @Test func streamedCallComesInPiecesThenFinishesWithToolCalls() async throws {
        let response = try await chat(request("fake/tools", stream: true, ["tools": [clock, tool("other")]]))
        let events = EventStream(response.bodyText)
        let pieces = toolCallPieces(events)
        let head = try #require(pieces.first)
        #expect(head["index"] as? Int == 0)
        #expect(head["id"] as? String == "call_fake_1")
        #expect(head["type"] as? String == "function")
        let function = try #require(head["function"] as? [String: Any])
        #expect(function["name"] as? String == "clock__now")
        #expect(function["arguments"] as? String == "")

        let rest = pieces.dropFirst()
        #expect(rest.count >= 3)
        #expect(rest.allSatisfy { $0["index"] as? Int == 0 && $0["id"] == nil })
        let fragments = rest.compactMap { ($0["function"] as? [String: Any])?["arguments"] as? String }
        #expect(fragments.count == rest.count)
        #expect(fragments.allSatisfy { (3...5).contains($0.count) })
        let arguments = try #require(jsonObject(fragments.joined()))
        #expect(arguments["timezone"] as? String == "UTC")
        #expect(arguments["count"] as? Int == 1)
        #expect(arguments["exact"] as? Bool == true)
        #expect(arguments["note"] == nil)

        #expect(events.finishReasons == ["tool_calls"])
        #expect((events.chunks.last?["choices"] as? [Any])?.isEmpty == true)
        #expect((events.usage?["completion_tokens"] as? Int ?? 0) > 0)
        #expect(events.data.last == "[DONE]")
    }

    @Test func wholeCallHasNullContentAndToolCalls() async throws {
        let response = try await chat(request("fake/tools", stream: false, ["tools": [clock]]))
        #expect(response.choice?["finish_reason"] as? String == "tool_calls")
        let message = try #require(response.message)
        #expect(message["content"] is NSNull)
        let calls = try #require(message["tool_calls"] as? [[String: Any]])
        #expect(calls.count == 1)
        #expect(calls[0]["id"] as? String == "call_fake_1")
        #expect(calls[0]["type"] as? String == "function")
        let function = try #require(calls[0]["function"] as? [String: Any])
        #expect(function["name"] as? String == "clock__now")
        #expect(jsonObject(function["arguments"] as? String)?["timezone"] as? String == "UTC")
    }

    @Test(arguments: [true, false])
    func twoCallsUseTheFirstTwoTools(stream: Bool) async throws {
        let other = tool("files__read", properties: ["path": "string"], required: ["path"])
        let response = try await chat(request("fake/tools-2", stream: stream, ["tools": [clock, other]]))
        let calls: [(index: Int, id: String?, name: String?)]
        if stream {
            calls = toolCallPieces(EventStream(response.bodyText)).compactMap { piece in
                guard let name = (piece["function"] as? [String: Any])?["name"] as? String else { return nil }
                return (piece["index"] as? Int ?? -1, piece["id"] as? String, name)
            }
        } else {
            let whole = try #require(response.message?["tool_calls"] as? [[String: Any]])
            calls = whole.enumerated().map { ($0, $1["id"] as? String, ($1["function"] as? [String: Any])?["name"] as? String) }
        }
        #expect(calls.map(\.index) == [0, 1])
        #expect(calls.map(\.id) == ["call_fake_1", "call_fake_2"])
        #expect(calls.map(\.name) == ["clock__now", "files__read"])
    }

    @Test func twoCallsOfTheOnlyToolWhenOneIsOffered() async throws {
        let response = try await chat(request("fake/tools-2", stream: true, ["tools": [clock]]))
        let pieces = toolCallPieces(EventStream(response.bodyText))
        let byIndex = Dictionary(grouping: pieces) { $0["index"] as? Int ?? -1 }
        #expect(byIndex.keys.sorted() == [0, 1])
        for (_, group) in byIndex {
            let arguments = group.compactMap { ($0["function"] as? [String: Any])?["arguments"] as? String }.joined()
            #expect(jsonObject(arguments)?["timezone"] as? String == "UTC")
            #expect((group.first?["function"] as? [String: Any])?["name"] as? String == "clock__now")
        }
    }

    @Test(arguments: [true, false])
    func toolResultsAreQuoted(stream: Bool) async throws {
        let call: [String: Any] = [
            "id": "call_fake_1", "type": "function", "function": ["name": "clock__now", "arguments": "{}"],
        ]
        let messages: [[String: Any]] = [
            ["role": "user", "content": "what time is it?"],
            ["role": "assistant", "content": NSNull(), "tool_calls": [call, call]],
            ["role": "tool", "tool_call_id": "call_fake_1", "content": "12:00 UTC"],
            ["role": "tool", "tool_call_id": "call_fake_2", "content": [["type": "text", "text": "declined by the user"]]],
        ]
        let response = try await chat(["model": "fake/tools", "stream": stream, "tools": [clock], "messages": messages])
        let content = stream ? EventStream(response.bodyText).content : response.message?["content"] as? String
        #expect(content == "The tool said: 12:00 UTC | declined by the user")
    }

    @Test func withoutToolsItEchoes() async throws {
        let response = try await chat(request("fake/tools", stream: true, user: "no tools here"))
        let events = EventStream(response.bodyText)
        #expect(events.content == "Echo: no tools here")
        #expect(events.finishReasons == ["stop"])
    }

    @Test func argumentsFollowTheSchema() {
        let schema: [String: Any] = [
            "type": "object",
            "properties": [
                "user_timezone": ["type": "string"], "unit": ["type": "string", "enum": ["celsius", "fahrenheit"]],
                "tags": ["type": "array", "items": ["type": "string"]], "limit": ["type": ["number", "null"]],
                "where": ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]],
            ],
            "required": ["user_timezone", "unit", "tags", "limit", "where"],
        ]
        #expect(
            ToolArguments.example(for: schema).encoded
                == #"{"user_timezone":"UTC","unit":"celsius","tags":["example"],"limit":1,"where":{"city":"example"}}"#)
        #expect(ToolArguments.example(for: nil).encoded == "{}")
    }

    @Test func argumentPiecesAreThreeToFiveCharacters() {
        for length in 3...40 {
            let call = FakeToolCall(index: 0, id: "c", name: "n", arguments: String(repeating: "x", count: length))
            #expect(call.argumentPieces.joined() == call.arguments)
            #expect(call.argumentPieces.allSatisfy { (3...5).contains($0.count) }, "length \(length)")
        }
    }
}
