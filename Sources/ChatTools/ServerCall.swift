import ChatProcess
import MCP

/// One `tools/call` in flight on a server (the model's request for it is ChatCore's
/// `ToolCall`): it ends at the first of its result, its deadline, or the caller's
/// cancellation — and tells the server when it is not the result.
///
/// The SDK's `callTool(...) async` ignores the calling task's cancellation (the request runs
/// in an unstructured task) and has no timeout, so this uses the `RequestContext` overload:
/// the outcome is whichever of the three comes first, and a timeout or a cancellation sends
/// `notifications/cancelled` with `cancelRequest`. That notification is sent in the
/// background, so a call cancelled by Ctrl-C returns at once even when the server no longer
/// reads its input.
enum ServerCall {
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
        let first = OnceEvent<Outcome>()
        Task {
            do {
                first.fire(.finished(try await context.value))
            } catch {
                first.fire(.failed(error))
            }
        }
        let timer = Task {
            guard (try? await deadline()) != nil else { return }
            first.fire(.timedOut)
        }
        // A cancelled caller stops waiting at once.
        let outcome = await first.wait() ?? .cancelled
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
