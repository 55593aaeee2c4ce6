import Foundation

/// Runs blocking work on a thread of its own, so that it does not hold one of the few
/// threads of Swift's cooperative pool (as many as there are cores: two in CI).
///
/// Every test in `swift test` shares that pool. A test that blocks in it — waiting for a
/// program's output, for a pseudo-terminal, for a child to exit — stalls every async test
/// running beside it, such as an in-process MCP server, which then times out.
public enum OffPool {
    /// The value of `body`, computed on a new thread.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.start()
        }
    }
}
