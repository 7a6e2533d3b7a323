package org.jmmap.gzip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GzipIndex}: reads at uncompressed offsets against {@code bgzip -b OFFSET -s SIZE}, the index as
 * {@code bgzip -i} and {@code bgzip -r} write it, with and without a {@code .gzi}, from many threads, and files or
 * indexes that do not fit.
 */
class GzipIndexTest {

    @TempDir
    static Path fixtures;

    private static byte[] content;
    private static Path bgzip;

    @BeforeAll
    static void makeFixtures() throws Exception {
        content = Tools.concat(Tools.text(3_000_000, 41), Tools.random(200_000, 42));
        Files.write(fixtures.resolve("data.txt"), content);
        // bgzip -i writes data.txt.gz and data.txt.gz.gzi
        Tools.ok(fixtures, null, "bgzip", "-i", "-k", "data.txt");
        bgzip = fixtures.resolve("data.txt.gz");
    }

    /** What {@code bgzip -b offset -s size -d} prints (it needs the .gzi). */
    private static byte[] bgzipRead(Path gz, long offset, int size) throws Exception {
        return Tools.ok(gz.getParent(), null, "bgzip", "-b", Long.toString(offset), "-s", Integer.toString(size),
                "-dc", gz.getFileName().toString());
    }

    private static byte[] read(GzipIndex index, long offset, int size) throws Exception {
        byte[] bytes = new byte[size];
        int n = index.read(offset, bytes, 0, size);
        return Arrays.copyOf(bytes, Math.max(n, 0));
    }

    @Test
    void readsAtOffsetsAreWhatBgzipReads() throws Exception {
        Random random = new Random(43);
        List<long[]> reads = new ArrayList<>();
        reads.add(new long[] {0, 100});
        reads.add(new long[] {0xff00 - 10, 20}); // across the first block boundary
        reads.add(new long[] {5 * 0xff00, 3 * 0xff00 + 7}); // several whole blocks
        reads.add(new long[] {content.length - 50, 50});
        reads.add(new long[] {content.length - 50, 500}); // past the end: what there is
        for (int i = 0; i < 12; i++) {
            reads.add(new long[] {random.nextInt(content.length), 1 + random.nextInt(200_000)});
        }
        try (GzipIndex withGzi = GzipIndex.open(bgzip); GzipIndex built = GzipIndex.build(bgzip)) {
            assertEquals(content.length, withGzi.uncompressedSize());
            assertEquals(content.length, built.uncompressedSize());
            assertEquals((content.length + 0xff00 - 1) / 0xff00, built.blocks());
            for (long[] r : reads) {
                byte[] expected = Arrays.copyOfRange(content, (int) r[0],
                        (int) Math.min(content.length, r[0] + r[1]));
                assertArrayEquals(expected, bgzipRead(bgzip, r[0], (int) r[1]), "bgzip itself");
                assertArrayEquals(expected, read(withGzi, r[0], (int) r[1]), "offset " + r[0]);
                assertArrayEquals(expected, read(built, r[0], (int) r[1]), "offset " + r[0]);
            }
            assertEquals(-1, withGzi.read(content.length, new byte[10], 0, 10));
            assertEquals(0, withGzi.read(10, new byte[0], 0, 0));
            ByteBuffer direct = ByteBuffer.allocateDirect(1000);
            assertEquals(1000, withGzi.read(70_000, direct));
            assertEquals(ByteBuffer.wrap(content, 70_000, 1000), direct.flip());
        }
    }

    @Test
    void theIndexWrittenIsWhatBgzipWrites() throws Exception {
        try (GzipIndex built = GzipIndex.build(bgzip)) {
            Path ours = fixtures.resolve("ours.gzi");
            built.write(ours);
            assertArrayEquals(Files.readAllBytes(fixtures.resolve("data.txt.gz.gzi")), Files.readAllBytes(ours));
        }
    }

    @Test
    void ourBgzfAndIndexServeBgzipsRandomReads() throws Exception {
        Path in = Files.write(fixtures.resolve("ours.txt"), Tools.text(1_500_000, 44));
        Path gz = fixtures.resolve("ours.txt.gz");
        ParallelGzip.compress(in, gz, GzipOptions.defaults().withFormat(GzipFormat.BGZF).withIndex(true)
                .withThreads(2));
        byte[] text = Files.readAllBytes(in);
        try (GzipIndex index = GzipIndex.open(gz)) {
            for (long offset : new long[] {0, 0xff00, 777_777, text.length - 1}) {
                byte[] expected = Arrays.copyOfRange(text, (int) offset, (int) Math.min(text.length, offset + 9000));
                assertArrayEquals(expected, bgzipRead(gz, offset, 9000));
                assertArrayEquals(expected, read(index, offset, 9000));
            }
        }
    }

    @Test
    void manyThreadsReadAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (GzipIndex index = GzipIndex.open(bgzip)) {
            List<Future<?>> reads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                reads.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 300; i++) {
                        int offset = random.nextInt(content.length);
                        int size = 1 + random.nextInt(3000);
                        byte[] expected = Arrays.copyOfRange(content, offset, Math.min(content.length, offset + size));
                        assertArrayEquals(expected, read(index, offset, size));
                    }
                    return null;
                }));
            }
            for (Future<?> read : reads) {
                read.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void anEmptyFileHasAnEmptyIndex() throws Exception {
        Files.write(fixtures.resolve("empty.txt"), new byte[0]);
        Tools.ok(fixtures, null, "bgzip", "-i", "-k", "empty.txt");
        try (GzipIndex index = GzipIndex.open(fixtures.resolve("empty.txt.gz"))) {
            assertEquals(0, index.uncompressedSize());
            assertEquals(0, index.blocks());
            assertEquals(-1, index.read(0, new byte[1], 0, 1));
            index.write(fixtures.resolve("empty.gzi"));
        }
        assertArrayEquals(Files.readAllBytes(fixtures.resolve("empty.txt.gz.gzi")),
                Files.readAllBytes(fixtures.resolve("empty.gzi")));
    }

    @Test
    void filesAndIndexesThatDoNotFitAreRefused() throws Exception {
        Path gzip = fixtures.resolve("plain.gz");
        Files.write(gzip, Tools.ok(fixtures, null, "gzip", "-c", "data.txt"));
        GzipException notBgzf = assertThrows(GzipException.class, () -> GzipIndex.open(gzip));
        assertEquals(GzipException.Reason.NOT_BGZF, notBgzf.reason());
        assertEquals(0, notBgzf.offset());

        Path badLength = Files.write(fixtures.resolve("bad-length.gzi"), new byte[13]);
        assertEquals(GzipException.Reason.BAD_INDEX,
                assertThrows(GzipException.class, () -> GzipIndex.open(bgzip, badLength)).reason());
        byte[] gzi = Files.readAllBytes(fixtures.resolve("data.txt.gz.gzi"));
        ByteBuffer entries = ByteBuffer.wrap(gzi).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long second = entries.getLong(8 + 16);
        entries.putLong(8 + 16, second + 5); // the start of block 2 moved by 5 bytes
        Path moved = Files.write(fixtures.resolve("moved.gzi"), gzi);
        try (GzipIndex index = GzipIndex.open(bgzip, moved)) {
            GzipException bad = assertThrows(GzipException.class, () -> read(index, 2 * 0xff00 + 5, 10));
            assertEquals(GzipException.Reason.BAD_INDEX, bad.reason());
            assertEquals(second + 5, bad.offset());
        }
        entries.putLong(8 + 16, 1); // before the previous entry
        Path unordered = Files.write(fixtures.resolve("unordered.gzi"), gzi);
        assertEquals(GzipException.Reason.BAD_INDEX,
                assertThrows(GzipException.class, () -> GzipIndex.open(bgzip, unordered)).reason());

        try (GzipIndex index = GzipIndex.open(bgzip)) {
            assertThrows(IllegalArgumentException.class, () -> index.read(-1, new byte[1], 0, 1));
            index.close();
            assertThrows(IllegalStateException.class, () -> index.read(0, new byte[1], 0, 1));
        }
    }
}
