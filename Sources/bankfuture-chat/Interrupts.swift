#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C while a request runs. Temporary: replaced by ChatTerminal's monitor.
enum Interrupts {
    nonisolated(unsafe) static var flag: sig_atomic_t = 0

    static func install() {
        signal(SIGINT) { _ in Interrupts.flag = 1 }
    }

    @Sendable static func wait() async {
        while Interrupts.flag == 0 {
            do { try await Task.sleep(for: .milliseconds(20)) } catch { return }
        }
        Interrupts.flag = 0
    }
}
