package org.jmmap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link Backend} contract at the level of single system calls: each call's success and the errno it returns
 * for a known failure, as {@code -errno} with the platform's name. Runs against the backend this JVM chose and
 * against the other one, constructed directly, so that the JNI and JNA backends are held to the same contract.
 */
class BackendErrnoTest {

    /** Never mapped: below vm.mmap_min_addr. */
    private static final long UNMAPPED = 4096;

    @TempDir
    Path dir;

    private final List<long[]> mappings = new ArrayList<>();
    private Backend cleanupBackend;

    /** The backend of this JVM and the other one, where it can be loaded. */
    static Stream<Named<Backend>> backends() {
        Backend chosen = Backends.get();
        List<Named<Backend>> backends = new ArrayList<>();
        backends.add(Named.of(chosen.name() + " (chosen)", chosen));
        if (!chosen.name().equals("jna") && Backends.isJnaPresent()) {
            backends.add(Named.of("jna", JnaBackend.create()));
        }
        if (!chosen.name().equals("jni")) {
            try {
                NativeLoader.load();
                backends.add(Named.of("jni", new JniBackend()));
            } catch (UnsatisfiedLinkError e) {
                // libjmmap.so is not available in this JVM: the chosen backend is checked alone
            }
        }
        return backends.stream();
    }

    @AfterEach
    void unmap() {
        for (long[] mapping : mappings) {
            cleanupBackend.munmap(mapping[0], mapping[1]);
        }
    }

    private static int c(Backend backend, String name) {
        return backend.constants().get(name);
    }

    /** The errno name of a failed call's result; fails if the call succeeded. */
    private static String errno(Backend backend, long result) {
        assertTrue(result < 0, "expected -errno, got " + result);
        return backend.errno().name((int) -result);
    }

    private static byte[] path(Path file) {
        return file.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Anonymous private read-write pages, unmapped after the test. */
    private long anonymous(Backend backend, long length) {
        long address = backend.mmap(0, length, c(backend, "PROT_READ") | c(backend, "PROT_WRITE"),
                c(backend, "MAP_PRIVATE") | c(backend, "MAP_ANONYMOUS"), -1, 0);
        assertTrue(address > 0, () -> "mmap: " + backend.errno().name((int) -address));
        cleanupBackend = backend;
        mappings.add(new long[] {address, length});
        return address;
    }

    private int openExisting(Backend backend, Path file, String mode) {
        int fd = backend.open(path(file), c(backend, mode) | c(backend, "O_CLOEXEC"), 0);
        assertTrue(fd >= 0, () -> "open: " + backend.errno().name(-fd));
        return fd;
    }

    /**
     * open returns a descriptor; ENOENT for a missing file, EEXIST for O_CREAT|O_EXCL of an existing one, EISDIR
     * for O_RDWR of a directory.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void open(Backend backend) throws IOException {
        Path file = Files.write(dir.resolve("file"), new byte[10]);
        int fd = openExisting(backend, file, "O_RDONLY");
        assertEquals(0, backend.close(fd));
        int created = backend.open(path(dir.resolve("new")),
                c(backend, "O_RDWR") | c(backend, "O_CREAT") | c(backend, "O_EXCL"), 0600);
        assertTrue(created >= 0);
        assertEquals(0, backend.close(created));
        assertTrue(Files.exists(dir.resolve("new")));
        assertEquals("ENOENT", errno(backend, backend.open(path(dir.resolve("missing")), c(backend, "O_RDONLY"), 0)));
        assertEquals("EEXIST", errno(backend, backend.open(path(file),
                c(backend, "O_RDWR") | c(backend, "O_CREAT") | c(backend, "O_EXCL"), 0600)));
        assertEquals("EISDIR", errno(backend, backend.open(path(dir), c(backend, "O_RDWR"), 0)));
    }

    /** close returns 0, then EBADF for the same descriptor; EBADF for -1. */
    @ParameterizedTest
    @MethodSource("backends")
    void close(Backend backend) throws IOException {
        int fd = openExisting(backend, Files.write(dir.resolve("file"), new byte[1]), "O_RDONLY");
        assertEquals(0, backend.close(fd));
        assertEquals("EBADF", errno(backend, backend.close(fd)));
        assertEquals("EBADF", errno(backend, backend.close(-1)));
    }

    /** fileSize gives a regular file's length, ENODEV for a directory, EBADF for a closed descriptor. */
    @ParameterizedTest
    @MethodSource("backends")
    void fileSize(Backend backend) throws IOException {
        int fd = openExisting(backend, Files.write(dir.resolve("file"), new byte[1234]), "O_RDONLY");
        assertEquals(1234, backend.fileSize(fd));
        backend.close(fd);
        assertEquals("EBADF", errno(backend, backend.fileSize(fd)));
        int directory = openExisting(backend, dir, "O_RDONLY");
        assertEquals("ENODEV", errno(backend, backend.fileSize(directory)));
        backend.close(directory);
    }

    /** ftruncate sets the length; EBADF for a bad descriptor, EINVAL for one opened read-only or a negative length. */
    @ParameterizedTest
    @MethodSource("backends")
    void ftruncate(Backend backend) throws IOException {
        Path file = Files.write(dir.resolve("file"), new byte[10]);
        int fd = openExisting(backend, file, "O_RDWR");
        assertEquals(0, backend.ftruncate(fd, 5000));
        assertEquals(5000, Files.size(file));
        assertEquals("EINVAL", errno(backend, backend.ftruncate(fd, -1)));
        backend.close(fd);
        assertEquals("EBADF", errno(backend, backend.ftruncate(-1, 10)));
        assertEquals("EBADF", errno(backend, backend.ftruncate(fd, 10)));
        int readOnly = openExisting(backend, file, "O_RDONLY");
        assertEquals("EINVAL", errno(backend, backend.ftruncate(readOnly, 10)));
        backend.close(readOnly);
        assertEquals(5000, Files.size(file));
    }

    /** fallocate extends a file; a hole punched without KEEP_SIZE is EOPNOTSUPP; EBADF for a bad descriptor. */
    @ParameterizedTest
    @MethodSource("backends")
    void fallocate(Backend backend) throws IOException {
        Path file = Files.write(dir.resolve("file"), new byte[10]);
        int fd = openExisting(backend, file, "O_RDWR");
        int result = backend.fallocate(fd, 0, 0, 8192);
        if (result == -backend.errno().number("EOPNOTSUPP").getAsInt()) {
            backend.close(fd);
            return; // the file system has no fallocate (tmpfs before 2.6.36, some FUSE file systems)
        }
        assertEquals(0, result);
        assertEquals(8192, Files.size(file));
        assertEquals("EOPNOTSUPP", errno(backend, backend.fallocate(fd, c(backend, "FALLOC_FL_PUNCH_HOLE"), 0, 10)));
        assertEquals("EINVAL", errno(backend, backend.fallocate(fd, 0, 0, 0)));
        backend.close(fd);
        assertEquals("EBADF", errno(backend, backend.fallocate(fd, 0, 0, 10)));
    }

    /** fadvise accepts DONTNEED; EINVAL for an unknown advice, EBADF for a bad descriptor. */
    @ParameterizedTest
    @MethodSource("backends")
    void fadvise(Backend backend) throws IOException {
        int fd = openExisting(backend, Files.write(dir.resolve("file"), new byte[10]), "O_RDONLY");
        assertEquals(0, backend.fadvise(fd, 0, 0, c(backend, "POSIX_FADV_DONTNEED")));
        assertEquals("EINVAL", errno(backend, backend.fadvise(fd, 0, 0, 9999)));
        backend.close(fd);
        assertEquals("EBADF", errno(backend, backend.fadvise(fd, 0, 0, c(backend, "POSIX_FADV_DONTNEED"))));
    }

    /**
     * mmap: EINVAL for length 0 or an unaligned offset, EBADF for fd -1 without MAP_ANONYMOUS, EACCES for a
     * writable shared mapping of a read-only descriptor, ENODEV for a directory, ENOMEM beyond the address space.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void mmap(Backend backend) throws IOException {
        int page = backend.constants().pageSize();
        int read = c(backend, "PROT_READ");
        int readWrite = read | c(backend, "PROT_WRITE");
        int shared = c(backend, "MAP_SHARED");
        int privateAnonymous = c(backend, "MAP_PRIVATE") | c(backend, "MAP_ANONYMOUS");
        Path file = Files.write(dir.resolve("file"), new byte[2 * page]);
        int readOnly = openExisting(backend, file, "O_RDONLY");
        int directory = openExisting(backend, dir, "O_RDONLY");
        try {
            long address = backend.mmap(0, page, read, shared, readOnly, page);
            assertTrue(address > 0 && address % page == 0, "mmap: " + address);
            assertEquals(0, backend.munmap(address, page));
            assertEquals("EINVAL", errno(backend, backend.mmap(0, 0, readWrite, privateAnonymous, -1, 0)));
            assertEquals("EINVAL", errno(backend, backend.mmap(0, page, read, shared, readOnly, 1)));
            assertEquals("EBADF", errno(backend, backend.mmap(0, page, read, shared, -1, 0)));
            assertEquals("EACCES", errno(backend, backend.mmap(0, page, readWrite, shared, readOnly, 0)));
            assertEquals("ENODEV", errno(backend, backend.mmap(0, page, read, shared, directory, 0)));
            assertEquals("ENOMEM", errno(backend, backend.mmap(0, 1L << 50, readWrite, privateAnonymous, -1, 0)));
        } finally {
            backend.close(readOnly);
            backend.close(directory);
        }
    }

    /** munmap returns 0; EINVAL for an unaligned address or a zero length. */
    @ParameterizedTest
    @MethodSource("backends")
    void munmap(Backend backend) {
        int page = backend.constants().pageSize();
        long address = anonymous(backend, 2L * page);
        assertEquals("EINVAL", errno(backend, backend.munmap(address + 1, page)));
        assertEquals("EINVAL", errno(backend, backend.munmap(address, 0)));
        assertEquals(0, backend.munmap(address + page, page));
        assertEquals(0, backend.munmap(address + page, page), "unmapping an unmapped range is not an error");
    }

    /** mremap grows a mapping keeping its content; EINVAL for an unaligned address, EFAULT for an unmapped one. */
    @ParameterizedTest
    @MethodSource("backends")
    void mremap(Backend backend) {
        int page = backend.constants().pageSize();
        long address = anonymous(backend, page);
        backend.newDirectBuffer(address, page).put(7, (byte) 42);
        long moved = backend.mremap(address, page, 4L * page, c(backend, "MREMAP_MAYMOVE"), 0);
        assertTrue(moved > 0, () -> "mremap: " + backend.errno().name((int) -moved));
        mappings.set(0, new long[] {moved, 4L * page});
        assertEquals(42, backend.newDirectBuffer(moved, 4 * page).get(7));
        assertEquals("EINVAL", errno(backend, backend.mremap(moved + 1, page, 2L * page, 0, 0)));
        assertEquals("EINVAL", errno(backend, backend.mremap(moved, page, page, c(backend, "MREMAP_FIXED"), 0)));
        assertEquals("EFAULT",
                errno(backend, backend.mremap(UNMAPPED, page, 2L * page, c(backend, "MREMAP_MAYMOVE"), 0)));
    }

    /** msync returns 0; EINVAL for an unaligned address or MS_SYNC|MS_ASYNC, ENOMEM for an unmapped range. */
    @ParameterizedTest
    @MethodSource("backends")
    void msync(Backend backend) {
        int page = backend.constants().pageSize();
        long address = anonymous(backend, page);
        assertEquals(0, backend.msync(address, page, c(backend, "MS_SYNC")));
        assertEquals("EINVAL", errno(backend, backend.msync(address + 1, page - 1, c(backend, "MS_SYNC"))));
        int syncAndAsync = c(backend, "MS_SYNC") | c(backend, "MS_ASYNC");
        assertEquals("EINVAL", errno(backend, backend.msync(address, page, syncAndAsync)));
        assertEquals("ENOMEM", errno(backend, backend.msync(UNMAPPED, page, c(backend, "MS_SYNC"))));
    }

    /** madvise returns 0; EINVAL for an unaligned address or an unknown advice, ENOMEM for an unmapped range. */
    @ParameterizedTest
    @MethodSource("backends")
    void madvise(Backend backend) {
        int page = backend.constants().pageSize();
        long address = anonymous(backend, page);
        assertEquals(0, backend.madvise(address, page, c(backend, "MADV_WILLNEED")));
        assertEquals("EINVAL", errno(backend, backend.madvise(address + 1, page, c(backend, "MADV_WILLNEED"))));
        assertEquals("EINVAL", errno(backend, backend.madvise(address, page, 9999)));
        assertEquals("ENOMEM", errno(backend, backend.madvise(UNMAPPED, page, c(backend, "MADV_WILLNEED"))));
    }

    /** mlock, mlock2 and munlock return 0; EINVAL for unknown mlock2 flags, ENOMEM for an unmapped range. */
    @ParameterizedTest
    @MethodSource("backends")
    void mlockAndMunlock(Backend backend) {
        int page = backend.constants().pageSize();
        long address = anonymous(backend, 2L * page);
        assertEquals(0, backend.mlock(address, page, 0));
        assertEquals(0, backend.mlock(address + page, page, c(backend, "MLOCK_ONFAULT")));
        assertEquals(0, backend.munlock(address, 2L * page));
        assertEquals("EINVAL", errno(backend, backend.mlock(address, page, 0x100)));
        assertEquals("ENOMEM", errno(backend, backend.mlock(UNMAPPED, page, 0)));
        assertEquals("ENOMEM", errno(backend, backend.munlock(UNMAPPED, page)));
    }

    /** mincore reports touched pages; EINVAL for an unaligned address or a too short vector, ENOMEM unmapped. */
    @ParameterizedTest
    @MethodSource("backends")
    void mincore(Backend backend) {
        int page = backend.constants().pageSize();
        long address = anonymous(backend, 3L * page);
        backend.madvise(address, 3L * page, c(backend, "MADV_NOHUGEPAGE")); // one touch, one page
        ByteBuffer memory = backend.newDirectBuffer(address, 3 * page);
        memory.put(page, (byte) 1);
        long[] residency = {-1L, 0x5555}; // words past the range are left alone
        assertEquals(1, backend.residency(address, 3L * page, residency));
        assertEquals(0, residency[0] & 1);
        assertEquals(1, residency[0] >>> 1 & 1);
        assertEquals(0, residency[0] >>> 2 & 1);
        assertEquals(0, residency[0] >>> 3, "bits of pages past the range in the last word are clear");
        assertEquals(0x5555, residency[1]);
        assertEquals(1, backend.residency(address, 3L * page, null), "counting only");
        assertEquals(1, backend.residency(address + page, 1, null), "a partial page counts");
        assertEquals("EINVAL", errno(backend, backend.residency(address + 1, page, residency)));
        assertEquals("EINVAL", errno(backend, backend.residency(address, 65L * page, new long[1])));
        assertEquals("ENOMEM", errno(backend, backend.residency(UNMAPPED, page, residency)));
    }

    /** mincore over more pages than one native chunk holds (4096), with a bit pattern across word boundaries. */
    @ParameterizedTest
    @MethodSource("backends")
    void residencyAcrossChunks(Backend backend) {
        int page = backend.constants().pageSize();
        long pages = 10_000;
        long address = anonymous(backend, pages * page);
        backend.madvise(address, pages * page, c(backend, "MADV_NOHUGEPAGE"));
        long expected = 0;
        for (long p = 0; p < pages; p += 7) {
            backend.newDirectBuffer(address + p * page, 1).put(0, (byte) 1);
            expected++;
        }
        long[] bits = new long[(int) ((pages + 63) / 64)];
        assertEquals(expected, backend.residency(address, pages * page, bits));
        for (long p = 0; p < pages; p++) {
            assertEquals(p % 7 == 0, (bits[(int) (p >>> 6)] & (1L << p)) != 0, "page " + p);
        }
    }

    /** A shared memory name unique to this JVM and call, with its leading '/'. */
    private static byte[] segment(String what) {
        return ("/jmmap-backend-" + ProcessHandle.current().pid() + "-" + what + "-" + System.nanoTime())
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * shmOpen creates and opens a segment; EEXIST for O_CREAT|O_EXCL of an existing one, ENOENT for a missing one,
     * EINVAL for a name with a '/' inside, ENAMETOOLONG beyond NAME_MAX; shmUnlink removes it, then ENOENT.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void shmOpenAndUnlink(Backend backend) {
        byte[] name = segment("open");
        int createExclusive = c(backend, "O_RDWR") | c(backend, "O_CREAT") | c(backend, "O_EXCL");
        int fd = backend.shmOpen(name, createExclusive, 0600);
        assertTrue(fd >= 0, () -> "shm_open: " + backend.errno().name(-fd));
        try {
            assertEquals(0, backend.ftruncate(fd, 4096));
            assertEquals(4096, backend.fileSize(fd));
            assertEquals("EEXIST", errno(backend, backend.shmOpen(name, createExclusive, 0600)));
            int again = backend.shmOpen(name, c(backend, "O_RDONLY"), 0);
            assertTrue(again >= 0);
            assertEquals(4096, backend.fileSize(again));
            backend.close(again);
        } finally {
            backend.close(fd);
        }
        assertEquals(0, backend.shmUnlink(name));
        assertEquals("ENOENT", errno(backend, backend.shmUnlink(name)));
        assertEquals("ENOENT", errno(backend, backend.shmOpen(name, c(backend, "O_RDONLY"), 0)));
        assertEquals("EINVAL", errno(backend, backend.shmOpen("/a/b".getBytes(StandardCharsets.UTF_8),
                c(backend, "O_RDONLY"), 0)));
        byte[] tooLong = ("/" + "x".repeat(c(backend, "NAME_MAX") + 1)).getBytes(StandardCharsets.UTF_8);
        assertEquals("ENAMETOOLONG", errno(backend, backend.shmOpen(tooLong, c(backend, "O_RDONLY"), 0)));
    }

    /** fchmod sets the mode bits exactly, whatever the umask; EBADF for a closed descriptor. */
    @ParameterizedTest
    @MethodSource("backends")
    void fchmod(Backend backend) throws IOException {
        Path file = Files.write(dir.resolve("file"), new byte[1]);
        int fd = openExisting(backend, file, "O_RDONLY");
        assertEquals(0, backend.fchmod(fd, 0646));
        assertEquals("rw-r--rw-", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)));
        backend.close(fd);
        assertEquals("EBADF", errno(backend, backend.fchmod(fd, 0600)));
    }

    /**
     * flock: a second open file description cannot take LOCK_EX|LOCK_NB while the first holds it, and the errno is
     * EWOULDBLOCK, which on Linux is EAGAIN (same number; the table names a number by its canonical name, EAGAIN);
     * shared locks coexist; LOCK_UN releases; EINVAL for an unknown operation, EBADF for a closed descriptor.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void flock(Backend backend) throws IOException {
        Path file = Files.write(dir.resolve("file"), new byte[1]);
        int first = openExisting(backend, file, "O_RDONLY");
        int second = openExisting(backend, file, "O_RDONLY");
        int nonBlocking = c(backend, "LOCK_NB");
        try {
            assertEquals(0, backend.flock(first, c(backend, "LOCK_EX") | nonBlocking));
            int refused = backend.flock(second, c(backend, "LOCK_EX") | nonBlocking);
            assertEquals("EAGAIN", errno(backend, refused));
            assertEquals(backend.errno().number("EWOULDBLOCK").getAsInt(), -refused);
            assertEquals("EAGAIN", errno(backend, backend.flock(second, c(backend, "LOCK_SH") | nonBlocking)));
            assertEquals(0, backend.flock(first, c(backend, "LOCK_SH") | nonBlocking), "converted to shared");
            assertEquals(0, backend.flock(second, c(backend, "LOCK_SH") | nonBlocking), "shared locks coexist");
            assertEquals(0, backend.flock(first, c(backend, "LOCK_UN")));
            assertEquals(0, backend.flock(second, c(backend, "LOCK_UN")));
            assertEquals(0, backend.flock(second, c(backend, "LOCK_EX") | nonBlocking));
            assertEquals("EINVAL", errno(backend, backend.flock(first, 0)));
        } finally {
            backend.close(first);
            backend.close(second);
        }
        assertEquals("EBADF", errno(backend, backend.flock(first, c(backend, "LOCK_EX"))));
    }

    /**
     * fcntlLock with the OFD commands: a write lock on one open file description blocks an overlapping one on
     * another (EAGAIN), not a disjoint one; F_OFD_GETLK reports the conflicting lock (type, range, l_pid -1) or
     * F_UNLCK; F_OFD_SETLKW takes a free range; EINVAL for an unknown type, EBADF for a write lock on a read-only
     * descriptor.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void fcntlLock(Backend backend) throws IOException {
        Path file = Files.write(dir.resolve("file"), new byte[1]);
        int first = openExisting(backend, file, "O_RDWR");
        int second = openExisting(backend, file, "O_RDWR");
        int readOnly = openExisting(backend, file, "O_RDONLY");
        int setLock = c(backend, "F_OFD_SETLK");
        int write = c(backend, "F_WRLCK");
        try {
            assertEquals(0, backend.fcntlLock(first, setLock, write, 100, 50, null));
            assertEquals("EAGAIN", errno(backend, backend.fcntlLock(second, setLock, write, 149, 1, null)));
            assertEquals("EAGAIN", errno(backend, backend.fcntlLock(second, setLock, c(backend, "F_RDLCK"), 0, 0,
                    null)));
            assertEquals(0, backend.fcntlLock(second, c(backend, "F_OFD_SETLKW"), write, 150, 10, null));
            long[] found = new long[4];
            assertEquals(0, backend.fcntlLock(second, c(backend, "F_OFD_GETLK"), write, 0, 120, found));
            assertEquals(write, found[0]);
            assertEquals(100, found[1]);
            assertEquals(50, found[2]);
            assertEquals(-1, found[3], "OFD locks have no owning process");
            assertEquals(0, backend.fcntlLock(second, c(backend, "F_OFD_GETLK"), write, 0, 100, found));
            assertEquals(c(backend, "F_UNLCK"), found[0]);
            assertEquals(0, backend.fcntlLock(first, setLock, c(backend, "F_UNLCK"), 100, 50, null));
            assertEquals(0, backend.fcntlLock(second, setLock, write, 0, 0, null));
            assertEquals("EINVAL", errno(backend, backend.fcntlLock(first, setLock, 99, 0, 1, null)));
            assertEquals("EBADF", errno(backend, backend.fcntlLock(readOnly, setLock, write, 0, 1, null)));
        } finally {
            backend.close(first);
            backend.close(second);
            backend.close(readOnly);
        }
    }

    /**
     * lockSlice blocks in flock or F_OFD_SETLKW for at most the time given: EINTR while another open file description
     * holds the lock, 0 once it is free; EBADF for a closed descriptor. The JNA backend cannot bound a blocking call
     * and says so with ENOSYS.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void lockSlice(Backend backend) throws IOException {
        Path file = Files.write(dir.resolve("file"), new byte[1]);
        int first = openExisting(backend, file, "O_RDWR");
        int second = openExisting(backend, file, "O_RDWR");
        int exclusive = c(backend, "LOCK_EX");
        int setWait = c(backend, "F_OFD_SETLKW");
        int write = c(backend, "F_WRLCK");
        long millisecond = 1_000_000;
        try {
            assertEquals(0, backend.flock(first, exclusive | c(backend, "LOCK_NB")));
            assertEquals(0, backend.fcntlLock(first, c(backend, "F_OFD_SETLK"), write, 0, 10, null));
            int held = backend.lockSlice(second, -1, exclusive, 0, 0, millisecond);
            if (backend.name().equals("jna")) {
                assertEquals("ENOSYS", errno(backend, held));
                return;
            }
            assertEquals("EINTR", errno(backend, held));
            assertEquals("EINTR", errno(backend, backend.lockSlice(second, setWait, write, 9, 1, millisecond)));
            assertEquals(0, backend.lockSlice(second, setWait, write, 10, 1, millisecond));
            assertEquals(0, backend.flock(first, c(backend, "LOCK_UN")));
            assertEquals(0, backend.lockSlice(second, -1, exclusive, 0, 0, 0));
        } finally {
            backend.close(first);
            backend.close(second);
        }
        assertEquals("EBADF", errno(backend, backend.lockSlice(first, -1, exclusive, 0, 0, millisecond)));
        assertEquals("EBADF", errno(backend, backend.lockSlice(first, setWait, write, 0, 1, millisecond)));
    }
}
