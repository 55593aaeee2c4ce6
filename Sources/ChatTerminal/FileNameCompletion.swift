import ChatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tab completion of a path argument (after `/file`, `/load`, `/save`, `/export`).
///
/// Done here rather than by libedit, whose file-name completion listed names on the terminal
/// raw (a name holding `ESC ]52;…` wrote the clipboard) and inserted them unescaped. Names are
/// listed through ``ChatCore/TerminalText``. A name that holds a control character, a
/// bidirectional control or bytes that are not UTF-8 is listed but never inserted: the
/// completion stops before that character (a glob such as `a*.txt` attaches the file).
///
/// What is inserted follows the REPL's quoting (`splitWords`): outside quotes a blank,
/// quote or backslash gets a backslash; inside `"…"` a `"` or `\` does; inside `'…'` a `'`
/// becomes `'\''`. A single match that is a directory ends with `/`; any other single match
/// closes the open quote and adds a space.
struct FileNameCompletion: Equatable {
    /// Text to add at the cursor.
    var insertion: String
    /// One match, inserted whole: nothing is listed.
    var isComplete: Bool
    /// What a second Tab lists: the matching names (sanitized), directories with a `/`.
    var listed: [String]

    /// Names listed at most; libedit asks before showing more than 100.
    static let listLimit = 99

    /// An entry of a directory.
    struct Entry: Equatable, Sendable {
        /// The name's bytes, as the file system holds them.
        var name: [UInt8]
        var isDirectory: Bool

        init(name: [UInt8], isDirectory: Bool) {
            self.name = name
            self.isDirectory = isDirectory
        }

        init(_ name: String, isDirectory: Bool = false) {
            self.init(name: Array(name.utf8), isDirectory: isDirectory)
        }
    }

    /// The completion of the path argument that ends at the cursor.
    ///
    /// - Parameters:
    ///   - lineBeforeCursor: the line's text before the cursor.
    ///   - home: the user's home folder, for `~/`.
    ///   - homeOfUser: the home folder of a named user, for `~name/`.
    ///   - list: the entries of a folder (nil when it cannot be read).
    static func complete(
        lineBeforeCursor: String, home: String?, homeOfUser: (String) -> String? = { _ in nil },
        list: (String) -> [Entry]?
    ) -> FileNameCompletion {
        let typed = TypedArgument(parsing: lineBeforeCursor)
        let value = typed.value
        let none = FileNameCompletion(insertion: "", isComplete: false, listed: [])
        if value == "~" {
            guard home != nil else { return none }
            return FileNameCompletion(insertion: "/", isComplete: true, listed: [])
        }
        let slash = value.lastIndex(of: "/")
        let folder = slash.map { String(value[...$0]) } ?? ""
        let prefix = slash.map { String(value[value.index(after: $0)...]) } ?? value
        if folder.isEmpty && value.hasPrefix("~") { return none }  // user names are not completed
        guard let directory = expand(folder, home: home, homeOfUser: homeOfUser), let entries = list(directory) else {
            return none
        }
        let wanted = Array(prefix.utf8)
        let matches = entries.filter { entry in
            entry.name != Array(".".utf8) && entry.name != Array("..".utf8) && entry.name.starts(with: wanted)
        }
        guard !matches.isEmpty else { return none }
        let prefixLength = prefix.unicodeScalars.count
        if matches.count == 1, let name = insertable(matches[0].name) {
            let rest = String(String.UnicodeScalarView(name.unicodeScalars.dropFirst(prefixLength)))
            if matches[0].isDirectory {
                return FileNameCompletion(insertion: typed.render(rest + "/"), isComplete: true, listed: [])
            }
            return FileNameCompletion(insertion: typed.render(rest) + typed.closing + " ", isComplete: true, listed: [])
        }
        let names = matches.map { String(decoding: $0.name, as: UTF8.self) }
        var common = Array(CompletionTable.commonPrefix(names).unicodeScalars)
        if let unsafe = common.firstIndex(where: isUnsafe) { common.removeSubrange(unsafe...) }
        let rest = String(String.UnicodeScalarView(common.dropFirst(prefixLength)))
        var listed = zip(names, matches).map { name, entry in
            TerminalText.oneLine(name) + (entry.isDirectory ? "/" : "")
        }
        listed.sort()
        if listed.count > listLimit {
            let more = listed.count - listLimit
            listed = Array(listed.prefix(listLimit)) + ["(\(more) more)"]
        }
        return FileNameCompletion(insertion: typed.render(rest), isComplete: false, listed: listed)
    }

    /// The folder to list for `folder` as typed (`""` is the current folder), with `~`
    /// expanded; nil when `~name` names nobody.
    private static func expand(_ folder: String, home: String?, homeOfUser: (String) -> String?) -> String? {
        if folder.isEmpty { return "." }
        guard folder.hasPrefix("~") else { return folder }
        let slash = folder.firstIndex(of: "/") ?? folder.endIndex
        let user = String(folder[folder.index(after: folder.startIndex)..<slash])
        guard let base = user.isEmpty ? home : homeOfUser(user) else { return nil }
        return base + folder[slash...]
    }

    /// `name` as text, when every byte of it may be put on the line: UTF-8, and no
    /// character that would steer the terminal or reorder what is shown.
    static func insertable(_ name: [UInt8]) -> String? {
        guard let text = String(validating: name, as: UTF8.self), !text.unicodeScalars.contains(where: isUnsafe) else {
            return nil
        }
        return text
    }

    /// Controls (C0, DEL, C1), bidirectional controls, line separators, and U+FFFD (what
    /// bytes that are not UTF-8 decode to).
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        case 0x2028, 0x2029, 0xFFFD: true
        default: false
        }
    }
}

/// The argument under the cursor, read with the REPL's quoting rules: its value so far,
/// the quote left open, and whether a backslash waits for the next character.
struct TypedArgument: Equatable {
    var value = ""
    var quote: Character?
    var escaping = false

    init(parsing text: String) {
        for character in text {
            if escaping {
                value.append(character)
                escaping = false
            } else if character == "\\" && quote != "'" {
                escaping = true
            } else if let open = quote {
                if character == open { quote = nil } else { value.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character.isWhitespace {
                value = ""
            } else {
                value.append(character)
            }
        }
    }

    /// What closes the open quote.
    var closing: String { quote.map { String($0) } ?? "" }

    /// `text` written so that, typed after the argument, it reads back as itself.
    func render(_ text: String) -> String {
        var out = ""
        for (index, character) in text.enumerated() {
            if index == 0 && escaping {
                out.append(character)  // the backslash already typed escapes it
                continue
            }
            switch quote {
            case "'":
                out += character == "'" ? "'\\''" : String(character)
            case "\"":
                if character == "\"" || character == "\\" { out.append("\\") }
                out.append(character)
            default:
                if character.isWhitespace || character == "\"" || character == "'" || character == "\\" { out.append("\\") }
                out.append(character)
            }
        }
        return out
    }
}

/// Reads folders for ``FileNameCompletion``.
enum FolderListing {
    /// The entries of `path`, or nil when it cannot be read. At most `limit` are read.
    static func entries(of path: String, limit: Int = 10_000) -> [FileNameCompletion.Entry]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var entries: [FileNameCompletion.Entry] = []
        while entries.count < limit, let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix(while: { $0 != 0 }))
            }
            let type = Int(entry.pointee.d_type)
            var isDirectory = type == Int(DT_DIR)
            if type == Int(DT_LNK) || type == Int(DT_UNKNOWN) {
                // A link to a folder completes as one.
                let full = Array((path.hasSuffix("/") ? path : path + "/").utf8) + name + [0]
                var status = stat()
                let found = full.withUnsafeBufferPointer { bytes in
                    bytes.withMemoryRebound(to: CChar.self) { stat($0.baseAddress!, &status) }
                }
                isDirectory = found == 0 && (status.st_mode & S_IFMT) == S_IFDIR
            }
            entries.append(FileNameCompletion.Entry(name: name, isDirectory: isDirectory))
        }
        return entries
    }

    /// The user's home folder: `HOME`, or the password database.
    static var home: String? {
        if let home = getenv("HOME"), home.pointee != 0 { return String(cString: home) }
        guard let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir else { return nil }
        return String(cString: directory)
    }

    /// The home folder of user `name`.
    static func home(of name: String) -> String? {
        guard let entry = getpwnam(name), let directory = entry.pointee.pw_dir else { return nil }
        return String(cString: directory)
    }
}
