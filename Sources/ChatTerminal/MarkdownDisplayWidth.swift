/// How many terminal columns text takes, in the manner of `wcwidth`: East Asian wide and
/// fullwidth characters and emoji take two columns, combining marks, joiners, variation
/// selectors and emoji modifiers none, everything else one.
///
/// The tables are a compact approximation of Unicode's East Asian Width and emoji data,
/// not a full copy; no wcwidth library is available to this package.
public enum DisplayWidth {
    /// The number of columns `text` takes on a terminal. Escape sequences are not
    /// understood: pass text without them.
    public static func of(_ text: String) -> Int {
        var counter = Counter()
        var total = 0
        for scalar in text.unicodeScalars {
            total += counter.add(scalar)
        }
        return total
    }

    /// Counts width scalar by scalar, carrying the little context that emoji sequences
    /// need (a joiner glues the next emoji to the previous one; two regional indicators
    /// make one flag; VS16 turns a narrow symbol into a two-column emoji).
    struct Counter: Sendable {
        private var afterJoiner = false
        private var openFlag = false
        private var lastWidth = 0

        /// The columns `scalar` adds to what was counted before it.
        mutating func add(_ scalar: Unicode.Scalar) -> Int {
            let value = scalar.value
            if value < 0x300 {
                afterJoiner = false
                openFlag = false
                let width = value < 0x20 || (0x7F..<0xA0).contains(value) ? 0 : 1
                if width > 0 { lastWidth = width }
                return width
            }
            if afterJoiner {
                // The scalar after a ZWJ is drawn inside the preceding emoji.
                afterJoiner = false
                return 0
            }
            if value == 0x200D {
                afterJoiner = true
                return 0
            }
            if value == 0xFE0F {
                // Emoji presentation: ❤ (one column) + VS16 is drawn as ❤️ (two).
                if lastWidth == 1 {
                    lastWidth = 2
                    return 1
                }
                return 0
            }
            if (0x1F1E6...0x1F1FF).contains(value) {
                // Regional indicators pair up into one two-column flag.
                openFlag.toggle()
                lastWidth = 2
                return openFlag ? 2 : 0
            }
            openFlag = false
            let width = DisplayWidth.scalarWidth(scalar)
            if width > 0 { lastWidth = width }
            return width
        }
    }

    /// The width of one scalar on its own: 0, 1 or 2.
    static func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        if value < 0x300 { return 1 }
        if contains(zeroWidthRanges, value) { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control:
            return 0
        default:
            break
        }
        return contains(wideRanges, value) ? 2 : 1
    }

    private static func contains(_ ranges: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = ranges[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// Zero-width scalars that the general category alone does not catch (sorted).
    private static let zeroWidthRanges: [ClosedRange<UInt32>] = [
        0x0300...0x036F,  // combining diacritical marks
        0x1160...0x11FF,  // Hangul medial vowels and final consonants
        0x1AB0...0x1AFF,
        0x1DC0...0x1DFF,
        0x200B...0x200F,  // zero width space, ZWNJ, ZWJ, direction marks
        0x2028...0x202E,
        0x2060...0x2064,
        0x20D0...0x20FF,  // combining marks for symbols (keycap)
        0xFE00...0xFE0F,  // variation selectors
        0xFE20...0xFE2F,
        0xFEFF...0xFEFF,
        0x1F3FB...0x1F3FF,  // emoji skin-tone modifiers
        0xE0000...0xE007F,  // tags
        0xE0100...0xE01EF,  // variation selectors supplement
    ]

    /// East Asian Wide and Fullwidth ranges and two-column emoji (sorted).
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F,
        0x231A...0x231B,
        0x2329...0x232A,
        0x23E9...0x23EC,
        0x23F0...0x23F0,
        0x23F3...0x23F3,
        0x25FD...0x25FE,
        0x2614...0x2615,
        0x2648...0x2653,
        0x267F...0x267F,
        0x2693...0x2693,
        0x26A1...0x26A1,
        0x26AA...0x26AB,
        0x26BD...0x26BE,
        0x26C4...0x26C5,
        0x26CE...0x26CE,
        0x26D4...0x26D4,
        0x26EA...0x26EA,
        0x26F2...0x26F3,
        0x26F5...0x26F5,
        0x26FA...0x26FA,
        0x26FD...0x26FD,
        0x2705...0x2705,
        0x270A...0x270B,
        0x2728...0x2728,
        0x274C...0x274C,
        0x274E...0x274E,
        0x2753...0x2755,
        0x2757...0x2757,
        0x2795...0x2797,
        0x27B0...0x27B0,
        0x27BF...0x27BF,
        0x2B1B...0x2B1C,
        0x2B50...0x2B50,
        0x2B55...0x2B55,
        0x2E80...0x303E,  // CJK radicals, ideographic description, CJK symbols
        0x3041...0x33FF,  // kana, bopomofo, Hangul compatibility jamo, CJK compatibility
        0x3400...0x4DBF,  // CJK extension A
        0x4E00...0x9FFF,  // CJK unified ideographs
        0xA000...0xA4CF,  // Yi
        0xA960...0xA97F,
        0xAC00...0xD7A3,  // Hangul syllables
        0xF900...0xFAFF,  // CJK compatibility ideographs
        0xFE10...0xFE19,
        0xFE30...0xFE6F,
        0xFF00...0xFF60,  // fullwidth forms
        0xFFE0...0xFFE6,
        0x16FE0...0x16FE4,
        0x17000...0x18CFF,  // Tangut
        0x1B000...0x1B2FF,  // kana supplement
        0x1F004...0x1F004,
        0x1F0CF...0x1F0CF,
        0x1F18E...0x1F18E,
        0x1F191...0x1F19A,
        0x1F200...0x1F202,
        0x1F210...0x1F23B,
        0x1F240...0x1F248,
        0x1F250...0x1F251,
        0x1F260...0x1F265,
        0x1F300...0x1F64F,  // pictographs, emoticons
        0x1F680...0x1F6FF,  // transport and map
        0x1F7E0...0x1F7EB,
        0x1F7F0...0x1F7F0,
        0x1F90C...0x1F9FF,  // supplemental symbols and pictographs
        0x1FA70...0x1FAFF,
        0x20000...0x2FFFD,  // CJK extensions B–F
        0x30000...0x3FFFD,
    ]
}
