import Testing

@testable import ChatCore

/// Text from files and answers may end its lines with CRLF: every parser splits on LF and
/// CRLF alike.
@Suite struct LineEndingTests {
    @Test func aRoleFileWithCRLFLineEndsHasItsFrontMatterRead() throws {
        let role = try RoleProfile.parse(
            "---\r\nmodel: a/b\r\ntemperature: 0.5\r\n---\r\nBe brief.\r\nReally.\r\n", name: "r", path: "/roles/r.md")
        #expect(role.model == "a/b")
        #expect(role.temperature == 0.5)
        #expect(role.systemPrompt == "Be brief.\nReally.")
        #expect(role.firstLine == "Be brief.")
    }

    @Test func aBadLineInACRLFRoleIsNamedByItsNumber() {
        #expect(throws: UsageError("role file /r.md, line 3: temperature must be 0 to 2, got \"hot\"")) {
            try RoleProfile.parse("---\r\nmodel: a/b\r\ntemperature: hot\r\n---\r\nx", name: "r", path: "/r.md")
        }
    }

    @Test func shellCommandFencesWithCRLFAreStripped() {
        #expect(ShellCommandText.extract("```sh\r\ntouch M_crlf\r\n```\r\n") == "touch M_crlf")
        #expect(ShellCommandText.extract("Here:\r\n```bash\r\nls -la\r\ncd /tmp\r\n```") == "ls -la\ncd /tmp")
        #expect(ShellCommandText.extract("This lists the files here:\r\n`ls -la`\r\n") == "ls -la")
    }

    @Test func copyCodeFindsCRLFFences() {
        #expect(CodeBlocks.last(in: "a\r\n```swift\r\nlet x = 1\r\nlet y = 2\r\n```\r\nb") == "let x = 1\nlet y = 2")
    }
}
