/*
 * Native reference points for jmmap's benchmarks (class org.jmmap.bench.NativeReference):
 *  - sumLongs: the sum of every long of a mapped range in a plain C loop, called once through JNI: the memory
 *    bandwidth any Java access path is measured against;
 *  - madviseLoop, msyncLoop, mincoreLoop: the same system call N times in C: its cost without any Java-to-native
 *    transition, so that JNI, JNA and FFM overheads can be read off as differences;
 *  - evict: write back and drop a file from the page cache (fdatasync + posix_fadvise(POSIX_FADV_DONTNEED));
 *  - copyLoop: memcpy of `total` bytes in `chunk`-byte steps through `size` bytes of source and destination, the
 *    reference the shared-memory channel's transfer rate is measured against;
 *  - pingPong: round trips between this process and a forked child through a futex word in a shared mapping of a
 *    /dev/shm file (FUTEX_WAIT/FUTEX_WAKE, the shared form the channel uses; untimed, or 1 ms timeouts as the
 *    channel's first sleeps) or through two pipes: the floor of a round trip that sleeps in the kernel.
 * Every function returns >= 0 or -errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jni.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static jlong sum_longs(JNIEnv *env, jclass type, jlong address, jlong length) {
    (void) env;
    (void) type;
    const int64_t *p = (const int64_t *) (uintptr_t) address;
    size_t count = (size_t) length / sizeof(int64_t);
    int64_t sum = 0;
    for (size_t i = 0; i < count; i++) {
        sum += p[i];
    }
    return (jlong) sum;
}

/*
 * The same sum with eight independent accumulators, so that the adds never wait on each other and the loop is bound
 * by how fast the memory delivers: the ceiling that any reduction over these bytes can reach on this machine.
 */
static jlong sum_longs_unrolled(JNIEnv *env, jclass type, jlong address, jlong length) {
    (void) env;
    (void) type;
    const int64_t *p = (const int64_t *) (uintptr_t) address;
    size_t count = (size_t) length / sizeof(int64_t);
    int64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        s0 += p[i];
        s1 += p[i + 1];
        s2 += p[i + 2];
        s3 += p[i + 3];
        s4 += p[i + 4];
        s5 += p[i + 5];
        s6 += p[i + 6];
        s7 += p[i + 7];
    }
    for (; i < count; i++) {
        s0 += p[i];
    }
    return (jlong) (s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7);
}

static jint madvise_loop(JNIEnv *env, jclass type, jlong address, jlong length, jint advice, jint count) {
    (void) env;
    (void) type;
    for (jint i = 0; i < count; i++) {
        if (madvise((void *) (uintptr_t) address, (size_t) length, advice) != 0) {
            return -errno;
        }
    }
    return 0;
}

static jint msync_loop(JNIEnv *env, jclass type, jlong address, jlong length, jint flags, jint count) {
    (void) env;
    (void) type;
    for (jint i = 0; i < count; i++) {
        if (msync((void *) (uintptr_t) address, (size_t) length, flags) != 0) {
            return -errno;
        }
    }
    return 0;
}

static jint mincore_loop(JNIEnv *env, jclass type, jlong address, jlong length, jint count) {
    (void) env;
    (void) type;
    unsigned char vector[64];
    if ((size_t) length > sizeof(vector) * 4096) {
        return -EINVAL;
    }
    jint resident = 0;
    for (jint i = 0; i < count; i++) {
        if (mincore((void *) (uintptr_t) address, (size_t) length, vector) != 0) {
            return -errno;
        }
        resident += vector[0] & 1;
    }
    return resident;
}

static jint evict(JNIEnv *env, jclass type, jbyteArray path) {
    (void) type;
    jsize length = (*env)->GetArrayLength(env, path);
    char *name = malloc((size_t) length + 1);
    if (name == NULL) {
        return -ENOMEM;
    }
    (*env)->GetByteArrayRegion(env, path, 0, length, (jbyte *) name);
    name[length] = '\0';
    int fd = open(name, O_RDONLY | O_CLOEXEC);
    free(name);
    if (fd < 0) {
        return -errno;
    }
    int result = 0;
    if (fdatasync(fd) != 0 || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0) {
        result = -errno;
    }
    close(fd); /* not retried on EINTR: the descriptor is gone either way on Linux */
    return result;
}

static jint copy_loop(JNIEnv *env, jclass type, jlong destination, jlong source, jlong size, jlong chunk,
                      jlong total) {
    (void) env;
    (void) type;
    if (size <= 0 || chunk <= 0 || size % chunk != 0 || total < 0) {
        return -EINVAL;
    }
    char *to = (char *) (uintptr_t) destination;
    const char *from = (const char *) (uintptr_t) source;
    for (jlong done = 0; done < total; done += chunk) {
        jlong at = done % size;
        memcpy(to + at, from + at, (size_t) (total - done < chunk ? total - done : chunk));
    }
    return 0;
}

static jint page_size(JNIEnv *env, jclass type) {
    (void) env;
    (void) type;
    return (jint) sysconf(_SC_PAGESIZE);
}

/* pingPong's kinds */
#define PING_FUTEX 0
#define PING_FUTEX_TIMED 1
#define PING_PIPE 2
#define PING_MESSAGE 32

/* The shared page: the ping and pong words on cache lines of their own, the child's CPU time, its status. */
struct ping_page {
    int32_t ping;
    char pad1[60];
    int32_t pong;
    char pad2[60];
    int64_t child_cpu;
    int32_t child_status;
};

static long long clock_nanos(clockid_t clock) {
    struct timespec now;
    clock_gettime(clock, &now);
    return (long long) now.tv_sec * 1000000000LL + now.tv_nsec;
}

/* Waits until *word is no longer `seen` (another value was stored); returns the new value. */
static int32_t await_change(int32_t *word, int32_t seen, int timed) {
    const struct timespec millisecond = {0, 1000000};
    int32_t value;
    while ((value = __atomic_load_n(word, __ATOMIC_ACQUIRE)) == seen) {
        syscall(SYS_futex, word, FUTEX_WAIT, seen, timed ? &millisecond : NULL, NULL, 0);
    }
    return value;
}

static void publish(int32_t *word, int32_t value) {
    __atomic_store_n(word, value, __ATOMIC_SEQ_CST);
    syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static int full_io(int fd, char *buffer, int writing) {
    for (size_t done = 0; done < PING_MESSAGE;) {
        size_t left = PING_MESSAGE - done;
        ssize_t n = writing ? write(fd, buffer + done, left) : read(fd, buffer + done, left);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return n == 0 ? -EPIPE : -errno;
        }
        done += (size_t) n;
    }
    return 0;
}

/* The forked child: answers every ping until told to stop; only system calls, then _exit. */
static void ponger(struct ping_page *page, int kind, int in, int out) {
    long long cpu = clock_nanos(CLOCK_THREAD_CPUTIME_ID);
    int status = 0;
    if (kind == PING_PIPE) {
        char buffer[PING_MESSAGE];
        while (full_io(in, buffer, 0) == 0) {
            if ((status = full_io(out, buffer, 1)) != 0) {
                break;
            }
        }
    } else {
        int32_t seen = 0;
        while ((seen = await_change(&page->ping, seen, kind == PING_FUTEX_TIMED)) >= 0) {
            publish(&page->pong, seen);
        }
    }
    page->child_cpu = clock_nanos(CLOCK_THREAD_CPUTIME_ID) - cpu;
    __atomic_store_n(&page->child_status, status, __ATOMIC_RELEASE);
    _exit(0);
}

static jint ping_pong(JNIEnv *env, jclass type, jint kind, jlong nanos, jlongArray latencies, jlongArray cpu) {
    (void) type;
    if (kind < PING_FUTEX || kind > PING_PIPE || nanos < 0 || (*env)->GetArrayLength(env, cpu) < 2) {
        return -EINVAL;
    }
    jsize capacity = (*env)->GetArrayLength(env, latencies);
    jlong *times = malloc(((size_t) capacity + 1) * sizeof(jlong));
    if (times == NULL) {
        return -ENOMEM;
    }
    char name[96];
    static int sequence;
    snprintf(name, sizeof name, "/dev/shm/jmmap-bench-pingpong-%ld-%d", (long) getpid(), ++sequence);
    int fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        free(times);
        return -errno;
    }
    unlink(name);
    struct ping_page *page = MAP_FAILED;
    if (ftruncate(fd, 4096) == 0) {
        page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    }
    int result = page == MAP_FAILED ? -errno : 0;
    close(fd);
    int down[2] = {-1, -1};
    int up[2] = {-1, -1};
    if (result == 0 && kind == PING_PIPE && (pipe2(down, O_CLOEXEC) != 0 || pipe2(up, O_CLOEXEC) != 0)) {
        result = -errno;
    }
    pid_t child = -1;
    if (result == 0 && (child = fork()) < 0) {
        result = -errno;
    }
    if (child == 0) {
        close(down[1]);
        close(up[0]);
        ponger(page, kind, down[0], up[1]);
    }
    jsize count = 0;
    if (result == 0) {
        if (kind == PING_PIPE) {
            close(down[0]);
            close(up[1]);
            down[0] = up[1] = -1;
        }
        char buffer[PING_MESSAGE] = {0};
        long long cpu_start = clock_nanos(CLOCK_THREAD_CPUTIME_ID);
        long long end = clock_nanos(CLOCK_MONOTONIC) + nanos;
        while (count < capacity) {
            long long start = clock_nanos(CLOCK_MONOTONIC);
            if (kind == PING_PIPE) {
                if ((result = full_io(down[1], buffer, 1)) != 0 || (result = full_io(up[0], buffer, 0)) != 0) {
                    break;
                }
            } else {
                publish(&page->ping, count + 1);
                await_change(&page->pong, count, kind == PING_FUTEX_TIMED);
            }
            long long now = clock_nanos(CLOCK_MONOTONIC);
            times[count++] = now - start;
            if (now >= end) {
                break;
            }
        }
        long long cpu_used = clock_nanos(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
        if (kind == PING_PIPE) {
            close(down[1]); /* end of input ends the child */
            down[1] = -1;
        } else {
            publish(&page->ping, -1);
        }
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        if (result == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || page->child_status != 0)) {
            result = page->child_status != 0 ? page->child_status : -ECHILD;
        }
        jlong used[2] = {cpu_used, page->child_cpu};
        (*env)->SetLongArrayRegion(env, cpu, 0, 2, used);
        (*env)->SetLongArrayRegion(env, latencies, 0, count, times);
    }
    for (int i = 0; i < 2; i++) {
        if (down[i] >= 0) {
            close(down[i]);
        }
        if (up[i] >= 0) {
            close(up[i]);
        }
    }
    if (page != MAP_FAILED) {
        munmap(page, 4096);
    }
    free(times);
    return result == 0 ? count : result;
}

static const JNINativeMethod METHODS[] = {
    {"sumLongs0", "(JJ)J", (void *) sum_longs},
    {"sumLongsUnrolled0", "(JJ)J", (void *) sum_longs_unrolled},
    {"madviseLoop0", "(JJII)I", (void *) madvise_loop},
    {"msyncLoop0", "(JJII)I", (void *) msync_loop},
    {"mincoreLoop0", "(JJI)I", (void *) mincore_loop},
    {"evict0", "([B)I", (void *) evict},
    {"pageSize0", "()I", (void *) page_size},
    {"copyLoop0", "(JJJJJ)I", (void *) copy_loop},
    {"pingPong0", "(IJ[J[J)I", (void *) ping_pong},
};

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void) reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_1_8) != JNI_OK) {
        return JNI_ERR;
    }
    jclass type = (*env)->FindClass(env, "org/jmmap/bench/NativeReference");
    if (type == NULL) {
        return JNI_ERR;
    }
    if ((*env)->RegisterNatives(env, type, METHODS, sizeof(METHODS) / sizeof(METHODS[0])) != 0) {
        return JNI_ERR;
    }
    return JNI_VERSION_1_8;
}
