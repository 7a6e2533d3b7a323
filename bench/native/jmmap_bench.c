/*
 * Native reference points for jmmap's benchmarks (class org.jmmap.bench.NativeReference):
 *  - sumLongs: the sum of every long of a mapped range in a plain C loop, called once through JNI: the memory
 *    bandwidth any Java access path is measured against;
 *  - madviseLoop, msyncLoop, mincoreLoop: the same system call N times in C: its cost without any Java-to-native
 *    transition, so that JNI, JNA and FFM overheads can be read off as differences;
 *  - evict: write back and drop a file from the page cache (fdatasync + posix_fadvise(POSIX_FADV_DONTNEED));
 *  - copyLoop: memcpy of `total` bytes in `chunk`-byte steps through `size` bytes of source and destination, the
 *    reference the shared-memory channel's transfer rate is measured against.
 * Every function returns >= 0 or -errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

static const JNINativeMethod METHODS[] = {
    {"sumLongs0", "(JJ)J", (void *) sum_longs},
    {"sumLongsUnrolled0", "(JJ)J", (void *) sum_longs_unrolled},
    {"madviseLoop0", "(JJII)I", (void *) madvise_loop},
    {"msyncLoop0", "(JJII)I", (void *) msync_loop},
    {"mincoreLoop0", "(JJI)I", (void *) mincore_loop},
    {"evict0", "([B)I", (void *) evict},
    {"pageSize0", "()I", (void *) page_size},
    {"copyLoop0", "(JJJJJ)I", (void *) copy_loop},
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
