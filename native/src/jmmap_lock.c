/*
 * File locks: flock(2) on whole files, and fcntl(2) open-file-description (OFD) byte-range locks.
 *
 * Neither call has a timeout, and a thread blocked in one cannot be reached by Thread.interrupt. So a blocking
 * wait runs in slices: a per-thread POSIX timer sends the thread a signal whose handler does nothing and was
 * installed without SA_RESTART, which makes the blocked call return EINTR when the slice is over; Java then checks
 * its interrupt status and deadline and waits again. The signal is a real-time one nobody else handles (checked at
 * load time); if none is free, or a timer cannot be created, the slice calls report ENOSYS and Java polls instead.
 */
#define _GNU_SOURCE
#include "jmmap.h"
#include "org_jmmap_internal_JniBackend.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

/* The signal that ends a slice, or 0 if none could be installed. */
static int wake_signal;
static struct sigaction previous_action;

static void wake(int signo) {
    (void)signo; /* interrupting the blocked call is all it is for */
}

/* Installs the no-op handler on the highest real-time signal below those HotSpot and glibc may use that still has
 * its default disposition. Leaves wake_signal 0 if there is none. */
static void install_wake_signal(void) {
    /* SIGRTMAX - 2 is HotSpot's NIO interrupt signal; stay well clear of it and of the top few. */
    for (int candidate = SIGRTMAX - 6; candidate >= SIGRTMIN + 2; candidate--) {
        struct sigaction current;
        if (sigaction(candidate, NULL, &current) != 0 || (current.sa_flags & SA_SIGINFO) != 0 ||
            current.sa_handler != SIG_DFL) {
            continue;
        }
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = wake;
        sigemptyset(&action.sa_mask);
        action.sa_flags = 0; /* no SA_RESTART: the blocked call must return EINTR */
        if (sigaction(candidate, &action, &previous_action) == 0) {
            wake_signal = candidate;
        }
        return;
    }
}

/* Arms a one-shot timer that sends wake_signal to this thread after `nanos` (at least 1 ns). 0 or -errno. */
static int slice_start(timer_t *timer, jlong nanos) {
    struct sigevent event;
    memset(&event, 0, sizeof event);
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = wake_signal;
    event.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid);
    if (timer_create(CLOCK_MONOTONIC, &event, timer) != 0) {
        return -errno;
    }
    struct itimerspec when;
    memset(&when, 0, sizeof when);
    if (nanos < 1) {
        nanos = 1; /* 0 would disarm it */
    }
    when.it_value.tv_sec = (time_t)(nanos / 1000000000);
    when.it_value.tv_nsec = (long)(nanos % 1000000000);
    if (timer_settime(*timer, 0, &when, NULL) != 0) {
        int saved = errno;
        timer_delete(*timer);
        return -saved;
    }
    return 0;
}

/* EINTR is retried: a blocking LOCK_SH/LOCK_EX interrupted by a signal simply waits on (jmmap itself only asks
 * with LOCK_NB, which never blocks). */
static jint flock0(JNIEnv *env, jclass clazz, jint fd, jint operation) {
    (void)env;
    (void)clazz;
    int result;
    JMMAP_RETRY_EINTR(result, flock(fd, operation));
    return result == 0 ? 0 : -errno;
}
JMMAP_CHECK_SIGNATURE(flock0, flock0);

/* The struct flock of every range lock jmmap takes: [start, start + length) from the start of the file (length
 * 0: to the end of the file and beyond), l_pid 0 as the OFD commands require. */
static struct flock range_lock(jint type, jlong start, jlong length) {
    struct flock lock;
    memset(&lock, 0, sizeof lock);
    lock.l_type = (short)type;
    lock.l_whence = SEEK_SET;
    lock.l_start = (off_t)start;
    lock.l_len = (off_t)length;
    return lock;
}

/*
 * fcntl(fd, command, &lock) for a lock command (F_OFD_SETLK, F_OFD_SETLKW, F_OFD_GETLK, ...) over a range_lock.
 * For a GETLK command, `found` (4 longs, may be NULL otherwise) receives the l_type, l_start, l_len and l_pid the
 * kernel wrote back: l_type F_UNLCK when nothing conflicts. Returns 0 or -errno.
 */
static jint fcntlLock0(JNIEnv *env, jclass clazz, jint fd, jint command, jint type, jlong start, jlong length,
                       jlongArray found) {
    (void)clazz;
    struct flock lock = range_lock(type, start, length);
    int result;
    JMMAP_RETRY_EINTR(result, fcntl(fd, command, &lock));
    if (result == -1) {
        return -errno;
    }
    if (found != NULL) {
        jlong values[4] = {lock.l_type, (jlong)lock.l_start, (jlong)lock.l_len, lock.l_pid};
        (*env)->SetLongArrayRegion(env, found, 0, 4, values);
    }
    return 0;
}
JMMAP_CHECK_SIGNATURE(fcntlLock0, fcntlLock0);

/* One blocking lock call, as the slices below make it: flock(fd, operation) or fcntl(fd, F_OFD_SETLKW, &range). */
struct blocking_lock {
    int fd;
    int operation;
    struct flock range;
};

static int blocking_flock(struct blocking_lock *call) {
    return flock(call->fd, call->operation);
}

static int blocking_range_lock(struct blocking_lock *call) {
    return fcntl(call->fd, F_OFD_SETLKW, &call->range);
}

/*
 * Runs a blocking lock call for at most `nanos`: 0 if the lock was granted, -EINTR when the slice ended first (or
 * another signal arrived), -ENOSYS when no slice can be timed here (no free signal, no timer), -errno otherwise.
 */
static jint lock_slice(int (*blocking)(struct blocking_lock *), struct blocking_lock *call, jlong nanos) {
    if (wake_signal == 0) {
        return -ENOSYS;
    }
    /* A thread that blocks the signal would never see its slice end: unblock it for the call. */
    sigset_t wake_only, previous_mask;
    sigemptyset(&wake_only);
    sigaddset(&wake_only, wake_signal);
    if (pthread_sigmask(SIG_UNBLOCK, &wake_only, &previous_mask) != 0) {
        return -ENOSYS;
    }
    timer_t timer;
    if (slice_start(&timer, nanos) != 0) {
        pthread_sigmask(SIG_SETMASK, &previous_mask, NULL);
        return -ENOSYS;
    }
    int result = blocking(call);
    int saved = errno;
    /* A signal still pending from a timer that fired after the call returned is delivered to the no-op handler
     * at the latest when timer_delete returns: it cannot interrupt a later call. */
    timer_delete(timer);
    pthread_sigmask(SIG_SETMASK, &previous_mask, NULL);
    return result == 0 ? 0 : -saved;
}

/* flock(fd, operation), operation LOCK_SH or LOCK_EX without LOCK_NB, for at most `nanos` (see lock_slice). */
static jint flockSlice0(JNIEnv *env, jclass clazz, jint fd, jint operation, jlong nanos) {
    (void)env;
    (void)clazz;
    struct blocking_lock call = {.fd = fd, .operation = operation};
    return lock_slice(blocking_flock, &call, nanos);
}
JMMAP_CHECK_SIGNATURE(flockSlice0, flockSlice0);

/* fcntl(fd, F_OFD_SETLKW) of a range_lock of `type` (F_RDLCK, F_WRLCK) for at most `nanos` (see lock_slice). */
static jint rangeLockSlice0(JNIEnv *env, jclass clazz, jint fd, jint type, jlong start, jlong length, jlong nanos) {
    (void)env;
    (void)clazz;
    struct blocking_lock call = {.fd = fd, .range = range_lock(type, start, length)};
    return lock_slice(blocking_range_lock, &call, nanos);
}
JMMAP_CHECK_SIGNATURE(rangeLockSlice0, rangeLockSlice0);

int jmmap_lock_onload(JNIEnv *env, jclass backend) {
    static const JNINativeMethod methods[] = {
        {"flock0", "(II)I", (void *)flock0},
        {"fcntlLock0", "(IIIJJ[J)I", (void *)fcntlLock0},
        {"flockSlice0", "(IIJ)I", (void *)flockSlice0},
        {"rangeLockSlice0", "(IIJJJ)I", (void *)rangeLockSlice0},
    };
    if (jmmap_register(env, backend, methods, (int)JMMAP_ARRAY_LENGTH(methods)) != 0) {
        return -1;
    }
    install_wake_signal();
    return 0;
}

void jmmap_lock_onunload(void) {
    if (wake_signal != 0) {
        sigaction(wake_signal, &previous_action, NULL);
        wake_signal = 0;
    }
}
