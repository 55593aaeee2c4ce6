import ChatProcess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One running tool host: its process, the writer of its stdin, the reader of its stdout,
/// and the requests waiting for their answers, matched by id.
///
/// The host is gone when its process exits — seen at once by the process's watcher. Its
/// output ending, a write to it failing (EPIPE) or a line that is no answer make sure of
/// that: it gets a moment to exit, then SIGKILL. When it is gone every waiting request is
/// answered ``Answer/gone(_:)`` at once, and so is every later one.
final class HostConnection: Sendable {
    /// What a request gets.
    enum Answer: Sendable {
        case reply(ToolHostReply.Body)
        /// The host is gone; why, as "the tool host exited (status 1)".
        case gone(String)
        /// No answer within the request's limit.
        case noAnswer
    }

    private struct Waiting {
        var lastID = 0
        var answers: [Int: OnceEvent<Answer>] = [:]
        var gone: String?
        /// Why we ended the host ourselves, said instead of how it exited.
        var cause: String?
    }

    let process: ChildProcess
    private let writer: SerialWriter
    private let waiting = Mutex(Waiting())
    private let onGone: @Sendable (String) -> Void

    /// How long a host whose pipes broke has to exit by itself before SIGKILL.
    private static let exitGrace = Duration.seconds(2)

    /// Takes over `process` (a host just spawned) and writes `start` to it. `onGone` is
    /// called once, before the waiting requests are answered, when the host is gone.
    init(process: ChildProcess, start: ToolHostStart, onGone: @escaping @Sendable (String) -> Void) throws(SystemCallFailure) {
        self.process = process
        self.onGone = onGone
        do {
            writer = try SerialWriter(descriptor: process.input)
        } catch {
            close(process.input)
            close(process.output)
            throw error
        }
        writer.write(WireLine.encode(start))
        do {
            try DetachedThread.start("the reader of the tool host") { [self] in read() }
        } catch {
            // Unread, it could never answer: end it (its watcher reaps it).
            writer.close()
            close(process.output)
            process.signal(SIGKILL)
            throw error
        }
        Task { [self] in
            if let exit = await process.exited() { ended(exit) }
        }
        Task { [self] in
            if await writer.closed() != nil { broke() }
        }
    }

    /// Sends `operation` and waits for its answer up to `limit`; nil when the calling task
    /// is cancelled first.
    func ask(_ operation: ToolHostRequest.Operation, limit: Duration) async -> Answer? {
        let (id, answer) = send(operation)
        let timer = Self.noAnswer(answer, after: limit)
        defer {
            timer.cancel()
            forget(id)
        }
        return await answer.wait()
    }

    /// Sends a call and waits for its answer up to `limit`. When the calling task is
    /// cancelled, sends `cancel` and waits up to `grace` more for the host's answer (the
    /// call, cancelled on its server), then gives ``Answer/noAnswer``.
    func call(_ operation: ToolHostRequest.Operation, limit: Duration, grace: Duration) async -> Answer {
        let (id, answer) = send(operation)
        let timer = Self.noAnswer(answer, after: limit)
        defer {
            timer.cancel()
            forget(id)
        }
        if let first = await answer.wait() { return first }
        if let id { writer.write(WireLine.encode(ToolHostRequest(id: nil, .cancel(call: id)))) }
        let late = Self.noAnswer(answer, after: grace)
        defer { late.cancel() }
        // A task of its own: the caller's is cancelled, and its waits would end at once.
        return await Task { await answer.wait() ?? .noAnswer }.value
    }

    /// Closes the host's stdin once what is queued is written: the host sees EOF.
    func closeInput() {
        writer.close()
    }

    /// Writes a request and registers its answer; an answer that is already there when the
    /// host is gone.
    func send(_ operation: ToolHostRequest.Operation) -> (id: Int?, answer: OnceEvent<Answer>) {
        let answer = OnceEvent<Answer>()
        let registered = waiting.withLock { waiting -> Result<Int, GoneReason> in
            if let gone = waiting.gone { return .failure(GoneReason(text: gone)) }
            waiting.lastID += 1
            waiting.answers[waiting.lastID] = answer
            return .success(waiting.lastID)
        }
        switch registered {
        case .failure(let gone):
            answer.fire(.gone(gone.text))
            return (nil, answer)
        case .success(let id):
            if !writer.write(WireLine.encode(ToolHostRequest(id: id, operation))) {
                // The pipe broke: the host is on its way out, and its exit answers this.
                broke()
            }
            return (id, answer)
        }
    }

    private func forget(_ id: Int?) {
        guard let id else { return }
        waiting.withLock { _ = $0.answers.removeValue(forKey: id) }
    }

    /// The reading thread: each line is an answer for the request of its id.
    private func read() {
        _ = LineReader.read(from: process.output, limit: WireLine.limit) { line in
            guard let reply = try? WireLine.decode(ToolHostReply.self, from: line) else {
                end(because: "the tool host sent a line that is not an answer")
                return
            }
            waiting.withLock { $0.answers.removeValue(forKey: reply.id) }?.fire(.reply(reply.body))
        }
        close(process.output)
        broke()
    }

    /// Its output ended or its input broke: it gets a moment to exit, then SIGKILL.
    private func broke() {
        Task { [process] in await process.waitForExit(killingAfter: { try await Task.sleep(for: Self.exitGrace) }) }
    }

    /// Ends the host now, for `cause`.
    private func end(because cause: String) {
        waiting.withLock { waiting in
            if waiting.cause == nil { waiting.cause = cause }
        }
        process.signal(SIGKILL)
    }

    /// Its process exited: every waiting request is answered, and so is every later one.
    private func ended(_ exit: ProcessExit) {
        let (reason, answers) = waiting.withLock { waiting in
            let reason = waiting.cause ?? "the tool host \(exit.description)"
            waiting.gone = reason
            defer { waiting.answers = [:] }
            return (reason, Array(waiting.answers.values))
        }
        writer.close()
        // First, so that whoever is woken finds the notice already there.
        onGone(reason)
        for answer in answers { answer.fire(.gone(reason)) }
    }

    /// A task that answers ``Answer/noAnswer`` after `limit`, unless cancelled first.
    private static func noAnswer(_ answer: OnceEvent<Answer>, after limit: Duration) -> Task<Void, Never> {
        Task {
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            answer.fire(.noAnswer)
        }
    }
}

/// Why the host is gone, as a value a `Result` can carry.
private struct GoneReason: Error {
    let text: String
}
