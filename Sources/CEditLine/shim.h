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
#include <string.h>
#include <signal.h>
#include <locale.h>
#include <langinfo.h>
#include <termios.h>
#include <unistd.h>
#include <fcntl.h>
#include <editline/readline.h>

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

/// The one interrupt flag of the process, set by the SIGINT handler.
__attribute__((weak)) volatile sig_atomic_t *bfchat_interrupt_flag(void) {
    static volatile sig_atomic_t flag = 0;
    return &flag;
}

/// SIGINT handler: only records the interrupt (async-signal-safe).
__attribute__((weak)) void bfchat_on_interrupt(int signo) {
    (void)signo;
    __atomic_store_n(bfchat_interrupt_flag(), 1, __ATOMIC_SEQ_CST);
}

/// Installs the SIGINT handler. No SA_RESTART on purpose: a blocking read() must fail
/// with EINTR so that readline() returns at once when Ctrl-C is pressed.
/// Returns 0 on success, -1 with errno set on failure.
static inline int bfchat_install_interrupt_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = bfchat_on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    return sigaction(SIGINT, &action, NULL);
}

/// Returns 1 and clears the flag when an interrupt is pending, else 0.
static inline int bfchat_consume_interrupt(void) {
    return __atomic_exchange_n(bfchat_interrupt_flag(), 0, __ATOMIC_SEQ_CST) != 0;
}

/// Returns 1 when an interrupt is pending, without clearing it.
static inline int bfchat_interrupt_pending(void) {
    return __atomic_load_n(bfchat_interrupt_flag(), __ATOMIC_SEQ_CST) != 0;
}

/// Sets the flag as Ctrl-C would (for tests and for code that cancels on purpose).
static inline void bfchat_raise_interrupt_flag(void) {
    __atomic_store_n(bfchat_interrupt_flag(), 1, __ATOMIC_SEQ_CST);
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
    int previous = state->fd;
    state->fd = -1;  // a signal arriving now finds nothing half-written
    state->mode = mode;
    state->fd = copy;
    if (previous >= 0) {
        close(previous);
    }
    return 0;
}

/// Puts the saved mode back (async-signal-safe: tcsetattr only). Returns 0, or -1
/// when nothing was saved or the terminal is gone.
static inline int bfchat_restore_terminal(void) {
    bfchat_saved_terminal *state = bfchat_saved_terminal_state();
    if (state->fd < 0) {
        return -1;
    }
    return tcsetattr(state->fd, TCSANOW, &state->mode);
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
static inline FILE *bfchat_stdin(void) { return stdin; }
static inline FILE *bfchat_stderr(void) { return stderr; }

/// Where readline reads keys and draws the line.
static inline void bfchat_set_streams(FILE *input, FILE *output) {
    rl_instream = input;
    rl_outstream = output;
}

/// Name used for `$if` sections of ~/.editrc.
static inline void bfchat_set_readline_name(const char *name) {
    rl_readline_name = name;
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

#endif
