import ChatCore
import MCP
import Testing

@testable import ChatTools

@Suite struct ToolOutputTests {
    @Test func textUnderTheLimitIsKeptAsItIs() {
        let text = String(repeating: "a", count: ToolOutput.limit)
        #expect(ToolOutput.cut(text) == text)
    }

    @Test(arguments: 0..<4)
    func theCutNeverSplitsACharacter(prefix: Int) {
        // Every alignment of a four-byte character against the limit.
        let text = String(repeating: "a", count: prefix) + String(repeating: "😀", count: 20)
        let cut = ToolOutput.cut(text, limit: 16)
        let kept = String(cut.split(separator: "\n").first ?? "")
        #expect(kept.utf8.count <= 16)
        #expect(kept.utf8.count > 12)
        #expect(text.hasPrefix(kept))
        #expect(cut.hasSuffix("(\(text.utf8.count - kept.utf8.count) bytes) more not shown]"))
    }

    @Test func textPartsAreJoinedAndTheErrorFlagKept() {
        let result = CallTool.Result(
            content: [.text(text: "one", annotations: nil, _meta: nil), .text(text: "two", annotations: nil, _meta: nil)], isError: true)
        #expect(ToolOutput.text(of: result) == ToolResult(content: "one\ntwo", isError: true))
    }

    @Test func sizesReadAsPeopleSayThem() {
        #expect(ByteCountText.describe(1) == "1 byte")
        #expect(ByteCountText.describe(812) == "812 bytes")
        #expect(ByteCountText.describe(12 * 1024) == "12 KB")
        #expect(ByteCountText.describe(3_565_158) == "3.4 MB")
        #expect(ByteCountText.describe(64 * 1024 * 1024) == "64 MB")
        #expect(ByteCountText.decodedSize(ofBase64: "UklGRg==") == 4)
        #expect(ByteCountText.decodedSize(ofBase64: "iVBORw0KGgo=") == 8)
    }

    @Test func durationsReadAsPeopleSayThem() {
        #expect(DurationText.describe(.seconds(60)) == "60 s")
        #expect(DurationText.describe(.milliseconds(1500)) == "1.5 s")
        #expect(DurationText.describe(.milliseconds(250)) == "250 ms")
    }

    @Test func argumentsMustBeAJSONObject() throws {
        #expect(try ToolArguments.parse(#"{"timezone":"UTC","n":2}"#).get() == ["timezone": "UTC", "n": 2])
        #expect(try ToolArguments.parse("  ").get() == [:])
        #expect(
            ToolArguments.parse("[1]")
                == .failure(
                    ArgumentsError(
                        message:
                            "The arguments were not valid JSON for a tool call: expected an object, got an array; call the tool again with a JSON object."
                    )))
        #expect(
            ToolArguments.parse(#"{"a":"#)
                == .failure(ArgumentsError(message: "The arguments were not valid JSON; call the tool again with a JSON object.")))
    }

    @Test func logNamesCannotLeaveTheFolder() {
        #expect(ServerLog.fileName(for: "time") == "time.log")
        #expect(ServerLog.fileName(for: "../etc/passwd") == "_.._etc_passwd.log")
        #expect(ServerLog.fileName(for: ".hidden") == "_.hidden.log")
        #expect(ServerLog.fileName(for: "") == "_.log")
    }
}
