// Links, output and character classes of the inline parser.

extension InlineParser {
    // MARK: Links

    mutating func closeBracket<Sink: InlineSink>(to sink: inout Sink) {
        guard let index = stack.lastIndex(where: { if case .bracket = $0.kind { true } else { false } }) else {
            emit(.text("]", .plain), to: &sink)
            return
        }
        foldFrames(above: index)
        linkText = stack.removeLast().events
    }

    /// Reads the URL of `[text](url)`; returns false when the URL turned out not to be
    /// one and `scalar` still has to be parsed.
    mutating func feedURL<Sink: InlineSink>(_ scalar: Unicode.Scalar, to sink: inout Sink) -> Bool {
        switch scalar {
        case ")" where urlParentheses == 0:
            finishLink(to: &sink)
            previous = scalar
            return true
        case " ", "\t":
            abandonLink(to: &sink)
            return false
        case "(":
            urlParentheses += 1
        case ")":
            urlParentheses -= 1
        default:
            break
        }
        url.append(scalar)
        return true
    }

    /// Shows the link text underlined and the URL dimmed after it (once, when the text
    /// is the URL itself).
    mutating func finishLink<Sink: InlineSink>(to sink: inout Sink) {
        let text = linkText ?? []
        var plainText = String.UnicodeScalarView()
        for event in text {
            switch event {
            case .text(let scalar, _): plainText.append(scalar)
            case .space: plainText.append(" ")
            }
        }
        for event in text {
            emit(event.inside(MarkdownTheme.link), to: &sink)
        }
        if !url.isEmpty && !url.elementsEqual(plainText) {
            if !text.isEmpty {
                emit(.space(.plain), to: &sink)
            }
            emit(.text("(", MarkdownTheme.linkTarget), to: &sink)
            for scalar in url {
                emit(.text(scalar, MarkdownTheme.linkTarget), to: &sink)
            }
            emit(.text(")", MarkdownTheme.linkTarget), to: &sink)
        }
        linkText = nil
        readingURL = false
        url.removeAll()
        urlParentheses = 0
    }

    /// `[text]` not followed by a URL: shown as it was written.
    mutating func abandonLink<Sink: InlineSink>(to sink: inout Sink) {
        emit(.text("[", .plain), to: &sink)
        for event in linkText ?? [] {
            emit(event, to: &sink)
        }
        emit(.text("]", .plain), to: &sink)
        if readingURL {
            emit(.text("(", .plain), to: &sink)
            for scalar in url {
                emit(.text(scalar, .plain), to: &sink)
            }
        }
        linkText = nil
        readingURL = false
        url.removeAll()
        urlParentheses = 0
    }

    // MARK: Output

    /// Passes an event on, or holds it in the innermost open frame.
    mutating func emit<Sink: InlineSink>(_ event: InlineEvent, to sink: inout Sink) {
        if stack.isEmpty {
            switch event {
            case .text(let scalar, let style): sink.text(scalar, style)
            case .space(let style): sink.space(style)
            }
        } else {
            stack[stack.count - 1].events.append(event)
        }
    }

    mutating func emitLiteral<Sink: InlineSink>(_ text: String, to sink: inout Sink) {
        for scalar in text.unicodeScalars {
            emit(.text(scalar, .plain), to: &sink)
        }
    }

    /// A frame that never closed, as the text it was written as.
    static func literal(_ frame: Frame) -> [InlineEvent] {
        var events: [InlineEvent]
        switch frame.kind {
        case .bracket:
            events = [.text("[", .plain)]
        case .emphasis(let character, let length):
            events = Array(repeating: .text(character, .plain), count: length)
        }
        events.append(contentsOf: frame.events)
        return events
    }

    // MARK: Character classes

    static func isWhitespace(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return true }
        return scalar == " " || scalar == "\t" || scalar.properties.isWhitespace
    }

    static func isPunctuation(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        if scalar.isASCII { return isASCIIPunctuation(scalar) }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation, .mathSymbol,
            .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    static func isASCIIPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: true
        default: false
        }
    }
}
