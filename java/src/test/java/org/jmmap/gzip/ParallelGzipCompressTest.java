package org.jmmap.gzip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ParallelGzip#compress} and {@link ParallelGzip#compressAll}: every level and format, block-size edges,
 * checked by {@code gzip -t} and {@code pigz -t}, decompressed by gzip, pigz and Python byte for byte; sizes against
 * {@code pigz}, {@code pigz -i} byte for byte, BGZF and its index against {@code bgzip}; and what is left when
 * compression fails.
 */
class ParallelGzipCompressTest {

    private static final int BLOCK = GzipOptions.MIN_BLOCK_SIZE;

    @TempDir
    Path directory;

    private static GzipOptions options(GzipFormat format, int level) {
        return GzipOptions.defaults().withFormat(format).withLevel(level).withThreads(2).withBlockSize(BLOCK);
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(directory.resolve(name), content);
    }

    /** Compresses {@code content} and checks the result with every tool; returns the compressed file. */
    private Path compressAndCheck(byte[] content, GzipOptions options) throws Exception {
        Path in = write("in-" + content.length + ".bin", content);
        Path out = directory.resolve("out-" + content.length + ".gz");
        GzipResult result = ParallelGzip.compress(in, out, options);
        assertEquals(content.length, result.uncompressedSize());
        assertEquals(Files.size(out), result.compressedSize());
        CRC32 crc = new CRC32();
        crc.update(content);
        assertEquals((int) crc.getValue(), result.crc32());
        Tools.testedByGzipAndPigz(out);
        for (byte[] decompressed : Tools.decompressedByEveryTool(out)) {
            assertArrayEquals(content, decompressed);
        }
        if (options.format() == GzipFormat.BGZF) {
            Tools.ok(directory, null, "bgzip", "-t", out.toString());
            assertArrayEquals(content, Tools.ok(directory, out, "bgzip", "-dc"));
        }
        return out;
    }

    static Stream<Arguments> everyLevelAndFormat() {
        List<Arguments> cases = new ArrayList<>();
        for (GzipFormat format : GzipFormat.values()) {
            for (int level = 0; level <= 9; level++) {
                cases.add(Arguments.of(format, level));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} level {1}")
    @MethodSource("everyLevelAndFormat")
    void everyLevelAndFormatIsReadByEveryTool(GzipFormat format, int level) throws Exception {
        // Text, then random bytes (stored blocks), then text again: about a dozen blocks of 32 KiB.
        byte[] content = Tools.concat(Tools.concat(Tools.text(200_000, 1), Tools.random(70_000, 2)),
                Tools.text(150_000, 3));
        compressAndCheck(content, options(format, level));
    }

    @ParameterizedTest
    @EnumSource(GzipFormat.class)
    void blockSizeEdges(GzipFormat format) throws Exception {
        int unit = format == GzipFormat.BGZF ? 0xff00 : BLOCK;
        for (int size : new int[] {0, 1, unit - 1, unit, unit + 1, 2 * unit, 3 * unit + 5}) {
            Path out = compressAndCheck(Tools.text(size, size), options(format, 6));
            Files.delete(out);
        }
    }

    @ParameterizedTest(name = "level {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
    void independentIsByteForByteWhatPigzDashIWrites(int level) throws Exception {
        Path in = write("independent.txt", Tools.concat(Tools.text(600_000, 4), Tools.random(40_000, 5)));
        for (int kib : new int[] {32, 128}) {
            Path ours = directory.resolve("ours.gz");
            ParallelGzip.compress(in, ours, GzipOptions.defaults().withFormat(GzipFormat.INDEPENDENT)
                    .withLevel(level).withThreads(2).withBlockSize(kib * 1024));
            byte[] pigz = Tools.ok(directory, null, "pigz", "-c", "-i", "-" + level, "-p", "2", "-b",
                    Integer.toString(kib), in.getFileName().toString());
            assertArrayEquals(pigz, Files.readAllBytes(ours), "level " + level + ", -b " + kib);
        }
    }

    @ParameterizedTest(name = "level {0}")
    @ValueSource(ints = {1, 6, 9})
    void singleMemberIsWithinHalfAPercentOfPigz(int level) throws Exception {
        Path in = write("single.txt", Tools.text(6 << 20, 6));
        Path ours = directory.resolve("ours.gz");
        ParallelGzip.compress(in, ours, GzipOptions.defaults().withLevel(level).withThreads(2));
        long pigz = Tools.ok(directory, null, "pigz", "-c", "-" + level, "-p", "2", "-b", "128",
                in.getFileName().toString()).length;
        long size = Files.size(ours);
        double relative = Math.abs(size - pigz) / (double) pigz;
        assertTrue(relative < 0.005, "ours=" + size + ", pigz=" + pigz + ", difference=" + relative);
        // The measured difference: one byte or two per 128 KiB block, the sync markers pigz avoids.
        assertTrue(size >= pigz && size - pigz <= 3 * (in.toFile().length() / (128 << 10) + 1),
                "ours=" + size + ", pigz=" + pigz);
    }

    @Test
    void bgzfLevelZeroAndItsIndexAreByteForByteWhatBgzipWrites() throws Exception {
        Path in = write("stored.bin", Tools.concat(Tools.text(200_000, 7), Tools.random(100_000, 8)));
        Path ours = directory.resolve("ours.gz");
        ParallelGzip.compress(in, ours, GzipOptions.defaults().withFormat(GzipFormat.BGZF).withLevel(0)
                .withIndex(true));
        byte[] theirs = Tools.ok(directory, null, "bgzip", "-l", "0", "-i", "-I", "theirs.gzi", "-c",
                in.getFileName().toString());
        assertArrayEquals(theirs, Files.readAllBytes(ours));
        assertArrayEquals(Files.readAllBytes(directory.resolve("theirs.gzi")),
                Files.readAllBytes(directory.resolve("ours.gz.gzi")));
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 0xff00, 0xff00 + 1, 1_000_000})
    void bgzfIndexIsWhatBgzipBuildsForTheSameFile(int size) throws Exception {
        Path in = write("indexed.txt", Tools.text(size, 9));
        Path ours = directory.resolve("indexed.txt.gz");
        ParallelGzip.compress(in, ours, GzipOptions.defaults().withFormat(GzipFormat.BGZF).withIndex(true));
        Path gzi = directory.resolve("indexed.txt.gz.gzi");
        byte[] written = Files.readAllBytes(gzi);
        Files.delete(gzi);
        Tools.ok(directory, null, "bgzip", "-r", ours.getFileName().toString());
        assertArrayEquals(Files.readAllBytes(gzi), written);
    }

    @Test
    void theNameAndModificationTimeAreKeptAsGzipRestoresThem() throws Exception {
        Path in = write("original name.txt", Tools.text(100_000, 10));
        Instant modified = Instant.parse("2021-03-04T05:06:07Z");
        Files.setLastModifiedTime(in, FileTime.from(modified));
        Files.setPosixFilePermissions(in, PosixFilePermissions.fromString("rw-r-----"));
        Path restoreDirectory = Files.createDirectory(directory.resolve("restore"));
        Path out = restoreDirectory.resolve("renamed.gz");
        ParallelGzip.compress(in, out, GzipOptions.defaults());
        assertEquals(FileTime.from(modified), Files.getLastModifiedTime(out));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        Tools.ok(restoreDirectory, null, "gzip", "-dN", "renamed.gz");
        Path restored = restoreDirectory.resolve("original name.txt");
        assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(restored));
        assertEquals(FileTime.from(modified), Files.getLastModifiedTime(restored));

        Path anonymous = restoreDirectory.resolve("anonymous.gz");
        ParallelGzip.compress(in, anonymous, GzipOptions.defaults().withNameAndTime(false));
        String mtime = new String(Tools.ok(restoreDirectory, anonymous, "python3", "-c",
                "import gzip, sys; f = gzip.GzipFile(fileobj=sys.stdin.buffer); f.read(); print(f.mtime)")).trim();
        assertEquals("0", mtime);
        Tools.ok(restoreDirectory, null, "gzip", "-dN", "anonymous.gz");
        assertTrue(Files.exists(restoreDirectory.resolve("anonymous")), "no name stored: gzip uses the .gz name");
    }

    @Test
    void progressReportsEveryBlockAndEndsWithTheTotals() throws Exception {
        byte[] content = Tools.text(1_000_000, 11);
        Path in = write("progress.txt", content);
        Path out = directory.resolve("progress.txt.gz");
        List<long[]> reports = new ArrayList<>();
        GzipResult result = ParallelGzip.compress(in, out, options(GzipFormat.SINGLE_MEMBER, 6)
                .withProgress((read, written) -> reports.add(new long[] {read, written})));
        assertEquals((content.length + BLOCK - 1) / BLOCK, reports.size());
        for (int i = 1; i < reports.size(); i++) {
            assertTrue(reports.get(i)[0] > reports.get(i - 1)[0] && reports.get(i)[1] > reports.get(i - 1)[1]);
        }
        assertArrayEquals(new long[] {content.length, result.compressedSize()}, reports.get(reports.size() - 1));
    }

    @Test
    void compressAllCompressesManyFilesAcrossAndWithin() throws Exception {
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            inputs.add(write("small-" + i + ".txt", Tools.text(i * 997, i)));
        }
        inputs.add(write("large.txt", Tools.text(2_000_000, 100)));
        inputs.add(write("random.bin", Tools.random(300_000, 101)));
        List<GzipResult> results = ParallelGzip.compressAll(inputs, options(GzipFormat.SINGLE_MEMBER, 6));
        assertEquals(inputs.size(), results.size());
        for (int i = 0; i < inputs.size(); i++) {
            Path gz = directory.resolve(inputs.get(i).getFileName() + ".gz");
            assertEquals(inputs.get(i), results.get(i).input());
            assertEquals(gz, results.get(i).output());
            assertArrayEquals(Files.readAllBytes(inputs.get(i)), Tools.ok(directory, gz, "gzip", "-dc"));
        }
    }

    @Test
    void aMissingInputLeavesNoOutput() {
        Path out = directory.resolve("out.gz");
        assertThrows(NoSuchFileException.class,
                () -> ParallelGzip.compress(directory.resolve("missing"), out, GzipOptions.defaults()));
        assertFalse(Files.exists(out));
    }

    @Test
    void badTargetsAreRefused() throws Exception {
        Path in = write("in.txt", Tools.text(1000, 12));
        assertThrows(NoSuchFileException.class, () -> ParallelGzip.compress(in,
                directory.resolve("no-such-directory").resolve("out.gz"), GzipOptions.defaults()));
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> ParallelGzip.compress(in, in, GzipOptions.defaults()));
        assertTrue(same.getMessage().contains("is the input file"), same.getMessage());
        Path subdirectory = Files.createDirectory(directory.resolve("sub"));
        assertThrows(FileSystemException.class, () -> ParallelGzip.compress(in, subdirectory, GzipOptions.defaults()));
        IllegalArgumentException index = assertThrows(IllegalArgumentException.class,
                () -> ParallelGzip.compress(in, directory.resolve("x.gz"), GzipOptions.defaults().withIndex(true)));
        assertEquals("writeIndex=true needs format=BGZF, not format=SINGLE_MEMBER", index.getMessage());
        assertArrayEquals(new String[] {"in.txt", "sub"}, listing());
    }

    @Test
    void optionsRefuseValuesOutOfRange() {
        GzipOptions defaults = GzipOptions.defaults();
        assertEquals("level=10: must be 0 to 9",
                assertThrows(IllegalArgumentException.class, () -> defaults.withLevel(10)).getMessage());
        assertEquals("level=-1: must be 0 to 9",
                assertThrows(IllegalArgumentException.class, () -> defaults.withLevel(-1)).getMessage());
        assertEquals("threads=0: must be 1 to 1024",
                assertThrows(IllegalArgumentException.class, () -> defaults.withThreads(0)).getMessage());
        assertEquals("blockSize=32767: must be 32768 to 536870912 bytes",
                assertThrows(IllegalArgumentException.class, () -> defaults.withBlockSize(32767)).getMessage());
        assertThrows(NullPointerException.class, () -> defaults.withFormat(null));
    }

    @Test
    void anInterruptLeavesNoOutputAndKeepsAnOldOne() throws Exception {
        Path in = write("interrupted.txt", Tools.text(8 << 20, 13));
        Path out = write("interrupted.txt.gz", new byte[] {'o', 'l', 'd'});
        GzipOptions options = GzipOptions.defaults().withLevel(9).withThreads(2)
                .withProgress((read, written) -> Thread.currentThread().interrupt());
        try {
            assertThrows(InterruptedIOException.class, () -> ParallelGzip.compress(in, out, options));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
        } finally {
            Thread.interrupted();
        }
        assertArrayEquals(new byte[] {'o', 'l', 'd'}, Files.readAllBytes(out));
        assertArrayEquals(new String[] {"interrupted.txt", "interrupted.txt.gz"}, listing());
    }

    private String[] listing() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }
}
