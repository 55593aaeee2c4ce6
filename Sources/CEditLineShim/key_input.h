// Shared by the key reader's files (input_queue.c, paste.c, keys.c); not part of the
// module's interface.

#ifndef BANKFUTURE_KEY_INPUT_H
#define BANKFUTURE_KEY_INPUT_H

#include "bfchat_shim.h"

#include <signal.h>
#include <stddef.h>

// MARK: Bytes read ahead (input_queue.c)

/// Puts `count` bytes back in front of the pending ones. Returns 0, or -1 without memory.
int bfchat_unread(const unsigned char *bytes, size_t count);

/// Takes up to `limit` pending bytes into `buffer`; returns how many.
size_t bfchat_take_pending(unsigned char *buffer, size_t limit);

/// Forgets the bytes read ahead.
void bfchat_clear_pending(void);

/// Reads one byte of `fd` unless Ctrl-C comes first: 1 read, 0 end of input,
/// -1 interrupted or failed.
int bfchat_read_byte(int fd, unsigned char *byte);

/// The next byte of input: a pending one first, then the terminal (as bfchat_read_byte).
int bfchat_next_byte(int fd, unsigned char *byte);

/// Whether a byte can be had without waiting.
int bfchat_byte_ready(int fd);

// MARK: Bracketed paste (paste.c)

typedef struct {
    volatile sig_atomic_t on;  // the terminal was told to bracket pastes
    volatile sig_atomic_t fd;  // where that was written, -1 before
    bfchat_paste_handler_t *handler;
    size_t limit;
} bfchat_paste_state;

/// The process's paste state.
bfchat_paste_state *bfchat_paste(void);

/// After an ESC: whether `[200~` follows at once; other bytes are put back.
int bfchat_paste_begins(int fd);

/// Reads one paste and gives it to the handler. Returns 1 when text was inserted (the line
/// must be redrawn), 0 otherwise, -1 when the input ended or Ctrl-C stopped the paste.
int bfchat_take_paste(int fd);

#endif
