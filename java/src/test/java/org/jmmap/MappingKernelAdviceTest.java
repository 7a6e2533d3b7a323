package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.jmmap.testing.FileProbes;
import org.jmmap.testing.Smaps;
import org.jmmap.testing.Unprivileged;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Mapping#advise}: every supported {@link Advice} on a mapping kind the kernel accepts it for, its effect
 * where one can be observed (content, VMA flags in {@code /proc/self/smaps}, allocated blocks), the page-boundary
 * rule for discarding advice, and the errno of each kind of mapping that rejects an advice.
 */
class MappingKernelAdviceTest {

    private static final int PAGE = Mapping.pageSize();

    @TempDir
    Path dir;

    private Path file(String name, byte[] content) throws IOException {
        return FileProbes.write(dir.resolve(name), content);
    }

    /** A mapping of a kind the kernel takes {@code advice} for: REMOVE needs shared, FREE private anonymous memory. */
    private Mapping acceptingMapping(Advice advice, byte[] content) throws IOException {
        switch (advice) {
            case FREE:
            case MERGEABLE:
            case UNMERGEABLE:
            case HUGE_PAGE:
            case NO_HUGE_PAGE: {
                Mapping memory = Mapping.anonymous(content.length);
                memory.putBytes(0, content, 0, content.length);
                return memory;
            }
            default:
                return Mapping.map(file("accepting-" + advice, content), MapMode.READ_WRITE);
        }
    }

    private static void assertAdviceRejected(String errnoName, Mapping mapping, Advice advice) {
        assumeTrue(advice.isSupported(), advice + " is not supported here");
        ErrnoException e = assertThrows(ErrnoException.class, () -> mapping.advise(0, PAGE, advice));
        assertEquals("madvise", e.call());
        assertEquals(errnoName, e.errnoName(), advice + " on " + mapping);
    }

    /**
     * Every supported advice is accepted for the whole mapping and for a sub-range of a mapping kind that takes it;
     * advice that keeps data keeps it. Unsupported advice throws UnsupportedOperationException instead.
     */
    @ParameterizedTest
    @EnumSource(Advice.class)
    void everySupportedAdviceIsAcceptedWhereTheKernelTakesIt(Advice advice) throws IOException {
        byte[] content = FileProbes.pattern(4 * PAGE, advice.ordinal());
        try (Mapping mapping = acceptingMapping(advice, content)) {
            if (!advice.isSupported()) {
                assertThrows(UnsupportedOperationException.class, () -> mapping.advise(advice));
                assertThrows(UnsupportedOperationException.class, () -> mapping.advise(0, PAGE, advice));
                return;
            }
            mapping.advise(PAGE, 2 * PAGE, advice);
            mapping.advise(advice);
            boolean discards = advice == Advice.DONT_NEED || advice == Advice.FREE || advice == Advice.REMOVE;
            if (!discards) {
                assertArrayEquals(content, FileProbes.read(mapping, 0, content.length), advice + " must keep the data");
            }
        }
    }

    /**
     * Advice that sets a VMA flag sets it on exactly the advised pages (the kernel splits the VMA), and the
     * advice that undoes it clears it: SEQUENTIAL sr, RANDOM rr, DONT_FORK dc, DONT_DUMP dd, HUGE_PAGE hg,
     * NO_HUGE_PAGE nh, MERGEABLE mg.
     */
    @ParameterizedTest
    @CsvSource({
            "SEQUENTIAL, NORMAL, sr",
            "RANDOM, NORMAL, rr",
            "DONT_FORK, DO_FORK, dc",
            "DONT_DUMP, DO_DUMP, dd",
            "HUGE_PAGE, NO_HUGE_PAGE, hg",
            "NO_HUGE_PAGE, HUGE_PAGE, nh",
            "MERGEABLE, UNMERGEABLE, mg",
    })
    void adviceSetsAndClearsItsVmaFlagOnTheAdvisedPages(Advice advice, Advice undo, String flag) throws IOException {
        assumeTrue(advice.isSupported() && undo.isSupported(), advice + "/" + undo + " not supported here");
        try (Mapping memory = Mapping.anonymous(4 * PAGE)) {
            long advised = memory.address() + PAGE;
            memory.advise(PAGE, 2 * PAGE, advice);
            assertTrue(Smaps.flagsAt(advised).contains(flag), () -> flag + " missing: " + Smaps.areaAt(advised));
            assertTrue(Smaps.flagsAt(advised + 2 * PAGE - 1).contains(flag));
            assertFalse(Smaps.flagsAt(memory.address()).contains(flag), "page 0 was not advised");
            assertFalse(Smaps.flagsAt(memory.address() + 3 * PAGE).contains(flag), "page 3 was not advised");
            memory.advise(PAGE, 2 * PAGE, undo);
            assertFalse(Smaps.flagsAt(advised).contains(flag), () -> flag + " not cleared: " + Smaps.areaAt(advised));
        }
    }

    /** DONT_NEED on private anonymous memory drops the pages: they read zeros afterwards, the others keep data. */
    @Test
    void dontNeedOnPrivateAnonymousMemoryReadsZeros() throws IOException {
        try (Mapping memory = Mapping.anonymous(4 * PAGE)) {
            memory.fill(0, 4 * PAGE, (byte) 0x5A);
            memory.advise(PAGE, 2 * PAGE, Advice.DONT_NEED);
            assertArrayEquals(new byte[2 * PAGE], FileProbes.read(memory, PAGE, 2 * PAGE));
            assertEquals(0x5A, memory.getByte(PAGE - 1));
            assertEquals(0x5A, memory.getByte(3 * PAGE));
        }
    }

    /**
     * DONT_NEED on a shared file mapping only unmaps the pages (Rss drops to 0): they come back from the file with
     * everything written through the mapping.
     */
    @Test
    void dontNeedOnASharedFileMappingRereadsTheFile() throws IOException {
        Path file = file("dontneed-shared", new byte[4 * PAGE]);
        byte[] data = FileProbes.pattern(4 * PAGE, 11);
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE)) {
            mapping.putBytes(0, data, 0, data.length);
            assertEquals(4L * PAGE / 1024, Smaps.kilobytes(mapping.address(), mapping.length(), "Rss"));
            mapping.advise(Advice.DONT_NEED);
            assertEquals(0, Smaps.kilobytes(mapping.address(), mapping.length(), "Rss"));
            assertArrayEquals(data, FileProbes.read(mapping, 0, data.length));
            assertArrayEquals(data, Files.readAllBytes(file));
        }
    }

    /** DONT_NEED on a PRIVATE file mapping discards its private copies: the pages show the file again. */
    @Test
    void dontNeedOnAPrivateFileMappingDiscardsPrivateCopies() throws IOException {
        byte[] original = FileProbes.pattern(3 * PAGE, 12);
        Path file = file("dontneed-private", original);
        try (Mapping copy = Mapping.map(file, MapMode.PRIVATE)) {
            copy.fill(0, 3 * PAGE, (byte) 0);
            copy.advise(0, 2 * PAGE, Advice.DONT_NEED);
            assertArrayEquals(Arrays.copyOf(original, 2 * PAGE), FileProbes.read(copy, 0, 2 * PAGE));
            assertArrayEquals(new byte[PAGE], FileProbes.read(copy, 2 * PAGE, PAGE), "page 2 was not advised");
        }
    }

    /**
     * FREE lets the kernel free private anonymous pages lazily: until it does, each page keeps its data, after it
     * the page reads zeros (never anything else); a page written after FREE keeps the new data. (smaps' LazyFree
     * is no witness: the kernel marks the pages through a per-CPU batch that drains at its own pace.)
     */
    @Test
    void freeOnPrivateAnonymousMemoryKeepsEachPageOrZeroesIt() throws IOException {
        assumeTrue(Advice.FREE.isSupported(), "MADV_FREE is not supported here");
        try (Mapping memory = Mapping.anonymous(8 * PAGE)) {
            memory.advise(Advice.NO_HUGE_PAGE);
            memory.fill(0, 8 * PAGE, (byte) 0x33);
            memory.advise(0, 8 * PAGE, Advice.FREE);
            for (int page = 0; page < 8; page++) {
                byte[] content = FileProbes.read(memory, (long) page * PAGE, PAGE);
                byte[] filled = new byte[PAGE];
                Arrays.fill(filled, (byte) 0x33);
                if (!Arrays.equals(filled, content)) {
                    assertArrayEquals(new byte[PAGE], content, "page " + page + " is neither kept nor zeroed");
                }
            }
            memory.putLong(PAGE, 99);
            assertEquals(99, memory.getLong(PAGE));
        }
    }

    /**
     * REMOVE on a shared file mapping punches a hole: the pages read zeros through the mapping and read(2), the
     * file keeps its length and loses the blocks, and the pages around keep their data.
     */
    @Test
    void removeOnASharedFileMappingPunchesAHole() throws IOException, InterruptedException {
        assumeTrue(Advice.REMOVE.isSupported(), "MADV_REMOVE is not supported here");
        byte[] data = FileProbes.pattern(4 * PAGE, 13);
        Path file = file("remove", data);
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE)) {
            mapping.sync();
            long blocksBefore = FileProbes.allocatedBlocks(file);
            mapping.advise(PAGE, 2 * PAGE, Advice.REMOVE);
            assertArrayEquals(new byte[2 * PAGE], FileProbes.read(mapping, PAGE, 2 * PAGE));
            byte[] expected = data.clone();
            Arrays.fill(expected, PAGE, 3 * PAGE, (byte) 0);
            assertArrayEquals(expected, FileProbes.read(mapping, 0, expected.length));
            assertArrayEquals(expected, Files.readAllBytes(file));
            assertEquals(4L * PAGE, Files.size(file));
            assertTrue(FileProbes.allocatedBlocks(file) < blocksBefore, "the hole must free blocks");
        }
    }

    /** POPULATE_WRITE write-faults the pages of a shared file mapping in: all dirty, the content unchanged. */
    @Test
    void populateWriteFaultsSharedPagesInWritable() throws IOException {
        assumeTrue(Advice.POPULATE_WRITE.isSupported(), "MADV_POPULATE_WRITE is not supported here");
        byte[] data = FileProbes.pattern(4 * PAGE, 14);
        Path file = file("populate-write", data);
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE)) {
            assumeTrue(!Files.getFileStore(dir).type().equals("tmpfs"));
            mapping.sync();
            assertEquals(0, Smaps.dirtyBytes(mapping.address(), mapping.length()));
            mapping.advise(Advice.POPULATE_WRITE);
            assertEquals(4L * PAGE, Smaps.dirtyBytes(mapping.address(), mapping.length()));
            assertArrayEquals(data, Files.readAllBytes(file));
        }
    }

    /**
     * Discarding advice (DONT_NEED, FREE, REMOVE) must start and end on page boundaries: other ranges throw
     * IllegalArgumentException before anything is discarded. DONT_NEED and FREE may end at the end of a mapping
     * whose length is not page aligned; REMOVE may not (it would punch the file bytes after the mapping).
     */
    @ParameterizedTest
    @EnumSource(value = Advice.class, names = {"DONT_NEED", "FREE", "REMOVE"})
    void discardingAdviceNeedsPageBoundaries(Advice advice) throws IOException {
        assumeTrue(advice.isSupported(), advice + " is not supported here");
        byte[] content = FileProbes.pattern(3 * PAGE + 100, 15);
        try (Mapping mapping = acceptingMapping(advice, content)) {
            assertThrows(IllegalArgumentException.class, () -> mapping.advise(1, PAGE, advice));
            assertThrows(IllegalArgumentException.class, () -> mapping.advise(0, PAGE + 1, advice));
            assertThrows(IllegalArgumentException.class, () -> mapping.advise(PAGE, PAGE - 1, advice));
            assertThrows(IllegalArgumentException.class, () -> mapping.advise(PAGE + 1, 2 * PAGE + 99, advice));
            assertArrayEquals(content, FileProbes.read(mapping, 0, content.length), "nothing may be discarded");
            mapping.advise(0, PAGE, advice);
            mapping.advise(PAGE, 2 * PAGE, advice);
            if (advice == Advice.REMOVE) {
                assertThrows(IllegalArgumentException.class, () -> mapping.advise(2 * PAGE, PAGE + 100, advice));
                assertThrows(IllegalArgumentException.class, () -> mapping.advise(advice));
                assertEquals(content[3 * PAGE + 5], mapping.getByte(3 * PAGE + 5));
            } else {
                mapping.advise(2 * PAGE, PAGE + 100, advice);
                mapping.advise(advice);
            }
        }
    }

    /**
     * Discarding advice for the whole of a mapping made at an unaligned file offset is accepted: the bytes of its
     * first page before byte 0 are not part of the mapping and cannot be reached through it.
     */
    @Test
    void discardingAdviceForTheWholeOfAnUnalignedMappingIsAccepted() throws IOException {
        byte[] data = FileProbes.pattern(3 * PAGE, 16);
        Path file = file("unaligned-discard", data);
        try (Mapping copy = Mapping.map(file, MapMode.PRIVATE, 100, 2 * PAGE)) {
            copy.fill(0, 2 * PAGE, (byte) 0);
            copy.advise(Advice.DONT_NEED);
            assertArrayEquals(Arrays.copyOfRange(data, 100, 100 + 2 * PAGE), FileProbes.read(copy, 0, 2 * PAGE));
            copy.fill(0, 2 * PAGE, (byte) 0);
            copy.advise(0, PAGE - 100, Advice.DONT_NEED); // ends on the boundary at file offset PAGE
            assertArrayEquals(Arrays.copyOfRange(data, 100, PAGE), FileProbes.read(copy, 0, PAGE - 100));
            assertEquals(0, copy.getByte(PAGE - 100));
            // Ending at file offset PAGE + 100 would discard bytes of the mapping past the range.
            assertThrows(IllegalArgumentException.class, () -> copy.advise(0, PAGE, Advice.DONT_NEED));
        }
    }

    /**
     * REMOVE never punches a hole into file bytes outside the mapping: it frees whole pages of the file, so a range
     * whose first or last page reaches past the mapping is refused, even at the mapping's start or end.
     */
    @Test
    void removeNeverPunchesFileBytesOutsideTheMapping() throws IOException {
        assumeTrue(Advice.REMOVE.isSupported(), "MADV_REMOVE is not supported here");
        byte[] data = FileProbes.pattern(3 * PAGE, 20);
        Path file = file("remove-edges", data);
        try (Mapping head = Mapping.map(file, MapMode.READ_WRITE, 0, PAGE + 100);
             Mapping middle = Mapping.map(file, MapMode.READ_WRITE, PAGE + 100, PAGE - 100)) {
            assertThrows(IllegalArgumentException.class, () -> head.advise(Advice.REMOVE));
            assertThrows(IllegalArgumentException.class, () -> head.advise(PAGE, 100, Advice.REMOVE));
            assertThrows(IllegalArgumentException.class, () -> middle.advise(Advice.REMOVE));
            assertArrayEquals(data, Files.readAllBytes(file), "no byte of the file may be lost");
            head.advise(0, PAGE, Advice.REMOVE);
            byte[] expected = data.clone();
            Arrays.fill(expected, 0, PAGE, (byte) 0);
            assertArrayEquals(expected, Files.readAllBytes(file));
        }
    }

    /** FREE on a shared file mapping fails with EINVAL: MADV_FREE is for private anonymous memory only. */
    @Test
    void freeOnASharedFileMappingFailsWithEinval() throws IOException {
        Path file = file("free-shared", new byte[2 * PAGE]);
        try (Mapping shared = Mapping.map(file, MapMode.READ_WRITE);
             Mapping copy = Mapping.map(file, MapMode.PRIVATE)) {
            assertAdviceRejected("EINVAL", shared, Advice.FREE);
            assertAdviceRejected("EINVAL", copy, Advice.FREE);
        }
    }

    /**
     * REMOVE fails with EINVAL on anonymous private memory (no file to punch) and with EACCES on file mappings that
     * cannot write the file (READ_ONLY, PRIVATE).
     */
    @Test
    void removeNeedsAWritableSharedMapping() throws IOException {
        Path file = file("remove-rejected", FileProbes.pattern(2 * PAGE, 17));
        try (Mapping memory = Mapping.anonymous(2 * PAGE);
             Mapping reader = Mapping.map(file, MapMode.READ_ONLY);
             Mapping copy = Mapping.map(file, MapMode.PRIVATE)) {
            assertAdviceRejected("EINVAL", memory, Advice.REMOVE);
            assertAdviceRejected("EACCES", reader, Advice.REMOVE);
            assertAdviceRejected("EACCES", copy, Advice.REMOVE);
            assertArrayEquals(FileProbes.pattern(2 * PAGE, 17), Files.readAllBytes(file));
        }
    }

    /** POPULATE_WRITE on a READ_ONLY mapping fails with EINVAL: the pages cannot be faulted in writable. */
    @Test
    void populateWriteOnAReadOnlyMappingFailsWithEinval() throws IOException {
        Path file = file("populate-readonly", new byte[2 * PAGE]);
        try (Mapping reader = Mapping.map(file, MapMode.READ_ONLY)) {
            assertAdviceRejected("EINVAL", reader, Advice.POPULATE_WRITE);
            if (Advice.POPULATE_READ.isSupported()) {
                reader.advise(Advice.POPULATE_READ);
            }
        }
    }

    /** Advice that drops or reclaims pages fails with EINVAL on locked pages (DONT_NEED, REMOVE, COLD, PAGE_OUT). */
    @ParameterizedTest
    @EnumSource(value = Advice.class, names = {"DONT_NEED", "REMOVE", "COLD", "PAGE_OUT"})
    void adviceThatDropsPagesFailsWithEinvalOnLockedPages(Advice advice) throws IOException {
        assumeTrue(Unprivileged.mayLock(1 << 20), "RLIMIT_MEMLOCK is too low to lock memory here");
        Path file = file("locked-" + advice, FileProbes.pattern(2 * PAGE, 18));
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE)) {
            mapping.lockPages();
            assertAdviceRejected("EINVAL", mapping, advice);
            mapping.unlockPages();
            mapping.advise(0, PAGE, advice);
        }
    }

    /**
     * POPULATE_READ fails with EFAULT, instead of a SIGBUS, when the file was truncated underneath the mapping:
     * the pages past the new end cannot be faulted in.
     */
    @Test
    void populateReadPastTheEndOfATruncatedFileFailsWithEfault() throws IOException {
        Path file = file("truncated", FileProbes.pattern(4 * PAGE, 19));
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE)) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(PAGE);
            }
            assumeTrue(Advice.POPULATE_READ.isSupported(), "MADV_POPULATE_READ is not supported here");
            mapping.advise(0, PAGE, Advice.POPULATE_READ);
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> mapping.advise(0, 4 * PAGE, Advice.POPULATE_READ));
            assertEquals("EFAULT", e.errnoName());
        }
    }

    /**
     * advise checks its range (IndexOutOfBoundsException), its argument (NullPointerException) and the state
     * (IllegalStateException).
     */
    @Test
    void adviseChecksRangeArgumentAndState() throws IOException {
        Mapping memory = Mapping.anonymous(2 * PAGE);
        assertThrows(IndexOutOfBoundsException.class, () -> memory.advise(-1, 1, Advice.NORMAL));
        assertThrows(IndexOutOfBoundsException.class, () -> memory.advise(PAGE, PAGE + 1, Advice.NORMAL));
        assertThrows(IndexOutOfBoundsException.class, () -> memory.advise(0, Long.MAX_VALUE, Advice.NORMAL));
        assertThrows(NullPointerException.class, () -> memory.advise(null));
        assertThrows(NullPointerException.class, () -> memory.advise(0, 1, null));
        memory.close();
        assertThrows(IllegalStateException.class, () -> memory.advise(Advice.NORMAL));
        assertThrows(IllegalStateException.class, () -> memory.advise(0, 1, Advice.NORMAL));
    }
}
