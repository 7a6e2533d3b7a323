/*
 * Bulk operations on mapped memory that are faster in C than in Java: search, fill, move, copy.
 *
 * They run under a SIGBUS guard: when a page is no longer backed by its file (the file was truncated under
 * the mapping, or the backing store failed), the operation stops and returns -EFAULT instead of letting the
 * signal kill the process. Plain C: no JNI here, so the C unit tests exercise exactly this code.
 */
#ifndef JMMAP_BULK_H
#define JMMAP_BULK_H

#include <stddef.h>
#include <stdint.h>

/* Installs the SIGBUS handler, chaining to the one already installed (the JVM's). Idempotent.
 * Returns 0 or -errno. */
int jmmap_fault_guard_install(void);
/* Restores the previous handler if ours is still the installed one. */
void jmmap_fault_guard_uninstall(void);

/* Runs operation(argument) with the guard armed: its result, or -EFAULT if a page it touched is no longer backed
 * by its file. For the other families' bulk work (reductions); operation must hold no lock and allocate nothing
 * that a jump out of it would leak. */
int jmmap_guarded(int (*operation)(void *argument), void *argument);

/* First index of needle in haystack, -1 if absent, -EFAULT on a fault. An empty needle is found at 0. */
int64_t jmmap_index_of(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);
/* Last index of needle in haystack, -1 if absent, -EFAULT on a fault. An empty needle is found at the end. */
int64_t jmmap_last_index_of(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);
/* memset; 0 or -EFAULT. */
int jmmap_fill(void *destination, size_t length, int value);
/* memmove (ranges may overlap); 0 or -EFAULT. */
int jmmap_move(void *destination, const void *source, size_t length);
/* Sequentially consistent compare-and-set of a naturally aligned value: 1 if it was `expected` and is now
 * `desired`, 0 if it was something else, -EFAULT on a fault. (HotSpot's own compare-and-set, which the
 * interpreter and C1 call, does not survive a SIGBUS.) */
int jmmap_compare_and_set_32(void *address, int32_t expected, int32_t desired);
int jmmap_compare_and_set_64(void *address, int64_t expected, int64_t desired);
/* Sequentially consistent fetch-and-add and exchange of a naturally aligned value: 0 with the value before in
 * *previous, or -EFAULT on a fault (*previous untouched). */
int jmmap_get_and_add_32(void *address, int32_t delta, int32_t *previous);
int jmmap_get_and_add_64(void *address, int64_t delta, int64_t *previous);
int jmmap_get_and_set_32(void *address, int32_t value, int32_t *previous);
int jmmap_get_and_set_64(void *address, int64_t value, int64_t *previous);

#endif
