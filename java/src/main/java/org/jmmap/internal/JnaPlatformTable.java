package org.jmmap.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the JNA backend needs to know about a platform and cannot read from C headers, typed in per platform: flag
 * values, errno names, and the layouts of the structs it hands to libc. {@code JnaBackendTest} checks every value
 * against the ones libjmmap.so read from the headers of the running platform, and {@code JnaPlatformTableTest}
 * against the headers of every platform the build compiles libjmmap.so for (linux-aarch64 too, when cross-built),
 * which is how a wrong value here (JNA's own {@code Mman} swaps {@code MS_SYNC} and {@code MS_INVALIDATE}) gets
 * caught.
 *
 * <p>linux-x86_64 and linux-aarch64 share the generic Linux values (errno, {@code mmap}, {@code madvise} ...) and
 * differ in {@code O_NOFOLLOW} (and {@code O_DIRECTORY}, {@code O_DIRECT}, which jmmap does not use), the system
 * call number of {@code futex}, and the layout of {@code struct stat}.
 */
final class JnaPlatformTable {

    /** {@code st_mode} file type bits, the same on every Linux. */
    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;

    /** {@code struct flock}, for {@code fcntl}: the same on every 64-bit Linux. */
    static final int FLOCK_SIZE = 32;
    static final int FLOCK_TYPE_OFFSET = 0;
    static final int FLOCK_WHENCE_OFFSET = 2;
    static final int FLOCK_START_OFFSET = 8;
    static final int FLOCK_LEN_OFFSET = 16;
    static final int FLOCK_PID_OFFSET = 24;
    static final int SEEK_SET = 0;

    private static final JnaPlatformTable LINUX_X86_64 = new JnaPlatformTable(144, 24, 48,
            c("O_NOFOLLOW", 0400000), c("SYS_futex", 202));
    /** asm-generic's {@code struct stat}; arm64's own {@code fcntl.h}. */
    private static final JnaPlatformTable LINUX_AARCH64 = new JnaPlatformTable(128, 16, 48,
            c("O_NOFOLLOW", 0100000), c("SYS_futex", 98));

    /** {@code struct stat}, for {@code fstat}: its size and the offsets of {@code st_mode} and {@code st_size}. */
    final int statSize;
    final int statModeOffset;
    final int statSizeOffset;
    private final Object[][] ownConstants;

    private JnaPlatformTable(int statSize, int statModeOffset, int statSizeOffset, Object[]... ownConstants) {
        this.statSize = statSize;
        this.statModeOffset = statModeOffset;
        this.statSizeOffset = statSizeOffset;
        this.ownConstants = ownConstants;
    }

    /** The table for {@code platform} ({@code linux-x86_64}, {@code linux-aarch64}), or null if there is none. */
    static JnaPlatformTable of(String platform) {
        switch (platform) {
            case "linux-x86_64":
                return LINUX_X86_64;
            case "linux-aarch64":
                return LINUX_AARCH64;
            default:
                return null;
        }
    }

    /** Every constant by name (a new, modifiable map). */
    Map<String, Long> constants() {
        Map<String, Long> table = new LinkedHashMap<>();
        for (Object[][] entries : new Object[][][] {LINUX, ownConstants}) {
            for (Object[] entry : entries) {
                table.put((String) entry[0], ((Number) entry[1]).longValue());
            }
        }
        return table;
    }

    /** errno numbers and names, canonical name first. */
    Object[][] errnos() {
        return LINUX_ERRNO;
    }

    /**
     * The struct layouts and the values that go with them, named as {@code native/test/dump_platform.c} writes them
     * ({@code stat.st_mode}, {@code flock.l_len}, {@code S_IFREG} ...), for the tests.
     */
    Map<String, Long> layout() {
        Map<String, Long> layout = new LinkedHashMap<>();
        layout.put("stat.size", (long) statSize);
        layout.put("stat.st_mode", (long) statModeOffset);
        layout.put("stat.st_size", (long) statSizeOffset);
        layout.put("S_IFMT", (long) S_IFMT);
        layout.put("S_IFREG", (long) S_IFREG);
        layout.put("flock.size", (long) FLOCK_SIZE);
        layout.put("flock.l_type", (long) FLOCK_TYPE_OFFSET);
        layout.put("flock.l_whence", (long) FLOCK_WHENCE_OFFSET);
        layout.put("flock.l_start", (long) FLOCK_START_OFFSET);
        layout.put("flock.l_len", (long) FLOCK_LEN_OFFSET);
        layout.put("flock.l_pid", (long) FLOCK_PID_OFFSET);
        layout.put("SEEK_SET", (long) SEEK_SET);
        return layout;
    }

    private static Object[] c(String name, long value) {
        return new Object[] {name, value};
    }

    private static Object[] e(int number, String name) {
        return new Object[] {number, name};
    }

    /** The values every Linux architecture jmmap knows shares; {@code ownConstants} add the rest. */
    private static final Object[][] LINUX = {
            c("O_RDONLY", 0), c("O_WRONLY", 1), c("O_RDWR", 2),
            c("O_CREAT", 64), c("O_EXCL", 128), c("O_TRUNC", 512),
            c("O_CLOEXEC", 524288), c("O_NONBLOCK", 2048), c("PROT_NONE", 0),
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
            c("FUTEX_WAIT", 0), c("FUTEX_WAKE", 1),
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
