// The JSON writer of the request path.

extension JSONValue {
    /// `s` as a JSON string literal, quotes included.
    public static func quoted(_ s: String) -> String {
        var out = JSONWriter()
        out.string(s)
        return String(decoding: out.bytes, as: UTF8.self)
    }
}

/// Appends JSON tokens to a byte buffer: the one JSON writer of the request path and of
/// `--json` (cold paths use `Codable`). Written by hand because it is on the path of every
/// turn, and a long history must encode in linear time without `JSONEncoder`'s overhead.
struct JSONWriter {
    var bytes: [UInt8] = []
    /// Pieces before `bytes`, when large texts were taken by reference (``shared(_:)``).
    private var pieces: [RequestBody.Piece] = []

    mutating func reserve(_ n: Int) { bytes.reserveCapacity(n) }

    /// Text that is JSON as it is — base64 inside a string literal — taken by reference when
    /// it is large, so a 20 MB image is not copied into every request body.
    mutating func shared(_ s: String) {
        guard s.utf8.count >= 64 * 1024 else {
            raw(s)
            return
        }
        if !bytes.isEmpty {
            pieces.append(.bytes(bytes))
            bytes = []
        }
        pieces.append(.text(s))
    }

    /// Everything written, as the pieces of a request body.
    func body() -> RequestBody {
        RequestBody(pieces: bytes.isEmpty ? pieces : pieces + [.bytes(bytes)])
    }

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func number(_ d: Double) {
        // JSON has no infinity or NaN (a number like 1e400 parses as infinity).
        guard d.isFinite else { return raw("null") }
        if d == d.rounded(), abs(d) < 1e15 { raw(String(Int64(d))) } else { raw(String(d)) }
    }

    /// A JSON string literal. Runs of bytes that need no escape (nearly all of a message)
    /// are copied in one append each; appending byte by byte cost ~37 instructions a byte.
    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var runStart = 0
            var i = 0
            while i < utf8.count {
                let byte = utf8[i]
                if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && byte != 0x7F && byte != 0xC2 {
                    i += 1
                    continue
                }
                // U+0080–U+009F (C1 controls) are C2 80–C2 9F: escaped like C0, so that no
                // JSON this program writes can carry a terminal control.
                if byte == 0xC2 && !(i + 1 < utf8.count && utf8[i + 1] >= 0x80 && utf8[i + 1] <= 0x9F) {
                    i += 1
                    continue
                }
                if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
                if byte == 0xC2 {
                    let c1 = utf8[i + 1]
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, Self.hexDigit(c1 >> 4), Self.hexDigit(c1 & 0xF)])
                    i += 2
                    runStart = i
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    bytes.append(0x5C)
                    bytes.append(byte)
                case 0x0A:
                    bytes.append(0x5C)
                    bytes.append(UInt8(ascii: "n"))
                case 0x0D:
                    bytes.append(0x5C)
                    bytes.append(UInt8(ascii: "r"))
                case 0x09:
                    bytes.append(0x5C)
                    bytes.append(UInt8(ascii: "t"))
                default:
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, Self.hexDigit(byte >> 4), Self.hexDigit(byte & 0xF)])
                }
                i += 1
                runStart = i
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Lower-case hex digit of a nibble, as in `"0123456789abcdef"`.
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

extension JSONValue {
    /// The value as compact JSON text (members in their order).
    public var jsonText: String {
        var out = JSONWriter()
        out.value(self)
        return String(decoding: out.bytes, as: UTF8.self)
    }
}

extension JSONWriter {
    mutating func value(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let b): raw(b ? "true" : "false")
        case .number(let n): number(n)
        case .string(let s): string(s)
        case .array(let items):
            raw("[")
            for (i, item) in items.enumerated() {
                if i > 0 { raw(",") }
                self.value(item)
            }
            raw("]")
        case .object(let members):
            raw("{")
            for (i, member) in members.enumerated() {
                if i > 0 { raw(",") }
                string(member.key)
                raw(":")
                self.value(member.value)
            }
            raw("}")
        }
    }
}
