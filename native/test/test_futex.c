/* jmmap_futex_wait / jmmap_futex_wake: each result, and EINTR restarted with the time left. */
#define _GNU_SOURCE
#include "check.h"
#include "jmmap_futex.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MILLIS 1000000LL

static _Atomic int handled;
static _Atomic int32_t word;
static _Atomic pid_t waiter_tid;

static void on_signal(int signal) {
    (void)signal;
    atomic_fetch_add(&handled, 1);
}

static long long now_nanos(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

typedef struct {
    long long timeout_nanos;
    int result;
    long long elapsed;
} wait_call;

static void *waiter(void *argument) {
    wait_call *call = argument;
    atomic_store(&waiter_tid, (pid_t)syscall(SYS_gettid));
    long long start = now_nanos();
    call->result = jmmap_futex_wait((int32_t *)&word, 0, call->timeout_nanos);
    call->elapsed = now_nanos() - start;
    return NULL;
}

/* Waits until the waiter thread sleeps in the kernel (state S in /proc), so that a signal lands inside the wait. */
static void await_sleeping(void) {
    char path[64], stat[512];
    for (;;) {
        pid_t tid = atomic_load(&waiter_tid);
        if (tid != 0) {
            snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
            FILE *file = fopen(path, "r");
            CHECK(file != NULL);
            size_t read = fread(stat, 1, sizeof stat - 1, file);
            fclose(file);
            stat[read] = '\0';
            const char *close = strrchr(stat, ')');
            if (close != NULL && close[2] == 'S') {
                return;
            }
        }
        usleep(1000);
    }
}

/* Signals the sleeping waiter `count` times; each signal runs the handler, which makes FUTEX_WAIT fail with EINTR. */
static void interrupt(pthread_t thread, int count) {
    for (int i = 0; i < count; i++) {
        await_sleeping();
        int before = atomic_load(&handled);
        CHECK_EQ(0, pthread_kill(thread, SIGUSR1));
        while (atomic_load(&handled) == before) {
            usleep(100);
        }
    }
}

int main(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal; /* no SA_RESTART: the futex call returns EINTR */
    CHECK_EQ(0, sigaction(SIGUSR1, &action, NULL));

    /* Results */
    int32_t local = 1;
    CHECK_EQ(-EAGAIN, jmmap_futex_wait(&local, 0, -1));
    CHECK_EQ(-ETIMEDOUT, jmmap_futex_wait(&local, 1, 10 * MILLIS));
    CHECK_EQ(-ETIMEDOUT, jmmap_futex_wait(&local, 1, 0));
    int32_t pair[2] = {0, 0};
    CHECK_EQ(-EINVAL, jmmap_futex_wait((int32_t *)((char *)pair + 2), 0, 0));
    CHECK_EQ(-EINVAL, jmmap_futex_wake((int32_t *)((char *)pair + 1), 1));
    CHECK_EQ(0, jmmap_futex_wake(&local, 1));
    long page = sysconf(_SC_PAGESIZE);
    void *gone = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(gone != MAP_FAILED);
    CHECK_EQ(0, munmap(gone, (size_t)page));
    CHECK_EQ(-EFAULT, jmmap_futex_wait(gone, 0, 0));

    /* Signals during a timed wait: restarted with the time left, so it still times out, and not early. */
    pthread_t thread;
    wait_call timed = {300 * MILLIS, 1, 0};
    CHECK_EQ(0, pthread_create(&thread, NULL, waiter, &timed));
    interrupt(thread, 3);
    CHECK_EQ(0, pthread_join(thread, NULL));
    CHECK_EQ(-ETIMEDOUT, timed.result);
    CHECK(timed.elapsed >= 300 * MILLIS);

    /* Signals during an untimed wait, then a real wake: returns 0. */
    atomic_store(&waiter_tid, 0);
    wait_call untimed = {-1, 1, 0};
    CHECK_EQ(0, pthread_create(&thread, NULL, waiter, &untimed));
    interrupt(thread, 3);
    await_sleeping();
    atomic_store(&word, 1);
    CHECK_EQ(1, jmmap_futex_wake((int32_t *)&word, 1));
    CHECK_EQ(0, pthread_join(thread, NULL));
    CHECK_EQ(0, untimed.result);
    CHECK_EQ(6, atomic_load(&handled));
    return 0;
}
