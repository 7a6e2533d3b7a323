/* JNI entry points: registers every family's natives on org.jmmap.internal.JniBackend. */
#include "jmmap.h"

#include <stddef.h>

typedef int (*family_onload)(JNIEnv *env, jclass backend);

static const family_onload families[] = {
    jmmap_info_onload,
    jmmap_file_onload,
    jmmap_mman_onload,
    jmmap_shm_onload,
    jmmap_lock_onload,
    jmmap_futex_onload,
    jmmap_bulk_onload,
    jmmap_reduce_onload,
};

int jmmap_register(JNIEnv *env, jclass backend, const JNINativeMethod *methods, int count) {
    return (*env)->RegisterNatives(env, backend, methods, count) == 0 ? 0 : -1;
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
        if (families[i](env, backend) != 0) {
            /* Natives registered so far are unusable without the rest. Of the families with state, the bulk
             * one comes last and the lock one puts its signal handler back (a no-op if it installed none). */
            (*env)->UnregisterNatives(env, backend);
            jmmap_lock_onunload();
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
    jmmap_bulk_onunload();
    jmmap_lock_onunload();
}
