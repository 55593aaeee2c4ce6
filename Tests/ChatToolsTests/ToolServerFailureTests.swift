import ChatProcess
import Testing

@testable import ChatTools

#if canImport(Glibc)
import Glibc
#endif

/// A start failure keeps what it comes from, and says it in one line.
@Suite struct ToolServerFailureTests {
    @Test func aSystemCallFailureIsKeptAsTheCause() throws {
        let cause = SystemCallFailure(call: "posix_spawn", subject: "/bin/x", errno: ENOENT)
        let failure = ToolServerFailure.system(cause)
        #expect(failure.message == "/bin/x: posix_spawn failed: No such file or directory")
        #expect(try #require(failure.underlying as? SystemCallFailure) == cause)
        #expect(ToolServerFailure.notFound("x", searched: "/bin").underlying == nil)
    }
}
