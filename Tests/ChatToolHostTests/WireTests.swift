import ChatCore
import Foundation
import Testing

@testable import ChatToolHost

/// The wire between the chat and the tool host: every message encodes to one line and
/// decodes to what it was, and the lines are what the documentation says.
@Suite struct WireTests {
    private func line(_ value: some Encodable) -> String {
        String(decoding: WireLine.encode(value), as: UTF8.self)
    }

    private func roundTrip<Value: Codable & Equatable>(_ value: Value) throws {
        let bytes = WireLine.encode(value)
        #expect(bytes.last == UInt8(ascii: "\n"))
        #expect(bytes.dropLast().contains(UInt8(ascii: "\n")) == false)
        #expect(try WireLine.decode(Value.self, from: Array(bytes.dropLast())) == value)
    }

    @Test func theStartLineRoundTrips() throws {
        let start = ToolHostStart(
            servers: [
                ToolServerConfig(name: "time", connection: .stdio(command: "/bin/t", arguments: ["-v"], environment: ["TZ": "UTC"])),
                ToolServerConfig(name: "web", connection: .http(url: "http://127.0.0.1:1/mcp")),
            ], logDirectory: "/tmp/logs", callTimeout: .milliseconds(1500), clientVersion: "1.2.0")
        try roundTrip(start)
        let text = line(start)
        #expect(text.contains(#""op":"start""#))
        #expect(text.contains(#""call_timeout_ms":1500"#))
        #expect(text.contains(#""log_directory":"/tmp/logs""#))
        #expect(text.contains(#""url":"http://127.0.0.1:1/mcp""#))
    }

    @Test func durationsAreSaidToATenthOfASecondAndSentInWholeMilliseconds() {
        #expect(DurationText.describe(.milliseconds(12_500)) == "12.5 s")
        #expect(DurationText.describe(.seconds(12)) == "12 s")
        #expect(DurationText.describe(.milliseconds(999)) == "999 ms")
        #expect(DurationText.milliseconds(.milliseconds(12_500)) == 12_500)
        #expect(DurationText.milliseconds(.microseconds(1_999)) == 1)
    }

    @Test func aStartLineMustSayStart() {
        let other = Array(#"{"op":"tools","servers":[],"log_directory":"/","call_timeout_ms":1}"#.utf8)
        #expect(throws: DecodingError.self) { try WireLine.decode(ToolHostStart.self, from: other) }
    }

    @Test(arguments: [
        ToolHostRequest(id: 1, .tools(wait: .seconds(10))),
        ToolHostRequest(id: 1, .tools(wait: .seconds(10), waitFor: ["new", "other"])),
        ToolHostRequest(id: 2, .call(server: "time", name: "get_current_time", arguments: "{\"timezone\":\n\"UTC\"}")),
        ToolHostRequest(id: nil, .cancel(call: 2)),
        ToolHostRequest(id: 3, .states),
        ToolHostRequest(id: 4, .restart(server: "time")),
        ToolHostRequest(id: 5, .shutdown),
    ])
    func everyRequestRoundTrips(request: ToolHostRequest) throws {
        try roundTrip(request)
    }

    @Test func requestsReadAsDocumented() {
        #expect(line(ToolHostRequest(id: 1, .tools(wait: .seconds(10)))).contains(#""wait_ms":10000"#))
        let cancel = line(ToolHostRequest(id: nil, .cancel(call: 7)))
        #expect(cancel.contains(#""op":"cancel""#) && cancel.contains(#""call":7"#) && !cancel.contains(#""id""#))
        #expect(throws: DecodingError.self) { try WireLine.decode(ToolHostRequest.self, from: Array(#"{"op":"dance","id":1}"#.utf8)) }
    }

    @Test(arguments: [
        ToolHostReply(
            id: 1,
            .tools(
                [ToolSpec(server: "time", name: "now", description: "the time", inputSchema: RawJSON(validating: #"{"type":"object"}"#)!)],
                notices: ["MCP server x could not start: gone"])),
        ToolHostReply(id: 1, .tools([], notices: [], starting: ["slow", "slower"])),
        ToolHostReply(id: 2, .result(ToolResult(content: "line one\nline two", isError: false))),
        ToolHostReply(id: 3, .result(ToolResult(content: "boom", isError: true))),
        ToolHostReply(
            id: 4,
            .states([
                .init(server: "a", state: .starting), .init(server: "b", state: .ready(tools: 2)),
                .init(server: "c", state: .failed(reason: "exited (status 3)")),
            ])),
        ToolHostReply(id: 5, .restarted(false)),
        ToolHostReply(id: 6, .stopped),
        ToolHostReply(id: 7, .error("cannot read")),
    ])
    func everyReplyRoundTrips(reply: ToolHostReply) throws {
        try roundTrip(reply)
    }

    @Test func theSchemaTravelsAsJSONText() {
        let schema = #"{"properties":{"timezone":{"type":"string"}},"type":"object"}"#
        let reply = ToolHostReply(
            id: 1, .tools([ToolSpec(server: "s", name: "t", description: "", inputSchema: RawJSON(validating: schema)!)], notices: []))
        #expect(line(reply).contains(#""input_schema":"{\"properties\""#))
        #expect(line(ToolHostReply(id: 2, .states([.init(server: "a", state: .ready(tools: 2))]))).contains(#""state":"ready""#))
    }
}
