package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.jmmap.testing.FileProbes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PageCache#advise} ({@code posix_fadvise}) seen through {@code mincore} ({@link Mapping#residency()}): what
 * each advice does to the file's pages in the page cache, and its errno paths.
 */
class PageCacheTest {

    private static final int PAGE = Mapping.pageSize();

    @TempDir
    Path dir;

    /**
     * A file of {@code pages} pages, written through to disk (only clean pages can be dropped) and in the page cache
     * page by page: read in through a mapping advised RANDOM, so that the kernel neither reads around nor groups
     * the pages into large folios, which DONT_NEED keeps whole when a range cuts through them.
     */
    private Path cachedFile(String name, int pages) throws IOException {
        Path file = FileProbes.write(dir.resolve(name), FileProbes.pattern(pages * PAGE, pages));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
        PageCache.advise(file, FileAdvice.DONT_NEED);
        try (Mapping mapping = Mapping.map(file, MapMode.READ_ONLY)) {
            mapping.advise(Advice.RANDOM);
            for (long page = 0; page < pages; page++) {
                mapping.getByte(page * PAGE);
            }
        }
        return file;
    }

    private static List<Long> residentPages(Path file) throws IOException {
        try (Mapping mapping = Mapping.map(file, MapMode.READ_ONLY)) {
            Residency residency = mapping.residency();
            List<Long> resident = new ArrayList<>();
            for (long page = 0; page < residency.pages(); page++) {
                if (residency.isResident(page)) {
                    resident.add(page);
                }
            }
            return resident;
        }
    }

    /** Polls until {@code condition} holds (read-ahead completes on the kernel's schedule); a bound, not a timing. */
    private static List<Long> await(Path file, Predicate<List<Long>> condition) throws Exception {
        List<Long> resident = residentPages(file);
        for (int attempt = 0; attempt < 3000 && !condition.test(resident); attempt++) {
            Thread.sleep(10);
            resident = residentPages(file);
        }
        return resident;
    }

    /** DONT_NEED over the whole file drops every clean page; WILL_NEED reads them all in again. */
    @Test
    void dontNeedDropsTheFileAndWillNeedReadsItBack() throws Exception {
        Path file = cachedFile("whole", 16);
        assertEquals(16, residentPages(file).size(), "the file starts in the page cache");
        PageCache.advise(file, FileAdvice.DONT_NEED);
        assertEquals(List.of(), residentPages(file));
        PageCache.advise(file, FileAdvice.WILL_NEED);
        assertEquals(16, await(file, resident -> resident.size() == 16).size());
    }

    /**
     * DONT_NEED of a range drops exactly the pages wholly inside it (of a file cached page by page); length 0
     * reaches the end of the file.
     */
    @Test
    void dontNeedOfARangeDropsThePagesInsideIt() throws Exception {
        Path file = cachedFile("range", 8);
        PageCache.advise(file, 2L * PAGE, 3L * PAGE, FileAdvice.DONT_NEED);
        assertEquals(List.of(0L, 1L, 5L, 6L, 7L), residentPages(file));
        PageCache.advise(file, 1, PAGE, FileAdvice.DONT_NEED); // no whole page inside [1, PAGE + 1)
        assertEquals(List.of(0L, 1L, 5L, 6L, 7L), residentPages(file));
        PageCache.advise(file, 6L * PAGE, 0, FileAdvice.DONT_NEED);
        assertEquals(List.of(0L, 1L, 5L), residentPages(file));
    }

    /** Every advice is accepted by a regular file and carries its C name. */
    @Test
    void everyAdviceIsAccepted() throws Exception {
        Path file = cachedFile("every", 2);
        for (FileAdvice advice : FileAdvice.values()) {
            PageCache.advise(file, advice);
            assertTrue(advice.constantName().startsWith("POSIX_FADV_"), advice.constantName());
        }
    }

    /** A missing file is NoSuchFileException with the ErrnoException (ENOENT) as its cause. */
    @Test
    void missingFileIsNoSuchFile() {
        Path missing = dir.resolve("missing");
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> PageCache.advise(missing, FileAdvice.DONT_NEED));
        assertEquals("ENOENT", assertInstanceOf(ErrnoException.class, e.getCause()).errnoName());
        assertEquals(missing.toString(), e.getFile());
    }

    /** A FIFO has no page cache: posix_fadvise answers ESPIPE (and opening it did not wait for a writer). */
    @Test
    void fifoIsEspipe() throws Exception {
        Path fifo = dir.resolve("fifo");
        FileProbes.run("mkfifo", fifo.toString());
        ErrnoException e = assertThrows(ErrnoException.class, () -> PageCache.advise(fifo, FileAdvice.DONT_NEED));
        assertEquals("ESPIPE", e.errnoName());
        assertEquals("posix_fadvise", e.call());
    }

    /** Negative offsets and lengths are refused before any system call, naming the value. */
    @Test
    void negativeRangeIsRefused() throws Exception {
        Path file = cachedFile("negative", 1);
        IllegalArgumentException offset = assertThrows(IllegalArgumentException.class,
                () -> PageCache.advise(file, -1, 0, FileAdvice.DONT_NEED));
        assertTrue(offset.getMessage().startsWith("offset=-1"), offset.getMessage());
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> PageCache.advise(file, 0, -5, FileAdvice.DONT_NEED));
        assertTrue(length.getMessage().startsWith("length=-5"), length.getMessage());
    }
}
