import CEditLine
import CEditLineShim

/// How the process's allocator is set up.
public enum ProcessMemory {
    /// One glibc malloc arena for all threads (unless `MALLOC_ARENA_MAX` is set), so that
    /// memory freed on one thread serves the next turn on another instead of staying
    /// resident. Call first thing in `main`, before other threads allocate.
    public static func useOneArena() {
        bfchat_limit_malloc_arenas()
    }
}
