/* POSIX shared memory: shm_open shm_unlink, and fchmod (a new segment's mode must not depend on the umask). */
#define _GNU_SOURCE
#include "jmmap.h"
#include "org_jmmap_internal_JniBackend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* A NUL-terminated copy of `name` (its bytes in the platform encoding, without a terminating NUL: Java has
 * already rejected names containing NUL), or NULL when out of memory. */
static char *terminated(JNIEnv *env, jbyteArray name) {
    jsize length = (*env)->GetArrayLength(env, name);
    char *copy = malloc((size_t)length + 1);
    if (copy != NULL) {
        (*env)->GetByteArrayRegion(env, name, 0, length, (jbyte *)copy);
        copy[length] = '\0';
    }
    return copy;
}

/* shm_open adds O_NOFOLLOW and O_CLOEXEC itself. */
static jint shmOpen0(JNIEnv *env, jclass clazz, jbyteArray name, jint flags, jint mode) {
    (void)clazz;
    char *segment = terminated(env, name);
    if (segment == NULL) {
        return -ENOMEM;
    }
    int fd;
    JMMAP_RETRY_EINTR(fd, shm_open(segment, flags, (mode_t)mode));
    int saved = errno;
    free(segment);
    return fd >= 0 ? fd : -saved;
}
JMMAP_CHECK_SIGNATURE(shmOpen0, shmOpen0);

static jint shmUnlink0(JNIEnv *env, jclass clazz, jbyteArray name) {
    (void)clazz;
    char *segment = terminated(env, name);
    if (segment == NULL) {
        return -ENOMEM;
    }
    int result = shm_unlink(segment);
    int saved = errno;
    free(segment);
    return result == 0 ? 0 : -saved;
}
JMMAP_CHECK_SIGNATURE(shmUnlink0, shmUnlink0);

static jint fchmod0(JNIEnv *env, jclass clazz, jint fd, jint mode) {
    (void)env;
    (void)clazz;
    int result;
    JMMAP_RETRY_EINTR(result, fchmod(fd, (mode_t)mode));
    return result == 0 ? 0 : -errno;
}
JMMAP_CHECK_SIGNATURE(fchmod0, fchmod0);

int jmmap_shm_onload(JNIEnv *env, jclass backend) {
    static const JNINativeMethod methods[] = {
        {"shmOpen0", "([BII)I", (void *)shmOpen0},
        {"shmUnlink0", "([B)I", (void *)shmUnlink0},
        {"fchmod0", "(II)I", (void *)fchmod0},
    };
    return jmmap_register(env, backend, methods, (int)JMMAP_ARRAY_LENGTH(methods));
}
