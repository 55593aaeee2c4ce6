import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Everything the fake remembers, shared by the public API and the connection handlers.
///
/// One lock guards it all, so recording a request and taking its scripted reply from the queue
/// happen together, in arrival order.
final class FakeServerState: Sendable {
    private struct Contents {
        var queue: [FakeReply] = []
        var requests: [RecordedRequest] = []
        var models = FakeModel.defaultModels
        var nextGeneration = 1
        var generations: [String: FakeGeneration] = [:]
        var connections: [ObjectIdentifier: any Channel] = [:]
        var acceptedConnections = 0
        var unfinishedResponses = 0
        var isShutDown = false
    }

    private let contents = NIOLockedValueBox(Contents())
    private let onRequest: (@Sendable (RecordedRequest) -> Void)?

    init(onRequest: (@Sendable (RecordedRequest) -> Void)?) {
        self.onRequest = onRequest
    }

    var requests: [RecordedRequest] { contents.withLockedValue { $0.requests } }

    var acceptedConnections: Int { contents.withLockedValue { $0.acceptedConnections } }

    var unfinishedResponses: Int { contents.withLockedValue { $0.unfinishedResponses } }

    /// A connection closed while its response was still being sent.
    func responseCutOff() {
        contents.withLockedValue { $0.unfinishedResponses += 1 }
    }

    func enqueue(_ replies: [FakeReply]) {
        contents.withLockedValue { $0.queue.append(contentsOf: replies) }
    }

    func setModels(_ models: [FakeModel]) {
        contents.withLockedValue { $0.models = models }
    }

    /// Records `request` and decides its answer: the next queued reply for a chat completion,
    /// otherwise the default behaviour.
    func respond(to request: RecordedRequest) -> ResponsePlan {
        let (reply, models, number) = contents.withLockedValue { contents in
            contents.requests.append(request)
            let reply = request.isChatCompletion && !contents.queue.isEmpty ? contents.queue.removeFirst() : nil
            defer { contents.nextGeneration += 1 }
            return (reply, contents.models, contents.nextGeneration)
        }
        onRequest?(request)
        let chunks = CompletionBuilder(
            id: "gen-fake-\(number)", model: request.model ?? "openrouter/auto",
            created: Int(Date().timeIntervalSince1970))
        let responder = DefaultResponder(models: models, lookUpGeneration: { [self] in generation(id: $0) })
        let plan = reply.map { ResponsePlan($0, chunks: chunks) } ?? responder.plan(for: request, chunks: chunks)
        // Remembered for `GET /generation?id=`, under the id the answer carries.
        if request.isChatCompletion, let record = FakeGeneration(plan: plan) {
            contents.withLockedValue { $0.generations[record.id] = record }
        }
        return plan
    }

    /// The answer that carried `id`, if the fake gave one.
    func generation(id: String) -> FakeGeneration? {
        contents.withLockedValue { $0.generations[id] }
    }

    /// Remembers an accepted connection so shutdown can close it; `false` once shut down.
    func track(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let accepted = contents.withLockedValue { contents in
            guard !contents.isShutDown else { return false }
            contents.connections[id] = channel
            contents.acceptedConnections += 1
            return true
        }
        if accepted {
            channel.closeFuture.whenComplete { _ in
                self.contents.withLockedValue { _ = $0.connections.removeValue(forKey: id) }
            }
        }
        return accepted
    }

    /// Marks the server shut down and returns the connections still open.
    func beginShutdown() -> [any Channel] {
        contents.withLockedValue { contents in
            contents.isShutDown = true
            return Array(contents.connections.values)
        }
    }
}
