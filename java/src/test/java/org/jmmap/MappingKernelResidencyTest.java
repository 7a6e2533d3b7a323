package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.jmmap.testing.FileProbes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Mapping#residency()} ({@code mincore}) before and after the advice that changes it. For anonymous memory
 * a page is resident when it is mapped; for a file mapping, when the file's page is in the page cache, whether this
 * mapping maps it or not. Anonymous tests advise NO_HUGE_PAGE first so that one touch cannot fault in a whole huge
 * page.
 */
class MappingKernelResidencyTest {

    private static final int PAGE = Mapping.pageSize();

    @TempDir
    Path dir;

    private static Mapping smallPageMemory(int pages) throws IOException {
        Mapping memory = Mapping.anonymous((long) pages * PAGE);
        if (Advice.NO_HUGE_PAGE.isSupported()) {
            memory.advise(Advice.NO_HUGE_PAGE);
        }
        return memory;
    }

    /** The numbers of the resident pages. */
    private static List<Long> residentPages(Residency residency) {
        List<Long> resident = new ArrayList<>();
        for (long page = 0; page < residency.pages(); page++) {
            if (residency.isResident(page)) {
                resident.add(page);
            }
        }
        return resident;
    }

    /** A file of {@code pages} pages that is not in the page cache. */
    private Path evictedFile(String name, int pages) throws IOException, InterruptedException {
        Path file = FileProbes.write(dir.resolve(name), FileProbes.pattern(pages * PAGE, pages));
        FileProbes.evictFromPageCache(file);
        return file;
    }

    /**
     * Polls residency until {@code condition} holds (readahead and reclaim finish on the kernel's schedule) and
     * returns the last answer; a bound on the wait, not on the time the kernel takes.
     */
    private static Residency await(Mapping mapping, Predicate<Residency> condition) throws Exception {
        Residency residency = mapping.residency();
        for (int attempt = 0; attempt < 3000 && !condition.test(residency); attempt++) {
            Thread.sleep(10);
            residency = mapping.residency();
        }
        return residency;
    }

    /**
     * {@code residentPages} counts what {@code residency} reports, partial pages at both ends included; a result
     * passed back is refilled in place when it is large enough, and left alone when it is not.
     */
    @Test
    void residentPagesAndReusedResultsAgreeWithResidency() throws IOException {
        try (Mapping memory = smallPageMemory(200)) {
            for (long page = 0; page < 200; page += 3) {
                memory.putByte(page * PAGE, (byte) 1);
            }
            Residency whole = memory.residency();
            assertEquals(67, whole.residentPages());
            assertEquals(67, memory.residentPages(0, memory.length()));
            assertEquals(1, memory.residentPages(3L * PAGE + 100, 1), "one byte of a resident page");
            assertEquals(1, memory.residentPages(3L * PAGE - 1, 2), "two bytes straddling pages 2 and 3: one");
            assertEquals(2, memory.residentPages(3L * PAGE - 1, 3L * PAGE + 2), "pages 2 to 6: 3 and 6");
            assertEquals(0, memory.residentPages(PAGE, PAGE));
            assertEquals(0, memory.residentPages(3L * PAGE, 0), "an empty range");

            Residency reused = memory.residency(0, memory.length(), Residency.class.cast(whole));
            assertTrue(reused == whole, "refilled in place");
            memory.putByte(PAGE, (byte) 1);
            assertTrue(memory.residency(0, 10L * PAGE, reused) == reused, "a shorter range fits too");
            assertEquals(10, reused.pages());
            assertEquals(List.of(0L, 1L, 3L, 6L, 9L), residentPages(reused));
            assertThrows(IndexOutOfBoundsException.class, () -> reused.isResident(10));

            Residency small = memory.residency(0, PAGE);
            Residency grown = memory.residency(0, memory.length(), small);
            assertFalse(grown == small, "too small: a new result");
            assertEquals(1, small.pages(), "and the one passed is left alone");
            assertEquals(68, grown.residentPages());
            assertThrows(IndexOutOfBoundsException.class, () -> memory.residentPages(0, memory.length() + 1));
            assertThrows(IndexOutOfBoundsException.class, () -> memory.residency(-1, 1, reused));
        }
    }

    /** Fresh anonymous memory has no resident page; reading or writing a page makes exactly that one resident. */
    @Test
    void anonymousPagesBecomeResidentWhenTouched() throws IOException {
        try (Mapping memory = smallPageMemory(8)) {
            Residency fresh = memory.residency();
            assertEquals(8, fresh.pages());
            assertEquals(0, fresh.residentPages());
            assertEquals(0.0, fresh.fraction());
            memory.putByte(2L * PAGE + 5, (byte) 1);
            assertEquals(0, memory.getByte(5L * PAGE + PAGE - 1)); // a read maps the zero page
            Residency touched = memory.residency();
            assertEquals(List.of(2L, 5L), residentPages(touched));
            assertEquals(2, touched.residentPages());
            assertEquals(0.25, touched.fraction());
        }
    }

    /**
     * residency(offset, length) covers every page the range touches, and its page 0 is the page holding byte
     * {@code offset}.
     */
    @Test
    void rangeResidencyNumbersPagesFromThePageHoldingTheOffset() throws IOException {
        try (Mapping memory = smallPageMemory(8)) {
            memory.putByte(2L * PAGE, (byte) 1);
            memory.putByte(5L * PAGE, (byte) 1);
            Residency unaligned = memory.residency(2L * PAGE + 10, PAGE); // touches pages 2 and 3
            assertEquals(2, unaligned.pages());
            assertEquals(List.of(0L), residentPages(unaligned));
            Residency straddling = memory.residency(2L * PAGE - 1, 2); // pages 1 and 2
            assertEquals(2, straddling.pages());
            assertEquals(List.of(1L), residentPages(straddling));
            Residency wide = memory.residency(PAGE, 6L * PAGE - 1); // pages 1 to 6
            assertEquals(6, wide.pages());
            assertEquals(List.of(1L, 4L), residentPages(wide));
            assertEquals(1, memory.residency(5L * PAGE + PAGE - 1, 1).pages());
            assertEquals(0, memory.residency(3L * PAGE, 0).pages());
        }
    }

    /** A mapping made at an unaligned file offset counts the pages it spans, starting with the one holding byte 0. */
    @Test
    void residencyOfAnUnalignedFileMappingCountsThePagesItSpans() throws IOException {
        Path file = FileProbes.write(dir.resolve("unaligned"), new byte[4 * PAGE]);
        try (Mapping mapping = Mapping.map(file, MapMode.READ_ONLY, 100, 2L * PAGE)) {
            assertEquals(3, mapping.residency().pages());
            assertEquals(1, mapping.residency(0, 1).pages());
            assertEquals(2, mapping.residency(PAGE - 101, 2).pages());
            assertEquals(1, mapping.residency(PAGE - 100, 1).pages());
        }
    }

    /** isResident checks that the page is in [0, pages()). */
    @Test
    void isResidentChecksItsBounds() throws IOException {
        try (Mapping memory = smallPageMemory(3)) {
            memory.putByte(2L * PAGE, (byte) 1);
            Residency residency = memory.residency();
            assertTrue(residency.isResident(2));
            assertFalse(residency.isResident(0));
            assertThrows(IndexOutOfBoundsException.class, () -> residency.isResident(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> residency.isResident(3));
            assertThrows(IndexOutOfBoundsException.class, () -> residency.isResident(Long.MIN_VALUE));
            Residency empty = memory.residency(PAGE, 0);
            assertThrows(IndexOutOfBoundsException.class, () -> empty.isResident(0));
        }
    }

    /**
     * On anonymous memory DONT_NEED makes pages non-resident, WILL_NEED leaves them so (there is nothing to read
     * in), POPULATE_READ and POPULATE_WRITE make them resident.
     */
    @Test
    void adviceChangesTheResidencyOfAnonymousMemory() throws IOException {
        try (Mapping memory = smallPageMemory(8)) {
            memory.fill(0, 8L * PAGE, (byte) 9);
            assertEquals(8, memory.residency().residentPages());
            memory.advise(PAGE, 3L * PAGE, Advice.DONT_NEED);
            assertEquals(List.of(0L, 4L, 5L, 6L, 7L), residentPages(memory.residency()));
            memory.advise(Advice.WILL_NEED);
            assertEquals(5, memory.residency().residentPages());
            assumeTrue(Advice.POPULATE_READ.isSupported() && Advice.POPULATE_WRITE.isSupported());
            memory.advise(PAGE, PAGE, Advice.POPULATE_READ);
            memory.advise(2L * PAGE, PAGE, Advice.POPULATE_WRITE);
            assertEquals(List.of(0L, 1L, 2L, 4L, 5L, 6L, 7L), residentPages(memory.residency()));
            assertEquals(0, memory.getLong(PAGE));
            assertEquals(0, memory.getLong(2L * PAGE));
        }
    }

    /**
     * A file evicted from the page cache maps non-resident. POPULATE_READ (with RANDOM, so no read-around) reads
     * in exactly the pages asked for; DONT_NEED unmaps them but leaves them in the page cache, so they stay
     * resident; WILL_NEED reads in the whole file.
     */
    @Test
    void adviceChangesTheResidencyOfAFileMapping() throws Exception {
        Path file = evictedFile("file-residency", 16);
        try (Mapping mapping = Mapping.map(file, MapMode.READ_ONLY)) {
            assertEquals(0, mapping.residency().residentPages(), "the file must start out of the page cache");
            mapping.advise(Advice.RANDOM);
            assumeTrue(Advice.POPULATE_READ.isSupported(), "MADV_POPULATE_READ is not supported here");
            mapping.advise(2L * PAGE, 2L * PAGE, Advice.POPULATE_READ);
            assertEquals(List.of(2L, 3L), residentPages(mapping.residency()));
            mapping.advise(Advice.DONT_NEED);
            assertEquals(List.of(2L, 3L), residentPages(mapping.residency()));
            assertArrayEquals(FileProbes.pattern(16 * PAGE, 16), FileProbes.read(file, 0, 16 * PAGE));
            FileProbes.evictFromPageCache(file);
            assertEquals(0, mapping.residency().residentPages());
            mapping.advise(Advice.WILL_NEED);
            Residency afterWillNeed = await(mapping, r -> r.residentPages() == r.pages());
            assertEquals(16, afterWillNeed.residentPages(), "WILL_NEED must read the whole file in");
        }
    }

    /**
     * PAGE_OUT reclaims the clean pages of a file mapping: they leave the page cache. It is retried because a page
     * still sitting in a per-CPU LRU batch cannot be isolated for reclaim yet.
     */
    @Test
    void pageOutEvictsCleanFilePages() throws Exception {
        assumeTrue(Advice.PAGE_OUT.isSupported(), "MADV_PAGEOUT is not supported here");
        Path file = FileProbes.write(dir.resolve("pageout"), FileProbes.pattern(8 * PAGE, 3));
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE)) {
            mapping.sync();
            mapping.advise(Advice.POPULATE_READ);
            assertEquals(8, mapping.residency().residentPages());
            Residency residency = mapping.residency();
            for (int attempt = 0; attempt < 100 && residency.residentPages() > 0; attempt++) {
                mapping.advise(Advice.PAGE_OUT);
                residency = mapping.residency();
                if (residency.residentPages() > 0) {
                    Thread.sleep(10);
                }
            }
            assertEquals(0, residency.residentPages(), "clean, unshared pages must be reclaimed");
            assertEquals(FileProbes.pattern(8 * PAGE, 3)[PAGE + 1], mapping.getByte(PAGE + 1));
        }
    }

    /** MapOption.POPULATE faults every page in before map returns, for anonymous memory and for an evicted file. */
    @Test
    void populateOptionMakesEveryPageResident() throws Exception {
        try (Mapping memory = Mapping.anonymous(8L * PAGE, MapOption.POPULATE)) {
            assertEquals(8, memory.residency().residentPages());
        }
        Path file = evictedFile("populate", 8);
        try (Mapping mapping = Mapping.map(file, MapMode.READ_ONLY, 0, 8L * PAGE, MapOption.POPULATE)) {
            assertEquals(8, mapping.residency().residentPages());
        }
    }

    /** residency checks its range (IndexOutOfBoundsException) and its state (IllegalStateException). */
    @Test
    void residencyChecksRangeAndState() throws IOException {
        Mapping memory = Mapping.anonymous(2L * PAGE);
        assertThrows(IndexOutOfBoundsException.class, () -> memory.residency(-1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> memory.residency(0, 2L * PAGE + 1));
        assertThrows(IndexOutOfBoundsException.class, () -> memory.residency(1, -1));
        memory.close();
        assertThrows(IllegalStateException.class, memory::residency);
        assertThrows(IllegalStateException.class, () -> memory.residency(0, 1));
    }
}
