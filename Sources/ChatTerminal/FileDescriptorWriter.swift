#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes bytes straight to a file descriptor with `write(2)`: nothing is buffered,
/// so each piece of an answer is on screen as soon as it arrives.
struct FileDescriptorWriter: Sendable {
    let fileDescriptor: Int32

    /// Writes all of `text`. Retries after partial writes and `EINTR` (Ctrl-C arrives
    /// as a signal without `SA_RESTART`); gives up silently on other errors (a closed
    /// pipe must not stop the REPL).
    func write(_ text: String) {
        var text = text
        text.withUTF8 { write($0) }
    }

    /// Writes all of `bytes`, as ``write(_:)-(String)`` does.
    func write(_ bytes: UnsafeBufferPointer<UInt8>) {
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
                return
            }
        }
    }

    /// Whether the descriptor is a terminal.
    var isTerminal: Bool {
        isatty(fileDescriptor) == 1
    }

    /// The terminal's width in columns, when the descriptor is a terminal that reports one.
    var columns: Int? {
        var size = winsize()
        guard ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
