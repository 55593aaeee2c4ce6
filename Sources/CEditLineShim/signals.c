// The C side of ChatTerminal around libedit's readline-compatible API: what Swift 6
// cannot do itself (assign C globals, call variadic functions) and what must be C
// (signal handlers, which may only touch async-signal-safe state). The state shared with
// the handlers lives in this file's statics, once per process.

#include "bfchat_shim.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

// MARK: - Locale

/// Makes the C library treat input as UTF-8. Without a UTF-8 LC_CTYPE libedit drops
/// every non-ASCII byte. Takes the user's locale when it is UTF-8, otherwise (LANG
/// unset, as in many containers) the first UTF-8 locale that exists.
/// Returns 1 when LC_CTYPE is UTF-8 afterwards.
int bfchat_use_utf8_ctype(void) {
    static const char *const fallbacks[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8", "UTF-8", NULL};
    setlocale(LC_CTYPE, "");
    const char *codeset = nl_langinfo(CODESET);
    if (codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0)) {
        return 1;
    }
    for (int i = 0; fallbacks[i] != NULL; i++) {
        if (setlocale(LC_CTYPE, fallbacks[i]) != NULL) {
            return 1;
        }
    }
    return 0;
}

// MARK: - Interrupt (SIGINT)
//
// The handler sets a flag and writes a byte to a pipe (the self-pipe trick). Readers
// wait with poll() on their input and on that pipe, so Ctrl-C wakes them whichever
// thread the kernel ran the handler on: Dispatch threads, which run Swift's async
// code, block SIGINT, so an EINTR in the reading thread cannot be relied on.

typedef struct {
    volatile sig_atomic_t flag;
    volatile sig_atomic_t count;  // every interrupt so far, never cleared
    int wake_read;   // -1 until the handler is installed
    int wake_write;
} bfchat_interrupt;

static bfchat_interrupt *bfchat_interrupt_state(void) {
    static bfchat_interrupt state = {.flag = 0, .count = 0, .wake_read = -1, .wake_write = -1};
    return &state;
}

/// SIGINT handler: records the interrupt and wakes the reader (async-signal-safe).
static void bfchat_on_interrupt(int signo) {
    (void)signo;
    int saved_errno = errno;
    bfchat_interrupt *state = bfchat_interrupt_state();
    __atomic_store_n(&state->flag, 1, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&state->count, 1, __ATOMIC_SEQ_CST);
    if (state->wake_write >= 0) {
        ssize_t ignored = write(state->wake_write, "!", 1);  // a full pipe is awake already
        (void)ignored;
    }
    errno = saved_errno;
}

static int bfchat_configure_wake_descriptor(int fd) {
    int status = fcntl(fd, F_GETFL);
    int descriptor_flags = fcntl(fd, F_GETFD);
    if (status < 0 || descriptor_flags < 0) {
        return -1;
    }
    if (fcntl(fd, F_SETFL, status | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, descriptor_flags | FD_CLOEXEC) < 0) {
        return -1;
    }
    return 0;
}

/// Installs the SIGINT handler (and its wake-up pipe, once). No SA_RESTART, so a
/// blocking call in the thread that runs the handler returns EINTR rather than
/// resuming. Returns 0 on success, -1 with errno set on failure.
int bfchat_install_interrupt_handler(void) {
    bfchat_interrupt *state = bfchat_interrupt_state();
    if (state->wake_read < 0) {
        int ends[2];
        if (pipe(ends) != 0) {
            return -1;
        }
        if (bfchat_configure_wake_descriptor(ends[0]) != 0 || bfchat_configure_wake_descriptor(ends[1]) != 0) {
            close(ends[0]);
            close(ends[1]);
            return -1;
        }
        state->wake_read = ends[0];
        state->wake_write = ends[1];
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = bfchat_on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    return sigaction(SIGINT, &action, NULL);
}

/// Empties the wake-up pipe.
static void bfchat_drain_wake_pipe(void) {
    bfchat_interrupt *state = bfchat_interrupt_state();
    if (state->wake_read < 0) {
        return;
    }
    char buffer[64];
    while (read(state->wake_read, buffer, sizeof buffer) > 0) {
    }
}

/// Returns 1 and clears the flag when an interrupt is pending, else 0.
int bfchat_consume_interrupt(void) {
    bfchat_drain_wake_pipe();  // before the flag: a later signal leaves both set
    return __atomic_exchange_n(&bfchat_interrupt_state()->flag, 0, __ATOMIC_SEQ_CST) != 0;
}

/// Returns 1 when an interrupt is pending, without clearing it.
int bfchat_interrupt_pending(void) {
    return __atomic_load_n(&bfchat_interrupt_state()->flag, __ATOMIC_SEQ_CST) != 0;
}

/// How many interrupts there have been since the process started.
int bfchat_interrupt_count(void) {
    return __atomic_load_n(&bfchat_interrupt_state()->count, __ATOMIC_SEQ_CST);
}

/// Sets the flag and wakes readers as Ctrl-C would.
void bfchat_raise_interrupt(void) {
    bfchat_on_interrupt(SIGINT);
}

/// Waits until `fd` is readable (1), an interrupt is pending (0), or poll fails (-1).
/// The flag is left set for the caller to consume.
int bfchat_wait_readable(int fd) {
    bfchat_interrupt *state = bfchat_interrupt_state();
    for (;;) {
        if (bfchat_interrupt_pending()) {
            return 0;
        }
        struct pollfd fds[2] = {
            {.fd = fd, .events = POLLIN, .revents = 0},
            {.fd = state->wake_read, .events = POLLIN, .revents = 0},  // ignored while -1
        };
        int ready = poll(fds, 2, -1);
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        if (fds[1].revents != 0) {
            bfchat_drain_wake_pipe();  // stale bytes of an earlier Ctrl-C are dropped here too
        }
        if (fds[0].revents != 0) {
            return bfchat_interrupt_pending() ? 0 : 1;
        }
    }
}

// MARK: - Terminal mode (restored on exit and on SIGTERM/SIGHUP)

typedef struct {
    int fd;              // a dup of the terminal's descriptor, -1 when nothing is saved
    struct termios mode; // the mode the terminal had when it was saved
} bfchat_saved_terminal;

static bfchat_saved_terminal *bfchat_saved_terminal_state(void) {
    static bfchat_saved_terminal state = {.fd = -1};
    return &state;
}

/// Remembers the current mode of terminal `fd`. The descriptor is duplicated so the
/// restore still works after the caller closes its own. Returns 0, or -1 when `fd`
/// is not a terminal.
int bfchat_save_terminal(int fd) {
    struct termios mode;
    if (tcgetattr(fd, &mode) != 0) {
        return -1;
    }
    bfchat_saved_terminal *state = bfchat_saved_terminal_state();
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (copy < 0) {
        return -1;
    }
    // A signal arriving in between must find either nothing or a complete state.
    int previous = __atomic_exchange_n(&state->fd, -1, __ATOMIC_SEQ_CST);
    state->mode = mode;
    __atomic_store_n(&state->fd, copy, __ATOMIC_SEQ_CST);
    if (previous >= 0) {
        close(previous);
    }
    return 0;
}

/// Puts the saved mode back (async-signal-safe: tcsetattr only). Returns 0, or -1
/// when nothing was saved or the terminal is gone.
int bfchat_restore_terminal(void) {
    bfchat_saved_terminal *state = bfchat_saved_terminal_state();
    int fd = __atomic_load_n(&state->fd, __ATOMIC_SEQ_CST);
    if (fd < 0) {
        return -1;
    }
    return tcsetattr(fd, TCSANOW, &state->mode);
}

/// Puts the saved mode back with NOFLSH added, for the time between prompts: Ctrl-C is a
/// signal again, and what is typed stays queued (NOFLSH: also when Ctrl-C is pressed) until
/// the next prompt reads it or counts and drops it. Returns 0, or -1 when nothing was saved.
int bfchat_restore_terminal_keeping_input(void) {
    bfchat_saved_terminal *state = bfchat_saved_terminal_state();
    int fd = __atomic_load_n(&state->fd, __ATOMIC_SEQ_CST);
    if (fd < 0) {
        return -1;
    }
    struct termios mode = state->mode;
    mode.c_lflag |= NOFLSH;
    return tcsetattr(fd, TCSADRAIN, &mode);
}

/// SIGTERM/SIGHUP handler: restores the terminal (its mode, and paste mode off) and exits
/// with 128 + signal, as a shell reports a process ended by that signal.
static void bfchat_on_termination(int signo) {
    bfchat_bracketed_paste_off_for_signal();
    bfchat_restore_terminal();
    _exit(128 + signo);
}

/// Installs `bfchat_on_termination` for SIGTERM and SIGHUP. Returns 0 or -1.
int bfchat_install_termination_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = bfchat_on_termination;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGTERM, &action, NULL) != 0) {
        return -1;
    }
    return sigaction(SIGHUP, &action, NULL);
}
