/* Futex wait and wake; see jmmap_futex.h. */
#define _GNU_SOURCE
#include "jmmap_futex.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NANOS_PER_SECOND 1000000000LL

static long futex(int32_t *word, int operation, int32_t value, const struct timespec *timeout) {
    return syscall(SYS_futex, word, operation, value, timeout, NULL, 0);
}

static long long monotonic_nanos(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * NANOS_PER_SECOND + now.tv_nsec;
}

int jmmap_futex_wait(int32_t *word, int32_t expected, long long timeout_nanos) {
    long long deadline = 0;
    if (timeout_nanos >= 0) {
        long long now = monotonic_nanos();
        deadline = timeout_nanos > LLONG_MAX - now ? LLONG_MAX : now + timeout_nanos;
    }
    for (;;) {
        struct timespec relative;
        const struct timespec *timeout = NULL;
        if (timeout_nanos >= 0) {
            long long left = deadline - monotonic_nanos();
            if (left < 0) {
                left = 0; /* still one call: the kernel reports EAGAIN or ETIMEDOUT as for any other wait */
            }
            relative.tv_sec = (time_t)(left / NANOS_PER_SECOND);
            relative.tv_nsec = (long)(left % NANOS_PER_SECOND);
            timeout = &relative;
        }
        if (futex(word, FUTEX_WAIT, expected, timeout) == 0) {
            return 0;
        }
        if (errno != EINTR) {
            return -errno;
        }
    }
}

int jmmap_futex_wake(int32_t *word, int32_t count) {
    long woken = futex(word, FUTEX_WAKE, count, NULL);
    return woken >= 0 ? (int)woken : -errno;
}
