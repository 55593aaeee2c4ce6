#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>

#include "bfchat_spawn.h"

int bfchat_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int bfchat_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}

int bfchat_spawnattr_fresh_signals(posix_spawnattr_t *attributes, short flags) {
    sigset_t all;
    sigset_t none;
    // Every bit, not sigfillset: glibc's leaves out its two internal signals (32 and 33),
    // and its posix_spawn then sets them to SIG_IGN in the child, which exec keeps.
    memset(&all, 0xFF, sizeof all);
    sigemptyset(&none);
    int result = posix_spawnattr_setsigdefault(attributes, &all);
    if (result == 0) result = posix_spawnattr_setsigmask(attributes, &none);
    if (result == 0) result = posix_spawnattr_setflags(attributes, flags | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    return result;
}
