import ChatCore
import ChatProcess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The tool host's side of the wire: reads the start line and the requests, serves them
/// from a ``ToolProvider`` (in `bankfuture-chat-tools`, the MCP one), writes the answers.
///
/// Requests are served concurrently, each call in a task of its own so that `cancel` can
/// cancel it (the provider then cancels it on its server, and its answer says so). Answers
/// go out one line each, from a writer thread, in the order they are ready. A `shutdown`
/// stops every server, is answered, and ends the loop; so does the end of the input (the
/// chat died), without an answer.
public enum ToolHostServer {
    /// Serves `input` and `output` until `shutdown` or EOF; returns the exit status: 0, or 2
    /// when the first line is not a start. What goes wrong is written to `stderr` (the log).
    public static func serve(input: Int32, output: Int32, makeProvider: @Sendable (ToolHostStart) -> any ToolProvider) async -> Int32 {
        let writer: SerialWriter
        let lines: AsyncStream<[UInt8]>
        do {
            writer = try SerialWriter(descriptor: output)
            lines = try readLines(from: input)
        } catch {
            HostLog.write("cannot serve: \(error.message)")
            return 1
        }
        var requests = lines.makeAsyncIterator()
        guard let first = await requests.next() else { return 0 }
        let start: ToolHostStart
        do {
            start = try WireLine.decode(ToolHostStart.self, from: first)
        } catch {
            HostLog.write("the first line is not a start: \(error)")
            return 2
        }
        let session = HostSession(provider: makeProvider(start), writer: writer)
        var shutdownID: Int?
        while let line = await requests.next() {
            guard let request = try? WireLine.decode(ToolHostRequest.self, from: line) else {
                session.refuse(line)
                continue
            }
            if case .shutdown = request.operation {
                shutdownID = request.id
                break
            }
            session.serve(request)
        }
        await session.finish(answering: shutdownID)
        return 0
    }

    /// The lines of `input`, read on a thread of their own; the stream ends at EOF.
    private static func readLines(from input: Int32) throws(SystemCallFailure) -> AsyncStream<[UInt8]> {
        let (lines, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        try DetachedThread.start("the reader of the chat's requests") {
            let end = LineReader.read(from: input, limit: WireLine.limit) { continuation.yield($0) }
            switch end {
            case .endOfFile: break
            case .failed(let errno): HostLog.write("reading the requests failed: \(SystemCallFailure.describe(errno))")
            case .tooLong(let limit): HostLog.write("a request passed \(limit) bytes; the rest cannot be read")
            }
            continuation.finish()
        }
        return lines
    }
}

/// The requests being served, and the calls among them that `cancel` may name.
private final class HostSession: Sendable {
    private let provider: any ToolProvider
    private let writer: SerialWriter
    private let calls = Mutex<[Int: Task<Void, Never>]>([:])

    init(provider: any ToolProvider, writer: SerialWriter) {
        self.provider = provider
        self.writer = writer
    }

    func serve(_ request: ToolHostRequest) {
        guard let id = request.id else {
            if case .cancel(let call) = request.operation { calls.withLock { $0[call] }?.cancel() }
            return
        }
        switch request.operation {
        case .tools(let wait, let waitFor):
            answer(id) { provider in
                let offer = await provider.offer(waitingFor: waitFor.map(Set.init), upTo: wait)
                return .tools(offer.tools, notices: offer.notices, starting: offer.starting)
            }
        case .call(let server, let name, let arguments):
            // The task is kept before it can end: its end removes it, under the same lock.
            calls.withLock { calls in
                calls[id] = Task {
                    let tool = ToolSpec(server: server, name: name, description: "", inputSchema: RawJSON(validating: "{}")!)
                    let result = await self.provider.call(tool, arguments: arguments)
                    self.calls.withLock { _ = $0.removeValue(forKey: id) }
                    self.reply(ToolHostReply(id: id, .result(result)))
                }
            }
        case .cancel(let call):
            calls.withLock { $0[call] }?.cancel()
        case .states:
            answer(id) { .states(await $0.states().map { ToolHostReply.ServerStatus(server: $0.server, state: $0.state) }) }
        case .restart(let server):
            answer(id) { .restarted(await $0.restart(server)) }
        case .shutdown:
            break
        }
    }

    /// A line that is no request: answered with an error when its id can be read.
    func refuse(_ line: [UInt8]) {
        struct Identified: Decodable { var id: Int? }
        let shown = String(decoding: line.prefix(200), as: UTF8.self)
        guard let id = (try? WireLine.decode(Identified.self, from: line))?.id else {
            HostLog.write("a line that is no request was ignored: \(shown)")
            return
        }
        reply(ToolHostReply(id: id, .error("the tool host cannot read this request: \(shown)")))
    }

    /// Cancels the calls still running (their answers still go out), stops every server,
    /// answers the shutdown request if there was one, and returns once all is written.
    func finish(answering shutdownID: Int?) async {
        let running = calls.withLock { Array($0.values) }
        for call in running { call.cancel() }
        for call in running { await call.value }
        await provider.shutdown()
        if let shutdownID { reply(ToolHostReply(id: shutdownID, .stopped)) }
        writer.close()
        _ = await writer.closed()
    }

    private func answer(_ id: Int, _ body: @escaping @Sendable (any ToolProvider) async -> ToolHostReply.Body) {
        Task { self.reply(ToolHostReply(id: id, await body(self.provider))) }
    }

    private func reply(_ reply: ToolHostReply) {
        // A chat that is gone reads nothing; the end of the input ends the loop.
        writer.write(WireLine.encode(reply))
    }
}

/// The host's own messages, on its stderr: the chat appends it to `tool-host.log`.
public enum HostLog {
    /// Writes `bankfuture-chat-tools: MESSAGE` as one line.
    public static func write(_ message: String) {
        let line = Array("bankfuture-chat-tools: \(message)\n".utf8)
        _ = line.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
