/* Memory-management calls: mmap munmap mremap msync madvise mlock mlock2 munlock mincore, and the direct
 * ByteBuffers Java reads and writes mapped memory through. */
#define _GNU_SOURCE
#include "jmmap.h"
#include "org_jmmap_internal_JniBackend.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static jlong mmap0(JNIEnv *env, jclass clazz, jlong address, jlong length, jint protection, jint flags, jint fd,
                   jlong offset) {
    (void)env;
    (void)clazz;
    void *mapped = mmap((void *)(intptr_t)address, (size_t)length, protection, flags, fd, (off_t)offset);
    return mapped == MAP_FAILED ? -errno : (jlong)(intptr_t)mapped;
}
JMMAP_CHECK_SIGNATURE(mmap0, mmap0);

static jint munmap0(JNIEnv *env, jclass clazz, jlong address, jlong length) {
    (void)env;
    (void)clazz;
    return munmap((void *)(intptr_t)address, (size_t)length) == 0 ? 0 : -errno;
}
JMMAP_CHECK_SIGNATURE(munmap0, munmap0);

static jlong mremap0(JNIEnv *env, jclass clazz, jlong old_address, jlong old_length, jlong new_length, jint flags,
                     jlong new_address) {
    (void)env;
    (void)clazz;
    void *moved = mremap((void *)(intptr_t)old_address, (size_t)old_length, (size_t)new_length, flags,
                         (void *)(intptr_t)new_address);
    return moved == MAP_FAILED ? -errno : (jlong)(intptr_t)moved;
}
JMMAP_CHECK_SIGNATURE(mremap0, mremap0);

static jint msync0(JNIEnv *env, jclass clazz, jlong address, jlong length, jint flags) {
    (void)env;
    (void)clazz;
    return msync((void *)(intptr_t)address, (size_t)length, flags) == 0 ? 0 : -errno;
}
JMMAP_CHECK_SIGNATURE(msync0, msync0);

static jint madvise0(JNIEnv *env, jclass clazz, jlong address, jlong length, jint advice) {
    (void)env;
    (void)clazz;
    int result;
    /* MADV_POPULATE_* can be interrupted by a signal; everything else ignores EINTR. */
    JMMAP_RETRY_EINTR(result, madvise((void *)(intptr_t)address, (size_t)length, advice));
    return result == 0 ? 0 : -errno;
}
JMMAP_CHECK_SIGNATURE(madvise0, madvise0);

static jint mlock0(JNIEnv *env, jclass clazz, jlong address, jlong length, jint flags) {
    (void)env;
    (void)clazz;
    int result;
    if (flags == 0) {
        result = mlock((void *)(intptr_t)address, (size_t)length);
    } else {
#ifdef MLOCK_ONFAULT
        result = mlock2((void *)(intptr_t)address, (size_t)length, (unsigned int)flags);
#else
        errno = ENOSYS;
        result = -1;
#endif
    }
    return result == 0 ? 0 : -errno;
}
JMMAP_CHECK_SIGNATURE(mlock0, mlock0);

static jint munlock0(JNIEnv *env, jclass clazz, jlong address, jlong length) {
    (void)env;
    (void)clazz;
    return munlock((void *)(intptr_t)address, (size_t)length) == 0 ? 0 : -errno;
}
JMMAP_CHECK_SIGNATURE(munlock0, munlock0);

/* One byte per page of [address, address + length) into residency (bit 0: resident). `address` must be page
 * aligned; residency must hold at least ceil(length / page size) bytes. */
/* mincore(2) over [address, address + length) (address page-aligned), packed into `bits`: page i is bit (i & 63)
 * of bits[i >> 6], set when resident; `bits` may be NULL to count only. Works through a small vector on the stack,
 * so a call allocates nothing whatever the length. Returns the number of resident pages, or -errno (-EINVAL also
 * when `bits` is too short). */
static jlong residency0(JNIEnv *env, jclass clazz, jlong address, jlong length, jlongArray bits) {
    (void)clazz;
    enum { CHUNK_WORDS = 64, CHUNK_PAGES = CHUNK_WORDS * 64 };
    size_t page_size = (size_t)sysconf(_SC_PAGESIZE);
    size_t pages = ((size_t)length + page_size - 1) / page_size;
    if (bits != NULL && (size_t)(*env)->GetArrayLength(env, bits) < (pages + 63) / 64) {
        return -EINVAL;
    }
    unsigned char vector[CHUNK_PAGES];
    jlong words[CHUNK_WORDS];
    jlong resident = 0;
    size_t first = 0;
    do { /* at least once: a zero length still has its address checked */
        size_t count = pages - first < CHUNK_PAGES ? pages - first : CHUNK_PAGES;
        size_t chunk_length = first + count == pages ? (size_t)length - first * page_size : count * page_size;
        int result;
        JMMAP_RETRY_EINTR(result, mincore((void *)((uintptr_t)address + first * page_size), chunk_length, vector));
        if (result != 0) {
            return -errno;
        }
        size_t word_count = (count + 63) / 64;
        for (size_t w = 0; w < word_count; w++) {
            size_t in_word = count - w * 64 < 64 ? count - w * 64 : 64;
            uint64_t word = 0;
            for (size_t i = 0; i < in_word; i++) {
                word |= (uint64_t)(vector[w * 64 + i] & 1) << i;
            }
            words[w] = (jlong)word;
            resident += __builtin_popcountll(word);
        }
        if (bits != NULL && word_count > 0) {
            (*env)->SetLongArrayRegion(env, bits, (jsize)(first / 64), (jsize)word_count, words);
        }
        first += count;
    } while (first < pages);
    return resident;
}
JMMAP_CHECK_SIGNATURE(residency0, residency0);

/* A direct ByteBuffer over [address, address + length). Returns NULL with an exception pending on failure. */
static jobject newDirectBuffer0(JNIEnv *env, jclass clazz, jlong address, jint length) {
    (void)clazz;
    return (*env)->NewDirectByteBuffer(env, (void *)(intptr_t)address, (jlong)length);
}
JMMAP_CHECK_SIGNATURE(newDirectBuffer0, newDirectBuffer0);

int jmmap_mman_onload(JNIEnv *env, jclass backend) {
    static const JNINativeMethod methods[] = {
        {"mmap0", "(JJIIIJ)J", (void *)mmap0},
        {"munmap0", "(JJ)I", (void *)munmap0},
        {"mremap0", "(JJJIJ)J", (void *)mremap0},
        {"msync0", "(JJI)I", (void *)msync0},
        {"madvise0", "(JJI)I", (void *)madvise0},
        {"mlock0", "(JJI)I", (void *)mlock0},
        {"munlock0", "(JJ)I", (void *)munlock0},
        {"residency0", "(JJ[J)J", (void *)residency0},
        {"newDirectBuffer0", "(JI)Ljava/nio/ByteBuffer;", (void *)newDirectBuffer0},
    };
    return jmmap_register(env, backend, methods, (int)JMMAP_ARRAY_LENGTH(methods));
}
