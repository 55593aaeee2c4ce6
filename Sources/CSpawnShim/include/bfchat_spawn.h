#ifndef BANKFUTURE_CSPAWN_SHIM_H
#define BANKFUTURE_CSPAWN_SHIM_H

// The calls the one spawner (ChatProcess.ProcessSpawn) needs: the two GNU ones to start a
// child without leaking descriptors (glibc declares them only under _GNU_SOURCE, which
// Swift's Glibc module is not built with), and the signal set-up every child gets.

#include <spawn.h>

/// pipe2(fds, O_CLOEXEC): both ends close-on-exec from the start, so a child another
/// thread starts at the same moment cannot inherit them. Returns 0, or -1 with errno set.
int bfchat_pipe_cloexec(int fds[2]);

/// Adds "close every descriptor from `lowest` up" to `actions`, so the child keeps only
/// stdin, stdout and stderr — not a socket of the chat's that was opened without
/// close-on-exec (the server would keep that connection open). Returns 0, or an error number.
int bfchat_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest);

/// Sets `attributes` (initialised) so that the child starts with the signals of a fresh
/// process: none blocked (POSIX_SPAWN_SETSIGMASK, an empty set: the spawning thread may
/// block signals) and every one at its default action (POSIX_SPAWN_SETSIGDEF, all signals:
/// an ignored signal, like the chat's SIGPIPE, would stay ignored across exec). `flags` are
/// set too (e.g. POSIX_SPAWN_SETPGROUP). Returns 0, or an error number.
int bfchat_spawnattr_fresh_signals(posix_spawnattr_t *attributes, short flags);

#endif
