#if canImport(Glibc)
import Glibc
#endif

/// A thread of its own for work that blocks in a system call (`read`, `write`, `waitid`):
/// it must not hold one of the few threads of Swift's cooperative pool.
///
/// A plain detached pthread with a small stack: `Foundation.Thread` would bring all of
/// Foundation into a binary that otherwise needs none.
public enum DetachedThread {
    /// Runs `body` on a new detached thread.
    ///
    /// - Parameters:
    ///   - name: what the thread is for, named in the failure.
    ///   - stackSize: the thread's stack; the bodies here are flat loops.
    public static func start(
        _ name: String, stackSize: Int = 256 * 1024, _ body: @escaping @Sendable () -> Void
    ) throws(SystemCallFailure) {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, &attributes,
            { argument in
                Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue().run()
                return nil
            }, box)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            throw SystemCallFailure(call: "pthread_create", subject: name, errno: result)
        }
    }

    /// The closure, boxed to pass through `pthread_create`'s one pointer.
    private final class Body {
        let run: @Sendable () -> Void

        init(_ run: @escaping @Sendable () -> Void) {
            self.run = run
        }
    }
}
