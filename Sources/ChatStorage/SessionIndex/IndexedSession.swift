import ChatCore

/// What the index keeps of one saved conversation: the summary `--sessions` lists, and the
/// searchable text of each message with a hash of it.
///
/// The text is per message, not one document per session: an autosave after every turn then
/// adds only the new messages (the hashes show where the saved conversation and the indexed
/// one part), instead of re-indexing a whole long conversation each time.
struct IndexedSession: Equatable, Sendable {
    var model: String
    /// User messages in the history.
    var turns: Int
    var firstUserLine: String
    /// Every message of the tree, in the order added (every branch). Their text is made only for the ones
    /// the index does not have yet (``text(at:)``): an autosave's update must stay cheap for a
    /// conversation of thousands of messages.
    private var messages: [ChatMessage]
    /// A stable hash of each message's role and indexed parts.
    var hashes: [UInt64]
    /// One bit per message (position `p` is bit `p % 8` of byte `p / 8`), set for the messages
    /// of the current branch.
    var branch: [UInt8]

    /// Rows are numbered `session << messageBits | message`, so a conversation's rows are one
    /// range (one seek to delete them, a shift to know whose they are); messages past
    /// 2^20 are not indexed.
    static let messageBits: Int64 = 20
    static let maxMessages = 1 << 20
    /// The longest first user line kept.
    static let maxFirstLine = 300

    init(_ archive: SessionArchive) {
        model = archive.model
        messages = Array(archive.tree.nodes.prefix(Self.maxMessages).map(\.message))
        turns = archive.messages.lazy.filter { $0.role == .user }.count
        let firstUser = messages.first { $0.role == .user }?.content ?? ""
        let start = firstUser.firstIndex { !$0.isWhitespace } ?? firstUser.endIndex
        let line = firstUser[start...].prefix { !$0.isNewline }
        firstUserLine = String(Self.searchable(String(line)).trimmingSpaces().prefix(Self.maxFirstLine))
        hashes = messages.map(Self.hash(of:))
        var bits = [UInt8](repeating: 0, count: (messages.count + 7) / 8)
        for id in archive.tree.branch where id - 1 < messages.count { bits[(id - 1) / 8] |= 1 << UInt8((id - 1) % 8) }
        branch = bits
    }

    /// Whether message `position` is on the current branch, by `branch`'s bits.
    static func isOnBranch(_ position: Int, _ branch: [UInt8]) -> Bool {
        position / 8 < branch.count && branch[position / 8] & (1 << UInt8(position % 8)) != 0
    }

    /// How many messages are indexed.
    var count: Int { messages.count }

    /// The searchable text of message `position`: the text of user and assistant messages
    /// and tool results, then each attachment's name on a line of its own (never its data).
    func text(at position: Int) -> String {
        var text = ""
        for part in messages[position].parts {
            switch part {
            case .text(let piece): text += piece
            case .attachment(let attachment): text += (text.isEmpty ? "" : "\n") + attachment.name + "\n"
            }
        }
        return Self.searchable(text)
    }

    /// Control characters become spaces (they separate words anyway): the snippet markers are
    /// control characters, so none may come from the text, and nothing that steers a
    /// terminal is kept. Line ends stay, they separate words too.
    static func searchable(_ text: String) -> String {
        // Most text has none: a pass over the bytes (C1 controls start with 0xC2) finds that out.
        guard text.utf8.contains(where: { ($0 < 0x20 && $0 != 0x0A) || $0 == 0x7F || $0 == 0xC2 }),
            text.unicodeScalars.contains(where: { isControl($0) && $0 != "\n" })
        else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            scalars.append(isControl(scalar) && scalar != "\n" ? " " : scalar)
        }
        return String(scalars)
    }

    /// C0 and C1 control characters and DEL.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// A hash of the role and the parts that are indexed (texts, attachment names), the same
    /// in every process (Swift's `Hasher` is seeded per process, and the hashes are kept in
    /// the index file). Eight bytes at a time: it runs over the whole conversation at every
    /// autosave.
    static func hash(of message: ChatMessage) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        mix(&hash, message.role.rawValue)
        for part in message.parts {
            switch part {
            case .text(let text): mix(&hash, text)
            case .attachment(let attachment): mix(&hash, "\u{0}" + attachment.name)
            }
        }
        return hash
    }

    private static func mix(_ hash: inout UInt64, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            var offset = 0
            while offset + 8 <= raw.count {
                hash = (hash ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) &* 0x9e37_79b9_7f4a_7c15
                hash ^= hash >> 29
                offset += 8
            }
            while offset < raw.count {
                hash = (hash ^ UInt64(raw[offset])) &* 0x100_0000_01b3
                offset += 1
            }
            // The length ends each piece, so "ab" + "c" and "a" + "bc" differ.
            hash = (hash ^ UInt64(raw.count)) &* 0x9e37_79b9_7f4a_7c15
        }
    }

    /// The hashes as kept in the index (8 bytes each, little-endian).
    static func bytes(of hashes: [UInt64]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hashes.count * 8)
        for hash in hashes {
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: hash >> UInt64(shift))) }
        }
        return bytes
    }

    static func hashes(from bytes: [UInt8]) -> [UInt64] {
        stride(from: 0, to: bytes.count - bytes.count % 8, by: 8).map { start in
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[start + $1]) << UInt64($1 * 8) }
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    fileprivate func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let end = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(scalars[start...end])
    }
}
