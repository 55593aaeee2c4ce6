import Testing

@testable import ChatTerminal

@Suite struct FileNameCompletionTests {
    typealias Entry = FileNameCompletion.Entry

    static let folder: [Entry] = [
        Entry("alpha.txt"), Entry("alps", isDirectory: true), Entry("my file.txt"), Entry("it's.txt"),
        Entry(".hidden"), Entry("."), Entry(".."),
        Entry("a\u{1B}]0;PWNED\u{07}x.txt"), Entry("a\u{1B}]52;c;QkFTRTY0\u{07}y.txt"),
        Entry(name: Array("bad".utf8) + [0xFF, 0xFE], isDirectory: false), Entry("b\u{202E}txt.exe"),
    ]

    /// Completes against `folder` for `/`, `/home/me` for `~`, nothing elsewhere.
    func complete(_ line: String, entries: [Entry] = folder) -> FileNameCompletion {
        FileNameCompletion.complete(
            lineBeforeCursor: line, home: "/home/me", homeOfUser: { $0 == "ann" ? "/home/ann" : nil },
            list: { path in ["/dir/", ".", "/home/me/", "/home/ann/"].contains(path) ? entries : nil })
    }

    @Test func oneMatchIsInsertedWholeFoldersWithASlash() {
        #expect(complete("/file /dir/alph") == FileNameCompletion(insertion: "a.txt ", isComplete: true, listed: []))
        #expect(complete("/file /dir/alps") == FileNameCompletion(insertion: "/", isComplete: true, listed: []))
        #expect(complete("/file alph").insertion == "a.txt ")
        #expect(complete("/save ~/alph").insertion == "a.txt ")
        #expect(complete("/save ~ann/alph").insertion == "a.txt ")
        #expect(complete("/save ~").insertion == "/")
        #expect(complete("/save ~bob/alph") == FileNameCompletion(insertion: "", isComplete: false, listed: []))
        #expect(complete("/file /nowhere/a") == FileNameCompletion(insertion: "", isComplete: false, listed: []))
    }

    @Test func insertionFollowsTheQuotingTyped() {
        #expect(complete("/file /dir/my").insertion == #"\ file.txt "#)
        #expect(complete("/file \"/dir/my").insertion == #" file.txt" "#)
        #expect(complete("/file '/dir/my").insertion == " file.txt' ")
        #expect(complete("/file /dir/it").insertion == #"\'s.txt "#)
        #expect(complete("/file '/dir/it").insertion == #"'\''s.txt' "#)
        #expect(complete("/file \"/dir/it").insertion == "'s.txt\" ")
        // A backslash already typed escapes the first character inserted.
        #expect(complete(#"/file /dir/my\"#).insertion == #" file.txt "#)
        // Earlier arguments are skipped, quoted ones included.
        #expect(complete("/file \"/dir/my file.txt\" /dir/alph").insertion == "a.txt ")
    }

    @Test func severalMatchesInsertTheirCommonPartAndListSanitized() {
        let al = complete("/file /dir/al")
        #expect(al == FileNameCompletion(insertion: "p", isComplete: false, listed: ["alpha.txt", "alps/"]))
        // "." and ".." are never offered: one match.
        #expect(complete("/file /dir/.") == FileNameCompletion(insertion: "hidden ", isComplete: true, listed: []))
    }

    @Test func namesWithControlsAreListedButNeverInserted() {
        let both = complete("/file /dir/a")
        #expect(both.insertion == "")
        #expect(both.listed.contains("a␛]0;PWNED␇x.txt"))
        #expect(both.listed.contains("a␛]52;c;QkFTRTY0␇y.txt"))
        #expect(both.listed.allSatisfy { !$0.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) } })
        // A single such match: the safe part at most, listed on the next Tab.
        let one = complete("/file /dir/a\u{1B}", entries: [Entry("a\u{1B}]0;PWNED\u{07}x.txt")])
        #expect(one.isComplete == false)
        #expect(one.insertion == "")
        #expect(one.listed == ["a␛]0;PWNED␇x.txt"])
        let upTo = complete("/file /dir/x", entries: [Entry("xyz\u{07}1"), Entry("xyz\u{07}2")])
        #expect(upTo.insertion == "yz")
        // Bytes that are not UTF-8, and bidirectional controls, are not inserted either.
        #expect(complete("/file /dir/ba").isComplete == false)
        #expect(complete("/file /dir/b\u{202E}").isComplete == false)
        #expect(FileNameCompletion.insertable(Array("plain.txt".utf8)) == "plain.txt")
        #expect(FileNameCompletion.insertable(Array("tab\there".utf8)) == nil)
    }

    @Test func longListsAreCut() {
        let many = (0..<150).map { Entry("f\($0)") }
        let listed = complete("/file /dir/f", entries: many).listed
        #expect(listed.count == FileNameCompletion.listLimit + 1)
        #expect(listed.last == "(51 more)")
    }

    @Test func typedArgumentFollowsTheREPLsQuoting() {
        #expect(TypedArgument(parsing: "/file a b").value == "b")
        #expect(TypedArgument(parsing: "/file a ").value == "")
        let quoted = TypedArgument(parsing: #"/file "a b"#)
        #expect(quoted.value == "a b" && quoted.quote == "\"" && !quoted.escaping)
        let escaped = TypedArgument(parsing: #"/file a\ b\"#)
        #expect(escaped.value == "a b" && escaped.quote == nil && escaped.escaping)
        #expect(TypedArgument(parsing: #"/file 'a\"#).value == #"a\"#)
    }
}
