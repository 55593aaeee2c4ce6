import ChatCore
import Testing

@testable import ChatTerminal

@Suite struct CompletionTableTests {
    private let table = CompletionTable(
        commands: ["/model", "/models", "help", "/file"],
        models: ["google/gemini-2.5-flash", "google/gemma-3", "openai/gpt-4o:free", "google/gemma-3"])

    @Test func commandsAtTheStartOfTheLine() {
        #expect(table.complete(word: "/mo", lineBeforeWord: "") == .words(["/model", "/models"]))
        #expect(table.complete(word: "/he", lineBeforeWord: "  ") == .words(["/help"]))
        #expect(table.complete(word: "/", lineBeforeWord: "") == .words(["/model", "/models", "/help", "/file"]))
        #expect(table.complete(word: "/x", lineBeforeWord: "") == .words([]))
        #expect(table.complete(word: "mo", lineBeforeWord: "") == .words([]))
        #expect(table.complete(word: "", lineBeforeWord: "") == .words([]))
    }

    @Test func modelIdsAfterModelCommand() {
        #expect(
            table.complete(word: "google/gem", lineBeforeWord: "/model ")
                == .words(["google/gemini-2.5-flash", "google/gemma-3"]))
        #expect(table.complete(word: "", lineBeforeWord: "/model  ").words?.count == 3)
        #expect(table.complete(word: "open", lineBeforeWord: "/model ") == .words(["openai/gpt-4o:free"]))
        // Only the first argument, and only of /model.
        #expect(table.complete(word: "goo", lineBeforeWord: "/model google/gemma-3 ") == .words([]))
        #expect(table.complete(word: "goo", lineBeforeWord: "/models ") == .words([]))
        #expect(table.complete(word: "goo", lineBeforeWord: "tell me about /model ") == .words([]))
    }

    @Test func fileNamesAfterPathCommands() {
        #expect(table.complete(word: "Sou", lineBeforeWord: "/file ") == .fileNames)
        #expect(table.complete(word: "x", lineBeforeWord: "/save ") == .fileNames)
    }

    @Test func commonPrefixByUnicodeScalars() {
        #expect(CompletionTable.commonPrefix(["google/gemini", "google/gemma"]) == "google/gem")
        #expect(CompletionTable.commonPrefix(["/model"]) == "/model")
        #expect(CompletionTable.commonPrefix(["абв", "абг"]) == "аб")
        #expect(CompletionTable.commonPrefix(["a", "b"]) == "")
        #expect(CompletionTable.commonPrefix([]) == "")
    }
}

extension CompletionTable.Result {
    fileprivate var words: [String]? {
        if case .words(let words) = self { return words }
        return nil
    }
}

@Suite struct CompletionContextTests {
    let table = CompletionTable(
        CompletionLists(
            commands: SlashCommand.names, models: ["openai/gpt-4o", "openai/gpt-4o-mini", "anthropic/claude-sonnet-4"],
            roles: ["shell"], sessions: ["work", "work-notes", "holiday"], reasoningValues: ReasoningSetting.completions))

    @Test func modelIdsAfterEveryCommandThatTakesThem() {
        for line in ["/model ", "/regen ", "/regenerate ", "/compare ", "/compare openai/gpt-4o ", "/fallback a/b "] {
            #expect(table.complete(word: "openai/gpt-4o-", lineBeforeWord: line) == .words(["openai/gpt-4o-mini"]), "\(line)")
        }
        #expect(table.complete(word: "ant", lineBeforeWord: "/regen openai/gpt-4o ") == .words([]), "/regen takes one model")
    }

    @Test func sessionNamesAfterSessionAndReasoningValuesAfterSetReasoning() {
        #expect(table.complete(word: "wo", lineBeforeWord: "/session ") == .words(["work", "work-notes"]))
        #expect(table.complete(word: "hi", lineBeforeWord: "/set reasoning ") == .words(["high", "hide"]))
        #expect(table.complete(word: "/reg", lineBeforeWord: "") == .words(["/regen", "/regenerate"]))
        #expect(table.complete(word: "/tr", lineBeforeWord: "") == .words(["/tree"]))
    }

    @Test func wordsFromOutsideAreListedInert() {
        let hostile = CompletionTable(CompletionLists(sessions: ["a\u{1B}]0;x\u{07}b"]))
        #expect(hostile.complete(word: "a", lineBeforeWord: "/session ") == .words(["a␛]0;x␇b"]))
    }
}
