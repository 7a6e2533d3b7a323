/* Constants and errno names, taken from the system headers this library was built against and handed to
 * Java at load time, so that no flag value is ever typed into Java by hand. A name the headers lack is
 * simply absent; Java treats it as unsupported. */
#define _GNU_SOURCE
#include "jmmap.h"
#include "org_jmmap_internal_JniBackend.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

typedef struct {
    const char *name;
    long long value;
} named_value;

#define C(name) {#name, (long long)(name)},

static const named_value constants[] = {
    C(O_RDONLY) C(O_WRONLY) C(O_RDWR) C(O_CREAT) C(O_EXCL) C(O_TRUNC) C(O_CLOEXEC) C(O_NOFOLLOW) C(O_NONBLOCK)
    C(PROT_NONE) C(PROT_READ) C(PROT_WRITE) C(PROT_EXEC)
    C(MAP_SHARED) C(MAP_PRIVATE) C(MAP_FIXED) C(MAP_ANONYMOUS) C(MAP_NORESERVE) C(MAP_POPULATE)
    C(MAP_LOCKED) C(MAP_HUGETLB)
#ifdef MAP_SHARED_VALIDATE
    C(MAP_SHARED_VALIDATE)
#endif
#ifdef MAP_FIXED_NOREPLACE
    C(MAP_FIXED_NOREPLACE)
#endif
    C(MREMAP_MAYMOVE) C(MREMAP_FIXED)
#ifdef MREMAP_DONTUNMAP
    C(MREMAP_DONTUNMAP)
#endif
    C(MS_ASYNC) C(MS_SYNC) C(MS_INVALIDATE)
    C(MADV_NORMAL) C(MADV_RANDOM) C(MADV_SEQUENTIAL) C(MADV_WILLNEED) C(MADV_DONTNEED)
#ifdef MADV_FREE
    C(MADV_FREE)
#endif
    C(MADV_REMOVE) C(MADV_DONTFORK) C(MADV_DOFORK)
#ifdef MADV_MERGEABLE
    C(MADV_MERGEABLE) C(MADV_UNMERGEABLE)
#endif
#ifdef MADV_HUGEPAGE
    C(MADV_HUGEPAGE) C(MADV_NOHUGEPAGE)
#endif
#ifdef MADV_DONTDUMP
    C(MADV_DONTDUMP) C(MADV_DODUMP)
#endif
#ifdef MADV_COLD
    C(MADV_COLD)
#endif
#ifdef MADV_PAGEOUT
    C(MADV_PAGEOUT)
#endif
#ifdef MADV_POPULATE_READ
    C(MADV_POPULATE_READ) C(MADV_POPULATE_WRITE)
#endif
#ifdef MLOCK_ONFAULT
    C(MLOCK_ONFAULT)
#endif
    C(POSIX_FADV_NORMAL) C(POSIX_FADV_RANDOM) C(POSIX_FADV_SEQUENTIAL) C(POSIX_FADV_WILLNEED)
    C(POSIX_FADV_DONTNEED) C(POSIX_FADV_NOREUSE)
    C(FALLOC_FL_KEEP_SIZE) C(FALLOC_FL_PUNCH_HOLE)
    C(LOCK_SH) C(LOCK_EX) C(LOCK_NB) C(LOCK_UN)
    C(NAME_MAX) C(F_RDLCK) C(F_WRLCK) C(F_UNLCK)
#ifdef F_OFD_SETLK
    C(F_OFD_GETLK) C(F_OFD_SETLK) C(F_OFD_SETLKW)
#endif
};

#define E(name) {#name, name},

static const named_value errno_names[] = {
    E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(ENOEXEC) E(EBADF) E(ECHILD)
    E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(ENOTBLK) E(EBUSY) E(EEXIST) E(EXDEV) E(ENODEV) E(ENOTDIR)
    E(EISDIR) E(EINVAL) E(ENFILE) E(EMFILE) E(ENOTTY) E(ETXTBSY) E(EFBIG) E(ENOSPC) E(ESPIPE) E(EROFS)
    E(EMLINK) E(EPIPE) E(EDOM) E(ERANGE) E(EDEADLK) E(ENAMETOOLONG) E(ENOLCK) E(ENOSYS) E(ENOTEMPTY)
    E(ELOOP) E(ENOMSG) E(EIDRM) E(ENOSTR) E(ENODATA) E(ETIME) E(ENOSR) E(EREMOTE) E(ENOLINK) E(EPROTO)
    E(EMULTIHOP) E(EBADMSG) E(EOVERFLOW) E(EILSEQ) E(EUSERS) E(ENOTSOCK) E(EDESTADDRREQ) E(EMSGSIZE)
    E(EPROTOTYPE) E(ENOPROTOOPT) E(EPROTONOSUPPORT) E(ESOCKTNOSUPPORT) E(EOPNOTSUPP) E(EPFNOSUPPORT)
    E(EAFNOSUPPORT) E(EADDRINUSE) E(EADDRNOTAVAIL) E(ENETDOWN) E(ENETUNREACH) E(ENETRESET)
    E(ECONNABORTED) E(ECONNRESET) E(ENOBUFS) E(EISCONN) E(ENOTCONN) E(ESHUTDOWN) E(ETOOMANYREFS)
    E(ETIMEDOUT) E(ECONNREFUSED) E(EHOSTDOWN) E(EHOSTUNREACH) E(EALREADY) E(EINPROGRESS) E(ESTALE)
    E(EDQUOT) E(ECANCELED) E(EOWNERDEAD) E(ENOTRECOVERABLE)
#ifdef ENOTSUP
    E(ENOTSUP)
#endif
#ifdef EWOULDBLOCK
    E(EWOULDBLOCK)
#endif
#ifdef ENOKEY
    E(ENOKEY) E(EKEYEXPIRED) E(EKEYREVOKED) E(EKEYREJECTED)
#endif
#ifdef ERFKILL
    E(ERFKILL)
#endif
#ifdef EHWPOISON
    E(EHWPOISON)
#endif
#ifdef EMEDIUMTYPE
    E(ENOMEDIUM) E(EMEDIUMTYPE)
#endif
};

/* Appends to a growing malloc'd string; on allocation failure frees it and leaves NULL. */
static void append(char **text, size_t *length, size_t *capacity, const char *line) {
    if (*text == NULL) {
        return;
    }
    size_t needed = strlen(line);
    if (*length + needed + 1 > *capacity) {
        size_t grown = (*capacity + needed + 1) * 2;
        char *larger = realloc(*text, grown);
        if (larger == NULL) {
            free(*text);
            *text = NULL;
            return;
        }
        *text = larger;
        *capacity = grown;
    }
    memcpy(*text + *length, line, needed + 1);
    *length += needed;
}

static jstring finish(JNIEnv *env, char *text) {
    if (text == NULL) {
        return NULL; /* Java reports the missing table */
    }
    jstring result = (*env)->NewStringUTF(env, text);
    free(text);
    return result;
}

/* "NAME=value" lines: every constant above, plus PAGE_SIZE. */
static jstring constants0(JNIEnv *env, jclass clazz) {
    (void)clazz;
    size_t length = 0, capacity = 4096;
    char *text = malloc(capacity);
    if (text != NULL) {
        text[0] = '\0';
    }
    char line[128];
    for (size_t i = 0; i < JMMAP_ARRAY_LENGTH(constants); i++) {
        snprintf(line, sizeof line, "%s=%lld\n", constants[i].name, constants[i].value);
        append(&text, &length, &capacity, line);
    }
    snprintf(line, sizeof line, "PAGE_SIZE=%ld\n", sysconf(_SC_PAGESIZE));
    append(&text, &length, &capacity, line);
    return finish(env, text);
}
JMMAP_CHECK_SIGNATURE(constants0, constants0);

/* "number NAME description" lines (tab separated), one per errno name the headers define. Aliases such as
 * EWOULDBLOCK (= EAGAIN) come after the canonical name, so Java keeps the first name it sees per number. */
static jstring errnoTable0(JNIEnv *env, jclass clazz) {
    (void)clazz;
    size_t length = 0, capacity = 8192;
    char *text = malloc(capacity);
    if (text != NULL) {
        text[0] = '\0';
    }
    char line[256];
    for (size_t i = 0; i < JMMAP_ARRAY_LENGTH(errno_names); i++) {
        char description[160];
        const char *message = strerror_r((int)errno_names[i].value, description, sizeof description);
        snprintf(line, sizeof line, "%lld\t%s\t%s\n", errno_names[i].value, errno_names[i].name, message);
        append(&text, &length, &capacity, line);
    }
    return finish(env, text);
}
JMMAP_CHECK_SIGNATURE(errnoTable0, errnoTable0);

int jmmap_info_onload(JNIEnv *env, jclass backend) {
    static const JNINativeMethod methods[] = {
        {"constants0", "()Ljava/lang/String;", (void *)constants0},
        {"errnoTable0", "()Ljava/lang/String;", (void *)errnoTable0},
    };
    return jmmap_register(env, backend, methods, (int)JMMAP_ARRAY_LENGTH(methods));
}
