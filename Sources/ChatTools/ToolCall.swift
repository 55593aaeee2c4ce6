import MCP
import Synchronization

/// One `tools/call` that ends at the first of: its result, its deadline, or the caller's
/// cancellation — and tells the server when it is not the result.
///
/// The SDK's `callTool(...) async` ignores the calling task's cancellation (the request runs
/// in an unstructured task) and has no timeout, so this uses the `RequestContext` overload:
/// the outcome is whichever of the three comes first, and a timeout or a cancellation sends
/// `notifications/cancelled` with `cancelRequest`. That notification is sent in the
/// background, so a call cancelled by Ctrl-C returns at once even when the server no longer
/// reads its input.
enum ToolCall {
    enum Outcome: Sendable {
        case finished(CallTool.Result)
        case failed(any Error)
        case timedOut
        case cancelled
    }

    static func run(
        _ name: String, arguments: [String: Value], on client: Client, deadline: @escaping @Sendable () async throws -> Void
    ) async -> Outcome {
        let context: RequestContext<CallTool.Result>
        do {
            context = try await client.callTool(name: name, arguments: arguments)
        } catch {
            return .failed(error)
        }
        let race = FirstOutcome()
        Task {
            do {
                race.settle(.finished(try await context.value))
            } catch {
                race.settle(.failed(error))
            }
        }
        let timer = Task {
            guard (try? await deadline()) != nil else { return }
            race.settle(.timedOut)
        }
        let outcome = await withTaskCancellationHandler {
            await race.value()
        } onCancel: {
            race.settle(.cancelled)
        }
        timer.cancel()
        switch outcome {
        case .timedOut, .cancelled:
            let reason = if case .timedOut = outcome { "timed out" } else { "cancelled by the user" }
            Task { try? await client.cancelRequest(context.requestID, reason: reason) }
        case .finished, .failed:
            break
        }
        return outcome
    }
}

/// The first outcome settled wins; later ones are dropped.
private final class FirstOutcome: Sendable {
    private struct State {
        var outcome: ToolCall.Outcome?
        var waiter: CheckedContinuation<ToolCall.Outcome, Never>?
    }

    private let state = Mutex(State())

    func settle(_ outcome: ToolCall.Outcome) {
        let waiter = state.withLock { state -> CheckedContinuation<ToolCall.Outcome, Never>? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: outcome)
    }

    func value() async -> ToolCall.Outcome {
        await withCheckedContinuation { continuation in
            let settled = state.withLock { state -> ToolCall.Outcome? in
                if state.outcome == nil { state.waiter = continuation }
                return state.outcome
            }
            if let settled { continuation.resume(returning: settled) }
        }
    }
}
