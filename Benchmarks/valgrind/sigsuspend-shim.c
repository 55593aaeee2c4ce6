/* Preloaded into bankfuture-chat under valgrind only (Benchmarks/run.sh).
 *
 * libdispatch parks the main thread of an async Swift program in
 * sigsuspend(&mask) with `mask` a static const sigset_t, so in read-only memory.
 * Valgrind 3.19 (Debian 12's) edits the mask it is given in place before the
 * syscall and dies with SIGSEGV on that page ("VALGRIND INTERNAL ERROR ...
 * signal 11" on rt_sigsuspend). Passing a copy on the stack is the same call
 * for the program and keeps valgrind alive. */
#define _GNU_SOURCE
#include <signal.h>
#include <unistd.h>
#include <sys/syscall.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, _NSIG / 8);
}
