import Foundation
import Testing

@testable import ChatTools

#if canImport(Glibc)
import Glibc
#endif

/// The newline framing of the pipe transport, fed split at every offset, and its read loop
/// on a real pipe.
@Suite(.timeLimit(.minutes(1)))
struct PipeTransportTests {
    private func frame(_ chunks: [[UInt8]], limit: Int = 1024) throws -> [String] {
        var framer = LineFramer(limit: limit)
        var messages: [String] = []
        for chunk in chunks {
            try chunk.withUnsafeBytes { bytes in
                try framer.feed(bytes) { messages.append(String(decoding: $0, as: UTF8.self)) }
            }
        }
        return messages
    }

    @Test func messagesSplitAtEveryOffsetComeOutWhole() throws {
        let text = Array("{\"id\":1}\n{\"a\":\"é\"}\r\n\n{\"last\":true}\n".utf8)
        for first in 0...text.count {
            for second in first...text.count {
                let chunks = [Array(text[..<first]), Array(text[first..<second]), Array(text[second...])]
                #expect(try frame(chunks) == [#"{"id":1}"#, #"{"a":"é"}"#, #"{"last":true}"#], "split at \(first), \(second)")
            }
        }
    }

    @Test func aMessageOverTheLimitIsAnError() throws {
        #expect(throws: TransportFailure.messageTooLong) { try frame([Array(repeating: UInt8(ascii: "x"), count: 1025)]) }
        #expect(throws: TransportFailure.messageTooLong) { try frame([Array(repeating: UInt8(ascii: "x"), count: 1025) + [10]]) }
        #expect(try frame([Array(repeating: UInt8(ascii: "x"), count: 1024) + [10]]).count == 1)
    }

    @Test func theReadLoopDeliversUntilEOF() {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 1_000_000) + Array("\n{}\n".utf8)
        let writeEnd = ends[1]
        let writer = Thread {
            _ = big.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
            close(writeEnd)
        }
        writer.start()
        var received: [Int] = []
        let failure = PipeTransport.readMessages(from: ends[0]) { received.append($0.count) }
        close(ends[0])
        #expect(received == [1_000_000, 2])
        #expect(failure == TransportFailure("the server closed its output"))
    }
}
