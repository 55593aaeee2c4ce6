// Keys from the terminal for readline: UTF-8 decoding, Ctrl-C, bracketed paste, and the
// type-ahead dropped after a Ctrl-C. libedit knows nothing of bracketed paste, so a paste
// is recognised here, below libedit's key bindings: its text never reaches them.

#include "bfchat_shim.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

// MARK: - Bytes read ahead

/// Bytes read from the terminal and not yet handed to readline: what followed a paste's end
/// marker in the same read, or the bytes after an ESC that turned out not to start a paste.
typedef struct {
    unsigned char *bytes;
    size_t start;     // first pending byte
    size_t end;       // one past the last
    size_t capacity;
} bfchat_byte_queue;

static bfchat_byte_queue *bfchat_pending_keys(void) {
    static bfchat_byte_queue queue = {.bytes = NULL, .start = 0, .end = 0, .capacity = 0};
    return &queue;
}

/// Puts `count` bytes back in front of the pending ones. Returns 0, or -1 without memory.
static int bfchat_unread(const unsigned char *bytes, size_t count) {
    bfchat_byte_queue *queue = bfchat_pending_keys();
    if (count == 0) {
        return 0;
    }
    if (queue->start >= count) {
        queue->start -= count;
        memcpy(queue->bytes + queue->start, bytes, count);
        return 0;
    }
    size_t pending = queue->end - queue->start;
    size_t needed = pending + count;
    if (needed > queue->capacity) {
        size_t capacity = queue->capacity < 64 ? 64 : queue->capacity;
        while (capacity < needed) {
            capacity *= 2;
        }
        unsigned char *grown = malloc(capacity);
        if (grown == NULL) {
            return -1;
        }
        if (pending > 0) {
            memcpy(grown + count, queue->bytes + queue->start, pending);
        }
        free(queue->bytes);
        queue->bytes = grown;
        queue->capacity = capacity;
    } else {
        memmove(queue->bytes + count, queue->bytes + queue->start, pending);
    }
    memcpy(queue->bytes, bytes, count);
    queue->start = 0;
    queue->end = needed;
    return 0;
}

/// Takes up to `limit` pending bytes into `buffer`; returns how many.
static size_t bfchat_take_pending(unsigned char *buffer, size_t limit) {
    bfchat_byte_queue *queue = bfchat_pending_keys();
    size_t count = queue->end - queue->start;
    if (count > limit) {
        count = limit;
    }
    if (count > 0) {
        memcpy(buffer, queue->bytes + queue->start, count);
        queue->start += count;
    }
    if (queue->start == queue->end) {
        queue->start = queue->end = 0;
    }
    return count;
}

// MARK: - Reading bytes

/// Reads one byte of `fd` unless Ctrl-C comes first: 1 read, 0 end of input,
/// -1 interrupted or failed.
static int bfchat_read_byte(int fd, unsigned char *byte) {
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

/// The next byte of input: a pending one first, then the terminal (as bfchat_read_byte).
static int bfchat_next_byte(int fd, unsigned char *byte) {
    if (bfchat_take_pending(byte, 1) == 1) {
        return 1;
    }
    return bfchat_read_byte(fd, byte);
}

/// Whether a byte can be had without waiting.
static int bfchat_byte_ready(int fd) {
    bfchat_byte_queue *queue = bfchat_pending_keys();
    if (queue->end > queue->start) {
        return 1;
    }
    struct pollfd descriptor = {.fd = fd, .events = POLLIN, .revents = 0};
    return poll(&descriptor, 1, 0) == 1 && (descriptor.revents & POLLIN) != 0;
}

// MARK: - Bracketed paste

static const unsigned char bfchat_paste_start[] = {0x1B, '[', '2', '0', '0', '~'};
static const unsigned char bfchat_paste_end[] = {0x1B, '[', '2', '0', '1', '~'};

typedef struct {
    volatile sig_atomic_t on;  // the terminal was told to bracket pastes
    volatile sig_atomic_t fd;  // where that was written, -1 before
    bfchat_paste_handler_t *handler;
    size_t limit;
} bfchat_paste_state;

static bfchat_paste_state *bfchat_paste(void) {
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
static int bfchat_paste_begins(int fd) {
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
static int bfchat_take_paste(int fd) {
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

// MARK: - readline's getc

/// The key readline gets after a paste was inserted: bound to ed-redisplay (see
/// bfchat_bind_paste_redisplay), so libedit redraws the line it was not told about. U+0091
/// is PRIVATE USE ONE, a C1 control no keyboard sends.
#define BFCHAT_REDISPLAY_KEY 0x91

/// Ctrl-C as a key: in the edit mode the terminal does not turn it into SIGINT (see
/// bfchat_read_keys_in_order), so it reaches bfchat_getc in order with the other keys.
#define BFCHAT_CTRL_C 0x03

/// While a line is edited, Ctrl-C (and Ctrl-Z, Ctrl-\\) reach the line editor as keys
/// instead of signals: a signal overtakes the keys before it, and a paste that held 0x03
/// was cut short. libedit binds Ctrl-Z to suspend; Ctrl-C is an interrupt in bfchat_getc.
/// readline() sets libedit's modes up afresh on every call, so this runs as its pre-input
/// hook, after that and before the line is read.
static int bfchat_set_edit_mode(void) {
    rl_parse_and_bind("setty -d -isig");
    return 0;
}

/// Installs the hook that sets the edit mode for each line (see bfchat_set_edit_mode).
void bfchat_read_keys_in_order(void) {
    rl_pre_input_hook = bfchat_set_edit_mode;
}

/// Binds the redisplay key in both of libedit's key maps. Call after rl_initialize().
void bfchat_bind_paste_redisplay(void) {
    rl_parse_and_bind("bind '\\221' ed-redisplay");
    rl_parse_and_bind("bind -a '\\221' ed-redisplay");
}

/// readline's `rl_getc_function`: one character of `rl_instream`, decoded from UTF-8
/// (libedit takes the returned value as a wide character), or EOF at the end of input
/// and when Ctrl-C is pressed, which makes readline() return NULL at once.
/// Invalid UTF-8 becomes U+FFFD. While bracketed paste is on, a paste is inserted as text
/// (see bfchat_take_paste) and never read as keys.
static int bfchat_getc(FILE *stream) {
    (void)stream;  // some libedit versions pass NULL; rl_instream is the input
    int fd = fileno(rl_instream);
    unsigned char lead;
    for (;;) {
        if (bfchat_next_byte(fd, &lead) != 1) {
            return EOF;
        }
        if (lead == BFCHAT_CTRL_C) {
            bfchat_raise_interrupt();  // as the signal would: readline() returns NULL
            return EOF;
        }
        if (lead != 0x1B || !bfchat_paste()->on || !bfchat_paste_begins(fd)) {
            break;
        }
        int taken = bfchat_take_paste(fd);
        if (taken < 0) {
            return EOF;
        }
        if (taken > 0) {
            return BFCHAT_REDISPLAY_KEY;
        }
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
        if (bfchat_next_byte(fd, &next) != 1) {
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
    if (code_point == BFCHAT_REDISPLAY_KEY) {
        return 0xFFFD;  // typed, it would only redraw the line; shown as what it is not
    }
    return code_point;
}

/// Makes readline read keys through `bfchat_getc`. Call before rl_initialize(), which
/// only installs a getc function that is set at that moment.
void bfchat_use_interruptible_getc(void) {
    rl_getc_function = bfchat_getc;
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

// MARK: - Type-ahead

/// Counts line ends (CR, LF or CRLF) in `bytes`; `*in_line` says whether a line was
/// started and not ended, and is updated. `*last_was_cr` carries a CR across calls.
static size_t bfchat_count_lines(const unsigned char *bytes, size_t count, int *in_line, int *last_was_cr) {
    size_t lines = 0;
    for (size_t i = 0; i < count; i++) {
        unsigned char byte = bytes[i];
        if (byte == '\n' && *last_was_cr) {
            *last_was_cr = 0;
            continue;  // the LF of a CRLF
        }
        *last_was_cr = byte == '\r';
        if (byte == '\n' || byte == '\r') {
            lines++;
            *in_line = 0;
        } else {
            *in_line = 1;
        }
    }
    return lines;
}

/// Drops what was typed (or pasted without bracketed paste) ahead of the prompt on
/// terminal `fd`, including bytes already read ahead, and returns how many lines that was
/// (a started last line counts). Input keeps arriving while a terminal still writes a
/// large paste, so reading goes on until `quiet_ms` pass without a byte (at most
/// `limit_ms` in all).
int bfchat_discard_type_ahead(int fd, int quiet_ms, int limit_ms) {
    unsigned char chunk[16384];
    int in_line = 0;
    int last_was_cr = 0;
    size_t lines = 0;
    size_t count;
    while ((count = bfchat_take_pending(chunk, sizeof chunk)) > 0) {
        lines += bfchat_count_lines(chunk, count, &in_line, &last_was_cr);
    }
    struct termios saved;
    if (tcgetattr(fd, &saved) == 0) {
        // Non-canonical, so a line not yet ended can be read (and counted) too.
        struct termios drain = saved;
        drain.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
        drain.c_cc[VMIN] = 0;
        drain.c_cc[VTIME] = 0;
        tcsetattr(fd, TCSANOW, &drain);
        struct timespec started;
        clock_gettime(CLOCK_MONOTONIC, &started);
        for (;;) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            long elapsed_ms = (now.tv_sec - started.tv_sec) * 1000 + (now.tv_nsec - started.tv_nsec) / 1000000;
            if (elapsed_ms >= limit_ms) {
                break;
            }
            struct pollfd descriptor = {.fd = fd, .events = POLLIN, .revents = 0};
            int ready = poll(&descriptor, 1, quiet_ms);
            if (ready < 0 && errno == EINTR) {
                continue;
            }
            if (ready <= 0) {
                break;
            }
            ssize_t got = read(fd, chunk, sizeof chunk);
            if (got <= 0) {
                break;
            }
            lines += bfchat_count_lines(chunk, (size_t)got, &in_line, &last_was_cr);
        }
        tcflush(fd, TCIFLUSH);
        tcsetattr(fd, TCSANOW, &saved);
    }
    return (int)(lines + (in_line ? 1 : 0));
}

/// Drops what is waiting to be read: bytes read ahead and the terminal's input queue.
void bfchat_discard_pending_input(int fd) {
    bfchat_byte_queue *queue = bfchat_pending_keys();
    queue->start = queue->end = 0;
    tcflush(fd, TCIFLUSH);
}
