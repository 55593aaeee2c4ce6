#ifndef BANKFUTURE_CEDITLINE_SHIM_H
#define BANKFUTURE_CEDITLINE_SHIM_H

// The small C surface ChatTerminal needs around libedit's readline-compatible API.
//
// Swift 6 cannot assign imported C globals (they are shared mutable state) and
// cannot call variadic functions, so setters and wrappers live here.
//
// State shared with signal handlers is kept in `weak` functions holding a local
// `static`, never in `static` variables: Swift emits the header's functions into
// every object file that uses them, so a `static` variable would exist once per
// Swift file in debug builds (the handler would set one copy and the reader check
// another). A weak definition is merged by the linker into a single copy.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <locale.h>
#include <langinfo.h>
#include <termios.h>
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include <editline/readline.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

// MARK: - Memory

/// Limits glibc to one malloc arena (unless MALLOC_ARENA_MAX is set). By default every
/// thread that allocates (event loop, task pool, main) gets an arena of its own, and memory
/// freed in one is kept there: a long session's resident memory then grew by 3-4 MB over
/// 1,000 turns while its history was 0.2 MB. One arena keeps the growth near the history's
/// size; streaming throughput does not change (threads allocate from their own caches first).
static inline void bfchat_limit_malloc_arenas(void) {
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
    if (getenv("MALLOC_ARENA_MAX") == NULL) mallopt(M_ARENA_MAX, 1);
#endif
}

// MARK: - Locale

/// Makes the C library treat input as UTF-8. Without a UTF-8 LC_CTYPE libedit drops
/// every non-ASCII byte. Takes the user's locale when it is UTF-8, otherwise (LANG
/// unset, as in many containers) the first UTF-8 locale that exists.
/// Returns 1 when LC_CTYPE is UTF-8 afterwards.
static inline int bfchat_use_utf8_ctype(void) {
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
    int wake_read;   // -1 until the handler is installed
    int wake_write;
} bfchat_interrupt;

__attribute__((weak)) bfchat_interrupt *bfchat_interrupt_state(void) {
    static bfchat_interrupt state = {.flag = 0, .wake_read = -1, .wake_write = -1};
    return &state;
}

/// SIGINT handler: records the interrupt and wakes the reader (async-signal-safe).
__attribute__((weak)) void bfchat_on_interrupt(int signo) {
    (void)signo;
    int saved_errno = errno;
    bfchat_interrupt *state = bfchat_interrupt_state();
    __atomic_store_n(&state->flag, 1, __ATOMIC_SEQ_CST);
    if (state->wake_write >= 0) {
        ssize_t ignored = write(state->wake_write, "!", 1);  // a full pipe is awake already
        (void)ignored;
    }
    errno = saved_errno;
}

static inline int bfchat_configure_wake_descriptor(int fd) {
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
static inline int bfchat_install_interrupt_handler(void) {
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
static inline void bfchat_drain_wake_pipe(void) {
    bfchat_interrupt *state = bfchat_interrupt_state();
    if (state->wake_read < 0) {
        return;
    }
    char buffer[64];
    while (read(state->wake_read, buffer, sizeof buffer) > 0) {
    }
}

/// Returns 1 and clears the flag when an interrupt is pending, else 0.
static inline int bfchat_consume_interrupt(void) {
    bfchat_drain_wake_pipe();  // before the flag: a later signal leaves both set
    return __atomic_exchange_n(&bfchat_interrupt_state()->flag, 0, __ATOMIC_SEQ_CST) != 0;
}

/// Returns 1 when an interrupt is pending, without clearing it.
static inline int bfchat_interrupt_pending(void) {
    return __atomic_load_n(&bfchat_interrupt_state()->flag, __ATOMIC_SEQ_CST) != 0;
}

/// Sets the flag and wakes readers as Ctrl-C would.
static inline void bfchat_raise_interrupt(void) {
    bfchat_on_interrupt(SIGINT);
}

/// Waits until `fd` is readable (1), an interrupt is pending (0), or poll fails (-1).
/// The flag is left set for the caller to consume.
static inline int bfchat_wait_readable(int fd) {
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

/// Reads one byte of `fd` unless Ctrl-C comes first: 1 read, 0 end of input,
/// -1 interrupted or failed.
static inline int bfchat_read_byte(int fd, unsigned char *byte) {
    for (;;) {
        if (bfchat_wait_readable(fd) != 1) {
            return -1;
        }
        ssize_t count = read(fd, byte, 1);
        if (count == 1) {
            return 1;
        }
        if (count == 0) {
            return 0;
        }
        if (errno != EINTR && errno != EAGAIN) {
            return -1;
        }
    }
}

/// readline's `rl_getc_function`: one character of `rl_instream`, decoded from UTF-8
/// (libedit takes the returned value as a wide character), or EOF at the end of input
/// and when Ctrl-C is pressed, which makes readline() return NULL at once.
/// Invalid UTF-8 becomes U+FFFD.
__attribute__((weak)) int bfchat_getc(FILE *stream) {
    (void)stream;  // some libedit versions pass NULL; rl_instream is the input
    int fd = fileno(rl_instream);
    unsigned char lead;
    if (bfchat_read_byte(fd, &lead) != 1) {
        return EOF;
    }
    int continuation_count;
    int code_point;
    if (lead < 0x80) {
        return lead;
    } else if (lead >= 0xC2 && lead < 0xE0) {
        continuation_count = 1;
        code_point = lead & 0x1F;
    } else if (lead >= 0xE0 && lead < 0xF0) {
        continuation_count = 2;
        code_point = lead & 0x0F;
    } else if (lead >= 0xF0 && lead < 0xF5) {
        continuation_count = 3;
        code_point = lead & 0x07;
    } else {
        return 0xFFFD;
    }
    for (int i = 0; i < continuation_count; i++) {
        unsigned char next;
        if (bfchat_read_byte(fd, &next) != 1) {
            return EOF;
        }
        if ((next & 0xC0) != 0x80) {
            return 0xFFFD;
        }
        code_point = (code_point << 6) | (next & 0x3F);
    }
    if ((continuation_count == 2 && code_point < 0x800) || (continuation_count == 3 && code_point < 0x10000)
        || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
        return 0xFFFD;  // overlong encodings and surrogates
    }
    return code_point;
}

/// Makes readline read keys through `bfchat_getc`. Call before rl_initialize(), which
/// only installs a getc function that is set at that moment.
static inline void bfchat_use_interruptible_getc(void) {
    rl_getc_function = bfchat_getc;
}

// MARK: - Terminal mode (restored on exit and on SIGTERM/SIGHUP)

typedef struct {
    int fd;              // a dup of the terminal's descriptor, -1 when nothing is saved
    struct termios mode; // the mode the terminal had when it was saved
} bfchat_saved_terminal;

__attribute__((weak)) bfchat_saved_terminal *bfchat_saved_terminal_state(void) {
    static bfchat_saved_terminal state = {.fd = -1};
    return &state;
}

/// Remembers the current mode of terminal `fd`. The descriptor is duplicated so the
/// restore still works after the caller closes its own. Returns 0, or -1 when `fd`
/// is not a terminal.
static inline int bfchat_save_terminal(int fd) {
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
static inline int bfchat_restore_terminal(void) {
    bfchat_saved_terminal *state = bfchat_saved_terminal_state();
    int fd = __atomic_load_n(&state->fd, __ATOMIC_SEQ_CST);
    if (fd < 0) {
        return -1;
    }
    return tcsetattr(fd, TCSANOW, &state->mode);
}

/// SIGTERM/SIGHUP handler: restores the terminal and exits with 128 + signal, as a
/// shell reports a process ended by that signal.
__attribute__((weak)) void bfchat_on_termination(int signo) {
    bfchat_restore_terminal();
    _exit(128 + signo);
}

/// Installs `bfchat_on_termination` for SIGTERM and SIGHUP. Returns 0 or -1.
static inline int bfchat_install_termination_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = bfchat_on_termination;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGTERM, &action, NULL) != 0) {
        return -1;
    }
    return sigaction(SIGHUP, &action, NULL);
}

// MARK: - readline globals

/// The C library's standard streams (Swift 6 rejects the mutable globals `stdin`/`stderr`).
static inline FILE *_Nonnull bfchat_stdin(void) { return stdin; }
static inline FILE *_Nonnull bfchat_stdout(void) { return stdout; }
static inline FILE *_Nonnull bfchat_stderr(void) { return stderr; }

/// Where readline reads keys and draws the line.
static inline void bfchat_set_streams(FILE *input, FILE *output) {
    rl_instream = input;
    rl_outstream = output;
}

/// Name used for `$if` sections of ~/.editrc. Copied, since readline keeps the pointer
/// and a string passed from Swift is only valid during the call (a repeated name is
/// not copied again).
static inline void bfchat_set_readline_name(const char *name) {
    if (rl_readline_name == NULL || strcmp(rl_readline_name, name) != 0) {
        rl_readline_name = strdup(name);
    }
}

/// The function readline calls on Tab before its default (file name) completion.
static inline void bfchat_set_completion_function(rl_completion_func_t *function) {
    rl_attempted_completion_function = function;
}

/// 1: the completion function's answer is final, no file name completion follows.
static inline void bfchat_set_completion_over(int over) {
    rl_attempted_completion_over = over;
}

/// Makes only blanks separate words for completion: model ids contain '/', ':', '-'
/// and '.', which readline's default set would split.
static inline void bfchat_break_words_at_blanks(void) {
    static const char blanks[] = " \t\n";  // a literal: libedit keeps the pointer
    rl_basic_word_break_characters = blanks;
    rl_completer_word_break_characters = (char *)blanks;
}

/// The line being edited (valid inside a completion callback).
static inline const char *bfchat_line_buffer(void) {
    return rl_line_buffer;
}

/// Number of entries in the in-memory history.
static inline int bfchat_history_length(void) {
    return history_length;
}

/// The most recent history entry, or NULL.
static inline const char *bfchat_last_history_line(void) {
    if (history_length <= 0) {
        return NULL;
    }
    HIST_ENTRY *entry = history_get(history_base + history_length - 1);
    return entry != NULL ? entry->line : NULL;
}

// MARK: - Ctrl-X Ctrl-E: compose the line in an external editor

/// The text on the line when Ctrl-X Ctrl-E was pressed (malloc'd), or NULL.
__attribute__((weak)) char **bfchat_edit_request(void) {
    static char *text = NULL;
    return &text;
}

/// Key handler: keeps the current line and ends readline() (it returns NULL), so the
/// reader can tell this apart from Ctrl-D and open the editor.
__attribute__((weak)) int bfchat_on_edit_key(int count, int key) {
    (void)count;
    (void)key;
    char **request = bfchat_edit_request();
    free(*request);
    *request = strdup(rl_line_buffer != NULL ? rl_line_buffer : "");
    rl_done = 1;
    return 0;
}

/// Binds Ctrl-X Ctrl-E to the handler. libedit's rl_add_defun also binds the last key
/// (Ctrl-E) to it, so Ctrl-E is put back to end-of-line. Returns 0 on success.
static inline int bfchat_bind_edit_key(void) {
    if (rl_add_defun("bfchat-edit-in-editor", bfchat_on_edit_key, 5) != 0) {
        return -1;
    }
    rl_parse_and_bind("bind ^E ed-move-to-end");
    return rl_parse_and_bind("bind ^X^E bfchat-edit-in-editor");
}

/// Takes the pending Ctrl-X Ctrl-E request: the line's text (caller frees), or NULL.
static inline char *bfchat_take_edit_request(void) {
    char **request = bfchat_edit_request();
    char *text = *request;
    *request = NULL;
    return text;
}

#endif
