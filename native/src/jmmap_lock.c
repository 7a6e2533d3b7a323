/* File locks: flock(2) on whole files, and fcntl(2) open-file-description (OFD) byte-range locks. */
#define _GNU_SOURCE
#include "jmmap.h"
#include "org_jmmap_internal_JniBackend.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>

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

/*
 * fcntl(fd, command, &lock) for a lock command (F_OFD_SETLK, F_OFD_SETLKW, F_OFD_GETLK, ...) over
 * [start, start + length) from the start of the file (length 0: to the end of the file and beyond). For a
 * GETLK command, `found` (4 longs, may be NULL otherwise) receives the l_type, l_start, l_len and l_pid the
 * kernel wrote back: l_type F_UNLCK when nothing conflicts. Returns 0 or -errno.
 */
static jint fcntlLock0(JNIEnv *env, jclass clazz, jint fd, jint command, jint type, jlong start, jlong length,
                       jlongArray found) {
    (void)clazz;
    struct flock lock;
    memset(&lock, 0, sizeof lock); /* l_pid must be 0 for the OFD commands */
    lock.l_type = (short)type;
    lock.l_whence = SEEK_SET;
    lock.l_start = (off_t)start;
    lock.l_len = (off_t)length;
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

int jmmap_lock_onload(JNIEnv *env, jclass backend) {
    static const JNINativeMethod methods[] = {
        {"flock0", "(II)I", (void *)flock0},
        {"fcntlLock0", "(IIIJJ[J)I", (void *)fcntlLock0},
    };
    return jmmap_register(env, backend, methods, (int)JMMAP_ARRAY_LENGTH(methods));
}
