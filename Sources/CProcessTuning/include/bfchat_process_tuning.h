#ifndef BANKFUTURE_CPROCESS_TUNING_H
#define BANKFUTURE_CPROCESS_TUNING_H

// How the chat's process is set up before anything else runs: what Swift cannot say itself
// (mallopt and its constants are glibc's).

/// Limits glibc to one malloc arena (unless MALLOC_ARENA_MAX is set). By default every
/// thread that allocates (event loop, task pool, main) gets an arena of its own, and memory
/// freed in one is kept there: a long session's resident memory then grew by 3-4 MB over
/// 1,000 turns while its history was 0.2 MB. One arena keeps the growth near the history's
/// size; streaming throughput does not change (threads allocate from their own caches first).
/// Call first thing in main, before other threads allocate.
void bfchat_limit_malloc_arenas(void);

#endif
