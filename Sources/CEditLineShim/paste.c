// Bracketed paste: the terminal is told to bracket pastes while the prompt is shown, and the
// key reader takes `ESC[200~` ... `ESC[201~` as one paste, handed whole to a handler rather
// than read as keys. Paste mode is turned off while the chat is stopped (Ctrl-Z).

#include "bfchat_shim.h"
#include "key_input.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// MARK: - Bracketed paste

static const unsigned char bfchat_paste_start[] = {0x1B, '[', '2', '0', '0', '~'};
static const unsigned char bfchat_paste_end[] = {0x1B, '[', '2', '0', '1', '~'};

/// The process's paste state.
bfchat_paste_state *bfchat_paste(void) {
    static bfchat_paste_state state = {.on = 0, .fd = -1, .handler = NULL, .limit = 0};
    return &state;
}

/// Writes all of `text` (async-signal-safe).
static void bfchat_write_all(int fd, const char *text, size_t count) {
    while (count > 0) {
        ssize_t written = write(fd, text, count);
        if (written > 0) {
            text += written;
            count -= (size_t)written;
        } else if (written < 0 && errno == EINTR) {
            continue;
        } else {
            return;
        }
    }
}

/// Turns the terminal's bracketed paste mode on (1) or off (0) by writing to `fd`.
void bfchat_set_bracketed_paste(int fd, int on) {
    bfchat_paste_state *state = bfchat_paste();
    state->fd = fd;
    bfchat_write_all(fd, on ? "\x1b[?2004h" : "\x1b[?2004l", 8);
    state->on = on;
}

/// Turns bracketed paste off if it is on (async-signal-safe, for signal handlers).
/// Returns 1 when it was on.
int bfchat_bracketed_paste_off_for_signal(void) {
    bfchat_paste_state *state = bfchat_paste();
    if (!state->on || state->fd < 0) {
        return 0;
    }
    int saved_errno = errno;
    bfchat_write_all(state->fd, "\x1b[?2004l", 8);
    errno = saved_errno;
    return 1;
}

/// The function given each paste's bytes, and the most bytes of one paste it is given.
void bfchat_set_paste_handler(bfchat_paste_handler_t *handler, size_t limit) {
    bfchat_paste_state *state = bfchat_paste();
    state->handler = handler;
    state->limit = limit;
}

/// After an ESC: whether `[200~` follows at once (a terminal sends the marker in one
/// piece). Bytes that do not complete the marker are put back, so an Esc key or an arrow
/// key is read as before.
int bfchat_paste_begins(int fd) {
    unsigned char seen[sizeof bfchat_paste_start - 1];
    size_t count = 0;
    while (count < sizeof seen && bfchat_byte_ready(fd)) {
        if (bfchat_next_byte(fd, &seen[count]) != 1) {
            break;
        }
        count++;
        if (seen[count - 1] != bfchat_paste_start[count]) {
            break;
        }
    }
    if (count == sizeof seen && memcmp(seen, bfchat_paste_start + 1, sizeof seen) == 0) {
        return 1;
    }
    bfchat_unread(seen, count);
    return 0;
}

/// A paste's bytes, at most a limit of them (`overflow` says more were dropped), and how
/// much of the end marker the last bytes matched.
typedef struct {
    unsigned char *bytes;
    size_t count;
    size_t capacity;
    int overflow;
    size_t matched;
} bfchat_paste_text;

/// Keeps `count` more bytes of the paste, up to `limit` in all. Returns 0, or -1 without memory.
static int bfchat_paste_keep(bfchat_paste_text *text, const unsigned char *bytes, size_t count, size_t limit) {
    size_t room = text->count < limit ? limit - text->count : 0;
    if (count > room) {
        text->overflow = 1;
        count = room;
    }
    if (count == 0) {
        return 0;
    }
    if (text->count + count > text->capacity) {
        size_t capacity = text->capacity < 4096 ? 4096 : text->capacity;
        while (capacity < text->count + count) {
            capacity *= 2;
        }
        unsigned char *grown = realloc(text->bytes, capacity);
        if (grown == NULL) {
            return -1;
        }
        text->bytes = grown;
        text->capacity = capacity;
    }
    memcpy(text->bytes + text->count, bytes, count);
    text->count += count;
    return 0;
}

/// Feeds bytes of the paste: keeps its text and looks for the end marker, which may be
/// split across reads. Returns the offset just past the marker, -1 while it has not come,
/// -2 without memory.
static long bfchat_paste_feed(bfchat_paste_text *text, const unsigned char *bytes, size_t count, size_t limit) {
    size_t run = 0;  // the first byte of text not kept yet
    for (size_t i = 0; i < count; i++) {
        if (bytes[i] == bfchat_paste_end[text->matched]) {
            if (text->matched == 0) {
                if (bfchat_paste_keep(text, bytes + run, i - run, limit) != 0) {
                    return -2;
                }
                run = i;
            }
            text->matched++;
            if (text->matched == sizeof bfchat_paste_end) {
                text->matched = 0;
                return (long)(i + 1);
            }
            continue;
        }
        if (text->matched > 0) {
            // Not the marker after all: what matched so far is text.
            if (bfchat_paste_keep(text, bfchat_paste_end, text->matched, limit) != 0) {
                return -2;
            }
            text->matched = 0;
            run = i;
            if (bytes[i] == bfchat_paste_end[0]) {
                text->matched = 1;
            }
        }
    }
    if (text->matched == 0 && bfchat_paste_keep(text, bytes + run, count - run, limit) != 0) {
        return -2;
    }
    return -1;
}

/// Reads a paste after its start marker, up to its end marker; bytes after that are put
/// back. Returns 0, or -1 when an interrupt stopped it or the input ended.
static int bfchat_read_paste(int fd, bfchat_paste_text *text, size_t limit) {
    unsigned char chunk[65536];
    for (;;) {
        size_t count = bfchat_take_pending(chunk, sizeof chunk);
        if (count == 0) {
            if (bfchat_wait_readable(fd) != 1) {
                return -1;
            }
            ssize_t got = read(fd, chunk, sizeof chunk);
            if (got == 0) {
                return -1;
            }
            if (got < 0) {
                if (errno == EINTR || errno == EAGAIN) {
                    continue;
                }
                return -1;
            }
            count = (size_t)got;
        }
        long end = bfchat_paste_feed(text, chunk, count, limit);
        if (end == -2) {
            return -1;
        }
        if (end >= 0) {
            // What followed the marker is typed input.
            bfchat_unread(chunk + end, count - (size_t)end);
            return 0;
        }
    }
}

/// Handles one paste: reads it and gives it to the handler, which returns the text to
/// insert at the cursor, or NULL when the line is to stay as it is. Returns 1 when text was
/// inserted (the line must be redrawn), 0 otherwise, -1 when the input ended or Ctrl-C
/// stopped the paste.
int bfchat_take_paste(int fd) {
    bfchat_paste_state *state = bfchat_paste();
    bfchat_paste_text text = {.bytes = NULL, .count = 0, .capacity = 0, .overflow = 0, .matched = 0};
    if (bfchat_read_paste(fd, &text, state->limit) != 0) {
        free(text.bytes);
        return -1;
    }
    char *insert = NULL;
    if (state->handler != NULL) {
        insert = state->handler((const char *)(text.bytes != NULL ? text.bytes : (unsigned char *)""), text.count, text.overflow);
    }
    free(text.bytes);
    if (insert == NULL) {
        return 0;
    }
    rl_insert_text(insert);  // does nothing for ""
    free(insert);
    return 1;
}

// MARK: - Suspend (Ctrl-Z) with bracketed paste on

/// SIGTSTP handler: the shell must not be left in paste mode while the chat is stopped.
/// Turns paste mode off, stops as the default action would, and turns it back on after
/// SIGCONT. libedit's own handler (installed while a line is edited) runs first and
/// restores the terminal's cooked mode; it then re-raises the signal, which lands here.
static void bfchat_on_suspend(int signo) {
    int saved_errno = errno;
    int was_on = bfchat_bracketed_paste_off_for_signal();
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(signo, &action, NULL);
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, signo);
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);
    raise(signo);  // stopped here until SIGCONT
    sigprocmask(SIG_BLOCK, &unblock, NULL);
    action.sa_handler = bfchat_on_suspend;
    sigaction(signo, &action, NULL);
    bfchat_paste_state *state = bfchat_paste();
    if (was_on && state->on && state->fd >= 0) {
        bfchat_write_all(state->fd, "\x1b[?2004h", 8);
    }
    errno = saved_errno;
}

/// Installs the SIGTSTP handler that turns bracketed paste off while the chat is
/// stopped. Returns 0 or -1.
int bfchat_install_suspend_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = bfchat_on_suspend;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return sigaction(SIGTSTP, &action, NULL);
}
