/// How one request ended.
public struct TurnOutcome: Sendable, Equatable {
    /// Everything that arrived (possibly partial when `error` is set).
    public var response: ChatResponse
    /// Why the turn failed or stopped, nil on success.
    public var error: ChatError?

    public var succeeded: Bool { error == nil }
}

/// Runs one request against a transport and shows its events through a renderer.
@MainActor
public enum ChatTurn {
    /// Sends `request`, rendering events as they arrive. When `waitForInterrupt` returns
    /// (Ctrl-C) the request is cancelled, which closes the HTTP connection, and the outcome
    /// carries `ChatError.cancelled`.
    public static func run(
        _ request: ChatRequest, transport: any ChatTransport, renderer: any ChatRenderer,
        waitForInterrupt: (@Sendable () async -> Void)? = nil
    ) async -> TurnOutcome {
        // Relay the transport's events through a stream this task owns, so another task
        // (the interrupt watcher) can stop the producer and end the turn at once.
        let (relay, relayContinuation) = AsyncStream<Result<StreamEvent, ChatError>>.makeStream()
        let producer = Task {
            do {
                for try await event in transport.stream(request) {
                    relayContinuation.yield(.success(event))
                }
            } catch let error as ChatError {
                relayContinuation.yield(.failure(error))
            } catch is CancellationError {
                relayContinuation.yield(.failure(.cancelled))
            } catch {
                relayContinuation.yield(.failure(.malformedResponse(String(describing: error))))
            }
            relayContinuation.finish()
        }
        let watcher: Task<Void, Never>? = waitForInterrupt.map { wait in
            Task.detached {
                await wait()
                guard !Task.isCancelled else { return }
                producer.cancel()
                relayContinuation.yield(.failure(.cancelled))
                relayContinuation.finish()
            }
        }
        defer {
            watcher?.cancel()
            producer.cancel()
        }

        renderer.beginAnswer()
        var response = ChatResponse()
        var failure: ChatError?
        loop: for await item in relay {
            switch item {
            case .success(let event):
                response.apply(event)
                switch event {
                case .text(let text): renderer.answerText(text)
                case .reasoning(let text): renderer.reasoningText(text)
                case .retrying(let notice): renderer.retrying(notice)
                case .model, .usage, .finish, .images, .generation, .toolCall, .reasoningDetails, .citations: break
                }
                if let broken = renderer.outputFailure {
                    // Nobody reads the answer any more: stop the request (and the billing) now.
                    producer.cancel()
                    failure = .output(broken)
                    break loop
                }
            case .failure(let error):
                failure = error
                break loop
            }
        }
        renderer.endAnswer(response, interrupted: failure != nil)
        return TurnOutcome(response: response, error: failure)
    }
}
