// Setters for libedit's readline globals (Swift 6 cannot assign imported C globals) and
// the Ctrl-X Ctrl-E binding.

#include "bfchat_shim.h"

#include <stdlib.h>
#include <string.h>

// MARK: - readline globals

/// The C library's standard streams (Swift 6 rejects the mutable globals `stdin`/`stderr`).
FILE *bfchat_stdin(void) { return stdin; }
FILE *bfchat_stdout(void) { return stdout; }
FILE *bfchat_stderr(void) { return stderr; }

/// Where readline reads keys and draws the line.
void bfchat_set_streams(FILE *input, FILE *output) {
    rl_instream = input;
    rl_outstream = output;
}

/// Name used for `$if` sections of ~/.editrc. Copied, since readline keeps the pointer
/// and a string passed from Swift is only valid during the call (a repeated name is
/// not copied again).
void bfchat_set_readline_name(const char *name) {
    if (rl_readline_name == NULL || strcmp(rl_readline_name, name) != 0) {
        rl_readline_name = strdup(name);
    }
}

/// The function readline calls on Tab before its default (file name) completion.
void bfchat_set_completion_function(rl_completion_func_t *function) {
    rl_attempted_completion_function = function;
}

/// 1: the completion function's answer is final, no file name completion follows.
void bfchat_set_completion_over(int over) {
    rl_attempted_completion_over = over;
}

/// What readline adds after a single completion: ' ' for words, '\0' (nothing) when the
/// completion function puts what belongs there into the match itself.
void bfchat_set_completion_append_character(int character) {
    rl_completion_append_character = character;
}

/// Writes `text` on a line of its own below the line being edited, which is then drawn
/// again below it (call only while readline() reads keys).
void bfchat_print_above_line(const char *text) {
    fprintf(rl_outstream, "\n%s\n", text);
    fflush(rl_outstream);
    rl_forced_update_display();
}

/// Makes only blanks separate words for completion: model ids contain '/', ':', '-'
/// and '.', which readline's default set would split.
void bfchat_break_words_at_blanks(void) {
    static const char blanks[] = " \t\n";  // a literal: libedit keeps the pointer
    rl_basic_word_break_characters = blanks;
    rl_completer_word_break_characters = (char *)blanks;
}

/// The line being edited (valid inside a completion callback).
const char *bfchat_line_buffer(void) {
    return rl_line_buffer;
}

/// Number of entries in the in-memory history.
int bfchat_history_length(void) {
    return history_length;
}

/// The most recent history entry, or NULL.
const char *bfchat_last_history_line(void) {
    if (history_length <= 0) {
        return NULL;
    }
    HIST_ENTRY *entry = history_get(history_base + history_length - 1);
    return entry != NULL ? entry->line : NULL;
}

// MARK: - Ctrl-X Ctrl-E: compose the line in an external editor

/// The text on the line when Ctrl-X Ctrl-E was pressed (malloc'd), or NULL.
static char **bfchat_edit_request(void) {
    static char *text = NULL;
    return &text;
}

/// Key handler: keeps the current line and ends readline() (it returns NULL), so the
/// reader can tell this apart from Ctrl-D and open the editor.
static int bfchat_on_edit_key(int count, int key) {
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
int bfchat_bind_edit_key(void) {
    if (rl_add_defun("bfchat-edit-in-editor", bfchat_on_edit_key, 5) != 0) {
        return -1;
    }
    rl_parse_and_bind("bind ^E ed-move-to-end");
    return rl_parse_and_bind("bind ^X^E bfchat-edit-in-editor");
}

/// Takes the pending Ctrl-X Ctrl-E request: the line's text (caller frees), or NULL.
char *bfchat_take_edit_request(void) {
    char **request = bfchat_edit_request();
    char *text = *request;
    *request = NULL;
    return text;
}

