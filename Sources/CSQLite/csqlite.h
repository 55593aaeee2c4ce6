// The system's SQLite (libsqlite3-dev), as ChatStorage's session index uses it.
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast of -1 to a function pointer, a macro Swift cannot import: this
// returns it, so bound text and blobs are copied by SQLite before the Swift buffer goes away.
static inline sqlite3_destructor_type csqlite_transient(void) {
    return SQLITE_TRANSIENT;
}
