#ifndef BANKFUTURE_CSPAWN_SHIM_H
#define BANKFUTURE_CSPAWN_SHIM_H

// The two GNU calls ChatTools needs to start a server without leaking descriptors; glibc
// declares them only under _GNU_SOURCE, which Swift's Glibc module is not built with.

#include <spawn.h>

/// pipe2(fds, O_CLOEXEC): both ends close-on-exec from the start, so a child another
/// thread starts at the same moment cannot inherit them. Returns 0, or -1 with errno set.
int bfchat_pipe_cloexec(int fds[2]);

/// Adds "close every descriptor from `lowest` up" to `actions`, so the child keeps only
/// stdin, stdout and stderr — not a socket of the chat's that was opened without
/// close-on-exec (the server would keep that connection open). Returns 0, or an error number.
int bfchat_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest);

#endif
