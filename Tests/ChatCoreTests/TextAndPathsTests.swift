import Foundation
import Testing

@testable import ChatCore

@Suite struct TextAndPathsTests {
    @Test func trimmingWhitespaceMatchesFoundation() {
        for text in ["", "   ", " a ", "\t\na b\r\n", "x", "  \u{00A0}é\u{2003} ", "👋🏽 \n"] {
            #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.debugDescription)")
        }
    }

    @Test(arguments: ["/a/b.txt", "/a/b/", "/a", "/", "b.txt", "a/b", "a/b//", "//x", ""])
    func pathComponentsMatchNSString(_ path: String) {
        #expect(PathText.lastComponent(path) == (path as NSString).lastPathComponent)
        #expect(PathText.deletingLastComponent(path) == (path as NSString).deletingLastPathComponent)
    }
}
