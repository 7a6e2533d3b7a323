/*
 * Futex wait and wake on a naturally aligned 32-bit word of mapped memory, in the shared form (FUTEX_WAIT,
 * FUTEX_WAKE, not the _PRIVATE ones): the words live in memory other processes map too, and only the shared form
 * keys a waiter by the backing page (file or shmem inode and offset) rather than by this process's address space.
 * Plain C: no JNI here, so the C unit tests exercise exactly this code.
 */
#ifndef JMMAP_FUTEX_H
#define JMMAP_FUTEX_H

#include <stdint.h>

/* Sleeps while *word holds `expected`, for at most `timeout_nanos` (< 0: no limit). 0 when woken (or spuriously),
 * -EAGAIN when the word did not hold `expected`, -ETIMEDOUT when the time ran out, -EINVAL for a misaligned word,
 * -EFAULT for an unmapped one or a page no longer backed by its file (the kernel reads the word itself, so no
 * SIGBUS guard is needed). A signal handler running meanwhile (EINTR) restarts the wait with the time that is
 * left: callers never see EINTR. */
int jmmap_futex_wait(int32_t *word, int32_t expected, long long timeout_nanos);

/* Wakes at most `count` waiters of *word: the number woken, or -errno. */
int jmmap_futex_wake(int32_t *word, int32_t count);

#endif
