// libedit's readline-compatible API, as ChatTerminal uses it (the C helpers around it are
// the CEditLineShim target).
#include <editline/readline.h>
