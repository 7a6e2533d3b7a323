package org.jmmap.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The constant and errno tables the JNA backend needs, typed in per platform because JNA cannot read C headers.
 * {@code JnaBackendTest} checks every value against the ones libjmmap.so reads from the headers, which is how a
 * wrong value here (JNA's own {@code Mman} swaps {@code MS_SYNC} and {@code MS_INVALIDATE}) gets caught.
 */
final class JnaPlatformTable {

    /** Offsets into {@code struct stat} on linux-x86_64, for {@code fstat}. */
    static final int STAT_SIZE = 144;
    static final int STAT_MODE_OFFSET = 24;
    static final int STAT_SIZE_OFFSET = 48;
    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;

    /** {@code struct flock} on linux-x86_64, for {@code fcntl}. */
    static final int FLOCK_SIZE = 32;
    static final int FLOCK_TYPE_OFFSET = 0;
    static final int FLOCK_WHENCE_OFFSET = 2;
    static final int FLOCK_START_OFFSET = 8;
    static final int FLOCK_LEN_OFFSET = 16;
    static final int FLOCK_PID_OFFSET = 24;
    static final int SEEK_SET = 0;

    private JnaPlatformTable() {
    }

    /** The table for {@code platform} ({@code linux-x86_64}), or null if there is none. */
    static Map<String, Long> constants(String platform) {
        if (!platform.equals("linux-x86_64")) {
            return null;
        }
        Map<String, Long> table = new LinkedHashMap<>();
        for (Object[] entry : LINUX_X86_64) {
            table.put((String) entry[0], ((Number) entry[1]).longValue());
        }
        return table;
    }

    /** errno numbers and names for {@code platform}, canonical name first, or null if there is none. */
    static Object[][] errnos(String platform) {
        return platform.equals("linux-x86_64") ? LINUX_ERRNO : null;
    }

    private static Object[] c(String name, long value) {
        return new Object[] {name, value};
    }

    private static Object[] e(int number, String name) {
        return new Object[] {number, name};
    }

    private static final Object[][] LINUX_X86_64 = {
            c("O_RDONLY", 0), c("O_WRONLY", 1), c("O_RDWR", 2),
            c("O_CREAT", 64), c("O_EXCL", 128), c("O_TRUNC", 512),
            c("O_CLOEXEC", 524288), c("O_NOFOLLOW", 131072), c("O_NONBLOCK", 2048), c("PROT_NONE", 0),
            c("PROT_READ", 1), c("PROT_WRITE", 2), c("PROT_EXEC", 4),
            c("MAP_SHARED", 1), c("MAP_PRIVATE", 2), c("MAP_FIXED", 16),
            c("MAP_ANONYMOUS", 32), c("MAP_NORESERVE", 16384), c("MAP_POPULATE", 32768),
            c("MAP_LOCKED", 8192), c("MAP_HUGETLB", 262144), c("MAP_SHARED_VALIDATE", 3),
            c("MAP_FIXED_NOREPLACE", 1048576), c("MREMAP_MAYMOVE", 1), c("MREMAP_FIXED", 2),
            c("MREMAP_DONTUNMAP", 4), c("MS_ASYNC", 1), c("MS_SYNC", 4),
            c("MS_INVALIDATE", 2), c("MADV_NORMAL", 0), c("MADV_RANDOM", 1),
            c("MADV_SEQUENTIAL", 2), c("MADV_WILLNEED", 3), c("MADV_DONTNEED", 4),
            c("MADV_FREE", 8), c("MADV_REMOVE", 9), c("MADV_DONTFORK", 10),
            c("MADV_DOFORK", 11), c("MADV_MERGEABLE", 12), c("MADV_UNMERGEABLE", 13),
            c("MADV_HUGEPAGE", 14), c("MADV_NOHUGEPAGE", 15), c("MADV_DONTDUMP", 16),
            c("MADV_DODUMP", 17), c("MADV_COLD", 20), c("MADV_PAGEOUT", 21),
            c("MADV_POPULATE_READ", 22), c("MADV_POPULATE_WRITE", 23), c("MLOCK_ONFAULT", 1),
            c("POSIX_FADV_NORMAL", 0), c("POSIX_FADV_RANDOM", 1), c("POSIX_FADV_SEQUENTIAL", 2),
            c("POSIX_FADV_WILLNEED", 3), c("POSIX_FADV_DONTNEED", 4), c("POSIX_FADV_NOREUSE", 5),
            c("FALLOC_FL_KEEP_SIZE", 1), c("FALLOC_FL_PUNCH_HOLE", 2), c("LOCK_SH", 1),
            c("LOCK_EX", 2), c("LOCK_NB", 4), c("LOCK_UN", 8),
            c("NAME_MAX", 255), c("F_RDLCK", 0), c("F_WRLCK", 1), c("F_UNLCK", 2),
            c("F_OFD_GETLK", 36), c("F_OFD_SETLK", 37), c("F_OFD_SETLKW", 38),
    };

    private static final Object[][] LINUX_ERRNO = {
            e(1, "EPERM"), e(2, "ENOENT"), e(3, "ESRCH"), e(4, "EINTR"), e(5, "EIO"),
            e(6, "ENXIO"), e(7, "E2BIG"), e(8, "ENOEXEC"), e(9, "EBADF"), e(10, "ECHILD"),
            e(11, "EAGAIN"), e(12, "ENOMEM"), e(13, "EACCES"), e(14, "EFAULT"), e(15, "ENOTBLK"),
            e(16, "EBUSY"), e(17, "EEXIST"), e(18, "EXDEV"), e(19, "ENODEV"), e(20, "ENOTDIR"),
            e(21, "EISDIR"), e(22, "EINVAL"), e(23, "ENFILE"), e(24, "EMFILE"), e(25, "ENOTTY"),
            e(26, "ETXTBSY"), e(27, "EFBIG"), e(28, "ENOSPC"), e(29, "ESPIPE"), e(30, "EROFS"),
            e(31, "EMLINK"), e(32, "EPIPE"), e(33, "EDOM"), e(34, "ERANGE"), e(35, "EDEADLK"),
            e(36, "ENAMETOOLONG"), e(37, "ENOLCK"), e(38, "ENOSYS"), e(39, "ENOTEMPTY"), e(40, "ELOOP"),
            e(42, "ENOMSG"), e(43, "EIDRM"), e(60, "ENOSTR"), e(61, "ENODATA"), e(62, "ETIME"),
            e(63, "ENOSR"), e(66, "EREMOTE"), e(67, "ENOLINK"), e(71, "EPROTO"), e(72, "EMULTIHOP"),
            e(74, "EBADMSG"), e(75, "EOVERFLOW"), e(84, "EILSEQ"), e(87, "EUSERS"), e(88, "ENOTSOCK"),
            e(89, "EDESTADDRREQ"), e(90, "EMSGSIZE"), e(91, "EPROTOTYPE"), e(92, "ENOPROTOOPT"), e(93, "EPROTONOSUPPORT"),
            e(94, "ESOCKTNOSUPPORT"), e(95, "EOPNOTSUPP"), e(96, "EPFNOSUPPORT"), e(97, "EAFNOSUPPORT"), e(98, "EADDRINUSE"),
            e(99, "EADDRNOTAVAIL"), e(100, "ENETDOWN"), e(101, "ENETUNREACH"), e(102, "ENETRESET"), e(103, "ECONNABORTED"),
            e(104, "ECONNRESET"), e(105, "ENOBUFS"), e(106, "EISCONN"), e(107, "ENOTCONN"), e(108, "ESHUTDOWN"),
            e(109, "ETOOMANYREFS"), e(110, "ETIMEDOUT"), e(111, "ECONNREFUSED"), e(112, "EHOSTDOWN"), e(113, "EHOSTUNREACH"),
            e(114, "EALREADY"), e(115, "EINPROGRESS"), e(116, "ESTALE"), e(122, "EDQUOT"), e(125, "ECANCELED"),
            e(130, "EOWNERDEAD"), e(131, "ENOTRECOVERABLE"), e(95, "ENOTSUP"), e(11, "EWOULDBLOCK"), e(126, "ENOKEY"),
            e(127, "EKEYEXPIRED"), e(128, "EKEYREVOKED"), e(129, "EKEYREJECTED"), e(132, "ERFKILL"), e(133, "EHWPOISON"),
            e(123, "ENOMEDIUM"), e(124, "EMEDIUMTYPE"),
    };
}
