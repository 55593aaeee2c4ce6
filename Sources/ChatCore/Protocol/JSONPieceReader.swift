extension JSONParser {
    /// A parser that is read piece by piece (`openObject`, `nextMemberKey`, `skipValue`, ...),
    /// for a caller that wants a few fields of a frequent document without building all of it.
    /// Every method is as strict as `parse`: what they accept, `parse` accepts.
    init(reading bytes: [UInt8]) {
        self.init(bytes: bytes)
        skipWhitespace()
    }

    /// Consumes the `{` of an object; false (nothing consumed) when the next value is not one.
    mutating func openObject() throws(JSONSyntaxError) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return false }
        try enter()
        index += 1
        return true
    }

    /// Consumes the `[` of an array; false (nothing consumed) when the next value is not one.
    mutating func openArray() throws(JSONSyntaxError) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return false }
        try enter()
        index += 1
        return true
    }

    /// The next key of the open object, as the range of its bytes between the quotes, with the
    /// `:` after it consumed, so its value comes next; nil once the closing `}` is consumed.
    /// `first` is true until the first key was read. A key with escapes gives `escaped: true`.
    mutating func nextMemberKey(first: inout Bool) throws(JSONSyntaxError) -> (range: Range<Int>, escaped: Bool)? {
        guard try nextItem(first: &first, closing: UInt8(ascii: "}")) else { return nil }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
        let start = index + 1
        let escaped = try skipString()
        let range = start..<(index - 1)
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
        index += 1
        skipWhitespace()
        return (range, escaped)
    }

    /// Whether the open array has another element (then it comes next); false once the
    /// closing `]` is consumed. `first` is true until the first element was read.
    mutating func nextElement(first: inout Bool) throws(JSONSyntaxError) -> Bool {
        guard try nextItem(first: &first, closing: UInt8(ascii: "]")) else { return false }
        return true
    }

    /// Whether the raw key bytes `range` are `name`.
    func key(_ range: Range<Int>, is name: StaticString) -> Bool {
        guard range.count == name.utf8CodeUnitCount else { return false }
        let start = name.utf8Start
        var i = 0
        for byte in bytes[range] {
            guard byte == start[i] else { return false }
            i += 1
        }
        return true
    }

    /// The first byte of the next value (`{`, `[`, `"`, `n`, a digit, ...).
    var nextByte: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Reads the next value when it is a string; nil (nothing consumed) when it is not.
    mutating func readString() throws(JSONSyntaxError) -> String? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        return try parseString()
    }

    /// Reads the next value when it is a string (`.some(text)`) or null (`.some(nil)`); nil,
    /// with nothing consumed, for any other type.
    mutating func readStringOrNull() throws(JSONSyntaxError) -> String?? {
        if let text = try readString() { return .some(text) }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "n") else { return nil }
        try expectWord("null")
        return .some(nil)
    }

    /// Reads the next value whatever it is.
    mutating func readValue() throws(JSONSyntaxError) -> JSONValue {
        try parseValue()
    }

    /// Checks and passes over the next value without building it.
    mutating func skipValue() throws(JSONSyntaxError) {
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            _ = try openObject()
            var first = true
            while try nextMemberKey(first: &first) != nil { try skipValue() }
        case UInt8(ascii: "["):
            _ = try openArray()
            var first = true
            while try nextElement(first: &first) { try skipValue() }
        case UInt8(ascii: "\""):
            _ = try skipString()
        case UInt8(ascii: "t"): try expectWord("true")
        case UInt8(ascii: "f"): try expectWord("false")
        case UInt8(ascii: "n"): try expectWord("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try parseNumber()
        default: throw error("unexpected character")
        }
    }

    /// Checks that only white space follows the document.
    mutating func finishDocument() throws(JSONSyntaxError) {
        skipWhitespace()
        if index < bytes.count { throw error("unexpected text after the JSON value") }
    }

    /// Moves to the next item of the open object or array: past the `,` between items, or past
    /// the closing bracket (then false).
    mutating func nextItem(first: inout Bool, closing: UInt8) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        if bytes[index] == closing {
            index += 1
            depth -= 1
            return false
        }
        if first {
            first = false
        } else {
            guard bytes[index] == UInt8(ascii: ",") else {
                throw error(closing == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'")
            }
            index += 1
            skipWhitespace()
            // `{"a":1,}` and `[1,]` are errors, as in `parse`.
            if index < bytes.count, bytes[index] == closing { throw error("unexpected character") }
        }
        return true
    }

    /// Passes over a string (with its quotes), checking it as `parseString` does; true when it
    /// has escapes.
    mutating func skipString() throws(JSONSyntaxError) -> Bool {
        index += 1
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return escaped
            case UInt8(ascii: "\\"):
                escaped = true
                index += 1
                guard index < bytes.count else { throw error("unexpected end of input in a string") }
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    index += 1
                    _ = try parseHex4()
                default:
                    throw error("invalid escape in a string")
                }
            case 0x00..<0x20:
                throw error("control character in a string")
            default:
                index += 1
            }
        }
        throw error("unterminated string")
    }
}
