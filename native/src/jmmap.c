/* JNI entry points: registers every family's natives on org.jmmap.internal.JniBackend. */
#include "jmmap.h"

#include <stddef.h>

/* Each syscall family registers its natives (and sets up what it needs) in onload, and undoes what it set up in
 * onunload, which may be NULL for families without state. */
struct family {
    int (*onload)(JNIEnv *env, jclass backend);
    void (*onunload)(void);
};

static const struct family families[] = {
    {jmmap_info_onload, NULL},
    {jmmap_file_onload, NULL},
    {jmmap_mman_onload, NULL},
    {jmmap_shm_onload, NULL},
    {jmmap_lock_onload, jmmap_lock_onunload},
    {jmmap_futex_onload, NULL},
    {jmmap_bulk_onload, jmmap_bulk_onunload},
    {jmmap_reduce_onload, NULL},
};

int jmmap_register(JNIEnv *env, jclass backend, const JNINativeMethod *methods, int count) {
    return (*env)->RegisterNatives(env, backend, methods, count) == 0 ? 0 : -1;
}

/* Undoes the first `count` families, last first. */
static void unload(size_t count) {
    while (count > 0) {
        count--;
        if (families[count].onunload != NULL) {
            families[count].onunload();
        }
    }
}

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void)reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK) {
        return JNI_ERR;
    }
    jclass backend = (*env)->FindClass(env, JMMAP_BACKEND_CLASS);
    if (backend == NULL) {
        return JNI_ERR; /* NoClassDefFoundError pending */
    }
    for (size_t i = 0; i < JMMAP_ARRAY_LENGTH(families); i++) {
        if (families[i].onload(env, backend) != 0) {
            /* The natives registered so far are unusable without the rest; a family that failed has undone its
             * own part (an exception is pending), the finished ones are undone in reverse. */
            (*env)->UnregisterNatives(env, backend);
            unload(i);
            (*env)->DeleteLocalRef(env, backend);
            return JNI_ERR;
        }
    }
    (*env)->DeleteLocalRef(env, backend);
    return JNI_VERSION_1_8;
}

JNIEXPORT void JNI_OnUnload(JavaVM *vm, void *reserved) {
    (void)vm;
    (void)reserved;
    unload(JMMAP_ARRAY_LENGTH(families));
}
