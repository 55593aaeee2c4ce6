// Keys from the terminal for readline: UTF-8 decoding, Ctrl-C as a key, a paste taken as
// text (paste.c), and the type-ahead dropped after a Ctrl-C during a turn.

#include "bfchat_shim.h"
#include "key_input.h"

#include <errno.h>
#include <poll.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

// MARK: - readline's getc

/// The key readline gets after a paste was inserted: bound to ed-redisplay (see
/// bfchat_bind_paste_redisplay), so libedit redraws the line it was not told about. U+0091
/// is PRIVATE USE ONE, a C1 control no keyboard sends.
#define BFCHAT_REDISPLAY_KEY 0x91

/// Ctrl-C as a key: in the edit mode the terminal does not turn it into SIGINT (see
/// bfchat_read_keys_in_order), so it reaches bfchat_getc in order with the other keys.
#define BFCHAT_CTRL_C 0x03

/// The terminal mode for editing a line, set before the prompt is drawn:
/// - Ctrl-C (and Ctrl-Z, Ctrl-\\) reach the line editor as keys instead of signals: a signal
///   overtakes the keys before it, and a paste that held 0x03 was cut short. libedit binds
///   Ctrl-Z to suspend; Ctrl-C is an interrupt in bfchat_getc.
/// - raw at once: libedit would switch only when it first reads a key, after drawing the
///   prompt, and keys arriving in between were echoed and line-edited by the terminal (a
///   pasted Ctrl-D ended the chat).
/// readline() sets libedit's modes up afresh on every call, so this runs as its pre-input
/// hook, after that and before the prompt is drawn.
static int bfchat_set_edit_mode(void) {
    rl_parse_and_bind("setty -d -isig");
    rl_prep_terminal(1);
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
    bfchat_clear_pending();
    tcflush(fd, TCIFLUSH);
}
