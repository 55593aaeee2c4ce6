#ifndef BANKFUTURE_CEDITLINE_SHIM_H
#define BANKFUTURE_CEDITLINE_SHIM_H

// The small C surface ChatTerminal needs around libedit (definitions in readline.c,
// signals.c and keys.c).

#include <stdio.h>
#include <editline/readline.h>

/// Makes the C library treat input as UTF-8. Without a UTF-8 LC_CTYPE libedit drops
/// every non-ASCII byte. Takes the user's locale when it is UTF-8, otherwise (LANG
/// unset, as in many containers) the first UTF-8 locale that exists.
/// Returns 1 when LC_CTYPE is UTF-8 afterwards.
int bfchat_use_utf8_ctype(void);

/// Installs the SIGINT handler (and its wake-up pipe, once). No SA_RESTART, so a
/// blocking call in the thread that runs the handler returns EINTR rather than
/// resuming. Returns 0 on success, -1 with errno set on failure.
int bfchat_install_interrupt_handler(void);

/// Returns 1 and clears the flag when an interrupt is pending, else 0.
int bfchat_consume_interrupt(void);

/// Returns 1 when an interrupt is pending, without clearing it.
int bfchat_interrupt_pending(void);

/// How many interrupts there have been since the process started (never cleared).
int bfchat_interrupt_count(void);

/// Sets the flag and wakes readers as Ctrl-C would.
void bfchat_raise_interrupt(void);

/// Waits until `fd` is readable (1), an interrupt is pending (0), or poll fails (-1).
/// The flag is left set for the caller to consume.
int bfchat_wait_readable(int fd);

/// Makes readline read keys through `bfchat_getc` (keys.c). Call before rl_initialize(),
/// which only installs a getc function that is set at that moment.
void bfchat_use_interruptible_getc(void);

// MARK: Bracketed paste and type-ahead (keys.c)

/// Given a paste's bytes (`overflow` 1 when there were more than the limit and the rest was
/// dropped), returns the text to insert at the cursor (malloc'd; the caller frees), or NULL
/// to leave the line as it is.
typedef char *_Nullable bfchat_paste_handler_t(const char *_Nonnull bytes, size_t count, int overflow);

/// The function given each paste's bytes, and the most bytes of one paste it is given.
void bfchat_set_paste_handler(bfchat_paste_handler_t *_Nullable handler, size_t limit);

/// Turns the terminal's bracketed paste mode on (1) or off (0) by writing to `fd`. While it
/// is on, the key reader takes `ESC[200~` … `ESC[201~` as one paste for the handler.
void bfchat_set_bracketed_paste(int fd, int on);

/// Turns bracketed paste off if it is on (async-signal-safe, for signal handlers).
/// Returns 1 when it was on.
int bfchat_bracketed_paste_off_for_signal(void);

/// Makes readline put the terminal in raw mode before it draws the prompt (not at the first
/// key), with Ctrl-C (and Ctrl-Z, Ctrl-\\) passed to the key reader as keys, in order with
/// the others (Ctrl-C then interrupts from the key reader). Call after rl_initialize().
void bfchat_read_keys_in_order(void);

/// Binds the key the reader sends after inserting a paste to ed-redisplay, in both key
/// maps. Call after rl_initialize() (and after ~/.editrc is read).
void bfchat_bind_paste_redisplay(void);

/// Installs the SIGTSTP handler that turns bracketed paste off while the chat is
/// stopped (and on again after SIGCONT). Returns 0 or -1.
int bfchat_install_suspend_handler(void);

/// Drops what was typed (or pasted without bracketed paste) ahead of the prompt on
/// terminal `fd`, including bytes already read ahead, and returns how many lines that was
/// (a started last line counts). Reading goes on until `quiet_ms` pass without a byte, at
/// most `limit_ms` in all, since a terminal may still be writing a large paste.
int bfchat_discard_type_ahead(int fd, int quiet_ms, int limit_ms);

/// Drops what is waiting to be read on `fd`: bytes read ahead and the terminal's input queue.
void bfchat_discard_pending_input(int fd);

/// Remembers the current mode of terminal `fd`. The descriptor is duplicated so the
/// restore still works after the caller closes its own. Returns 0, or -1 when `fd`
/// is not a terminal.
int bfchat_save_terminal(int fd);

/// Puts the saved mode back (async-signal-safe: tcsetattr only). Returns 0, or -1
/// when nothing was saved or the terminal is gone.
int bfchat_restore_terminal(void);

/// Puts the saved mode back with NOFLSH added (between prompts: Ctrl-C is a signal, and
/// what is typed stays queued until it is read or counted). Returns 0, or -1 when nothing
/// was saved.
int bfchat_restore_terminal_keeping_input(void);

/// Installs `bfchat_on_termination` for SIGTERM and SIGHUP. Returns 0 or -1.
int bfchat_install_termination_handlers(void);

/// The C library's standard streams (Swift 6 rejects the mutable globals `stdin`/`stderr`).
FILE *_Nonnull bfchat_stdin(void);

FILE *_Nonnull bfchat_stdout(void);

FILE *_Nonnull bfchat_stderr(void);

/// Where readline reads keys and draws the line.
void bfchat_set_streams(FILE *_Nonnull input, FILE *_Nonnull output);

/// Name used for `$if` sections of ~/.editrc. Copied, since readline keeps the pointer
/// and a string passed from Swift is only valid during the call (a repeated name is
/// not copied again).
void bfchat_set_readline_name(const char *_Nonnull name);

/// The function readline calls on Tab before its default (file name) completion.
void bfchat_set_completion_function(rl_completion_func_t *_Nullable function);

/// 1: the completion function's answer is final, no file name completion follows.
void bfchat_set_completion_over(int over);

/// What readline adds after a single completion: ' ' for words, '\0' (nothing) when the
/// completion function puts what belongs there into the match itself.
void bfchat_set_completion_append_character(int character);

/// Writes `text` on a line of its own below the line being edited, which is then drawn
/// again below it (call only while readline() reads keys).
void bfchat_print_above_line(const char *_Nonnull text);

/// Makes only blanks separate words for completion: model ids contain '/', ':', '-'
/// and '.', which readline's default set would split.
void bfchat_break_words_at_blanks(void);

/// The line being edited (valid inside a completion callback).
const char *_Nullable bfchat_line_buffer(void);

/// Number of entries in the in-memory history.
int bfchat_history_length(void);

/// The most recent history entry, or NULL.
const char *_Nullable bfchat_last_history_line(void);

/// Binds Ctrl-X Ctrl-E to the handler. libedit's rl_add_defun also binds the last key
/// (Ctrl-E) to it, so Ctrl-E is put back to end-of-line. Returns 0 on success.
int bfchat_bind_edit_key(void);

/// Takes the pending Ctrl-X Ctrl-E request: the line's text (caller frees), or NULL.
char *_Nullable bfchat_take_edit_request(void);

#endif
