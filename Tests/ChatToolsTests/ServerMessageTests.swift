import ChatProcess
import Foundation
import Synchronization
import Testing

@testable import ChatTools

/// What the reading thread does with a server's messages: log notifications become log
/// lines, everything else waits for the client in a bounded queue.
@Suite(.timeLimit(.minutes(1)))
struct ServerMessageTests {
    static func line(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func aLogNotificationBecomesOneLineWithItsLevel() throws {
        let note = try #require(
            LogNotification(
                line: Self.line(
                    #"{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"warning","logger":"db","data":"slow\nquery \u001b[2J"}}"#
                )))
        #expect(note.logLine == "[warning] db: slow query ␛[2J")
        let structured = try #require(
            LogNotification(
                line: Self.line(#"{"method":"notifications/message","jsonrpc":"2.0","params":{"level":"info","data":{"b":1,"a":[true]}}}"#))
        )
        #expect(structured.logLine == #"[info] {"a":[true],"b":1}"#)
        let long = try #require(
            LogNotification(
                line: Self.line(
                    #"{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"debug","data":"\#(String(repeating: "x", count: 10_000))"}}"#
                )))
        #expect(long.logLine.count == LogNotification.lineLimit + 1)
    }

    @Test func otherMessagesAreNotLogNotifications() {
        // An answer that quotes the method, a request of that name, another notification, garbage.
        #expect(LogNotification(line: Self.line(#"{"jsonrpc":"2.0","id":3,"result":{"text":"notifications/message"}}"#)) == nil)
        #expect(LogNotification(line: Self.line(#"{"jsonrpc":"2.0","id":4,"method":"notifications/message"}"#)) == nil)
        #expect(LogNotification(line: Self.line(#"{"jsonrpc":"2.0","method":"notifications/progress","params":{}}"#)) == nil)
        #expect(LogNotification(line: Self.line(#"{"method":"notifications/message""#)) == nil)
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(LogNotification(line: Self.line(#"{"method":"notifications/message","params":{"data":\#(deep)}}"#)) == nil)
    }

    @Test func theLogWriterStopsAtItsBudgetWithOneLine() async throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let (readEnd, writer) = (ends[0], LogMessageWriter(descriptor: ends[1]))
        let note = LogNotification(level: "info", logger: nil, data: String(repeating: "x", count: 1000))
        let reader = Task.detached { () -> [UInt8] in
            var all: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if count <= 0 { return all }
                all += buffer[..<count]
            }
        }
        for _ in 0..<(LogMessageWriter.budget / 1000 + 100) { writer.write(note) }
        writer.close()
        let text = String(decoding: await reader.value, as: UTF8.self)
        close(readEnd)
        #expect(text.utf8.count < LogMessageWriter.budget + 200, "the budget, and the line that says so")
        #expect(text.hasSuffix("the rest are dropped\n"))
        #expect(text.components(separatedBy: "the rest are dropped").count == 2)
    }

    @Test func theQueueHoldsAtMostItsLimitAndTheReaderWaits() async throws {
        let queue = MessageQueue()
        let size = 1024 * 1024
        let total = 40
        let pushed = Atomic(0)
        try DetachedThread.start("a test's producer") {
            for _ in 0..<total {
                queue.push(Data(count: size))
                pushed.add(1, ordering: .sequentiallyConsistent)
            }
            queue.finish()
        }
        var taken = 0
        for try await message in queue.messages() {
            #expect(message.count == size)
            taken += 1
            // Never more than the limit waits (plus the one message pushed since this one left).
            #expect(pushed.load(ordering: .sequentiallyConsistent) <= taken + MessageQueue.limit / size + 1)
        }
        #expect(taken == total)
    }

    /// The reader empties the queue and waits while the writer still waits for room: the
    /// writer must then hand its message to the reader, not queue it behind its back (the
    /// message came out of order, and a last one queued so was never delivered: the reader
    /// waited forever).
    @Test func messagesComeInOrderAndAllOfThemWhenTheReaderEmptiesTheQueueWhileTheWriterWaits() async throws {
        let size = MessageQueue.limit / 4
        for _ in 0..<100 {
            let queue = MessageQueue()
            try DetachedThread.start("a test's producer") {
                for number in 0..<12 {
                    var message = Data(count: size)
                    message[0] = UInt8(number)
                    queue.push(message)
                }
                queue.finish()
            }
            var order: [UInt8] = []
            for try await message in queue.messages() { order.append(message[0]) }
            #expect(order == Array(0..<12))
        }
    }

    @Test func aMessageOverTheLimitStillPassesAndTheEndCarriesTheFailure() async throws {
        let queue = MessageQueue()
        let big = Data(count: MessageQueue.limit * 2)
        #expect(queue.push(big))
        queue.finish(throwing: TransportFailure("the server closed its output"))
        var received: [Int] = []
        await #expect(throws: TransportFailure("the server closed its output")) {
            for try await message in queue.messages() { received.append(message.count) }
        }
        #expect(received == [big.count])
        // After the end nothing more is taken, and the reader is not blocked.
        #expect(!queue.push(Data(count: 1)))
    }
}
