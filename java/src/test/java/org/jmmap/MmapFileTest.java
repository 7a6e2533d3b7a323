package org.jmmap;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.jmmap.testing.FileProbes;
import org.jmmap.testing.Unprivileged;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MmapFile}: every method's success path and every error CPython 3.13's {@code mmap} raises. */
class MmapFileTest {

    private static final int PAGE = MmapFile.PAGESIZE;

    @TempDir
    Path directory;

    private Path file(String content) throws IOException {
        return file(content.getBytes(US_ASCII));
    }

    private Path file(byte[] content) throws IOException {
        return Files.write(Files.createTempFile(directory, "mmapfile", ".bin"), content);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(US_ASCII);
    }

    private static ErrnoException errno(ThrowingRunnable call) {
        return assertThrows(ErrnoException.class, call::run);
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Constants and construction

    @Test
    void constantsAreThoseOfPythonOnLinux() {
        assertEquals(0, MmapFile.SEEK_SET);
        assertEquals(1, MmapFile.SEEK_CUR);
        assertEquals(2, MmapFile.SEEK_END);
        assertEquals(Mapping.pageSize(), MmapFile.PAGESIZE);
        assertEquals(MmapFile.PAGESIZE, MmapFile.ALLOCATIONGRANULARITY);
    }

    @Test
    void lengthZeroMapsTheWholeFileAndTheOffsetTheRest() throws IOException {
        byte[] content = FileProbes.pattern(3 * PAGE + 10, 1);
        Path f = file(content);
        try (MmapFile m = MmapFile.open(f, 0, MapMode.READ_ONLY)) {
            assertEquals(content.length, m.length());
            assertEquals(content.length, m.size());
            assertEquals(0, m.tell());
            assertArrayEquals(content, m.read());
        }
        try (MmapFile m = MmapFile.open(f, 0, MapMode.READ_ONLY, PAGE)) {
            assertEquals(content.length - PAGE, m.length());
            assertEquals(content.length, m.size(), "size() is the file's, not the map's");
            assertArrayEquals(Arrays.copyOfRange(content, PAGE, content.length), m.read());
        }
        try (MmapFile m = MmapFile.open(f, 5, MapMode.READ_WRITE, 2 * PAGE)) {
            assertEquals(5, m.length());
            assertArrayEquals(Arrays.copyOfRange(content, 2 * PAGE, 2 * PAGE + 5), m.read());
            assertEquals(MapMode.READ_WRITE, m.mapping().mode());
        }
    }

    @Test
    void anEmptyFileWithLengthZeroIsRefused() throws IOException {
        Path f = file("");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MmapFile.open(f, 0, MapMode.READ_WRITE));
        assertTrue(e.getMessage().contains("size=0"), e.getMessage());
    }

    @Test
    void anOffsetAtOrPastTheEndWithLengthZeroIsRefused() throws IOException {
        Path f = file(new byte[PAGE]);
        for (MapMode mode : MapMode.values()) {
            for (long offset : new long[] {PAGE, 2 * PAGE, 1L << 40}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> MmapFile.open(f, 0, mode, offset));
                assertTrue(e.getMessage().contains("offset=" + offset), e.getMessage());
            }
        }
    }

    @Test
    void aRangePastTheEndIsRefusedInEveryModeAndTheFileIsNotExtended() throws IOException {
        Path f = file(new byte[100]);
        for (MapMode mode : MapMode.values()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MmapFile.open(f, 101, mode));
            assertTrue(e.getMessage().contains("length=101") && e.getMessage().contains("size=100"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> MmapFile.open(f, 1, mode, PAGE));
            assertEquals(100, Files.size(f));
        }
        try (MmapFile m = MmapFile.open(f, 100, MapMode.READ_WRITE)) {
            assertEquals(100, m.length());
        }
    }

    @Test
    void negativeLengthOrOffsetIsRefused() throws IOException {
        Path f = file(new byte[100]);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MmapFile.open(f, -1, MapMode.READ_ONLY))
                .getMessage().contains("length=-1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MmapFile.open(f, 0, MapMode.READ_ONLY, -4096))
                .getMessage().contains("offset=-4096"));
        assertThrows(IllegalArgumentException.class, () -> MmapFile.anonymous(-1));
    }

    @Test
    void anOffsetThatIsNotAMultipleOfTheGranularityFailsWithEinval() throws IOException {
        Path f = file(new byte[3 * PAGE]);
        for (long offset : new long[] {1, PAGE / 2, PAGE + 1}) {
            ErrnoException e = errno(() -> MmapFile.open(f, 10, MapMode.READ_WRITE, offset));
            assertEquals("EINVAL", e.errnoName());
            assertEquals("mmap", e.call());
        }
    }

    @Test
    void missingFilesAndForbiddenModesAreTheJdkExceptions() throws IOException {
        Path missing = directory.resolve("missing");
        assertThrows(NoSuchFileException.class, () -> MmapFile.open(missing, 10, MapMode.READ_WRITE));
        assertFalse(Files.exists(missing), "MmapFile never creates a file");
        Path f = file("abc");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--------"));
        if (!Unprivileged.hasCapability(Unprivileged.CAP_DAC_OVERRIDE)) { // with it, any file opens for writing
            assertThrows(AccessDeniedException.class, () -> MmapFile.open(f, 0, MapMode.READ_WRITE));
        }
        try (MmapFile m = MmapFile.open(f, 0, MapMode.PRIVATE)) {
            m.write(ascii("x"));
            assertEquals('x', m.get(0));
        }
    }

    @Test
    void anonymousMemoryIsZeroedAndHasNoFile() throws IOException {
        try (MmapFile m = MmapFile.anonymous(10_000)) {
            assertEquals(10_000, m.length());
            assertArrayEquals(new byte[10_000], m.read());
            assertEquals("EBADF", errno(m::size).errnoName());
            m.seek(0);
            m.write(ascii("hello"));
            m.flush();
            assertEquals(-1, m.find(ascii("hello")));
            assertEquals(0, m.find(ascii("hello"), 0));
        }
        ErrnoException e = errno(() -> MmapFile.anonymous(0));
        assertEquals("EINVAL", e.errnoName());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Cursor, read, write

    @Test
    void readClampsAndAdvances() throws IOException {
        try (MmapFile m = MmapFile.open(file("0123456789"), 0, MapMode.READ_ONLY)) {
            assertArrayEquals(ascii("012"), m.read(3));
            assertEquals(3, m.tell());
            assertArrayEquals(ascii("3456789"), m.read(100));
            assertEquals(10, m.tell());
            assertArrayEquals(new byte[0], m.read(5));
            assertArrayEquals(new byte[0], m.read());
            m.seek(8);
            assertArrayEquals(ascii("89"), m.read(-1), "a negative count reads to the end");
            m.seek(2);
            assertArrayEquals(ascii(""), m.read(0));
            assertEquals(2, m.tell());
        }
    }

    @Test
    void readByteAndWriteByteFailAtTheEnd() throws IOException {
        Path f = file("ab");
        try (MmapFile m = MmapFile.open(f, 0, MapMode.READ_WRITE)) {
            assertEquals('a', m.readByte());
            m.writeByte(0xFF);
            assertEquals(2, m.tell());
            assertThrows(IllegalArgumentException.class, m::readByte);
            assertThrows(IllegalArgumentException.class, () -> m.writeByte(1));
            assertEquals(2, m.tell());
            m.seek(1);
            assertEquals(0xFF, m.readByte(), "bytes read back as 0..255");
        }
        assertArrayEquals(new byte[] {'a', (byte) 0xFF}, Files.readAllBytes(f));
    }

    @Test
    void writeByteValuesOutsideAByteAreRefusedFirst() throws IOException {
        try (MmapFile m = MmapFile.open(file("ab"), 0, MapMode.READ_ONLY)) {
            // CPython parses the argument (OverflowError) before it checks the access (TypeError)
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.writeByte(256));
            assertTrue(e.getMessage().contains("b=256"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.writeByte(-1));
            assertThrows(ReadOnlyBufferException.class, () -> m.writeByte(0));
        }
    }

    @Test
    void writeFailsWithoutWritingWhenTheDataDoesNotFit() throws IOException {
        Path f = file("..........");
        try (MmapFile m = MmapFile.open(f, 0, MapMode.READ_WRITE)) {
            assertEquals(4, m.write(ascii("abcd")));
            assertEquals(4, m.tell());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.write(ascii("0123456")));
            assertTrue(e.getMessage().contains("data.length=7"), e.getMessage());
            assertEquals(4, m.tell());
            assertEquals(6, m.write(ascii("efghij")));
            assertEquals(0, m.write(new byte[0]), "an empty write at the end is fine");
        }
        assertArrayEquals(ascii("abcdefghij"), Files.readAllBytes(f));
    }

    @Test
    void readLineSplitsAfterNewlines() throws IOException {
        try (MmapFile m = MmapFile.open(file("one\ntwo\n\nlast"), 0, MapMode.READ_ONLY)) {
            assertArrayEquals(ascii("one\n"), m.readLine());
            assertArrayEquals(ascii("two\n"), m.readLine());
            assertArrayEquals(ascii("\n"), m.readLine());
            assertArrayEquals(ascii("last"), m.readLine());
            assertArrayEquals(ascii(""), m.readLine());
            assertEquals(m.length(), m.tell());
        }
    }

    @Test
    void seekAllowsTheEndAndRefusesOutsideIt() throws IOException {
        try (MmapFile m = MmapFile.open(file("0123456789"), 0, MapMode.READ_ONLY)) {
            assertEquals(4, m.seek(4));
            assertEquals(7, m.seek(3, MmapFile.SEEK_CUR));
            assertEquals(5, m.seek(-2, MmapFile.SEEK_CUR));
            assertEquals(10, m.seek(0, MmapFile.SEEK_END));
            assertEquals(9, m.seek(-1, MmapFile.SEEK_END));
            assertEquals(10, m.seek(10));
            assertThrows(IllegalArgumentException.class, () -> m.seek(11));
            assertThrows(IllegalArgumentException.class, () -> m.seek(-1));
            assertThrows(IllegalArgumentException.class, () -> m.seek(1, MmapFile.SEEK_END));
            assertThrows(IllegalArgumentException.class, () -> m.seek(-11, MmapFile.SEEK_END));
            assertThrows(IllegalArgumentException.class, () -> m.seek(Long.MAX_VALUE, MmapFile.SEEK_CUR));
            assertThrows(IllegalArgumentException.class, () -> m.seek(Long.MAX_VALUE, MmapFile.SEEK_END));
            assertThrows(IllegalArgumentException.class, () -> m.seek(Long.MIN_VALUE, MmapFile.SEEK_CUR));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.seek(0, 3));
            assertTrue(e.getMessage().contains("whence=3"), e.getMessage());
            assertEquals(10, m.tell(), "failed seeks leave the position alone");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // find, rfind

    @Test
    void findStartsAtThePositionAndClampsLikeASlice() throws IOException {
        try (MmapFile m = MmapFile.open(file("abcabcabc"), 0, MapMode.READ_ONLY)) {
            assertEquals(0, m.find(ascii("abc")));
            m.seek(1);
            assertEquals(3, m.find(ascii("abc")), "from the position");
            assertEquals(1, m.tell(), "find does not move");
            assertEquals(0, m.find(ascii("abc"), 0));
            assertEquals(6, m.find(ascii("abc"), -3), "negative start counts from the end");
            assertEquals(0, m.find(ascii("abc"), -100), "clamped to 0");
            assertEquals(-1, m.find(ascii("abc"), 100));
            assertEquals(-1, m.find(ascii("abc"), 4, 8), "the match must lie wholly in [start, end)");
            assertEquals(3, m.find(ascii("abc"), 1, -3));
            assertEquals(-1, m.find(ascii("abc"), 1, -4));
            assertEquals(6, m.find(ascii("abc"), 4, 1000));
            assertEquals(-1, m.find(ascii("x")));
            assertEquals(4, m.find(new byte[0], 4), "empty is found at start");
            assertEquals(9, m.find(new byte[0], 100), "at the clamped start");
            assertEquals(-1, m.find(new byte[0], 5, 3), "but not when end < start");
            m.seek(9);
            assertEquals(-1, m.find(ascii("c")));
            assertEquals(9, m.find(new byte[0]));
        }
    }

    @Test
    void rfindStartsAtThePositionAndClampsLikeASlice() throws IOException {
        try (MmapFile m = MmapFile.open(file("abcabcabc"), 0, MapMode.READ_ONLY)) {
            assertEquals(6, m.rfind(ascii("abc")));
            m.seek(7);
            assertEquals(-1, m.rfind(ascii("abc")), "from the position");
            assertEquals(6, m.rfind(ascii("abc"), 0));
            assertEquals(3, m.rfind(ascii("abc"), 0, 8));
            assertEquals(3, m.rfind(ascii("abc"), -7, -2));
            assertEquals(-1, m.rfind(ascii("abc"), 1, 3));
            assertEquals(8, m.rfind(new byte[0], 2, 8), "empty is found at end");
            assertEquals(9, m.rfind(new byte[0], 2, 1000));
            assertEquals(-1, m.rfind(new byte[0], 5, 3));
            assertEquals(7, m.tell());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Items and slices

    @Test
    void itemsCountNegativeIndexesFromTheEnd() throws IOException {
        Path f = file("abc");
        try (MmapFile m = MmapFile.open(f, 0, MapMode.READ_WRITE)) {
            assertEquals('a', m.get(0));
            assertEquals('c', m.get(-1));
            assertEquals('a', m.get(-3));
            assertThrows(IndexOutOfBoundsException.class, () -> m.get(3));
            assertThrows(IndexOutOfBoundsException.class, () -> m.get(-4));
            assertThrows(IndexOutOfBoundsException.class, () -> m.get(Long.MIN_VALUE));
            m.set(-1, 'z');
            m.set(0, 255);
            assertEquals(255, m.get(0));
            assertThrows(IndexOutOfBoundsException.class, () -> m.set(3, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> m.set(-4, 1));
            // IndexError before ValueError, as CPython checks the index first
            assertThrows(IndexOutOfBoundsException.class, () -> m.set(3, 256));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.set(0, 256));
            assertTrue(e.getMessage().contains("value=256"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.set(0, -1));
            assertEquals(0, m.tell(), "items do not move the position");
        }
        assertArrayEquals(new byte[] {(byte) 255, 'b', 'z'}, Files.readAllBytes(f));
    }

    @Test
    void slicesClampAndAssignmentsKeepTheLength() throws IOException {
        Path f = file("0123456789");
        try (MmapFile m = MmapFile.open(f, 0, MapMode.READ_WRITE)) {
            assertArrayEquals(ascii("234"), m.slice(2, 5));
            assertArrayEquals(ascii("789"), m.slice(-3, 100));
            assertArrayEquals(ascii("01"), m.slice(-100, 2));
            assertArrayEquals(ascii(""), m.slice(5, 2));
            assertArrayEquals(ascii("0123456789"), m.slice(Long.MIN_VALUE, Long.MAX_VALUE));
            m.setSlice(2, 5, ascii("abc"));
            m.setSlice(-2, 100, ascii("yz"));
            m.setSlice(5, 2, new byte[0]);
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                    () -> m.setSlice(2, 5, ascii("ab")));
            assertTrue(e.getMessage().contains("data.length=2"), e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> m.setSlice(8, 100, ascii("abc")));
        }
        assertArrayEquals(ascii("01abc567yz"), Files.readAllBytes(f));
    }

    // ---------------------------------------------------------------------------------------------------------
    // move, flush, madvise

    @Test
    void moveOverlapsAndRejectsAnyRangePastTheEnd() throws IOException {
        Path f = file("0123456789");
        try (MmapFile m = MmapFile.open(f, 0, MapMode.READ_WRITE)) {
            m.move(2, 0, 5);
            assertArrayEquals(ascii("0101234789"), m.slice(0, 10));
            m.move(0, 5, 5);
            m.move(10, 10, 0);
            for (long[] bad : new long[][] {{-1, 0, 1}, {0, -1, 1}, {0, 0, -1}, {6, 0, 5}, {0, 6, 5}, {11, 0, 0},
                    {0, 0, 11}, {Long.MAX_VALUE, 0, 1}}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> m.move(bad[0], bad[1], bad[2]), Arrays.toString(bad));
                assertTrue(e.getMessage().contains("count=" + bad[2]), e.getMessage());
            }
        }
        assertArrayEquals(ascii("3478934789"), Files.readAllBytes(f));
    }

    @Test
    void flushChecksTheRangeAndThePageAlignment() throws IOException {
        Path f = file(new byte[3 * PAGE]);
        try (MmapFile m = MmapFile.open(f, 0, MapMode.READ_WRITE)) {
            m.write(ascii("flushed"));
            m.flush();
            m.flush(PAGE, PAGE);
            m.flush(0, 1);
            m.flush(3 * PAGE, 0);
            assertThrows(IllegalArgumentException.class, () -> m.flush(0, 3 * PAGE + 1));
            assertThrows(IllegalArgumentException.class, () -> m.flush(-1, 1));
            assertThrows(IllegalArgumentException.class, () -> m.flush(0, -1));
            assertThrows(IllegalArgumentException.class, () -> m.flush(Long.MAX_VALUE, 1));
            ErrnoException e = errno(() -> m.flush(1, 10));
            assertEquals("EINVAL", e.errnoName());
            assertEquals("msync", e.call());
        }
        assertArrayEquals(ascii("flushed"), FileProbes.read(f, 0, 7));
        for (MapMode mode : new MapMode[] {MapMode.READ_ONLY, MapMode.PRIVATE}) {
            try (MmapFile m = MmapFile.open(f, 0, mode)) {
                m.flush();
                m.flush(1, 10); // nothing to write back: CPython returns before msync
                assertThrows(IllegalArgumentException.class, () -> m.flush(0, 3 * PAGE + 1), mode.name());
            }
        }
    }

    @Test
    void madviseChecksStartAndLengthAndClampsTheLength() throws IOException {
        Path f = file(new byte[3 * PAGE + 100]);
        try (MmapFile m = MmapFile.open(f, 0, MapMode.READ_WRITE)) {
            m.madvise(Advice.WILL_NEED);
            m.madvise(Advice.SEQUENTIAL, PAGE, Long.MAX_VALUE);
            m.madvise(Advice.NORMAL, 0, 0);
            m.write(ascii("kept"));
            m.madvise(Advice.DONT_NEED, 0, 10); // the page is dropped, the file keeps the bytes
            assertArrayEquals(ascii("kept"), m.slice(0, 4));
            m.madvise(Advice.DONT_NEED, 3 * PAGE, 1);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> m.madvise(Advice.NORMAL, 3 * PAGE + 100, 1))
                    .getMessage().contains("start=" + (3 * PAGE + 100)));
            assertThrows(IllegalArgumentException.class, () -> m.madvise(Advice.NORMAL, -1, 1));
            assertThrows(IllegalArgumentException.class, () -> m.madvise(Advice.NORMAL, 0, -1));
            ErrnoException e = errno(() -> m.madvise(Advice.NORMAL, 1, 10));
            assertEquals("EINVAL", e.errnoName());
        }
        try (MmapFile m = MmapFile.anonymous(2 * PAGE)) {
            m.set(PAGE, 7);
            m.set(-1, 8);
            m.madvise(Advice.DONT_NEED, PAGE, 1);
            assertEquals(7, m.get(PAGE), "shared anonymous memory, as in Python: the page comes back as it was");
            m.madvise(Advice.REMOVE, PAGE, 1);
            assertEquals(0, m.get(PAGE), "REMOVE frees the whole page: it comes back zeroed");
            assertEquals(0, m.get(-1));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // resize

    @Test
    void resizeKeepsDataSetsTheFileToOffsetPlusSizeAndLeavesThePosition() throws IOException {
        byte[] content = FileProbes.pattern(3 * PAGE, 2);
        Path f = file(content);
        try (MmapFile m = MmapFile.open(f, PAGE, MapMode.READ_WRITE, PAGE)) {
            m.seek(PAGE);
            m.resize(3 * PAGE);
            assertEquals(3 * PAGE, m.length());
            assertEquals(4 * PAGE, Files.size(f));
            assertEquals(4 * PAGE, m.size());
            assertEquals(PAGE, m.tell());
            assertArrayEquals(Arrays.copyOfRange(content, PAGE, 2 * PAGE), m.slice(0, PAGE));
            assertArrayEquals(new byte[PAGE], m.slice(2 * PAGE, 3 * PAGE), "grown with zeros");
            m.resize(10);
            assertEquals(PAGE + 10, Files.size(f), "cut even though the file went on past the map");
            assertEquals(PAGE, m.tell(), "the position may lie past the end");
            assertArrayEquals(new byte[0], m.read());
            assertArrayEquals(new byte[0], m.readLine());
            assertThrows(IllegalArgumentException.class, m::readByte);
            assertThrows(IllegalArgumentException.class, () -> m.write(new byte[0]));
            assertEquals(10, m.find(new byte[0]), "find clamps the position to the end");
            assertArrayEquals(Arrays.copyOfRange(content, PAGE, PAGE + 10), m.slice(0, 10));
            FileProbes.writeAt(f, 3 * PAGE, new byte[] {1});
            m.resize(10);
            assertEquals(PAGE + 10, Files.size(f), "the same size still sets the file's");
            assertThrows(IllegalArgumentException.class, () -> m.seek(0, MmapFile.SEEK_CUR), "past the end");
            assertEquals(0, m.seek(-PAGE, MmapFile.SEEK_CUR));
        }
    }

    @Test
    void resizeRefusesReadOnlyAndPrivateMapsAndBadSizes() throws IOException {
        Path f = file(new byte[100]);
        for (MapMode mode : new MapMode[] {MapMode.READ_ONLY, MapMode.PRIVATE}) {
            try (MmapFile m = MmapFile.open(f, 0, mode)) {
                // TypeError before ValueError, as CPython checks the access first
                assertThrows(UnsupportedOperationException.class, () -> m.resize(-1), mode.name());
                assertThrows(UnsupportedOperationException.class, () -> m.resize(200), mode.name());
            }
        }
        try (MmapFile m = MmapFile.open(f, 0, MapMode.READ_WRITE)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> m.resize(-1)).getMessage()
                    .contains("newSize=-1"));
            ErrnoException e = errno(() -> m.resize(0));
            assertEquals("EINVAL", e.errnoName());
            assertEquals(100, m.length());
            assertEquals(100, Files.size(f), "unlike CPython, a failed resize(0) leaves the file alone");
            assertThrows(IllegalArgumentException.class, () -> m.resize(Long.MAX_VALUE));
        }
        try (MmapFile m = MmapFile.anonymous(2 * PAGE)) {
            m.set(99, 1);
            m.set(PAGE + 1, 2);
            m.resize(100);
            m.resize(1 << 20);
            assertEquals(1, m.get(99));
            assertEquals(0, m.get(PAGE + 1), "bytes cut off by a shrink do not come back");
            assertEquals(0, m.get(-1), "grown bytes read zero");
            assertEquals("EINVAL", errno(() -> m.resize(0)).errnoName());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Read-only, private, closed

    @Test
    void readOnlyMapsRefuseEveryWrite() throws IOException {
        Path f = file("0123456789");
        try (MmapFile m = MmapFile.open(f, 0, MapMode.READ_ONLY)) {
            assertThrows(ReadOnlyBufferException.class, () -> m.write(ascii("a")));
            assertThrows(ReadOnlyBufferException.class, () -> m.write(ascii("a".repeat(100))));
            assertThrows(ReadOnlyBufferException.class, () -> m.writeByte('a'));
            assertThrows(ReadOnlyBufferException.class, () -> m.set(0, 'a'));
            assertThrows(ReadOnlyBufferException.class, () -> m.set(100, 'a'), "access before the index");
            assertThrows(ReadOnlyBufferException.class, () -> m.setSlice(0, 1, ascii("a")));
            assertThrows(ReadOnlyBufferException.class, () -> m.setSlice(0, 1, ascii("abc")));
            assertThrows(ReadOnlyBufferException.class, () -> m.move(0, 1, 1));
            assertThrows(ReadOnlyBufferException.class, () -> m.move(0, 1, 1000), "access before the range");
            assertThrows(ReadOnlyBufferException.class, () -> m.write(ByteBuffer.wrap(ascii("a"))));
            assertEquals(0, m.tell());
        }
        assertArrayEquals(ascii("0123456789"), Files.readAllBytes(f));
    }

    @Test
    void privateMapsWriteOnlyToThemselves() throws IOException {
        Path f = file("0123456789");
        try (MmapFile m = MmapFile.open(f, 0, MapMode.PRIVATE); MmapFile shared = MmapFile.open(f, 0,
                MapMode.READ_ONLY)) {
            m.write(ascii("ab"));
            m.writeByte('c');
            m.set(3, 'd');
            m.setSlice(4, 5, ascii("e"));
            m.move(5, 0, 5);
            m.flush();
            assertArrayEquals(ascii("abcdeabcde"), m.slice(0, 10));
            assertArrayEquals(ascii("0123456789"), shared.read());
        }
        assertArrayEquals(ascii("0123456789"), Files.readAllBytes(f));
    }

    @Test
    void everyMethodThrowsIllegalStateAfterClose() throws IOException {
        MmapFile m = MmapFile.open(file("0123456789"), 0, MapMode.READ_WRITE);
        assertFalse(m.isClosed());
        assertTrue(m.isOpen());
        m.close();
        m.close();
        assertTrue(m.isClosed());
        assertFalse(m.isOpen());
        byte[] b = ascii("a");
        ThrowingRunnable[] calls = {m::tell, m::length, m::size, m::mapping, m::read, () -> m.read(1), m::readByte,
                m::readLine, () -> m.find(b), () -> m.find(b, 0), () -> m.find(b, 0, 1), () -> m.rfind(b),
                () -> m.rfind(b, 0), () -> m.rfind(b, 0, 1), () -> m.get(0), () -> m.slice(0, 1), () -> m.write(b),
                () -> m.writeByte(1), () -> m.set(0, 1), () -> m.setSlice(0, 1, b), () -> m.move(0, 1, 1),
                m::flush, () -> m.flush(0, 1), () -> m.madvise(Advice.NORMAL),
                () -> m.madvise(Advice.NORMAL, 0, 1), () -> m.resize(5), () -> m.seek(0),
                () -> m.seek(0, MmapFile.SEEK_END), m::position, () -> m.position(0),
                () -> m.read(ByteBuffer.allocate(1)), () -> m.write(ByteBuffer.allocate(1)), () -> m.truncate(1)};
        for (int i = 0; i < calls.length; i++) {
            ThrowingRunnable call = calls[i];
            assertThrows(IllegalStateException.class, call::run, "call " + i);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // SeekableByteChannel and Mapping

    @Test
    void asAChannelItReadsAndWritesAtThePosition() throws IOException {
        Path f = file("0123456789");
        try (MmapFile m = MmapFile.open(f, 0, MapMode.READ_WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocate(4);
            assertEquals(4, m.read(buffer));
            assertArrayEquals(ascii("0123"), buffer.array());
            assertEquals(4, m.position());
            ByteBuffer direct = ByteBuffer.allocateDirect(100);
            assertEquals(6, m.read(direct));
            assertEquals(6, direct.position());
            assertEquals(-1, m.read(direct));
            m.position(2);
            assertEquals(3, m.write(ByteBuffer.wrap(ascii("abc"))));
            assertEquals(5, m.position());
            assertThrows(IllegalArgumentException.class, () -> m.write(ByteBuffer.wrap(ascii("abcdef"))));
            assertThrows(IllegalArgumentException.class, () -> m.position(11));
            assertEquals(5, m.position());
            assertEquals(10, m.size());
            m.position(9);
            assertEquals(m, m.truncate(100), "a longer size changes nothing");
            assertEquals(10, m.length());
            m.truncate(6);
            assertEquals(6, m.length());
            assertEquals(6, m.position());
            assertEquals(6, m.size());
            assertThrows(IllegalArgumentException.class, () -> m.truncate(-1));
        }
        assertArrayEquals(ascii("01abc5"), Files.readAllBytes(f));
    }

    @Test
    void theMappingSeesTheSameBytes() throws IOException {
        try (MmapFile m = MmapFile.anonymous(64)) {
            m.mapping().putLong(8, 0x0102030405060708L, java.nio.ByteOrder.BIG_ENDIAN);
            m.seek(8);
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, m.read(8));
            m.write(ascii("xy"));
            assertEquals('x', m.mapping().getByte(16));
        }
    }

    @Test
    void twoMapsOfOneFileShareWrites() throws IOException {
        Path f = file(new byte[PAGE]);
        try (MmapFile a = MmapFile.open(f, 0, MapMode.READ_WRITE); MmapFile b = MmapFile.open(f, 0,
                MapMode.READ_ONLY)) {
            a.write(ascii("shared"));
            assertEquals(0, b.find(ascii("shared")));
        }
    }

    @Test
    void oneMapIsSafeFromSeveralThreads() throws Exception {
        int threads = 4;
        int writes = 2_000;
        try (MmapFile m = MmapFile.anonymous((long) threads * writes)) {
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int value = t + 1;
                workers[t] = new Thread(() -> {
                    for (int i = 0; i < writes; i++) {
                        m.writeByte(value);
                    }
                });
                workers[t].start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
            assertEquals(m.length(), m.tell(), "no write was lost: each advanced the position once");
            int[] counts = new int[threads + 1];
            for (byte b : m.slice(0, m.length())) {
                counts[b]++;
            }
            assertEquals(0, counts[0]);
            for (int t = 1; t <= threads; t++) {
                assertEquals(writes, counts[t]);
            }
        }
    }

    @Test
    void toStringNamesTheFileAndThePosition() throws IOException {
        Path f = file("abc");
        MmapFile m = MmapFile.open(f, 0, MapMode.READ_ONLY);
        m.seek(2);
        assertTrue(m.toString().contains("position=2") && m.toString().contains(f.toString()), m.toString());
        m.close();
        assertTrue(m.toString().contains("closed"), m.toString());
    }
}
