/* File calls: open close fstat ftruncate fallocate posix_fadvise. */
#define _GNU_SOURCE
#include "jmmap.h"
#include "org_jmmap_internal_JniBackend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* `path` holds the file name's bytes in the platform encoding, without a terminating NUL (Java has already
 * rejected names containing NUL). */
static jint open0(JNIEnv *env, jclass clazz, jbyteArray path, jint flags, jint mode) {
    (void)clazz;
    jsize length = (*env)->GetArrayLength(env, path);
    char *name = malloc((size_t)length + 1);
    if (name == NULL) {
        return -ENOMEM;
    }
    (*env)->GetByteArrayRegion(env, path, 0, length, (jbyte *)name);
    name[length] = '\0';
    int fd;
    JMMAP_RETRY_EINTR(fd, open(name, flags, (mode_t)mode));
    int saved = errno;
    free(name);
    return fd >= 0 ? fd : -saved;
}
JMMAP_CHECK_SIGNATURE(open0, open0);

static jint close0(JNIEnv *env, jclass clazz, jint fd) {
    (void)env;
    (void)clazz;
    /* Never retried: on Linux the descriptor is released even when close reports EINTR, and a retry could
     * close a descriptor another thread has just been given. */
    return close(fd) == 0 ? 0 : -errno;
}
JMMAP_CHECK_SIGNATURE(close0, close0);

/* Size of a regular file in bytes; -ENODEV for anything else (mmap of those is not what this library is for). */
static jlong fileSize0(JNIEnv *env, jclass clazz, jint fd) {
    (void)env;
    (void)clazz;
    struct stat status;
    if (fstat(fd, &status) != 0) {
        return -errno;
    }
    return S_ISREG(status.st_mode) ? (jlong)status.st_size : -ENODEV;
}
JMMAP_CHECK_SIGNATURE(fileSize0, fileSize0);

static jint ftruncate0(JNIEnv *env, jclass clazz, jint fd, jlong length) {
    (void)env;
    (void)clazz;
    int result;
    JMMAP_RETRY_EINTR(result, ftruncate(fd, (off_t)length));
    return result == 0 ? 0 : -errno;
}
JMMAP_CHECK_SIGNATURE(ftruncate0, ftruncate0);

static jint fallocate0(JNIEnv *env, jclass clazz, jint fd, jint mode, jlong offset, jlong length) {
    (void)env;
    (void)clazz;
    int result;
    JMMAP_RETRY_EINTR(result, fallocate(fd, mode, (off_t)offset, (off_t)length));
    return result == 0 ? 0 : -errno;
}
JMMAP_CHECK_SIGNATURE(fallocate0, fallocate0);

static jint fadvise0(JNIEnv *env, jclass clazz, jint fd, jlong offset, jlong length, jint advice) {
    (void)env;
    (void)clazz;
    /* posix_fadvise returns the error number instead of setting errno. */
    return -posix_fadvise(fd, (off_t)offset, (off_t)length, advice);
}
JMMAP_CHECK_SIGNATURE(fadvise0, fadvise0);

int jmmap_file_onload(JNIEnv *env, jclass backend) {
    static const JNINativeMethod methods[] = {
        {"open0", "([BII)I", (void *)open0},
        {"close0", "(I)I", (void *)close0},
        {"fileSize0", "(I)J", (void *)fileSize0},
        {"ftruncate0", "(IJ)I", (void *)ftruncate0},
        {"fallocate0", "(IIJJ)I", (void *)fallocate0},
        {"fadvise0", "(IJJI)I", (void *)fadvise0},
    };
    return jmmap_register(env, backend, methods, (int)JMMAP_ARRAY_LENGTH(methods));
}
