import ChatCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes bytes straight to a file descriptor with `write(2)`: nothing is buffered,
/// so each piece of an answer is on screen as soon as it arrives.
///
/// A failed write is remembered per descriptor (``failure(of:)``): when the reader of
/// standard output goes away (`EPIPE`) or the disk is full, the turn in progress is
/// stopped and the program exits (141, or 1 with one line) instead of writing into the void.
public struct FileDescriptorWriter: Sendable {
    public let fileDescriptor: Int32

    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Writes all of `text`. Retries after partial writes and `EINTR` (Ctrl-C arrives
    /// as a signal without `SA_RESTART`); on any other error it stops and records it.
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { write($0) }
    }

    /// Writes all of `bytes`, as ``write(_:)-(String)`` does.
    public func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            #if canImport(Glibc)
            let written = Glibc.write(fileDescriptor, next, remaining)
            #else
            let written = Darwin.write(fileDescriptor, next, remaining)
            #endif
            if written > 0 {
                next += written
                remaining -= written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                let code = written < 0 ? errno : EIO
                let failure: OutputFailure = code == EPIPE ? .closed : .failed(code: code, reason: errorText(code))
                Self.failures.withLock { $0[fileDescriptor] = $0[fileDescriptor] ?? failure }
                return
            }
        }
    }

    /// The first failed write to `fileDescriptor` in this process, if any.
    public static func failure(of fileDescriptor: Int32) -> OutputFailure? {
        failures.withLock { $0[fileDescriptor] }
    }

    private static let failures = Mutex<[Int32: OutputFailure]>([:])

    /// Whether the descriptor is a terminal.
    public var isTerminal: Bool {
        isatty(fileDescriptor) == 1
    }

    /// The terminal's width in columns, when the descriptor is a terminal that reports one.
    public var columns: Int? {
        var size = winsize()
        guard ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
