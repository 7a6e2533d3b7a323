package org.jmmap;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Objects;
import org.jmmap.internal.Backend;
import org.jmmap.internal.Backends;
import org.jmmap.internal.Constants;

/**
 * The page cache of a file, whether or not anything maps it: {@code posix_fadvise(2)}. To see which pages are
 * cached, map the file and ask {@link Mapping#residency()} (mapping it does not read it).
 *
 * <pre>{@code
 * PageCache.advise(Path.of("big.log"), FileAdvice.DONT_NEED);   // drop its clean pages, as 'vmtouch -e' does
 * }</pre>
 */
public final class PageCache {

    private static final Backend NATIVE = Backends.get();
    private static final Constants C = NATIVE.constants();
    // O_NONBLOCK: a FIFO named by mistake fails (ESPIPE) rather than waiting for a writer.
    private static final int OPEN_FLAGS = C.get("O_RDONLY") | C.get("O_CLOEXEC") | C.get("O_NONBLOCK");

    private PageCache() {
    }

    /**
     * Gives the kernel {@code advice} about the whole of {@code file}; see {@link #advise(Path, long, long, FileAdvice)}.
     */
    public static void advise(Path file, FileAdvice advice) throws IOException {
        advise(file, 0, 0, advice);
    }

    /**
     * Gives the kernel {@code advice} about bytes {@code [offset, offset + length)} of {@code file}
     * ({@code posix_fadvise}), {@code length} 0 meaning to the end of the file. The kernel widens the range to the
     * pages it touches, except that {@link FileAdvice#DONT_NEED} drops only the pages wholly inside it. The file is
     * opened read-only for the call and closed again.
     *
     * @param offset in bytes from the start of the file
     * @param length in bytes; 0: to the end of the file, however long it gets
     * @throws IllegalArgumentException            if {@code offset < 0} or {@code length < 0} (before any system
     *                                             call)
     * @throws java.nio.file.NoSuchFileException   if the file does not exist ({@code ENOENT})
     * @throws java.nio.file.AccessDeniedException if it cannot be opened for reading ({@code EACCES})
     * @throws ErrnoException                      if {@code posix_fadvise} fails: {@code ESPIPE} for a pipe or
     *                                             FIFO, ...
     */
    public static void advise(Path file, long offset, long length, FileAdvice advice) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(advice, "advice");
        if (file.getFileSystem() != FileSystems.getDefault()) {
            throw new IllegalArgumentException("file=" + file + ": only files of the default file system have a "
                    + "page cache to advise");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset=" + offset + ": must be >= 0");
        }
        if (length < 0) {
            throw new IllegalArgumentException("length=" + length + ": must be >= 0 (0: to the end of the file)");
        }
        int fd = Mapping.openRetrying(Mapping.encode(file), OPEN_FLAGS, 0);
        if (fd < 0) {
            throw Errors.file("open", fd, file, "file=" + file + ", O_RDONLY");
        }
        try {
            int result = NATIVE.fadvise(fd, offset, length, advice.value());
            if (result < 0) {
                throw Errors.errno("posix_fadvise", result, "file=" + file + ", offset=" + offset + ", length="
                        + length + ", " + advice.constantName());
            }
        } finally {
            NATIVE.close(fd);
        }
    }
}
