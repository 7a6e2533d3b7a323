/*
 * Bulk operations on mapped memory, run under a SIGBUS guard.
 *
 * A mapped page whose file range no longer exists (the file was truncated by someone else) raises SIGBUS on
 * access. The JVM turns such a fault inside a ByteBuffer access into an InternalError, but a fault inside C
 * code kills the process. So every operation here arms a per-thread jump target before touching mapped
 * memory; our SIGBUS handler jumps back to it and the operation returns -EFAULT (the errno the kernel itself
 * gives read(2) for such a buffer). A SIGBUS that arrives while no guard is armed is passed on, unchanged, to
 * the handler that was installed before ours (in a JVM, HotSpot's, which needs the same siginfo and context
 * to do its own ByteBuffer fault handling).
 *
 * Jumping out of memmem/memmove/memset is safe: they hold no locks and allocate nothing.
 */
#define _GNU_SOURCE
#include "jmmap_bulk.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <ucontext.h>

/* Non-NULL while this thread runs a guarded operation. Every guarded operation writes it before it can
 * fault, so the TLS block exists by the time the handler reads it (no lazy allocation in the handler). */
static _Thread_local sigjmp_buf *volatile armed_guard;

static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction previous_action;
static bool installed;

static void on_sigbus(int signal_number, siginfo_t *info, void *context) {
    sigjmp_buf *guard = armed_guard;
    if (guard != NULL) {
        armed_guard = NULL;
        /* The guard saved no signal mask (saving it costs a system call on every guarded operation, some 110 ns
         * here), so put back the mask of the interrupted code ourselves before jumping: without it SIGBUS, and
         * whatever else the handler blocks, would stay blocked in this thread. */
        pthread_sigmask(SIG_SETMASK, &((ucontext_t *)context)->uc_sigmask, NULL);
        siglongjmp(*guard, 1);
    }
    if (previous_action.sa_flags & SA_SIGINFO) {
        previous_action.sa_sigaction(signal_number, info, context);
        return;
    }
    if (previous_action.sa_handler == SIG_IGN && info->si_code <= 0) {
        return; /* sent by kill(2) or sigqueue(3) and ignored before we came: still ignored */
    }
    if (previous_action.sa_handler == SIG_DFL || previous_action.sa_handler == SIG_IGN) {
        /* A real fault nobody handles: restore the default action and return; the faulting instruction runs
         * again and the process ends exactly as it would have without this handler. */
        struct sigaction default_action;
        memset(&default_action, 0, sizeof default_action);
        default_action.sa_handler = SIG_DFL;
        sigaction(SIGBUS, &default_action, NULL);
        return;
    }
    previous_action.sa_handler(signal_number);
}

int jmmap_fault_guard_install(void) {
    int result = 0;
    pthread_mutex_lock(&install_lock);
    if (!installed) {
        struct sigaction current;
        if (sigaction(SIGBUS, NULL, &current) != 0) {
            result = -errno;
        } else {
            /* Keep the previous mask and flags: HotSpot, for one, relies on error signals staying unblocked
             * inside its handler. */
            struct sigaction ours = current;
            ours.sa_sigaction = on_sigbus;
            ours.sa_flags = (current.sa_flags | SA_SIGINFO) & ~SA_RESETHAND;
            previous_action = current;
            if (sigaction(SIGBUS, &ours, NULL) != 0) {
                result = -errno;
            } else {
                installed = true;
            }
        }
    }
    pthread_mutex_unlock(&install_lock);
    return result;
}

void jmmap_fault_guard_uninstall(void) {
    pthread_mutex_lock(&install_lock);
    if (installed) {
        struct sigaction current;
        if (sigaction(SIGBUS, NULL, &current) == 0 && (current.sa_flags & SA_SIGINFO) &&
            current.sa_sigaction == on_sigbus) {
            sigaction(SIGBUS, &previous_action, NULL);
        }
        installed = false;
    }
    pthread_mutex_unlock(&install_lock);
}

static int64_t index_of_unguarded(const unsigned char *haystack, size_t haystack_length,
                                  const unsigned char *needle, size_t needle_length) {
    const void *found = needle_length == 1 ? memchr(haystack, needle[0], haystack_length)
                                           : memmem(haystack, haystack_length, needle, needle_length);
    return found == NULL ? -1 : (int64_t)((const unsigned char *)found - haystack);
}

/* There is no memrmem: find the first needle byte backwards with memrchr, then compare the rest. */
static int64_t last_index_of_unguarded(const unsigned char *haystack, size_t haystack_length,
                                       const unsigned char *needle, size_t needle_length) {
    size_t candidates = haystack_length - needle_length + 1; /* a match may start at [0, candidates) */
    while (candidates > 0) {
        const unsigned char *start = memrchr(haystack, needle[0], candidates);
        if (start == NULL) {
            return -1;
        }
        if (memcmp(start + 1, needle + 1, needle_length - 1) == 0) {
            return (int64_t)(start - haystack);
        }
        candidates = (size_t)(start - haystack);
    }
    return -1;
}

/* Runs `call` with the guard armed; returns its value, or -EFAULT if a SIGBUS interrupted it.
 * Only `call` runs between sigsetjmp and the disarm, so no local can be clobbered by the jump. */
#define RUN_GUARDED(type, call)                                                                     \
    do {                                                                                            \
        sigjmp_buf guard;                                                                           \
        if (sigsetjmp(guard, 0) != 0) {                                                             \
            return -EFAULT;                                                                         \
        }                                                                                           \
        armed_guard = &guard;                                                                       \
        atomic_signal_fence(memory_order_seq_cst); /* no access to mapped memory moves above */     \
        type guarded_result = (call);                                                               \
        atomic_signal_fence(memory_order_seq_cst); /* ... or below the armed window */              \
        armed_guard = NULL;                                                                         \
        return guarded_result;                                                                      \
    } while (0)

int jmmap_guarded(int (*operation)(void *argument), void *argument) {
    RUN_GUARDED(int, operation(argument));
}

int64_t jmmap_index_of(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    if (needle_length == 0) {
        return 0;
    }
    if (needle_length > haystack_length) {
        return -1;
    }
    RUN_GUARDED(int64_t, index_of_unguarded(haystack, haystack_length, needle, needle_length));
}

int64_t jmmap_last_index_of(const void *haystack, size_t haystack_length, const void *needle,
                            size_t needle_length) {
    if (needle_length == 0) {
        return (int64_t)haystack_length;
    }
    if (needle_length > haystack_length) {
        return -1;
    }
    RUN_GUARDED(int64_t, last_index_of_unguarded(haystack, haystack_length, needle, needle_length));
}

static int fill_unguarded(void *destination, size_t length, int value) {
    memset(destination, value, length);
    return 0;
}

int jmmap_fill(void *destination, size_t length, int value) {
    RUN_GUARDED(int, fill_unguarded(destination, length, value));
}

static int move_unguarded(void *destination, const void *source, size_t length) {
    memmove(destination, source, length);
    return 0;
}

int jmmap_move(void *destination, const void *source, size_t length) {
    RUN_GUARDED(int, move_unguarded(destination, source, length));
}

static int compare_and_set_32_unguarded(int32_t *address, int32_t expected, int32_t desired) {
    return __atomic_compare_exchange_n(address, &expected, desired, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

int jmmap_compare_and_set_32(void *address, int32_t expected, int32_t desired) {
    RUN_GUARDED(int, compare_and_set_32_unguarded(address, expected, desired));
}

static int compare_and_set_64_unguarded(int64_t *address, int64_t expected, int64_t desired) {
    return __atomic_compare_exchange_n(address, &expected, desired, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

int jmmap_compare_and_set_64(void *address, int64_t expected, int64_t desired) {
    RUN_GUARDED(int, compare_and_set_64_unguarded(address, expected, desired));
}

static int get_and_add_32_unguarded(int32_t *address, int32_t delta, int32_t *previous) {
    *previous = __atomic_fetch_add(address, delta, __ATOMIC_SEQ_CST);
    return 0;
}

int jmmap_get_and_add_32(void *address, int32_t delta, int32_t *previous) {
    RUN_GUARDED(int, get_and_add_32_unguarded(address, delta, previous));
}

static int get_and_add_64_unguarded(int64_t *address, int64_t delta, int64_t *previous) {
    *previous = __atomic_fetch_add(address, delta, __ATOMIC_SEQ_CST);
    return 0;
}

int jmmap_get_and_add_64(void *address, int64_t delta, int64_t *previous) {
    RUN_GUARDED(int, get_and_add_64_unguarded(address, delta, previous));
}

static int get_and_set_32_unguarded(int32_t *address, int32_t value, int32_t *previous) {
    *previous = __atomic_exchange_n(address, value, __ATOMIC_SEQ_CST);
    return 0;
}

int jmmap_get_and_set_32(void *address, int32_t value, int32_t *previous) {
    RUN_GUARDED(int, get_and_set_32_unguarded(address, value, previous));
}

static int get_and_set_64_unguarded(int64_t *address, int64_t value, int64_t *previous) {
    *previous = __atomic_exchange_n(address, value, __ATOMIC_SEQ_CST);
    return 0;
}

int jmmap_get_and_set_64(void *address, int64_t value, int64_t *previous) {
    RUN_GUARDED(int, get_and_set_64_unguarded(address, value, previous));
}
