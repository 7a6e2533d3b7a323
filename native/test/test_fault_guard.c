/*
 * The SIGBUS guard: operations over pages of a truncated file return -EFAULT instead of killing the process,
 * keep working afterwards, work on several threads at once, and a SIGBUS outside any guard still reaches the
 * handler that was installed before ours (in a JVM, HotSpot's).
 */
#define _GNU_SOURCE
#include "check.h"
#include "jmmap_bulk.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static long page;

/* A shared mapping of `pages` pages over a temporary file that is then cut to its first page. */
static unsigned char *truncated_mapping(size_t pages) {
    char name[] = "/tmp/jmmap-fault-XXXXXX";
    int fd = mkstemp(name);
    CHECK(fd >= 0);
    CHECK(unlink(name) == 0);
    CHECK(ftruncate(fd, (off_t)(pages * (size_t)page)) == 0);
    unsigned char *mapped = mmap(NULL, pages * (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(mapped != MAP_FAILED);
    memset(mapped, 'x', (size_t)page);
    CHECK(ftruncate(fd, page) == 0);
    CHECK(close(fd) == 0);
    return mapped;
}

/* After a fault the thread's signal mask is what it was before: SIGBUS in particular is not left blocked (a second
 * fault would then kill the process) and nothing the handler blocks stays blocked. */
static void fault_restores_signal_mask(void) {
    sigset_t before, after;
    sigemptyset(&before);
    sigaddset(&before, SIGUSR2); /* something blocked on purpose, to see it survive */
    CHECK(pthread_sigmask(SIG_SETMASK, &before, NULL) == 0);
    unsigned char *mapped = truncated_mapping(2);
    CHECK_EQ(-EFAULT, jmmap_fill(mapped + page, 8, 0));
    CHECK(pthread_sigmask(SIG_SETMASK, NULL, &after) == 0);
    CHECK(!sigismember(&after, SIGBUS));
    CHECK(sigismember(&after, SIGUSR2));
    CHECK(!sigismember(&after, SIGUSR1));
    CHECK(munmap(mapped, 2 * (size_t)page) == 0);
    sigemptyset(&before);
    CHECK(pthread_sigmask(SIG_SETMASK, &before, NULL) == 0);
}

static void faults_become_efault(void) {
    unsigned char *mapped = truncated_mapping(3);
    size_t length = 3 * (size_t)page;
    for (int round = 0; round < 1000; round++) {
        memset(mapped, 'x', (size_t)page);
        CHECK_EQ(-EFAULT, jmmap_index_of(mapped, length, "needle", 6));
        CHECK_EQ(-EFAULT, jmmap_last_index_of(mapped + page, 2 * (size_t)page, "x", 1));
        CHECK_EQ(-EFAULT, jmmap_fill(mapped + 10, length - 10, 0));
        /* A fault stops the operation where it happened: the backed part before it was written. */
        CHECK(mapped[9] == 'x' && mapped[10] == 0 && mapped[page - 1] == 0);
        memset(mapped, 'x', (size_t)page);
        CHECK_EQ(-EFAULT, jmmap_move(mapped, mapped + 2 * page, 100));
        CHECK_EQ(-EFAULT, jmmap_move(mapped + 2 * page, mapped, 100));
        /* The backed first page still works, and a fault leaves no guard armed behind it. */
        CHECK_EQ(0, jmmap_index_of(mapped, (size_t)page, "xx", 2));
        CHECK_EQ(page - 1, jmmap_last_index_of(mapped, (size_t)page, "x", 1));
        CHECK_EQ(0, jmmap_fill(mapped, 16, 'y'));
        CHECK_EQ(0, jmmap_move(mapped + 16, mapped, 16));
        CHECK(mapped[31] == 'y');
        CHECK_EQ(-EFAULT, jmmap_compare_and_set_32(mapped + 2 * page, 0, 1));
        CHECK_EQ(-EFAULT, jmmap_compare_and_set_64(mapped + 2 * page + 8, 0, 1));
        memset(mapped, 0, 16);
        CHECK_EQ(1, jmmap_compare_and_set_32(mapped, 0, 7));
        CHECK_EQ(0, jmmap_compare_and_set_32(mapped, 0, 8));
        CHECK_EQ(1, jmmap_compare_and_set_64(mapped + 8, 0, 9));
        CHECK(*(int32_t *)mapped == 7 && *(int64_t *)(mapped + 8) == 9);
        int32_t previous32 = 123;
        int64_t previous64 = 456;
        CHECK_EQ(-EFAULT, jmmap_get_and_add_32(mapped + 2 * page, 1, &previous32));
        CHECK_EQ(-EFAULT, jmmap_get_and_set_32(mapped + 2 * page, 1, &previous32));
        CHECK_EQ(-EFAULT, jmmap_get_and_add_64(mapped + 2 * page, 1, &previous64));
        CHECK_EQ(-EFAULT, jmmap_get_and_set_64(mapped + 2 * page, 1, &previous64));
        CHECK(previous32 == 123 && previous64 == 456); /* untouched on a fault */
        CHECK_EQ(0, jmmap_get_and_add_32(mapped, 5, &previous32));
        CHECK(previous32 == 7 && *(int32_t *)mapped == 12);
        CHECK_EQ(0, jmmap_get_and_set_32(mapped, -1, &previous32));
        CHECK(previous32 == 12 && *(int32_t *)mapped == -1);
        CHECK_EQ(0, jmmap_get_and_add_64(mapped + 8, INT64_MAX, &previous64));
        CHECK(previous64 == 9 && *(int64_t *)(mapped + 8) == INT64_MIN + 8); /* wraps like Java */
        CHECK_EQ(0, jmmap_get_and_set_64(mapped + 8, 0, &previous64));
        CHECK(previous64 == INT64_MIN + 8 && *(int64_t *)(mapped + 8) == 0);
    }
    CHECK(munmap(mapped, length) == 0);
}

static void *fault_repeatedly(void *argument) {
    unsigned char *mapped = argument;
    for (int round = 0; round < 20000; round++) {
        if (jmmap_index_of(mapped, 2 * (size_t)page, "absent", 6) != -EFAULT) {
            return (void *)1;
        }
    }
    return NULL;
}

static void threads_fault_independently(void) {
    unsigned char *mapped = truncated_mapping(2);
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        CHECK(pthread_create(&threads[i], NULL, fault_repeatedly, mapped) == 0);
    }
    for (int i = 0; i < 4; i++) {
        void *failed;
        CHECK(pthread_join(threads[i], &failed) == 0);
        CHECK(failed == NULL);
    }
    CHECK(munmap(mapped, 2 * (size_t)page) == 0);
}

/* Stands in for the JVM's handler: records the fault and jumps back to the test. */
static sigjmp_buf previous_handler_return;
static volatile sig_atomic_t previous_handler_calls;
static void *volatile previous_handler_address;

static void previous_handler(int signal_number, siginfo_t *info, void *context) {
    (void)signal_number;
    (void)context;
    previous_handler_calls++;
    previous_handler_address = info->si_addr;
    siglongjmp(previous_handler_return, 1);
}

static void unguarded_fault_reaches_previous_handler(void) {
    jmmap_fault_guard_uninstall();
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = previous_handler;
    action.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGBUS, &action, NULL) == 0);
    CHECK_EQ(0, jmmap_fault_guard_install());

    unsigned char *mapped = truncated_mapping(2);
    volatile unsigned char *beyond = mapped + page;
    if (sigsetjmp(previous_handler_return, 1) == 0) {
        (void)*beyond; /* a plain access, no guard armed */
        CHECK(!"the access past the end of the file did not fault");
    }
    CHECK_EQ(1, previous_handler_calls);
    CHECK(previous_handler_address == (void *)beyond);

    /* A guarded operation is still ours, not the previous handler's. */
    CHECK_EQ(-EFAULT, jmmap_fill(mapped + page, 8, 0));
    CHECK_EQ(1, previous_handler_calls);

    /* Uninstalling gives the previous handler back. */
    jmmap_fault_guard_uninstall();
    struct sigaction current;
    CHECK(sigaction(SIGBUS, NULL, &current) == 0);
    CHECK(current.sa_sigaction == previous_handler);
    CHECK(munmap(mapped, 2 * (size_t)page) == 0);
}

int main(void) {
    page = sysconf(_SC_PAGESIZE);
    CHECK_EQ(0, jmmap_fault_guard_install());
    CHECK_EQ(0, jmmap_fault_guard_install()); /* idempotent */
    fault_restores_signal_mask();
    faults_become_efault();
    threads_fault_independently();
    unguarded_fault_reaches_previous_handler();
    puts("test_fault_guard: ok");
    return 0;
}
