/* Futex calls for Java: FUTEX_WAIT and FUTEX_WAKE (shared form) on an aligned int of mapped memory. */
#define _GNU_SOURCE
#include "jmmap.h"
#include "jmmap_futex.h"
#include "org_jmmap_internal_JniBackend.h"

#include <stdint.h>

static jint futexWait0(JNIEnv *env, jclass clazz, jlong address, jint expected, jlong timeout_nanos) {
    (void)env;
    (void)clazz;
    return jmmap_futex_wait((int32_t *)(uintptr_t)address, expected, timeout_nanos);
}
JMMAP_CHECK_SIGNATURE(futexWait0, futexWait0);

static jint futexWake0(JNIEnv *env, jclass clazz, jlong address, jint count) {
    (void)env;
    (void)clazz;
    return jmmap_futex_wake((int32_t *)(uintptr_t)address, count);
}
JMMAP_CHECK_SIGNATURE(futexWake0, futexWake0);

int jmmap_futex_onload(JNIEnv *env, jclass backend) {
    static const JNINativeMethod methods[] = {
        {"futexWait0", "(JIJ)I", (void *)futexWait0},
        {"futexWake0", "(JI)I", (void *)futexWake0},
    };
    return jmmap_register(env, backend, methods, (int)JMMAP_ARRAY_LENGTH(methods));
}
