/* JNI side of the reductions: the data and the accumulators are direct buffers, the data a view of mapped
 * memory that Java keeps reachable (and so mapped) for the duration of the call. */
#define _GNU_SOURCE
#include "jmmap.h"
#include "jmmap_reduce.h"
#include "org_jmmap_internal_JniBackend.h"

#include <errno.h>
#include <stdint.h>

/* The Java constants (Backend.ELEMENT_*, REDUCE_*, LANES, copied into JniBackend for javac -h) are these. */
#define SAME(java, c) _Static_assert(org_jmmap_internal_JniBackend_##java == (c), #java " differs from " #c)
SAME(ELEMENT_BOOL, JMMAP_ELEMENT_BOOL);
SAME(ELEMENT_INT8, JMMAP_ELEMENT_INT8);
SAME(ELEMENT_UINT8, JMMAP_ELEMENT_UINT8);
SAME(ELEMENT_INT16, JMMAP_ELEMENT_INT16);
SAME(ELEMENT_UINT16, JMMAP_ELEMENT_UINT16);
SAME(ELEMENT_INT32, JMMAP_ELEMENT_INT32);
SAME(ELEMENT_UINT32, JMMAP_ELEMENT_UINT32);
SAME(ELEMENT_INT64, JMMAP_ELEMENT_INT64);
SAME(ELEMENT_UINT64, JMMAP_ELEMENT_UINT64);
SAME(ELEMENT_FLOAT16, JMMAP_ELEMENT_FLOAT16);
SAME(ELEMENT_FLOAT32, JMMAP_ELEMENT_FLOAT32);
SAME(ELEMENT_FLOAT64, JMMAP_ELEMENT_FLOAT64);
SAME(REDUCE_SUM, JMMAP_REDUCE_SUM);
SAME(REDUCE_SUM_DOUBLE, JMMAP_REDUCE_SUM_DOUBLE);
SAME(REDUCE_MIN, JMMAP_REDUCE_MIN);
SAME(REDUCE_MAX, JMMAP_REDUCE_MAX);
SAME(REDUCE_LANES, JMMAP_REDUCE_LANES);

static jint reduce0(JNIEnv *env, jclass clazz, jobject data, jint element, jboolean swapped, jint reduction,
                    jlong count, jlong stride, jlong width, jlong elementStride, jobject accumulators) {
    (void)clazz;
    const void *base = (*env)->GetDirectBufferAddress(env, data);
    void *into = (*env)->GetDirectBufferAddress(env, accumulators);
    if (base == NULL || into == NULL) {
        return -EINVAL;
    }
    return jmmap_reduce(base, element, swapped, reduction, count, stride, width, elementStride, into);
}
JMMAP_CHECK_SIGNATURE(reduce0, reduce0);

int jmmap_reduce_onload(JNIEnv *env, jclass backend) {
    static const JNINativeMethod methods[] = {
        {"reduce0", "(Ljava/nio/ByteBuffer;IZIJJJJLjava/nio/ByteBuffer;)I", (void *)reduce0},
    };
    return jmmap_register(env, backend, methods, (int)JMMAP_ARRAY_LENGTH(methods));
}
