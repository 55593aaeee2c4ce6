import Synchronization
import Testing

@testable import ChatCore

/// The one approval path: patterns and "always" for exactly one (server, tool) pair, names
/// and arguments shown so nothing can hide, unique offered names, Ctrl-C at the question.
@MainActor
struct ApprovalTests {
    static func spec(_ server: String, _ name: String) -> ToolSpec {
        ToolSpec(server: server, name: name, description: "the \(name) tool", inputSchema: RawJSON(validating: #"{"type":"object"}"#)!)
    }

    // MARK: Patterns and "always"

    @Test func aPatternSplitsAtItsFirstDotAndNamesOnePair() {
        #expect(ToolPattern("*") == .all)
        #expect(ToolPattern("fs.*") == .server("fs"))
        #expect(ToolPattern("fs.home.write") == .tool(server: "fs", name: "home.write"))
        for bad in ["fs", ".write", "fs.", "f s.write", "", "f*.x"] { #expect(ToolPattern(bad) == nil, "\(bad)") }
        let pattern = ToolPattern("fs.home.write")!
        #expect(pattern.covers(server: "fs", name: "home.write"))
        #expect(!pattern.covers(server: "fs.home", name: "write"))
        #expect(!ToolPattern("fs.*")!.covers(server: "fs.home", name: "write"))
    }

    @Test func autoApprovalAppliesToThePairThePatternNames() {
        let approval = ToolApproval(patterns: ["fs.home.write"], approver: nil)
        #expect(approval.allows(Self.spec("fs", "home.write")))
        // Joined, both are "fs.home.write"; as pairs they differ.
        #expect(!approval.allows(Self.spec("fs.home", "write")))
        #expect(!ToolApproval(patterns: ["fs.*"], approver: nil).allows(Self.spec("fs.home", "write")))
        #expect(ToolApproval(patterns: ["*"], approver: nil).allows(Self.spec("any", "thing")))
    }

    @Test func alwaysAppliesToTheOnePairItWasSaidFor() async {
        let approver = ScriptedApprover([.always])
        let approval = ToolApproval(patterns: [], approver: approver)
        let asked = Self.spec("fs", "home.write")
        #expect(await approval.ask(asked, call: ShownCall(asked, arguments: CallArguments("{}"))) == .run)
        #expect(approval.allows(asked))
        #expect(!approval.allows(Self.spec("fs.home", "write")))
        #expect(!approval.allows(Self.spec("fs", "home")))
    }

    @Test func theConfigRefusesServerNamesThatMakePatternsAmbiguous() throws {
        for name in ["fs.home", "fs*", "fs home", "fs\thome", "fs\u{200B}", "\u{202E}fs", "fs\u{1B}"] {
            let text = #"{"mcp_servers": {"\#(json(name))": {"command": "/bin/true"}}}"#
            do {
                _ = try ConfigFile.parse(text, path: "/c.json")
                Issue.record("\(name.debugDescription) was accepted")
            } catch {
                #expect(error.message.hasPrefix(#"config file /c.json: key "mcp_servers" names a server "#), "\(error.message)")
                #expect(error.message.contains("rename it"))
                #expect(!error.message.contains("\n") && !error.message.contains("\u{1B}"))
            }
        }
        #expect(try ConfigFile.parse(#"{"mcp_servers": {"fs_home-2": {"command": "/bin/true"}}}"#, path: "/c.json").mcpServers?.count == 1)
    }

    @Test func theConfigRefusesAPatternOfNoKnownForm() {
        #expect(
            throws: ConfigError.invalid(
                path: "/c.json", key: "auto_approve_tools", reason: #"has "time", which is not SERVER.TOOL, SERVER.* or *"#)
        ) {
            try ConfigFile.parse(#"{"auto_approve_tools": ["time.*", "time"]}"#, path: "/c.json")
        }
    }

    // MARK: What is shown

    @Test func aToolNameIsCollapsedBoundedAndQuotedWhenNotPlain() {
        #expect(ApprovalText.toolName("get_current_time") == "get_current_time")
        #expect(ApprovalText.toolName("home.write") == "home.write")
        let impostor = "x" + String(repeating: " ", count: 8200) + "time.get_current_time"
        #expect(ApprovalText.toolName(impostor) == #""x time.get_current_time""#)
        #expect(ApprovalText.toolName("a\n\t b") == #""a b""#)
        #expect(ApprovalText.toolName(#"x" {"cwd":"/"} "#) == #""x\" {\"cwd\":\"/\"}""#)
        let long = ApprovalText.toolName(String(repeating: "n", count: 500))
        #expect(long == "\"" + String(repeating: "n", count: ApprovalText.nameLimit) + "…\"")
        #expect(ApprovalText.toolName("run\u{1B}]0;x\u{07}") == "\"run␛]0;x␇\"")
        let call = ShownCall(Self.spec("evil", impostor), arguments: CallArguments(""))
        #expect(call.heading == #"evil."x time.get_current_time""#)
        #expect(call.line() == #"evil."x time.get_current_time" {}"#)
    }

    @Test func bidirectionalAndInvisibleCharactersAreShownVisiblyInWhatIsApproved() {
        // "Trojan Source": a right-to-left override would reorder what the user reads.
        #expect(ApprovalText.toolName("rm\u{202E}txt.exe") == "\"rm⟨U+202E⟩txt.exe\"")
        #expect(ApprovalText.serverName("fs\u{200B}") == "fs⟨U+200B⟩")
        let call = ShownCall(Self.spec("s", "t"), arguments: CallArguments(#"{"path":"a\#u{2066}b"}"#))
        #expect(call.arguments.contains("⟨U+2066⟩"))
    }

    @Test func argumentsAreShownCompactWithEveryTokenAsWritten() {
        let padded = #"{"command":"ls""# + String(repeating: " ", count: 400) + #","cwd" : "/etc",  "n": 12345678901234567890}"#
        #expect(CallArguments(padded).compact == #"{"command":"ls","cwd":"/etc","n":12345678901234567890}"#)
        // Whitespace inside strings, and escapes, stay as written.
        #expect(CallArguments(#"{ "a b" : "c  d\"  e\\" }"#).compact == #"{"a b":"c  d\"  e\\"}"#)
        // Not JSON: the text itself, whole.
        #expect(CallArguments(#"{"command":"ls",   oops"#).compact == #"{"command":"ls",   oops"#)
        #expect(CallArguments(" \n").compact == "{}")
        #expect(ShownCall(Self.spec("s", "t"), arguments: CallArguments("{\n\"a\":\n\"b\\u001b\"}")).arguments == #"{"a":"b\u001b"}"#)
        #expect(ShownCall(Self.spec("s", "t"), arguments: CallArguments("not\njson\u{1B}")).arguments == "not json␛")
    }

    @Test func aKeyGivenTwiceIsFound() {
        #expect(CallArguments(#"{"cwd":"/tmp","cwd":"/etc"}"#).repeatedKey == "cwd")
        #expect(CallArguments(#"{"a":[{"x":1,"\u0078":2}]}"#).repeatedKey == "x")
        #expect(CallArguments(#"{"a":{"x":1},"b":{"x":2}}"#).repeatedKey == nil)
    }

    @Test func aShortCallIsDrawnWholeWithTheQuestionLast() {
        let call = ShownCall(Self.spec("files", "run"), arguments: CallArguments(#"{"command": "ls"}"#))
        let layout = ApprovalLayout(call, columns: 40, rows: 24)
        #expect(!layout.hidesPart)
        #expect(layout.text == "files.run {\"command\":\"ls\"}\n" + ApprovalLayout.question)
        #expect(ApprovalLayout.question.hasPrefix("run it? [y/N/a]"))
    }

    @Test func aLongCallIsWrappedAndWhatDoesNotFitIsOfferedWithV() throws {
        let value = String(repeating: "a", count: 5000)
        let call = ShownCall(Self.spec("files", "run"), arguments: CallArguments(#"{"command":"ls","cwd":"/tmp \#(value) /etc"}"#))
        let layout = ApprovalLayout(call, columns: 100, rows: 30)
        #expect(layout.hidesPart)
        let lines = layout.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == ApprovalLayout.maxRows + 2)
        #expect(lines.allSatisfy { $0.count <= 100 })
        #expect(lines.first?.hasPrefix("files.run ") == true)
        #expect(lines.last == Substring(ApprovalLayout.partQuestion))
        #expect(!layout.text.contains("/etc"))
        #expect(layout.text.contains("more characters not shown (5.0 KB of arguments in all)"))
        // A short screen leaves room for the question.
        #expect(ApprovalLayout(call, columns: 100, rows: 8).text.split(separator: "\n").count == 7)
        // Whole: every character, the heading again, then the question.
        let whole = ApprovalLayout(call, columns: 100, rows: 30, whole: true)
        #expect(!whole.hidesPart)
        #expect(whole.text.replacingOccurrences(of: "\n", with: "").contains(call.arguments))
        #expect(whole.text.hasSuffix("(above: the whole call of files.run)\n" + ApprovalLayout.question))
    }

    @Test func wideCharactersNeverMakeARowTooLong() {
        let rows = ApprovalLayout.wrap(String(repeating: "日", count: 100) + "abc", width: 21)
        #expect(rows.allSatisfy { $0.reduce(0) { $0 + ($1.isASCII ? 1 : 2) } <= 21 })
        #expect(rows.joined() == String(repeating: "日", count: 100) + "abc")
    }

    // MARK: Offered names

    @Test func clashingFunctionNamesAreMadeUniqueAndStable() {
        let specs = [Self.spec("a", "b__c"), Self.spec("a__b", "c"), Self.spec("time", "now")]
        let offered = OfferedTools(specs)
        let names = offered.entries.map(\.functionName)
        #expect(Set(names).count == 3)
        #expect(names[2] == "time__now")
        #expect(names[0].hasPrefix("a__b__c_") && names[1].hasPrefix("a__b__c_"))
        #expect(offered.entries.map(\.renamed) == [true, true, false])
        #expect(offered.tool(named: names[0])?.server == "a")
        #expect(offered.tool(named: names[1])?.server == "a__b")
        #expect(offered.tool(named: "a__b__c") == nil)
        // The same whatever else is offered, and in any order.
        #expect(OfferedTools([specs[1], specs[0]]).entries.map(\.functionName) == [names[1], names[0]])
        // Cut to 64 characters, two long names clash too; the same tool listed twice still gets two names.
        let long = String(repeating: "x", count: 80)
        let cut = OfferedTools([Self.spec("s", long + "1"), Self.spec("s", long + "2"), Self.spec("s", "t"), Self.spec("s", "t")])
        let cutNames = cut.entries.map(\.functionName)
        #expect(Set(cutNames).count == 4)
        #expect(
            cutNames.allSatisfy { $0.count <= 64 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") } }
        )
    }

    // MARK: In the loop

    @Test func aCallIsRoutedByItsUniqueNameToItsOwnServer() async {
        let specs = [Self.spec("a", "b__c"), Self.spec("a__b", "c")]
        let names = OfferedTools(specs).entries.map(\.functionName)
        let tools = PairTools(specs)
        let transport = ScriptedAnswers([
            ScriptedAnswers.calling([("c1", names[1], "{}"), ("c2", names[0], "{}")]), ScriptedAnswers.text("done"),
        ])
        let loop = PipelineRun(
            pipeline: TurnPipeline(
                services: .init(transport: transport, tools: tools, approval: ToolApproval(patterns: ["*"], approver: nil))),
            renderer: RecordingRenderer())
        _ = await loop.run(.user("go"), in: ChatSession(model: "m/1"))
        #expect(tools.calls.withLock { $0 } == ["a__b.c", "a.b__c"])
        #expect(transport.requests[0].tools.map(\.name) == names)
    }

    @Test func ctrlCAtTheQuestionCancelsTheTurnAndSendsNothingMore() async {
        let transport = ScriptedAnswers([ScriptedAnswers.calling([("c1", "srv__echo", "{}")]), ScriptedAnswers.text("never")])
        let tools = RecordingTools()
        let approver = ScriptedApprover([.cancel])
        let result = await PipelineRun(
            pipeline: TurnPipeline(
                services: .init(transport: transport, tools: tools, approval: ToolApproval(patterns: [], approver: approver))),
            renderer: RecordingRenderer()
        ).run(.user("go"), in: ChatSession(model: "m/1"))
        #expect(result.report.error == .cancelled)
        #expect(transport.requests.count == 1)
        #expect(tools.calls.withLock { $0 }.isEmpty)
        #expect(approver.questions == ["srv.echo {}"])
    }

    @Test func aCallWhoseArgumentsGiveAKeyTwiceIsNotRun() async {
        let transport = ScriptedAnswers([
            ScriptedAnswers.calling([("c1", "srv__echo", #"{"cwd":"/tmp","cwd":"/etc"}"#)]), ScriptedAnswers.text("ok"),
        ])
        let tools = RecordingTools()
        let renderer = RecordingRenderer()
        _ = await PipelineRun(
            pipeline: TurnPipeline(
                services: .init(transport: transport, tools: tools, approval: ToolApproval(patterns: ["*"], approver: nil))),
            renderer: renderer
        ).run(.user("go"), in: ChatSession(model: "m/1"))
        #expect(tools.calls.withLock { $0 }.isEmpty)
        #expect(transport.requests[1].messages.last?.content.contains(#"the key "cwd" twice"#) == true)
        #expect(renderer.notices.contains("srv.echo not run: its arguments give the key cwd twice"))
    }

    @Test func theREPLSaysTheAnswerWasStoppedAndKeepsNothingAfterCtrlCAtTheQuestion() async {
        let transport = ScriptedAnswers([ScriptedAnswers.calling([("c1", "srv__echo", "{}")]), ScriptedAnswers.text("never")])
        let renderer = RecordingRenderer()
        let repl = ChatREPL(
            session: ChatSession(model: "m/1"),
            services: REPLServices(
                transport: transport, reader: ScriptedReader(lines: ["go", "/history"]), renderer: renderer, tools: RecordingTools(),
                approver: ScriptedApprover([.cancel]), now: { 1_700_000_000 }))
        #expect(await repl.run() == 0)
        #expect(transport.requests.count == 1)
        #expect(renderer.notices.contains { $0.hasPrefix("answer stopped") })
        #expect(repl.state.session.history.isEmpty)
    }

    @Test func toolsSaysWhichOfferedNameIsWhichTool() async {
        let renderer = RecordingRenderer()
        let specs = [Self.spec("a", "b__c"), Self.spec("a__b", "c")]
        let repl = ChatREPL(
            session: ChatSession(model: "m/1"),
            services: REPLServices(
                transport: ScriptedAnswers([ScriptedAnswers.text("x")]), reader: ScriptedReader(lines: ["/tools"]), renderer: renderer,
                tools: PairTools(specs), now: { 1_700_000_000 }))
        _ = await repl.run()
        let names = OfferedTools(specs).entries.map(\.functionName)
        let text = renderer.outputs.joined()
        #expect(text.contains("  \(names[0]) is a.b__c\n"), "\(text)")
        #expect(text.contains("  \(names[1]) is a__b.c\n"), "\(text)")
    }
}

/// Tools of any servers, recording each call as `SERVER.TOOL`.
final class PairTools: ToolProvider {
    let specs: [ToolSpec]
    let calls = Mutex<[String]>([])

    init(_ specs: [ToolSpec]) { self.specs = specs }

    func tools(waitingUpTo timeout: Duration) async -> (tools: [ToolSpec], notices: [String]) { (specs, []) }
    func call(_ tool: ToolSpec, arguments: String) async -> ToolResult {
        calls.withLock { $0.append(tool.server + "." + tool.name) }
        return ToolResult(content: "ran \(tool.server).\(tool.name)")
    }
    func states() async -> [(server: String, state: ToolServerState)] { [] }
    func restart(_ server: String) async -> Bool { false }
    func shutdown() async {}
}

/// `text` as the inside of a JSON string.
private func json(_ text: String) -> String {
    String(JSONValue.quoted(text).dropFirst().dropLast())
}

extension ConfigFile {
    /// The config in `text`, as if read from `path`.
    fileprivate static func parse(_ text: String, path: String) throws(ConfigError) -> ConfigFile {
        try parse(Array(text.utf8), path: path)
    }
}
