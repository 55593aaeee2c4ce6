#if canImport(Glibc)
import Glibc
#endif

/// Appends a server's log notifications to its log (the file its stderr goes to), up to a
/// budget per start: past it, one line says so and the rest are dropped, so a flood fills
/// neither memory nor the disk.
///
/// Made and used only by the thread that reads the server's output; it owns its descriptor
/// and closes it in ``close()``.
final class LogMessageWriter {
    /// The most bytes of log notifications one start of a server writes.
    static let budget = 8 * 1024 * 1024

    private let descriptor: Int32
    private var written = 0
    private var dropping = false

    /// A writer that owns `descriptor`, opened for appending.
    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Appends `notification`'s line, or drops it past the budget.
    func write(_ notification: LogNotification) {
        guard !dropping else { return }
        var line = Array((notification.logLine + "\n").utf8)
        if written + line.count > Self.budget {
            dropping = true
            let megabytes = Self.budget / 1024 / 1024
            line = Array("[bankfuture-chat] more log messages than \(megabytes) MiB since the server started; the rest are dropped\n".utf8)
        }
        written += line.count
        line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let count = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return }  // a full disk: the log is lost, the server goes on
                offset += count
            }
        }
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}
