package org.jmmap.gzip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ParallelGzipOutputStream}: every format, writes of every size, flushes that make what was written so far
 * readable, {@code pigz -i} byte for byte, and the failures of the underlying stream.
 */
class ParallelGzipOutputStreamTest {

    @TempDir
    Path directory;

    private static final byte[] CONTENT = Tools.concat(Tools.text(1_500_000, 51), Tools.random(150_000, 52));

    static Stream<Arguments> formatsAndThreads() {
        List<Arguments> cases = new ArrayList<>();
        for (GzipFormat format : GzipFormat.values()) {
            for (int threads : new int[] {1, 3}) {
                cases.add(Arguments.of(format, threads));
            }
        }
        return cases.stream();
    }

    /** Writes {@link #CONTENT} in pieces of random sizes, single bytes among them. */
    private static void writeInPieces(OutputStream out, long seed) throws IOException {
        Random random = new Random(seed);
        int at = 0;
        while (at < CONTENT.length) {
            int size = Math.min(CONTENT.length - at, random.nextInt(4) == 0 ? 1 : random.nextInt(300_000));
            if (size == 1) {
                out.write(CONTENT[at]);
            } else {
                out.write(CONTENT, at, size);
            }
            at += size;
        }
    }

    @ParameterizedTest(name = "{0}, {1} threads")
    @MethodSource("formatsAndThreads")
    void whatIsWrittenIsReadBackByEveryTool(GzipFormat format, int threads) throws Exception {
        Path gz = directory.resolve("stream.gz");
        GzipOptions options = GzipOptions.defaults().withFormat(format).withThreads(threads)
                .withBlockSize(GzipOptions.MIN_BLOCK_SIZE);
        try (OutputStream out = new ParallelGzipOutputStream(Files.newOutputStream(gz), options, "named.txt",
                Instant.parse("2022-02-02T02:02:02Z"))) {
            writeInPieces(out, threads);
        }
        Tools.testedByGzipAndPigz(gz);
        for (byte[] decompressed : Tools.decompressedByEveryTool(gz)) {
            assertArrayEquals(CONTENT, decompressed);
        }
        if (format == GzipFormat.BGZF) {
            Tools.ok(directory, null, "bgzip", "-t", gz.toString());
        } else {
            GzipHeader header = ParallelGzip.list(gz).header();
            assertEquals("named.txt", header.name().orElseThrow());
            assertEquals(Instant.parse("2022-02-02T02:02:02Z"), header.modificationTime().orElseThrow());
        }
    }

    @Test
    void independentIsByteForByteWhatPigzDashIWritesFromAPipe() throws Exception {
        Path in = Files.write(directory.resolve("in.txt"), CONTENT);
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        try (OutputStream out = new ParallelGzipOutputStream(ours, GzipOptions.defaults()
                .withFormat(GzipFormat.INDEPENDENT).withThreads(2))) {
            writeInPieces(out, 7);
        }
        assertArrayEquals(Tools.ok(directory, in, "pigz", "-i", "-n", "-c"), ours.toByteArray());
    }

    @Test
    void aFlushMakesEverythingWrittenSoFarReadable() throws Exception {
        for (GzipFormat format : GzipFormat.values()) {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            ParallelGzipOutputStream out = new ParallelGzipOutputStream(sink,
                    GzipOptions.defaults().withFormat(format).withThreads(2));
            out.write(CONTENT, 0, 100_000);
            out.flush();
            Path partial = Files.write(directory.resolve("partial.gz"), sink.toByteArray());
            // The stream is not finished: Python's zlib gives all that a reader can get before the end.
            byte[] readable = Tools.ok(directory, partial, "python3", "-c", "import sys, zlib; "
                    + "sys.stdout.buffer.write(zlib.decompressobj(31).decompress(sys.stdin.buffer.read()))");
            if (format == GzipFormat.BGZF) {
                readable = Tools.ok(directory, partial, "bgzip", "-dc"); // BGZF: complete members
            }
            assertArrayEquals(java.util.Arrays.copyOf(CONTENT, 100_000), readable, format.toString());
            out.write(CONTENT, 100_000, CONTENT.length - 100_000);
            out.close();
            Path whole = Files.write(directory.resolve("whole.gz"), sink.toByteArray());
            assertArrayEquals(CONTENT, Tools.ok(directory, whole, "gzip", "-dc"));
        }
    }

    @Test
    void emptyStreamsAreValidGzip() throws Exception {
        for (GzipFormat format : GzipFormat.values()) {
            Path gz = directory.resolve("empty-" + format + ".gz");
            new ParallelGzipOutputStream(Files.newOutputStream(gz), GzipOptions.defaults().withFormat(format))
                    .close();
            Tools.testedByGzipAndPigz(gz);
            assertEquals(0, Tools.ok(directory, gz, "gzip", "-dc").length);
        }
        assertArrayEquals(Bgzf.EOF_BLOCK, Files.readAllBytes(directory.resolve("empty-BGZF.gz")));
    }

    @Test
    void finishLeavesTheUnderlyingStreamOpenAndLaterWritesFail() throws Exception {
        boolean[] closed = {false};
        ByteArrayOutputStream sink = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        ParallelGzipOutputStream out = new ParallelGzipOutputStream(sink);
        out.write(CONTENT, 0, 1000);
        out.finish();
        assertEquals(false, closed[0]);
        assertThrows(IOException.class, () -> out.write(1));
        out.close();
        out.close();
        assertTrue(closed[0]);
        Path gz = Files.write(directory.resolve("finished.gz"), sink.toByteArray());
        assertArrayEquals(java.util.Arrays.copyOf(CONTENT, 1000), Tools.ok(directory, gz, "gzip", "-dc"));
    }

    @Test
    void aFailingUnderlyingStreamFailsTheNextCallAndCloseStillCloses() throws Exception {
        int[] closes = {0};
        OutputStream failing = new OutputStream() {
            private long count;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                count += len;
                if (count > 50_000) {
                    throw new IOException("disk full");
                }
            }

            @Override
            public void close() {
                closes[0]++;
            }
        };
        ParallelGzipOutputStream out = new ParallelGzipOutputStream(failing,
                GzipOptions.defaults().withThreads(2).withBlockSize(GzipOptions.MIN_BLOCK_SIZE));
        IOException e = assertThrows(IOException.class, () -> out.write(CONTENT, 0, CONTENT.length));
        assertEquals("disk full", e.getMessage());
        assertThrows(IOException.class, out::close);
        assertEquals(1, closes[0]);
    }

    @Test
    void anIndexIsRefusedForAStream() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ParallelGzipOutputStream(
                new ByteArrayOutputStream(), GzipOptions.defaults().withFormat(GzipFormat.BGZF).withIndex(true)));
        assertTrue(e.getMessage().startsWith("writeIndex=true"), e.getMessage());
    }
}
