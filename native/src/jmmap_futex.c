/* Futex calls: FUTEX_WAIT and FUTEX_WAKE on a naturally aligned int of mapped memory.
 *
 * The shared (not _PRIVATE) operations: the words live in memory that other processes map too, and only the
 * shared form keys a waiter by the backing page (file or shmem inode and offset) rather than by this process's
 * address space. The kernel reads the word itself and reports a page no longer backed by its file as EFAULT, so
 * no SIGBUS guard is needed here. */
#define _GNU_SOURCE
#include "jmmap.h"
#include "org_jmmap_internal_JniBackend.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
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

/* Sleeps while the int at `address` holds `expected`, for at most `timeout_nanos` (< 0: no limit). 0 when woken
 * (or spuriously), -EAGAIN when the word did not hold `expected`, -ETIMEDOUT when the time ran out, -EINVAL for a
 * misaligned word, -EFAULT for an unmapped or no longer backed one. A signal (EINTR) restarts the wait with the
 * time that is left, so a caller never sees it. */
static jint futexWait0(JNIEnv *env, jclass clazz, jlong address, jint expected, jlong timeout_nanos) {
    (void)env;
    (void)clazz;
    int32_t *word = (int32_t *)(uintptr_t)address;
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
JMMAP_CHECK_SIGNATURE(futexWait0, futexWait0);

/* Wakes at most `count` waiters of the int at `address`; the number woken or -errno. */
static jint futexWake0(JNIEnv *env, jclass clazz, jlong address, jint count) {
    (void)env;
    (void)clazz;
    long woken = futex((int32_t *)(uintptr_t)address, FUTEX_WAKE, count, NULL);
    return woken >= 0 ? (jint)woken : -errno;
}
JMMAP_CHECK_SIGNATURE(futexWake0, futexWake0);

int jmmap_futex_onload(JNIEnv *env, jclass backend) {
    static const JNINativeMethod methods[] = {
        {"futexWait0", "(JIJ)I", (void *)futexWait0},
        {"futexWake0", "(JI)I", (void *)futexWake0},
    };
    return jmmap_register(env, backend, methods, (int)JMMAP_ARRAY_LENGTH(methods));
}
