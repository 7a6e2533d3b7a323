/* JNI side of the bulk operations: search, fill, move, and copies between mapped memory and Java arrays or
 * direct buffers. All of them run under the SIGBUS guard of jmmap_bulk.c and return -EFAULT when a mapped
 * page is no longer backed by its file. */
#define _GNU_SOURCE
#include "jmmap.h"
#include "jmmap_bulk.h"
#include "org_jmmap_internal_JniBackend.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* Array copies pin the array with GetPrimitiveArrayCritical, which may hold off the garbage collector; copy
 * at most this many bytes per pin so that a large copy does not stall it. */
#define CRITICAL_CHUNK (1 << 20)
#define STACK_NEEDLE 256

typedef int64_t (*search_function)(const void *, size_t, const void *, size_t);

static jlong search(JNIEnv *env, search_function function, jlong address, jlong length, jbyteArray needle) {
    jsize needle_length = (*env)->GetArrayLength(env, needle);
    unsigned char on_stack[STACK_NEEDLE];
    unsigned char *copy = needle_length <= STACK_NEEDLE ? on_stack : malloc((size_t)needle_length);
    if (copy == NULL) {
        return -ENOMEM;
    }
    (*env)->GetByteArrayRegion(env, needle, 0, needle_length, (jbyte *)copy);
    int64_t found = function((const void *)(intptr_t)address, (size_t)length, copy, (size_t)needle_length);
    if (copy != on_stack) {
        free(copy);
    }
    return (jlong)found;
}

static jlong indexOf0(JNIEnv *env, jclass clazz, jlong address, jlong length, jbyteArray needle) {
    (void)clazz;
    return search(env, jmmap_index_of, address, length, needle);
}
JMMAP_CHECK_SIGNATURE(indexOf0, indexOf0);

static jlong lastIndexOf0(JNIEnv *env, jclass clazz, jlong address, jlong length, jbyteArray needle) {
    (void)clazz;
    return search(env, jmmap_last_index_of, address, length, needle);
}
JMMAP_CHECK_SIGNATURE(lastIndexOf0, lastIndexOf0);

static jint fill0(JNIEnv *env, jclass clazz, jlong address, jlong length, jbyte value) {
    (void)env;
    (void)clazz;
    return jmmap_fill((void *)(intptr_t)address, (size_t)length, (unsigned char)value);
}
JMMAP_CHECK_SIGNATURE(fill0, fill0);

static jint move0(JNIEnv *env, jclass clazz, jlong destination, jlong source, jlong length) {
    (void)env;
    (void)clazz;
    return jmmap_move((void *)(intptr_t)destination, (const void *)(intptr_t)source, (size_t)length);
}
JMMAP_CHECK_SIGNATURE(move0, move0);

/* Copies between mapped memory at `address` and array[offset, offset + length), in pinned chunks.
 * Java has checked the array range. */
static jint copy_with_array(JNIEnv *env, jlong address, jbyteArray array, jint offset, jint length,
                            int to_array) {
    char *mapped = (char *)(intptr_t)address;
    while (length > 0) {
        jint chunk = length < CRITICAL_CHUNK ? length : CRITICAL_CHUNK;
        jbyte *elements = (*env)->GetPrimitiveArrayCritical(env, array, NULL);
        if (elements == NULL) {
            return -ENOMEM; /* OutOfMemoryError pending */
        }
        int result = to_array ? jmmap_move(elements + offset, mapped, (size_t)chunk)
                              : jmmap_move(mapped, elements + offset, (size_t)chunk);
        (*env)->ReleasePrimitiveArrayCritical(env, array, elements, to_array ? 0 : JNI_ABORT);
        if (result != 0) {
            return result;
        }
        mapped += chunk;
        offset += chunk;
        length -= chunk;
    }
    return 0;
}

static jint copyToArray0(JNIEnv *env, jclass clazz, jlong source, jbyteArray destination, jint offset,
                         jint length) {
    (void)clazz;
    return copy_with_array(env, source, destination, offset, length, 1);
}
JMMAP_CHECK_SIGNATURE(copyToArray0, copyToArray0);

static jint copyFromArray0(JNIEnv *env, jclass clazz, jbyteArray source, jint offset, jlong destination,
                           jint length) {
    (void)clazz;
    return copy_with_array(env, destination, source, offset, length, 0);
}
JMMAP_CHECK_SIGNATURE(copyFromArray0, copyFromArray0);

/* Copies between mapped memory and a direct buffer's [position, position + length), checked by Java. */
static jint copyToBuffer0(JNIEnv *env, jclass clazz, jlong source, jobject destination, jint position,
                          jint length) {
    (void)clazz;
    char *base = (*env)->GetDirectBufferAddress(env, destination);
    if (base == NULL) {
        return -EINVAL;
    }
    return jmmap_move(base + position, (const void *)(intptr_t)source, (size_t)length);
}
JMMAP_CHECK_SIGNATURE(copyToBuffer0, copyToBuffer0);

static jint copyFromBuffer0(JNIEnv *env, jclass clazz, jobject source, jint position, jlong destination,
                            jint length) {
    (void)clazz;
    const char *base = (*env)->GetDirectBufferAddress(env, source);
    if (base == NULL) {
        return -EINVAL;
    }
    return jmmap_move((void *)(intptr_t)destination, base + position, (size_t)length);
}
JMMAP_CHECK_SIGNATURE(copyFromBuffer0, copyFromBuffer0);

/*
 * The read-modify-write atomics, one contract for all six: the result (1 or 0 for a compare-and-set, the value
 * before for the others) as a jlong, or the fault marker Long.MIN_VALUE when the page is no longer backed by its
 * file. The long variants can return Long.MIN_VALUE as a value too, so every call also records per thread whether
 * it faulted, which Java asks (atomicFaulted0) only when it sees the marker.
 */
#define ATOMIC_FAULT INT64_MIN
static _Thread_local int last_atomic_faulted;

static jlong atomic_result(int status, jlong result) {
    last_atomic_faulted = status < 0;
    return last_atomic_faulted ? ATOMIC_FAULT : result;
}

static jlong compareAndSetInt0(JNIEnv *env, jclass clazz, jlong address, jint expected, jint value) {
    (void)env;
    (void)clazz;
    int set = jmmap_compare_and_set_32((void *)(intptr_t)address, expected, value);
    return atomic_result(set, set);
}
JMMAP_CHECK_SIGNATURE(compareAndSetInt0, compareAndSetInt0);

static jlong compareAndSetLong0(JNIEnv *env, jclass clazz, jlong address, jlong expected, jlong value) {
    (void)env;
    (void)clazz;
    int set = jmmap_compare_and_set_64((void *)(intptr_t)address, expected, value);
    return atomic_result(set, set);
}
JMMAP_CHECK_SIGNATURE(compareAndSetLong0, compareAndSetLong0);

static jlong getAndAddInt0(JNIEnv *env, jclass clazz, jlong address, jint delta) {
    (void)env;
    (void)clazz;
    int32_t previous = 0;
    int status = jmmap_get_and_add_32((void *)(intptr_t)address, delta, &previous);
    return atomic_result(status, previous); /* previous is set by the call: read it after */
}
JMMAP_CHECK_SIGNATURE(getAndAddInt0, getAndAddInt0);

static jlong getAndSetInt0(JNIEnv *env, jclass clazz, jlong address, jint value) {
    (void)env;
    (void)clazz;
    int32_t previous = 0;
    int status = jmmap_get_and_set_32((void *)(intptr_t)address, value, &previous);
    return atomic_result(status, previous); /* previous is set by the call: read it after */
}
JMMAP_CHECK_SIGNATURE(getAndSetInt0, getAndSetInt0);

static jlong getAndAddLong0(JNIEnv *env, jclass clazz, jlong address, jlong delta) {
    (void)env;
    (void)clazz;
    int64_t previous = 0;
    int status = jmmap_get_and_add_64((void *)(intptr_t)address, delta, &previous);
    return atomic_result(status, previous); /* previous is set by the call: read it after */
}
JMMAP_CHECK_SIGNATURE(getAndAddLong0, getAndAddLong0);

static jlong getAndSetLong0(JNIEnv *env, jclass clazz, jlong address, jlong value) {
    (void)env;
    (void)clazz;
    int64_t previous = 0;
    int status = jmmap_get_and_set_64((void *)(intptr_t)address, value, &previous);
    return atomic_result(status, previous); /* previous is set by the call: read it after */
}
JMMAP_CHECK_SIGNATURE(getAndSetLong0, getAndSetLong0);

static jboolean atomicFaulted0(JNIEnv *env, jclass clazz) {
    (void)env;
    (void)clazz;
    return last_atomic_faulted ? JNI_TRUE : JNI_FALSE;
}
JMMAP_CHECK_SIGNATURE(atomicFaulted0, atomicFaulted0);

int jmmap_bulk_onload(JNIEnv *env, jclass backend) {
    static const JNINativeMethod methods[] = {
        {"indexOf0", "(JJ[B)J", (void *)indexOf0},
        {"lastIndexOf0", "(JJ[B)J", (void *)lastIndexOf0},
        {"fill0", "(JJB)I", (void *)fill0},
        {"move0", "(JJJ)I", (void *)move0},
        {"copyToArray0", "(J[BII)I", (void *)copyToArray0},
        {"copyFromArray0", "([BIJI)I", (void *)copyFromArray0},
        {"copyToBuffer0", "(JLjava/nio/ByteBuffer;II)I", (void *)copyToBuffer0},
        {"copyFromBuffer0", "(Ljava/nio/ByteBuffer;IJI)I", (void *)copyFromBuffer0},
        {"compareAndSetInt0", "(JII)J", (void *)compareAndSetInt0},
        {"compareAndSetLong0", "(JJJ)J", (void *)compareAndSetLong0},
        {"getAndAddInt0", "(JI)J", (void *)getAndAddInt0},
        {"getAndSetInt0", "(JI)J", (void *)getAndSetInt0},
        {"getAndAddLong0", "(JJ)J", (void *)getAndAddLong0},
        {"getAndSetLong0", "(JJ)J", (void *)getAndSetLong0},
        {"atomicFaulted0", "()Z", (void *)atomicFaulted0},
    };
    if (jmmap_register(env, backend, methods, (int)JMMAP_ARRAY_LENGTH(methods)) != 0) {
        return -1;
    }
    int installed = jmmap_fault_guard_install();
    if (installed != 0) {
        jclass error = (*env)->FindClass(env, "java/lang/UnsatisfiedLinkError");
        if (error != NULL) {
            (*env)->ThrowNew(env, error, "jmmap: cannot install the SIGBUS handler that guards bulk operations");
        }
        return -1;
    }
    return 0;
}

void jmmap_bulk_onunload(void) {
    jmmap_fault_guard_uninstall();
}
