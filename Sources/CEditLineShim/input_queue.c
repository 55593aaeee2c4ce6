// The bytes of the terminal on their way to readline: read one at a time, waiting with the
// Ctrl-C wake-up pipe, and those read ahead (after a paste, or after an ESC that did not
// start one) kept in order for the next read.

#include "bfchat_shim.h"
#include "key_input.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
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
int bfchat_unread(const unsigned char *bytes, size_t count) {
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
size_t bfchat_take_pending(unsigned char *buffer, size_t limit) {
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
int bfchat_read_byte(int fd, unsigned char *byte) {
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
int bfchat_next_byte(int fd, unsigned char *byte) {
    if (bfchat_take_pending(byte, 1) == 1) {
        return 1;
    }
    return bfchat_read_byte(fd, byte);
}

/// Whether a byte can be had without waiting.
int bfchat_byte_ready(int fd) {
    bfchat_byte_queue *queue = bfchat_pending_keys();
    if (queue->end > queue->start) {
        return 1;
    }
    struct pollfd descriptor = {.fd = fd, .events = POLLIN, .revents = 0};
    return poll(&descriptor, 1, 0) == 1 && (descriptor.revents & POLLIN) != 0;
}

/// Forgets the bytes read ahead.
void bfchat_clear_pending(void) {
    bfchat_byte_queue *queue = bfchat_pending_keys();
    queue->start = queue->end = 0;
}
