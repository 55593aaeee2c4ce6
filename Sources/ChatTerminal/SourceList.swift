import ChatCore

/// The numbered sources after an answer on a colour terminal: `[1] Title url`, the URL
/// dimmed and shown visibly (``ChatCore/TerminalText/visibleLine(_:limit:)``).
///
/// A title is an OSC 8 link only when its URL is a web address (``ChatCore/WebLink``): a
/// link's target is not on screen, and a terminal may hand `file:`, `ssh:` or
/// `javascript:` targets to some program on a click. Other sources are the same line
/// without the link.
enum SourceList {
    static func styledLines(_ citations: [Citation]) -> [String] {
        citations.enumerated().map { index, citation in
            let url = TerminalText.visibleLine(citation.url, limit: WebLink.maxLength)
            let title = TerminalText.oneLine(citation.title ?? citation.url, limit: 200)
            let shownTitle = WebLink.isLinkable(citation.url) ? "\u{1B}]8;;\(citation.url)\u{1B}\\\(title)\u{1B}]8;;\u{1B}\\" : title
            return "[\(index + 1)] \(shownTitle) \u{1B}[2m\(url)\u{1B}[0m"
        }
    }
}
