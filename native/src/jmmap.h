/*
 * jmmap native layer: shared declarations.
 *
 * Every call returns >= 0 on success or -errno on failure; nothing here throws a Java exception except
 * JNI_OnLoad, which reports a broken installation. Each syscall family lives in its own file with its own
 * onload function (and onunload where it holds state); jmmap.c calls them in turn.
 */
#ifndef JMMAP_H
#define JMMAP_H

#include <jni.h>

#define JMMAP_BACKEND_CLASS "org/jmmap/internal/JniBackend"

/* Compile-time check that a static implementation has exactly the signature javac -h generated for the
 * Java declaration, so a changed native method in Java cannot silently disagree with its C definition. */
#define JMMAP_CHECK_SIGNATURE(impl, java_name)                                                      \
    _Static_assert(__builtin_types_compatible_p(__typeof__(&impl),                                  \
                                                __typeof__(&Java_org_jmmap_internal_JniBackend_##java_name)), \
                   #impl " does not match the native declaration of " #java_name)

#define JMMAP_ARRAY_LENGTH(a) (sizeof(a) / sizeof((a)[0]))

/* Registers methods on the backend class; returns 0 or -1 with a Java exception pending. */
int jmmap_register(JNIEnv *env, jclass backend, const JNINativeMethod *methods, int count);

/* Families: each onload returns 0, or -1 with a Java exception pending. */
int jmmap_mman_onload(JNIEnv *env, jclass backend);
int jmmap_file_onload(JNIEnv *env, jclass backend);
int jmmap_bulk_onload(JNIEnv *env, jclass backend);
void jmmap_bulk_onunload(void);
int jmmap_info_onload(JNIEnv *env, jclass backend);
int jmmap_shm_onload(JNIEnv *env, jclass backend);
int jmmap_lock_onload(JNIEnv *env, jclass backend);
void jmmap_lock_onunload(void);
int jmmap_futex_onload(JNIEnv *env, jclass backend);
int jmmap_reduce_onload(JNIEnv *env, jclass backend);

/* Retries a call interrupted by a signal; `expr` must evaluate to -1 with errno set on failure. */
#define JMMAP_RETRY_EINTR(result, expr)                                                             \
    do {                                                                                            \
        (result) = (expr);                                                                          \
    } while ((result) == -1 && errno == EINTR)

#endif
