import Foundation

/// A pipe for feeding a reader or capturing a renderer's output in tests.
struct TestPipe {
    let readEnd: Int32
    let writeEnd: Int32

    init() {
        var ends: [Int32] = [-1, -1]
        precondition(pipe(&ends) == 0, "pipe failed")
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    /// Writes `bytes` (at most the pipe's buffer, 64 KiB on Linux) and closes the write end.
    func writeAndClose(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress! + offset, $0.count - offset) }
            precondition(count > 0, "write to test pipe failed")
            offset += count
        }
        close(writeEnd)
    }

    /// Closes the write end and returns everything written to the pipe.
    func closeAndReadAll() -> [UInt8] {
        close(writeEnd)
        defer { close(readEnd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count <= 0 { return result }
            result.append(contentsOf: buffer[0..<count])
        }
    }
}
