package org.jmmap.gzip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ParallelGzip#decompress}, {@link ParallelGzip#test}, {@link ParallelGzip#list} and {@link GzipInputStream}
 * on files made by {@code gzip}, {@code gzip -9}, {@code pigz}, {@code pigz -i}, {@code bgzip}, Python (every header
 * field) and their concatenations; every error, with no output left; trailing bytes as {@code gzip} treats them.
 */
class ParallelGzipDecompressTest {

    @TempDir
    static Path fixtures;

    @TempDir
    Path directory;

    private static byte[] content;
    private static Path plain;
    private static final Instant MODIFIED = Instant.parse("2020-01-02T03:04:05Z");

    /** The files every test reads, made by the real tools from {@link #content}. */
    private static final List<String> MADE = new ArrayList<>();

    @BeforeAll
    static void makeFixtures() throws Exception {
        content = Tools.concat(Tools.text(6 << 20, 21), Tools.random(300_000, 22));
        plain = Files.write(fixtures.resolve("in.txt"), content);
        Files.setLastModifiedTime(plain, FileTime.from(MODIFIED));
        make("gzip.gz", "gzip", "-c", "in.txt");
        make("gzip-9.gz", "gzip", "-c", "-9", "in.txt");
        make("gzip-1.gz", "gzip", "-c", "-1", "in.txt");
        make("pigz.gz", "pigz", "-c", "-p", "2", "in.txt");
        make("pigz-i.gz", "pigz", "-c", "-i", "-p", "2", "in.txt");
        make("bgzip.gz", "bgzip", "-c", "in.txt");
        make("bgzip-threads.gz", "bgzip", "-c", "-@", "2", "-l", "9", "in.txt");
        // Every optional header field, with the header CRC, written by Python: FTEXT FHCRC FEXTRA FNAME FCOMMENT.
        Files.write(fixtures.resolve("fields.gz"), Tools.ok(fixtures, plain, "python3", "-c", FIELDS));
        Files.write(fixtures.resolve("empty"), new byte[0]);
        make("empty-gzip.gz", "gzip", "-c", "empty");
        make("empty-bgzip.gz", "bgzip", "-c", "empty");
        MADE.addAll(List.of("gzip.gz", "gzip-9.gz", "gzip-1.gz", "pigz.gz", "pigz-i.gz", "bgzip.gz",
                "bgzip-threads.gz", "fields.gz"));
    }

    /** A gzip member with every optional field: python3 -c FIELDS < in > out. */
    private static final String FIELDS = String.join("\n",
            "import sys, struct, zlib",
            "data = sys.stdin.buffer.read()",
            "extra = b'Ab' + struct.pack('<H', 3) + b'xyz' + b'Cd' + struct.pack('<H', 2) + b'\\x07\\x00'",
            "h = b'\\x1f\\x8b\\x08' + bytes([1 | 2 | 4 | 8 | 16]) + struct.pack('<I', 1577934245) + b'\\x00\\x03'",
            "h += struct.pack('<H', len(extra)) + extra + 'naïve.txt'.encode() + b'\\x00' + b'a comment\\x00'",
            "h += struct.pack('<H', zlib.crc32(h) & 0xffff)",
            "c = zlib.compressobj(6, zlib.DEFLATED, -15)",
            "body = c.compress(data) + c.flush()",
            "sys.stdout.buffer.write(h + body + struct.pack('<II', zlib.crc32(data), len(data) & 0xffffffff))");

    private static void make(String name, String... command) throws Exception {
        Files.write(fixtures.resolve(name), Tools.ok(fixtures, null, command));
    }

    private static Path fixture(String name) {
        return fixtures.resolve(name);
    }

    private static int crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    static Stream<Arguments> everyFixtureAndThreads() {
        List<Arguments> cases = new ArrayList<>();
        for (String name : List.of("gzip.gz", "gzip-9.gz", "gzip-1.gz", "pigz.gz", "pigz-i.gz", "bgzip.gz",
                "bgzip-threads.gz", "fields.gz")) {
            for (int threads : new int[] {1, 2}) {
                cases.add(Arguments.of(name, threads));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, {1} threads")
    @MethodSource("everyFixtureAndThreads")
    void filesOfEveryToolDecompressTestAndStream(String name, int threads) throws Exception {
        GzipOptions options = GzipOptions.defaults().withThreads(threads);
        Path out = directory.resolve("out.txt");
        GzipResult result = ParallelGzip.decompress(fixture(name), out, options);
        assertArrayEquals(content, Files.readAllBytes(out));
        assertEquals(content.length, result.uncompressedSize());
        assertEquals(Files.size(fixture(name)), result.compressedSize());
        assertEquals(crc(content), result.crc32());
        assertEquals(0, result.trailingBytes());
        GzipResult tested = ParallelGzip.test(fixture(name), options);
        assertEquals(crc(content), tested.crc32());
        assertEquals(result.members(), tested.members());
        try (GzipInputStream in = new GzipInputStream(Files.newInputStream(fixture(name)))) {
            assertArrayEquals(content, in.readAllBytes());
            assertEquals(result.members(), in.members());
        }
    }

    @Test
    void everyHeaderFieldIsReadAndTheHeaderCrcChecked() throws Exception {
        // Python's own reader and gzip accept the fixture: it is valid.
        Tools.testedByGzipAndPigz(fixture("fields.gz"));
        GzipHeader header = ParallelGzip.list(fixture("fields.gz")).header();
        try (GzipInputStream in = new GzipInputStream(Files.newInputStream(fixture("fields.gz")))) {
            GzipHeader streamed = in.header();
            for (GzipHeader h : new GzipHeader[] {header, streamed}) {
                assertTrue(h.isText());
                assertTrue(h.hasHeaderCrc());
                assertEquals(1577934245L, h.mtime());
                assertEquals(Instant.ofEpochSecond(1577934245L), h.modificationTime().orElseThrow());
                assertEquals(GzipHeader.OS_UNIX, h.os());
                assertEquals("naïve.txt", h.name().orElseThrow());
                assertEquals("a comment", h.comment().orElseThrow());
                assertArrayEquals("xyz".getBytes(), h.extraSubfield('A', 'b').orElseThrow());
                assertArrayEquals(new byte[] {7, 0}, h.extraSubfield('C', 'd').orElseThrow());
                assertFalse(h.isBgzf());
                assertEquals(10 + 2 + 13 + 11 + 10 + 2, h.length());
            }
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2})
    void concatenationsAreReadToTheLastMember(int threads) throws Exception {
        Path concatenated = directory.resolve("all.gz");
        try (var out = Files.newOutputStream(concatenated)) {
            for (String name : List.of("gzip.gz", "empty-gzip.gz", "pigz-i.gz", "bgzip.gz", "fields.gz",
                    "empty-bgzip.gz", "gzip-1.gz")) {
                out.write(Files.readAllBytes(fixture(name)));
            }
        }
        byte[] expected = new byte[content.length * 5];
        for (int i = 0; i < 5; i++) {
            System.arraycopy(content, 0, expected, i * content.length, content.length);
        }
        Path out = directory.resolve("all.txt");
        GzipResult result = ParallelGzip.decompress(concatenated, out, GzipOptions.defaults().withThreads(threads));
        assertArrayEquals(expected, Files.readAllBytes(out));
        assertEquals(crc(expected), result.crc32());
        assertArrayEquals(expected, Tools.ok(directory, concatenated, "gzip", "-dc"));
        // One short read at a time: a member boundary that a read does not cross.
        try (GzipInputStream in = new GzipInputStream(new TrickleInputStream(Files.newInputStream(concatenated)))) {
            assertArrayEquals(expected, in.readAllBytes());
        }
        GzipInfo info = ParallelGzip.list(concatenated);
        assertEquals(GzipInfo.Layout.MULTI_MEMBER, info.layout());
        assertEquals(result.members(), info.members());
        assertEquals(expected.length, info.uncompressedSize());
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2})
    void aMemberHoldingWhatLooksLikeAMemberStartIsStillReadRight(int threads) throws Exception {
        // gzip -1 of random bytes stores them: a gzip header inside them is in the compressed file as it is, where
        // the parallel decoder takes it for a member start, guesses wrong, and must notice.
        byte[] fake = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x4b, 0x4c, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] inner = Tools.concat(Tools.concat(Tools.random(100_000, 23), fake), Tools.random(200_000, 24));
        Path stored = Files.write(directory.resolve("inner.bin"), inner);
        byte[] first = Tools.ok(directory, null, "gzip", "-1", "-c", stored.getFileName().toString());
        Path concatenated = Files.write(directory.resolve("tricky.gz"),
                Tools.concat(Tools.concat(first, Files.readAllBytes(fixture("gzip-1.gz"))), first));
        byte[] expected = Tools.concat(Tools.concat(inner, content), inner);
        assertArrayEquals(expected, Tools.ok(directory, concatenated, "gzip", "-dc"));
        Path out = directory.resolve("tricky.txt");
        GzipResult result = ParallelGzip.decompress(concatenated, out, GzipOptions.defaults().withThreads(threads));
        assertArrayEquals(expected, Files.readAllBytes(out));
        assertEquals(3, result.members());
        assertEquals(crc(expected), result.crc32());
    }

    @Test
    void anErrorInALaterMemberIsFoundWhereItIs() throws Exception {
        byte[] one = Files.readAllBytes(fixture("gzip-1.gz"));
        byte[] two = Files.readAllBytes(fixture("gzip.gz"));
        Path bad = Files.write(directory.resolve("bad-third.gz"), Tools.concat(Tools.concat(one, one), flip(two,
                two.length - 8)));
        failsEverywhere(bad, GzipException.Reason.BAD_CRC, 2L * one.length + two.length - 8);
    }

    @Test
    void emptyMembersDecompressToNothing() throws Exception {
        for (String name : List.of("empty-gzip.gz", "empty-bgzip.gz")) {
            Path out = directory.resolve(name + ".out");
            GzipResult result = ParallelGzip.decompress(fixture(name), out, GzipOptions.defaults());
            assertEquals(0, Files.size(out));
            assertEquals(0, result.uncompressedSize());
            assertEquals(1, result.members());
            try (GzipInputStream in = new GzipInputStream(Files.newInputStream(fixture(name)))) {
                assertEquals(-1, in.read());
            }
        }
    }

    @Test
    void listIsWhatGzipListsWithLayoutAndMembers() throws Exception {
        GzipInfo gzip = ParallelGzip.list(fixture("gzip.gz"));
        String[] listed = new String(Tools.ok(fixtures, null, "gzip", "-l", "gzip.gz")).trim().split("\n")[1]
                .trim().split("\\s+");
        assertEquals(Long.parseLong(listed[0]), gzip.compressedSize());
        assertEquals(Long.parseLong(listed[1]), gzip.uncompressedSize());
        assertEquals(GzipInfo.Layout.SINGLE_MEMBER, gzip.layout());
        assertEquals(1, gzip.members());
        assertEquals("in.txt", gzip.header().name().orElseThrow());
        assertEquals(MODIFIED, gzip.header().modificationTime().orElseThrow());
        assertEquals(crc(content), gzip.crc32());

        GzipInfo bgzf = ParallelGzip.list(fixture("bgzip.gz"));
        assertEquals(GzipInfo.Layout.BGZF, bgzf.layout());
        assertEquals((content.length + 0xff00 - 1) / 0xff00 + 1, bgzf.members());
        assertEquals(content.length, bgzf.uncompressedSize());
        assertEquals(crc(content), bgzf.crc32());
        assertEquals(GzipInfo.Layout.SINGLE_MEMBER, ParallelGzip.list(fixture("pigz-i.gz")).layout());
    }

    @Test
    void theOutputGetsTheHeaderTimeOrTheInputTime() throws Exception {
        Path out = directory.resolve("timed.txt");
        ParallelGzip.decompress(fixture("gzip.gz"), out, GzipOptions.defaults());
        assertEquals(FileTime.from(MODIFIED), Files.getLastModifiedTime(out));
        ParallelGzip.decompress(fixture("gzip.gz"), out, GzipOptions.defaults().withNameAndTime(false));
        assertEquals(Files.getLastModifiedTime(fixture("gzip.gz")), Files.getLastModifiedTime(out));
        ParallelGzip.decompress(fixture("bgzip.gz"), out, GzipOptions.defaults()); // MTIME 0: the input's time
        assertEquals(Files.getLastModifiedTime(fixture("bgzip.gz")), Files.getLastModifiedTime(out));
    }

    // -------------------------------------------------------------------------------------------------------------
    // Errors: the reason, the offset, and no output left

    /** A copy of a fixture with {@code edit} applied. */
    private Path edited(String name, java.util.function.UnaryOperator<byte[]> edit) throws IOException {
        return Files.write(directory.resolve("edited-" + name), edit.apply(Files.readAllBytes(fixture(name))));
    }

    /** Every way of reading {@code gz} fails with {@code reason} at {@code offset}; nothing is left behind. */
    private void failsEverywhere(Path gz, GzipException.Reason reason, long offset) throws Exception {
        for (int threads : new int[] {1, 2}) {
            GzipOptions options = GzipOptions.defaults().withThreads(threads);
            Path out = directory.resolve("never.txt");
            GzipException decompressing = assertThrows(GzipException.class,
                    () -> ParallelGzip.decompress(gz, out, options));
            assertEquals(reason, decompressing.reason(), decompressing.getMessage());
            assertEquals(offset, decompressing.offset(), decompressing.getMessage());
            assertTrue(decompressing.getMessage().contains(gz.toString()), decompressing.getMessage());
            assertFalse(Files.exists(out));
            GzipException testing = assertThrows(GzipException.class, () -> ParallelGzip.test(gz, options));
            assertEquals(reason, testing.reason());
            assertEquals(offset, testing.offset());
        }
        try (GzipInputStream in = new GzipInputStream(Files.newInputStream(gz))) {
            GzipException streaming = assertThrows(GzipException.class, in::readAllBytes);
            assertEquals(reason, streaming.reason(), streaming.getMessage());
            if (reason != GzipException.Reason.CORRUPT_DATA) {
                assertEquals(offset, streaming.offset(), streaming.getMessage());
            }
        }
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(List.of(gz.getFileName().toString()),
                    files.map(file -> file.getFileName().toString()).toList(), "nothing else is left");
        }
        Files.delete(gz);
    }

    /** Where the deflate data of gzip.gz starts: after the 10 fixed bytes and "in.txt\0". */
    private static final int GZIP_DATA = 10 + 7;

    @Test
    void notGzip() throws Exception {
        failsEverywhere(Files.write(directory.resolve("text.gz"), "just text\n".getBytes()),
                GzipException.Reason.NOT_GZIP, 0);
    }

    @Test
    void emptyOrTruncatedAnywhere() throws Exception {
        failsEverywhere(Files.write(directory.resolve("empty.gz"), new byte[0]), GzipException.Reason.TRUNCATED, 0);
        for (String name : List.of("gzip.gz", "bgzip.gz")) {
            long size = Files.size(fixture(name));
            for (long cut : new long[] {1, 5, 12, GZIP_DATA + 1000, size / 2, size - 30, size - 3}) {
                if (name.equals("bgzip.gz") && cut == size - 3) {
                    continue; // cuts into the end-of-file block, tested below
                }
                Path truncated = edited(name, bytes -> Arrays.copyOf(bytes, (int) cut));
                failsEverywhere(truncated, GzipException.Reason.TRUNCATED, cut);
            }
        }
    }

    @Test
    void bgzipWithoutItsEndOfFileBlockIsStillValidGzip() throws Exception {
        Path cut = edited("bgzip.gz", bytes -> Arrays.copyOf(bytes, bytes.length - Bgzf.EOF_BLOCK.length));
        assertArrayEquals(content, Files.readAllBytes(decompress(cut)));
    }

    private Path decompress(Path gz) throws IOException {
        Path out = directory.resolve(gz.getFileName() + ".out");
        ParallelGzip.decompress(gz, out, GzipOptions.defaults().withThreads(2));
        return out;
    }

    @Test
    void aBadCrc() throws Exception {
        long size = Files.size(fixture("gzip.gz"));
        failsEverywhere(edited("gzip.gz", bytes -> flip(bytes, bytes.length - 8)), GzipException.Reason.BAD_CRC,
                size - 8);
        long lastBlockTrailer = Files.size(fixture("bgzip.gz")) - Bgzf.EOF_BLOCK.length - 8;
        failsEverywhere(edited("bgzip.gz", bytes -> flip(bytes, (int) lastBlockTrailer)),
                GzipException.Reason.BAD_CRC, lastBlockTrailer);
    }

    @Test
    void aBadLength() throws Exception {
        long size = Files.size(fixture("gzip.gz"));
        failsEverywhere(edited("gzip.gz", bytes -> flip(bytes, bytes.length - 4)), GzipException.Reason.BAD_LENGTH,
                size - 4);
        long lastBlockIsize = Files.size(fixture("bgzip.gz")) - Bgzf.EOF_BLOCK.length - 4;
        failsEverywhere(edited("bgzip.gz", bytes -> flip(bytes, (int) lastBlockIsize)),
                GzipException.Reason.BAD_LENGTH, lastBlockIsize);
    }

    @Test
    void corruptDeflateData() throws Exception {
        // Block type 3 is reserved: "invalid block type" from the first byte of deflate data.
        Path gzip = edited("gzip.gz", bytes -> {
            bytes[GZIP_DATA] |= 0x06;
            return bytes;
        });
        GzipException e = assertThrows(GzipException.class, () -> ParallelGzip.test(gzip));
        assertEquals(GzipException.Reason.CORRUPT_DATA, e.reason());
        failsEverywhere(gzip, GzipException.Reason.CORRUPT_DATA, e.offset());
        long secondBlock = bgzfBlockStart(1);
        Path bgzip = edited("bgzip.gz", bytes -> {
            bytes[(int) secondBlock + Bgzf.HEADER_LENGTH] |= 0x06;
            return bytes;
        });
        GzipException b = assertThrows(GzipException.class, () -> ParallelGzip.test(bgzip));
        assertEquals(GzipException.Reason.CORRUPT_DATA, b.reason());
        assertTrue(b.offset() >= secondBlock + Bgzf.HEADER_LENGTH && b.offset() < secondBlock + 64, b.getMessage());
        failsEverywhere(bgzip, GzipException.Reason.CORRUPT_DATA, b.offset());
    }

    /** Where block {@code index} of bgzip.gz starts, walking the BSIZE fields. */
    private static long bgzfBlockStart(int index) throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("bgzip.gz"));
        long at = 0;
        for (int i = 0; i < index; i++) {
            at += ((bytes[(int) at + 16] & 0xff) | (bytes[(int) at + 17] & 0xff) << 8) + 1;
        }
        return at;
    }

    @Test
    void badHeaders() throws Exception {
        failsEverywhere(edited("gzip.gz", bytes -> {
            bytes[2] = 7;
            return bytes;
        }), GzipException.Reason.BAD_HEADER, 2);
        failsEverywhere(edited("gzip.gz", bytes -> {
            bytes[3] |= 0x20;
            return bytes;
        }), GzipException.Reason.BAD_HEADER, 3);
        int headerCrcAt = 10 + 2 + 13 + 11 + 10;
        failsEverywhere(edited("fields.gz", bytes -> flip(bytes, headerCrcAt)), GzipException.Reason.BAD_HEADER_CRC,
                headerCrcAt);
    }

    private static byte[] flip(byte[] bytes, int at) {
        bytes[at] ^= 1;
        return bytes;
    }

    // -------------------------------------------------------------------------------------------------------------
    // Trailing bytes, as gzip treats them

    @Test
    void zeroPaddingIsIgnored() throws Exception {
        for (String name : List.of("gzip.gz", "bgzip.gz")) {
            Path padded = edited(name, bytes -> Arrays.copyOf(bytes, bytes.length + 1000));
            assertEquals(0, Tools.run(directory, padded, "gzip", "-dc").status());
            GzipResult result = ParallelGzip.decompress(padded, directory.resolve("padded.txt"),
                    GzipOptions.defaults().withStrict(true));
            assertArrayEquals(content, Files.readAllBytes(directory.resolve("padded.txt")));
            assertEquals(1000, result.trailingBytes());
            assertFalse(result.trailingGarbage());
            try (GzipInputStream in = new GzipInputStream(Files.newInputStream(padded),
                    GzipOptions.defaults().withStrict(true))) {
                assertArrayEquals(content, in.readAllBytes());
                assertEquals(1000, in.trailingBytes());
                assertFalse(in.trailingGarbage());
            }
        }
    }

    @Test
    void trailingGarbageIsReportedOrInStrictModeAnError() throws Exception {
        for (String name : List.of("gzip.gz", "bgzip.gz")) {
            long size = Files.size(fixture(name));
            Path garbage = edited(name, bytes -> Tools.concat(bytes, new byte[] {0, 0, 'j', 'u', 'n', 'k'}));
            // gzip: "decompression OK, trailing garbage ignored", status 2 (a warning)
            Tools.Run gzip = Tools.run(directory, garbage, "gzip", "-dc");
            assertEquals(2, gzip.status());
            assertArrayEquals(content, gzip.stdout());
            GzipResult result = ParallelGzip.decompress(garbage, directory.resolve("garbage.txt"),
                    GzipOptions.defaults());
            assertArrayEquals(content, Files.readAllBytes(directory.resolve("garbage.txt")));
            Files.delete(directory.resolve("garbage.txt"));
            assertEquals(6, result.trailingBytes());
            assertTrue(result.trailingGarbage());
            try (GzipInputStream in = new GzipInputStream(Files.newInputStream(garbage))) {
                assertArrayEquals(content, in.readAllBytes());
                assertEquals(6, in.trailingBytes());
                assertTrue(in.trailingGarbage());
            }
            GzipException strict = assertThrows(GzipException.class, () -> ParallelGzip.decompress(garbage,
                    directory.resolve("strict.txt"), GzipOptions.defaults().withStrict(true)));
            assertEquals(GzipException.Reason.TRAILING_GARBAGE, strict.reason());
            assertEquals(size, strict.offset());
            assertFalse(Files.exists(directory.resolve("strict.txt")));
            try (GzipInputStream in = new GzipInputStream(Files.newInputStream(garbage),
                    GzipOptions.defaults().withStrict(true))) {
                assertEquals(GzipException.Reason.TRAILING_GARBAGE,
                        assertThrows(GzipException.class, in::readAllBytes).reason());
            }
        }
    }

    @Test
    void theJdkStopsAtAMemberBoundaryThatAShortReadEndsAt() throws Exception {
        // The behaviour GzipInputStream exists to fix, shown on the JDK's own class: when a member ends where a
        // short read ended and available() says 0, java.util.zip.GZIPInputStream takes it for the end (until
        // JDK 23, which fixed JDK-7036144).
        byte[] two = Tools.concat(Files.readAllBytes(fixture("gzip.gz")), Files.readAllBytes(fixture("gzip.gz")));
        ByteArrayOutputStream jdk = new ByteArrayOutputStream();
        try (InputStream in = new java.util.zip.GZIPInputStream(
                new TrickleInputStream(new java.io.ByteArrayInputStream(two)))) {
            in.transferTo(jdk);
        }
        if (Runtime.version().feature() < 23) {
            assertEquals(content.length, jdk.size(), "the JDK read only the first member, silently");
        } else {
            assertEquals(2L * content.length, jdk.size());
        }
        try (GzipInputStream in = new GzipInputStream(new TrickleInputStream(new java.io.ByteArrayInputStream(two)))) {
            assertEquals(2L * content.length, in.readAllBytes().length);
        }
    }

    /** Returns at most 7 bytes a read: every member boundary falls inside or at the end of a short read. */
    private static final class TrickleInputStream extends java.io.FilterInputStream {
        TrickleInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 7));
        }

        @Override
        public int available() {
            return 0;
        }
    }
}
