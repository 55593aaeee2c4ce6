/// The lexical facts about a programming language that a line-based highlighter needs.
struct CodeLanguage: Sendable {
    var keywords: Set<String>
    /// Characters that open and close string literals.
    var quotes: Set<Unicode.Scalar>
    /// Quotes whose strings have no backslash escapes (Go's and JS's raw strings, shell's '').
    var rawQuotes: Set<Unicode.Scalar> = []
    /// `//` line comments and `/* */` block comments.
    var slashComments = false
    /// `#` line comments.
    var hashComments = false
    /// `#` starts a comment only at the start of a word (shell: `$#`, `${#x}`).
    var hashOnlyAtWordStart = false
    /// `'` is a character literal of at most one (escaped) character, not a string: it
    /// keeps Rust's lifetimes (`'a`) from colouring the rest of a line.
    var shortQuote: Unicode.Scalar?

    /// The language named by a code fence's info string (`swift`, `py`, `ts`, …), or nil
    /// when it is not one this highlighter knows.
    static func named(_ info: String) -> CodeLanguage? {
        switch info.lowercased() {
        case "swift": swift
        case "python", "py", "python3", "py3": python
        case "javascript", "js", "jsx", "mjs", "cjs", "node": javascript
        case "typescript", "ts", "tsx", "mts": typescript
        case "go", "golang": go
        case "rust", "rs": rust
        case "c", "h": c
        case "cpp", "c++", "cc", "cxx", "hpp", "hh", "hxx", "cplusplus": cpp
        case "java": java
        case "bash", "sh", "shell", "zsh", "ksh", "console", "shellscript": shell
        case "json", "json5", "jsonc", "geojson": json
        default: nil
        }
    }

    private static func words(_ text: String) -> Set<String> {
        Set(text.split(separator: " ").map(String.init))
    }

    static let swift = CodeLanguage(
        keywords: words(
            "associatedtype class deinit enum extension fileprivate func import init inout internal let open operator private precedencegroup protocol public rethrows static struct subscript typealias var break case catch continue default defer do else fallthrough for guard if in repeat return throw switch where while as is nil self Self super throws true false try async await actor some any mutating nonmutating override final lazy weak unowned convenience required indirect nonisolated isolated sending consuming borrowing macro package get set willSet didSet"
        ),
        quotes: ["\""], slashComments: true)

    static let python = CodeLanguage(
        keywords: words(
            "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case self"
        ),
        quotes: ["\"", "'"], hashComments: true)

    private static let javascriptKeywords =
        "break case catch class const continue debugger default delete do else export extends false finally for function if import in instanceof let new null return super switch this throw true try typeof var void while with yield async await of static get set undefined from"

    static let javascript = CodeLanguage(
        keywords: words(javascriptKeywords), quotes: ["\"", "'", "`"], slashComments: true)

    static let typescript = CodeLanguage(
        keywords: words(
            javascriptKeywords
                + " interface type enum implements private protected public readonly declare namespace abstract as any boolean number string unknown never keyof infer is satisfies"
        ),
        quotes: ["\"", "'", "`"], slashComments: true)

    static let go = CodeLanguage(
        keywords: words(
            "break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var nil true false iota"
        ),
        quotes: ["\"", "'", "`"], rawQuotes: ["`"], slashComments: true)

    static let rust = CodeLanguage(
        keywords: words(
            "as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while Some None Ok Err"
        ),
        quotes: ["\"", "'"], slashComments: true, shortQuote: "'")

    private static let cKeywords =
        "auto break case char const continue default do double else enum extern float for goto if inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while NULL true false bool include define ifdef ifndef endif pragma"

    static let c = CodeLanguage(keywords: words(cKeywords), quotes: ["\"", "'"], slashComments: true)

    static let cpp = CodeLanguage(
        keywords: words(
            cKeywords
                + " class namespace template typename public private protected virtual override new delete this using nullptr try catch throw operator friend explicit constexpr noexcept static_cast dynamic_cast reinterpret_cast const_cast final"
        ),
        quotes: ["\"", "'"], slashComments: true)

    static let java = CodeLanguage(
        keywords: words(
            "abstract assert boolean break byte case catch char class const continue default do double else enum extends final finally float for goto if implements import instanceof int interface long native new package private protected public return short static strictfp super switch synchronized this throw throws transient try void volatile while true false null var record"
        ),
        quotes: ["\"", "'"], slashComments: true)

    static let shell = CodeLanguage(
        keywords: words(
            "if then else elif fi for while until do done case esac function in return local export readonly declare select break continue exit source alias unset shift"
        ),
        quotes: ["\"", "'"], rawQuotes: ["'"], hashComments: true, hashOnlyAtWordStart: true)

    static let json = CodeLanguage(keywords: words("true false null"), quotes: ["\""])
}

/// Colours code in a fenced block, line by line and conservatively: keywords, string
/// literals, comments and numbers. Only `/* */` comments carry over to the next line; a
/// string still open at the end of its line is shown uncoloured.
///
/// Fed one scalar at a time, it holds back only the token being read (a word, a
/// number, a string), so code appears as it arrives.
struct CodeHighlighter: Sendable {
    private enum State: Sendable {
        case normal, word, number, string, lineComment, blockComment
    }

    private let language: CodeLanguage?
    private var state = State.normal
    private var token = String.UnicodeScalarView()
    private var quote: Unicode.Scalar = "\""
    private var escapeNext = false
    /// A `/` that may start a comment.
    private var slashPending = false
    /// A `*` inside a block comment that may end it.
    private var starPending = false
    /// A `.` after a number that may be a decimal point.
    private var dotPending = false
    private var previous: Unicode.Scalar?

    /// - Parameter language: the fence's language; nil or unknown shows the code plainly.
    init(language: CodeLanguage?) {
        self.language = language
    }

    mutating func feed(_ scalar: Unicode.Scalar, into out: inout StyledWriter) {
        guard let language else {
            out.write(scalar, .plain)
            return
        }
        defer { previous = scalar }
        switch state {
        case .lineComment:
            out.write(scalar, MarkdownTheme.comment)
            return
        case .blockComment:
            out.write(scalar, MarkdownTheme.comment)
            if starPending && scalar == "/" {
                state = .normal
                starPending = false
            } else {
                starPending = scalar == "*"
            }
            return
        case .string:
            feedString(scalar, language: language, into: &out)
            return
        case .word:
            if Self.isIdentifierPart(scalar) {
                token.append(scalar)
                return
            }
            writeToken(language.keywords.contains(String(token)) ? MarkdownTheme.keyword : .plain, into: &out)
        case .number:
            if dotPending {
                dotPending = false
                if ("0"..."9").contains(scalar) {
                    token.append(".")
                    token.append(scalar)
                    return
                }
                writeToken(MarkdownTheme.number, into: &out)
                out.write(".", .plain)
            } else if scalar == "." {
                dotPending = true
                return
            } else if Self.isIdentifierPart(scalar) {
                token.append(scalar)
                return
            } else {
                writeToken(MarkdownTheme.number, into: &out)
            }
        case .normal:
            break
        }
        feedNormal(scalar, language: language, into: &out)
    }

    /// Ends a code line: whatever token is pending is written and the style reset.
    mutating func endLine(into out: inout StyledWriter) {
        if slashPending {
            slashPending = false
            out.write("/", .plain)
        }
        switch state {
        case .word:
            let isKeyword = language?.keywords.contains(String(token)) ?? false
            writeToken(isKeyword ? MarkdownTheme.keyword : .plain, into: &out)
        case .number:
            writeToken(MarkdownTheme.number, into: &out)
            if dotPending {
                dotPending = false
                out.write(".", .plain)
            }
        case .string:
            writeToken(.plain, into: &out)
        case .lineComment:
            state = .normal
        case .normal, .blockComment:
            break
        }
        escapeNext = false
        starPending = false
        previous = nil
        out.endStyle()
    }

    private mutating func feedNormal(_ scalar: Unicode.Scalar, language: CodeLanguage, into out: inout StyledWriter) {
        if slashPending {
            slashPending = false
            if scalar == "/" {
                out.write("//", MarkdownTheme.comment)
                state = .lineComment
                return
            }
            if scalar == "*" {
                out.write("/*", MarkdownTheme.comment)
                state = .blockComment
                starPending = false
                return
            }
            out.write("/", .plain)
        }
        if scalar == "/" && language.slashComments {
            slashPending = true
            return
        }
        if scalar == "#" && language.hashComments
            && (!language.hashOnlyAtWordStart || previous == nil || previous == " " || previous == "\t")
        {
            out.write(scalar, MarkdownTheme.comment)
            state = .lineComment
            return
        }
        if language.quotes.contains(scalar) {
            state = .string
            quote = scalar
            token = String.UnicodeScalarView([scalar])
            escapeNext = false
            return
        }
        if Self.isIdentifierStart(scalar) {
            state = .word
            token = String.UnicodeScalarView([scalar])
            return
        }
        if ("0"..."9").contains(scalar) {
            state = .number
            token = String.UnicodeScalarView([scalar])
            return
        }
        out.write(scalar, .plain)
    }

    private mutating func feedString(_ scalar: Unicode.Scalar, language: CodeLanguage, into out: inout StyledWriter) {
        token.append(scalar)
        if escapeNext {
            escapeNext = false
        } else if scalar == "\\" && !language.rawQuotes.contains(quote) {
            escapeNext = true
        } else if scalar == quote {
            writeToken(MarkdownTheme.string, into: &out)
            return
        }
        if quote == language.shortQuote {
            // 'x' or '\n' or '\u{1F600}' is a character; anything longer was not one.
            let content = token.count - 1
            let escaped = token.dropFirst().first == "\\"
            if (!escaped && content >= 2) || content > 10 {
                let rest = Array(token.dropFirst())
                token.removeAll()
                state = .normal
                escapeNext = false
                out.write(quote, .plain)
                previous = quote
                for scalar in rest {
                    feed(scalar, into: &out)
                }
            }
        }
    }

    private mutating func writeToken(_ style: TextStyle, into out: inout StyledWriter) {
        for scalar in token {
            out.write(scalar, style)
        }
        token.removeAll()
        state = .normal
    }

    private static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
            || (!scalar.isASCII && scalar.properties.isAlphabetic)
    }

    private static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        isIdentifierStart(scalar) || ("0"..."9").contains(scalar)
    }
}
