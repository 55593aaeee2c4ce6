#include "bfchat_process_tuning.h"

#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void bfchat_limit_malloc_arenas(void) {
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
    if (getenv("MALLOC_ARENA_MAX") == NULL) mallopt(M_ARENA_MAX, 1);
#endif
}
