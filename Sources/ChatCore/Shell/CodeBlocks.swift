/// Fenced code blocks in an answer: the command of `-e`, the text of `/copy code`.
public enum CodeBlocks {
    /// One block: the lines between an opening fence (a line starting with three backticks,
    /// after whitespace) and the next fence.
    public struct Block: Sendable, Equatable {
        /// The block's lines, without their line ends.
        public var lines: [Substring]
        /// False for a block still open at the end of the text.
        public var closed: Bool
    }

    /// Every block of `text`, in order. Lines end at LF or CRLF (``TextLines``).
    public static func all(in text: String) -> [Block] {
        var blocks: [Block] = []
        var current: [Substring]?
        for line in TextLines.split(text) {
            if isFence(line) {
                if let lines = current {
                    blocks.append(Block(lines: lines, closed: true))
                    current = nil
                } else {
                    current = []
                }
            } else {
                current?.append(line)
            }
        }
        if let current { blocks.append(Block(lines: current, closed: false)) }
        return blocks
    }

    /// The contents of the last closed block, without its fences (`/copy code`).
    public static func last(in text: String) -> String? {
        all(in: text).last { $0.closed }.map { $0.lines.joined(separator: "\n") }
    }

    static func isFence(_ line: Substring) -> Bool {
        line.trimmingWhitespace().hasPrefix("```")
    }
}
