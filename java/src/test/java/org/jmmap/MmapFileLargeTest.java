package org.jmmap;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jmmap.testing.FileProbes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MmapFile} over a sparse file of 5 GiB and 100 bytes: every method across the 2 GiB mark (where an int
 * offset overflows) and the 4 GiB mark (where an unsigned one does), maps at offsets above 4 GiB, and the same
 * operations run by CPython's {@code mmap}. Only the pages written are ever touched, so the file stays sparse.
 */
class MmapFileLargeTest {

    private static final long GIB = 1L << 30;
    private static final long TWO_GIB = 2 * GIB;
    private static final long FOUR_GIB = 4 * GIB;
    private static final long FILE_LENGTH = 5 * GIB + 100;
    private static final int PAGE = MmapFile.PAGESIZE;

    @TempDir
    Path directory;

    private Path file;

    @BeforeEach
    void createSparseFile() throws IOException {
        file = sparse(directory.resolve("large.bin"), FILE_LENGTH);
    }

    @AfterEach
    void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    private static Path sparse(Path path, long length) throws IOException {
        try (RandomAccessFile sparse = new RandomAccessFile(path.toFile(), "rw")) {
            sparse.setLength(length);
        }
        return path;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(US_ASCII);
    }

    @Test
    void theCursorMethodsWorkAcrossTheMarks() throws IOException {
        try (MmapFile m = MmapFile.open(file, 0, MapMode.READ_WRITE)) {
            assertEquals(FILE_LENGTH, m.length());
            assertEquals(FILE_LENGTH, m.size());
            for (long mark : new long[] {TWO_GIB, FOUR_GIB}) {
                assertEquals(mark - 3, m.seek(mark - 3));
                assertEquals(6, m.write(ascii("abcdef")));
                assertEquals(mark + 3, m.tell());
                assertEquals(mark - 3, m.seek(-6, MmapFile.SEEK_CUR));
                assertArrayEquals(ascii("abcdef"), m.read(6));
                m.seek(mark - 1);
                assertEquals('c', m.readByte());
                m.writeByte('X');
                assertEquals('X', m.get(mark));
                assertEquals(mark + 1, m.tell());
                m.set(mark + 2, '\n');
                m.seek(mark - 3);
                assertArrayEquals(ascii("abcXe\n"), m.readLine());
                assertEquals(mark + 3, m.tell());
                m.seek(mark - 1);
                assertArrayEquals(ascii("cXe\n"), m.read(4));
            }
            assertEquals(FILE_LENGTH, m.seek(0, MmapFile.SEEK_END));
            assertEquals(FILE_LENGTH - 1, m.seek(-1, MmapFile.SEEK_END));
            m.writeByte(0x7F);
            assertThrows(IllegalArgumentException.class, () -> m.writeByte(1));
            assertThrows(IllegalArgumentException.class, m::readByte);
            assertThrows(IllegalArgumentException.class, () -> m.seek(FILE_LENGTH + 1));
            assertThrows(IllegalArgumentException.class, () -> m.seek(1, MmapFile.SEEK_END));
            assertThrows(IllegalArgumentException.class, () -> m.write(ascii("ab")));
            assertEquals(0x7F, m.get(-1));
        }
        assertArrayEquals(ascii("abcXe\n"), FileProbes.read(file, TWO_GIB - 3, 6));
        assertArrayEquals(ascii("abcXe\n"), FileProbes.read(file, FOUR_GIB - 3, 6));
        assertArrayEquals(new byte[] {0x7F}, FileProbes.read(file, FILE_LENGTH - 1, 1));
    }

    @Test
    void itemsSlicesSearchesAndMovesWorkAcrossTheMarks() throws IOException {
        FileProbes.writeAt(file, TWO_GIB - 2, ascii("need"));
        FileProbes.writeAt(file, FOUR_GIB - 1, ascii("need"));
        try (MmapFile m = MmapFile.open(file, 0, MapMode.READ_WRITE)) {
            assertEquals('e', m.get(TWO_GIB));
            assertEquals('e', m.get(FOUR_GIB));
            assertEquals('e', m.get(FOUR_GIB - FILE_LENGTH), "negative indexes beyond -4 GiB");
            m.set(TWO_GIB - 1, 'E');
            m.set(-(FILE_LENGTH - FOUR_GIB) - 1, 'N');
            assertArrayEquals(ascii("nEed"), m.slice(TWO_GIB - 2, TWO_GIB + 2));
            assertArrayEquals(ascii("Need"), m.slice(FOUR_GIB - 1 - FILE_LENGTH, FOUR_GIB + 3 - FILE_LENGTH));
            m.setSlice(FOUR_GIB - 1, FOUR_GIB + 3, ascii("need"));

            m.seek(TWO_GIB - 100);
            assertEquals(TWO_GIB - 2, m.find(ascii("nEed")), "from the position");
            assertEquals(FOUR_GIB - 1, m.find(ascii("need"), FOUR_GIB - 100));
            assertEquals(FOUR_GIB - 1, m.find(ascii("need"), FOUR_GIB - 100 - FILE_LENGTH, FOUR_GIB + 3));
            assertEquals(-1, m.find(ascii("need"), FOUR_GIB - 100, FOUR_GIB + 2), "must lie wholly inside");
            assertEquals(FOUR_GIB - 1, m.rfind(ascii("need"), FOUR_GIB - 100, FOUR_GIB + 100));
            assertEquals(TWO_GIB - 2, m.rfind(ascii("nEed"), TWO_GIB - 100, TWO_GIB + 100));
            m.setSlice(-10, -6, ascii("need"));
            m.seek(-50, MmapFile.SEEK_END); // from the position to the end: near the end, so that little is read
            assertEquals(FILE_LENGTH - 10, m.rfind(ascii("need")), "rfind from the position too");
            m.seek(FOUR_GIB);
            assertEquals(-1, m.rfind(ascii("need"), FOUR_GIB, FOUR_GIB + 100));

            m.move(FOUR_GIB - 2, TWO_GIB - 2, 4);
            assertArrayEquals(ascii("nEed"), m.slice(FOUR_GIB - 2, FOUR_GIB + 2));
            m.move(TWO_GIB + PAGE, FOUR_GIB - 2, 4);
            assertArrayEquals(ascii("nEed"), m.slice(TWO_GIB + PAGE, TWO_GIB + PAGE + 4));
            assertThrows(IllegalArgumentException.class, () -> m.move(FILE_LENGTH - 2, 0, 3));
            assertThrows(IllegalArgumentException.class, () -> m.move(0, FILE_LENGTH - 2, 3));

            m.flush(FOUR_GIB, PAGE);
            m.flush(TWO_GIB - PAGE, 2L * PAGE);
            assertThrows(IllegalArgumentException.class, () -> m.flush(FOUR_GIB, GIB + 101));
            assertEquals("EINVAL", assertThrows(ErrnoException.class, () -> m.flush(FOUR_GIB + 1, 1)).errnoName());
            m.madvise(Advice.WILL_NEED, FOUR_GIB, PAGE);
            m.madvise(Advice.DONT_NEED, FOUR_GIB, Long.MAX_VALUE);
            assertArrayEquals(ascii("nEed"), m.slice(FOUR_GIB - 2, FOUR_GIB + 2), "shared file pages come back");
            assertThrows(IllegalArgumentException.class, () -> m.madvise(Advice.NORMAL, FILE_LENGTH, 1));
        }
        assertArrayEquals(ascii("nEed"), FileProbes.read(file, FOUR_GIB - 2, 4));
    }

    @Test
    void mapsAtOffsetsAboveFourGib() throws IOException {
        long offset = FOUR_GIB + 2L * PAGE;
        FileProbes.writeAt(file, offset, ascii("at offset\nsecond line"));
        for (MapMode mode : MapMode.values()) {
            try (MmapFile m = MmapFile.open(file, 0, mode, offset)) {
                assertEquals(FILE_LENGTH - offset, m.length(), mode.name());
                assertEquals(FILE_LENGTH, m.size());
                assertArrayEquals(ascii("at offset\n"), m.readLine());
                assertEquals(10, m.tell());
                assertEquals(17, m.find(ascii("line")));
                assertEquals('s', m.get(10));
            }
            try (MmapFile m = MmapFile.open(file, 9, mode, offset)) {
                assertArrayEquals(ascii("at offset"), m.read());
            }
        }
        try (MmapFile m = MmapFile.open(file, 100, MapMode.PRIVATE, offset)) {
            m.write(ascii("private"));
        }
        assertArrayEquals(ascii("at offset"), FileProbes.read(file, offset, 9));
        assertEquals("EINVAL", assertThrows(ErrnoException.class,
                () -> MmapFile.open(file, 10, MapMode.READ_ONLY, FOUR_GIB + 1)).errnoName());
        assertThrows(IllegalArgumentException.class, () -> MmapFile.open(file, 0, MapMode.READ_ONLY, 6 * GIB));
        assertThrows(IllegalArgumentException.class, () -> MmapFile.open(file, GIB + 101, MapMode.READ_WRITE,
                FOUR_GIB));
        assertEquals(FILE_LENGTH, Files.size(file), "nothing extends the file");
    }

    @Test
    void resizeAtAnOffsetAboveFourGibSetsTheFileSize() throws IOException {
        long offset = 5 * GIB;
        try (MmapFile m = MmapFile.open(file, 50, MapMode.READ_WRITE, offset)) {
            m.write(ascii("kept"));
            m.resize(TWO_GIB + PAGE);
            assertEquals(offset + TWO_GIB + PAGE, Files.size(file));
            assertEquals(offset + TWO_GIB + PAGE, m.size());
            assertEquals(4, m.tell());
            m.seek(-4, MmapFile.SEEK_END);
            m.write(ascii("tail"));
            m.set(TWO_GIB, 'M');
            assertArrayEquals(ascii("kept"), m.slice(0, 4));
            m.resize(10);
            assertEquals(offset + 10, Files.size(file), "cut to offset + newSize");
            assertEquals(TWO_GIB + PAGE, m.tell(), "the position stays past the end");
            assertArrayEquals(new byte[0], m.read());
            assertEquals(0, m.seek(-10, MmapFile.SEEK_END));
        }
        assertArrayEquals(ascii("kept"), FileProbes.read(file, offset, 4));
    }

    @Test
    void arraysOfMoreThanTwoGibAreRefusedWithoutMovingThePosition() throws IOException {
        try (MmapFile m = MmapFile.open(file, 0, MapMode.READ_ONLY)) {
            m.seek(PAGE);
            OutOfMemoryError e = assertThrows(OutOfMemoryError.class, m::read);
            assertTrue(e.getMessage().contains(Long.toString(FILE_LENGTH - PAGE))
                    && e.getMessage().contains(Integer.toString(Integer.MAX_VALUE - 8)), e.getMessage());
            assertThrows(OutOfMemoryError.class, () -> m.read(TWO_GIB));
            assertThrows(OutOfMemoryError.class, () -> m.slice(0, TWO_GIB));
            assertEquals(PAGE, m.tell());
            assertEquals(1 << 20, m.read(1 << 20).length, "smaller parts are fine");
        }
    }

    /** The same operations around the marks in CPython's mmap, compared result by result and over the files. */
    @Test
    void pythonAgreesAcrossTheMarks() throws IOException {
        Path pythonFile = sparse(directory.resolve("large.python"), FILE_LENGTH);
        Path javaFile = sparse(directory.resolve("large.java"), FILE_LENGTH);
        try {
            List<String> ops = new ArrayList<>(List.of("open READ_WRITE 0 0", "len", "size"));
            for (long mark : new long[] {TWO_GIB, FOUR_GIB}) {
                String at = Long.toString(mark);
                String before = Long.toString(mark - 3);
                ops.addAll(List.of("seek " + before, "write " + MmapFilePythonTest.hex("ab\ncd"), "tell",
                        "seek -5 1", "read 5", "seek " + before, "readline", "tell",
                        "get " + at, "get " + (mark - FILE_LENGTH), "set " + at + " 88", "slice " + before + " "
                                + (mark + 3), "setslice " + at + " " + (mark + 2) + " " + MmapFilePythonTest.hex("YZ"),
                        // every search finds its needle near the mark: a miss would scan gigabytes of holes
                        "find " + MmapFilePythonTest.hex("\nYZ") + " " + (mark - 100), "seek " + (mark - 200),
                        "find " + MmapFilePythonTest.hex("\nY"), "rfind " + MmapFilePythonTest.hex("ab") + " "
                                + (mark - 10) + " " + (mark + 10), "find x " + (mark + 5), "rfind x 0 " + mark,
                        "move " + (mark + PAGE) + " " + before + " 6", "slice " + (mark + PAGE) + " "
                                + (mark + PAGE + 6), "flush " + mark + " " + PAGE, "flush " + (mark + 1) + " 1",
                        "madvise MADV_WILLNEED " + mark + " " + PAGE, "madvise MADV_DONTNEED " + mark + " 10",
                        "read_byte", "write_byte 7", "seek 0 2", "read_byte", "seek -1 2", "write_byte 9"));
            }
            ops.addAll(List.of("open READ_ONLY 0 " + (FOUR_GIB + PAGE), "len", "read 7", "slice 0 7",
                    "open PRIVATE 100 " + FOUR_GIB, "slice -10 10",
                    "write " + MmapFilePythonTest.hex("private"), "open READ_WRITE 10 " + (FOUR_GIB + 1),
                    "open READ_WRITE 0 " + (6 * GIB), "open READ_WRITE 100 " + (5 * GIB), "write x6b657074",
                    "resize " + (GIB + PAGE), "size", "len", "tell", "seek -4 2", "write x7461696c", "resize 10",
                    "size", "tell", "read", "seek 0", "read"));
            MmapFilePythonTest.compareResults(directory, "large", pythonFile, javaFile, ops);
            assertEquals(Files.size(pythonFile), Files.size(javaFile));
            assertSameBytes(pythonFile, javaFile);
        } finally {
            Files.deleteIfExists(pythonFile);
            Files.deleteIfExists(javaFile);
        }
    }

    /**
     * Compares two sparse files byte for byte without reading their holes: the data extents of either
     * ({@code SEEK_DATA}/{@code SEEK_HOLE}, found by Python, which has them) are compared, the rest is a hole in both,
     * which reads as zeros.
     */
    private void assertSameBytes(Path a, Path b) throws IOException {
        Path script = Files.writeString(directory.resolve("extents.py"), String.join("\n",
                "import os, sys",
                "for path in sys.argv[1:]:",
                "    fd = os.open(path, os.O_RDONLY)",
                "    size, pos = os.fstat(fd).st_size, 0",
                "    while pos < size:",
                "        try:",
                "            start = os.lseek(fd, pos, os.SEEK_DATA)",
                "        except OSError:",
                "            break",
                "        end = os.lseek(fd, start, os.SEEK_HOLE)",
                "        print(start, end)",
                "        pos = end",
                "    os.close(fd)",
                ""));
        String extents = MmapFilePython.runScript(script, a.toString(), b.toString());
        long compared = 0;
        for (String line : extents.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] range = line.trim().split(" ");
            long start = Long.parseLong(range[0]);
            long end = Long.parseLong(range[1]);
            assertTrue(end - start <= 256L << 20, "a data extent of " + (end - start) + " bytes: not sparse");
            for (long at = start; at < end; at += 1 << 20) {
                int length = (int) Math.min(1 << 20, end - at);
                assertArrayEquals(FileProbes.read(a, at, length), FileProbes.read(b, at, length), "bytes at " + at);
                compared += length;
            }
        }
        assertTrue(compared > 0, "the files hold data");
    }
}
