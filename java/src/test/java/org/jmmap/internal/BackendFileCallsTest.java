package org.jmmap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The file calls of both backends that the public API does not use yet (fallocate, posix_fadvise) and the ones it
 * does (open, fstat size, ftruncate, close): each succeeds, and each fails with the errno the man page gives.
 */
class BackendFileCallsTest {

    @TempDir
    Path directory;

    static Stream<Backend> backends() {
        return Stream.of(Backends.get(), JnaBackend.create());
    }

    private static int errno(Backend backend, String name) {
        return backend.errno().number(name).getAsInt();
    }

    private static byte[] name(Path file) {
        return file.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** open creates with the mode given, fstat reports the size, ftruncate changes it, close releases the fd. */
    @ParameterizedTest
    @MethodSource("backends")
    void openSizeTruncateClose(Backend backend) throws Exception {
        Constants c = backend.constants();
        Path file = directory.resolve(backend.name() + ".bin");
        int fd = backend.open(name(file), c.get("O_RDWR") | c.get("O_CREAT") | c.get("O_EXCL") | c.get("O_CLOEXEC"),
                0600);
        assertTrue(fd >= 0, "open: " + fd);
        assertEquals(0, backend.fileSize(fd));
        assertEquals(0, backend.ftruncate(fd, 12345));
        assertEquals(12345, backend.fileSize(fd));
        assertEquals(12345, Files.size(file));
        assertEquals(-errno(backend, "EINVAL"), backend.ftruncate(fd, -1));
        assertEquals(0, backend.close(fd));
        assertEquals(-errno(backend, "EBADF"), backend.close(fd));
        assertEquals(-errno(backend, "EBADF"), backend.fileSize(fd));
        assertEquals(-errno(backend, "EBADF"), backend.ftruncate(fd, 1));

        int again = backend.open(name(file), c.get("O_RDWR") | c.get("O_CREAT") | c.get("O_EXCL"), 0600);
        assertEquals(-errno(backend, "EEXIST"), again);
        assertEquals(-errno(backend, "ENOENT"), backend.open(name(directory.resolve("missing")), c.get("O_RDONLY"), 0));
        int dir = backend.open(name(directory), c.get("O_RDONLY"), 0);
        assertTrue(dir >= 0);
        assertEquals(-errno(backend, "ENODEV"), backend.fileSize(dir), "a directory is not a regular file");
        backend.close(dir);
    }

    /** fallocate reserves blocks (and grows the file unless KEEP_SIZE), punches holes; bad descriptors are EBADF. */
    @ParameterizedTest
    @MethodSource("backends")
    void fallocate(Backend backend) throws Exception {
        Constants c = backend.constants();
        Path file = directory.resolve(backend.name() + "-fallocate.bin");
        int fd = backend.open(name(file), c.get("O_RDWR") | c.get("O_CREAT") | c.get("O_CLOEXEC"), 0600);
        try {
            assertEquals(0, backend.fallocate(fd, 0, 0, 1 << 20));
            assertEquals(1 << 20, backend.fileSize(fd));
            assertEquals(0, backend.fallocate(fd, c.get("FALLOC_FL_KEEP_SIZE"), 1 << 20, 1 << 20));
            assertEquals(1 << 20, backend.fileSize(fd), "KEEP_SIZE leaves the size alone");
            int punch = backend.fallocate(fd, c.get("FALLOC_FL_PUNCH_HOLE") | c.get("FALLOC_FL_KEEP_SIZE"), 0, 4096);
            assertTrue(punch == 0 || punch == -errno(backend, "EOPNOTSUPP"), "punch hole: " + punch);
            assertEquals(-errno(backend, "EINVAL"), backend.fallocate(fd, 0, 0, 0), "length 0");
            assertEquals(-errno(backend, "EINVAL"), backend.fallocate(fd, 0, -1, 10), "negative offset");
        } finally {
            backend.close(fd);
        }
        assertEquals(-errno(backend, "EBADF"), backend.fallocate(fd, 0, 0, 4096));
    }

    /** posix_fadvise accepts every advice on a file, refuses an unknown one (EINVAL) and a bad descriptor (EBADF). */
    @ParameterizedTest
    @MethodSource("backends")
    void fadvise(Backend backend) throws Exception {
        Constants c = backend.constants();
        Path file = directory.resolve(backend.name() + "-fadvise.bin");
        Files.write(file, new byte[1 << 16]);
        int fd = backend.open(name(file), c.get("O_RDONLY") | c.get("O_CLOEXEC"), 0);
        try {
            for (String advice : new String[] {"POSIX_FADV_NORMAL", "POSIX_FADV_RANDOM", "POSIX_FADV_SEQUENTIAL",
                    "POSIX_FADV_WILLNEED", "POSIX_FADV_DONTNEED", "POSIX_FADV_NOREUSE"}) {
                assertEquals(0, backend.fadvise(fd, 0, 0, c.get(advice)), advice);
            }
            assertEquals(-errno(backend, "EINVAL"), backend.fadvise(fd, 0, 0, 12345));
        } finally {
            backend.close(fd);
        }
        assertEquals(-errno(backend, "EBADF"), backend.fadvise(fd, 0, 0, c.get("POSIX_FADV_NORMAL")));
    }
}
