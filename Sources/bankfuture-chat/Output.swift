#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to stdout/stderr, so streamed tokens appear as they arrive.
enum Output {
    static func write(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }

    static func stdout(_ text: String) { write(text, to: 1) }
    static func stderr(_ text: String) { write(text, to: 2) }

    /// `error: <message>` on stderr.
    static func error(_ message: String) { stderr("error: \(message)\n") }
}

/// Thrown to end the program with a code after its message was printed.
struct ExitStatus: Error {
    var code: Int32
}

/// A usage or config problem: one line on stderr, exit code 2.
struct UsageFailure: Error {
    var message: String
}
