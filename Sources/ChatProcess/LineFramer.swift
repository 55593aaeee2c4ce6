#if canImport(Glibc)
import Glibc
#endif

/// Newline-delimited framing: bytes in, whole lines out.
///
/// Only the bytes of each new chunk are scanned for the newline, so a line of many reads
/// costs time in proportion to its size. A CR before the LF is dropped; empty lines are
/// skipped. A line longer than `limit` is an error, so a peer cannot make us buffer without
/// bound.
public struct LineFramer {
    /// A line passed the limit.
    public struct TooLong: Error, Sendable, Equatable {
        /// The most bytes a line may have.
        public let limit: Int

        /// A line passed `limit`.
        public init(limit: Int) {
            self.limit = limit
        }
    }

    private var pending: [UInt8] = []
    /// The most bytes one line may have.
    public let limit: Int

    /// A framer that refuses lines over `limit` bytes.
    public init(limit: Int) {
        self.limit = limit
    }

    /// Feeds one chunk and calls `deliver` with each line it completes.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, deliver: ([UInt8]) -> Void) throws(TooLong) {
        var start = 0
        while let newline = Self.newline(in: chunk, from: start) {
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start..<newline]))
            if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
            if pending.count > limit { throw TooLong(limit: limit) }
            if !pending.isEmpty { deliver(pending) }
            pending.removeAll(keepingCapacity: true)
            start = newline + 1
        }
        pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start...]))
        if pending.count > limit { throw TooLong(limit: limit) }
    }

    /// The offset of the first LF at or after `start`, found with `memchr`: a byte-by-byte
    /// search is many times slower in a debug build, slower than a peer can write.
    private static func newline(in chunk: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = chunk.baseAddress, start < chunk.count else { return nil }
        guard let found = memchr(base + start, Int32(UInt8(ascii: "\n")), chunk.count - start) else { return nil }
        return UnsafeRawPointer(found) - base
    }
}

/// The read loop of a line protocol on a pipe: blocks in `read` (on a thread of its own),
/// frames what comes, and says why it stopped.
public enum LineReader {
    /// Why the reading stopped.
    public enum End: Sendable, Equatable {
        /// The writer closed its end.
        case endOfFile
        /// `read` failed with this `errno`.
        case failed(errno: Int32)
        /// A line passed the limit; the rest cannot be framed.
        case tooLong(limit: Int)
    }

    /// Reads `descriptor` until EOF, calling `deliver` with each line; does not close it.
    public static func read(from descriptor: Int32, limit: Int, deliver: ([UInt8]) -> Void) -> End {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var framer = LineFramer(limit: limit)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return .failed(errno: errno) }
            if count == 0 { return .endOfFile }
            let tooLong = chunk.withUnsafeBytes { bytes -> Bool in
                do throws(LineFramer.TooLong) {
                    try framer.feed(UnsafeRawBufferPointer(rebasing: bytes[..<count]), deliver: deliver)
                    return false
                } catch {
                    return true
                }
            }
            if tooLong { return .tooLong(limit: limit) }
        }
    }
}
