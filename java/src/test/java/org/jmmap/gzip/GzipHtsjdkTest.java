package org.jmmap.gzip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import htsjdk.samtools.util.BlockCompressedInputStream;
import htsjdk.samtools.util.BlockCompressedOutputStream;
import htsjdk.samtools.util.GZIIndex;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BGZF against htsjdk, htslib's Java implementation: it reads our files whole and at random offsets through our
 * {@code .gzi}, builds the same index from them, and we read what it writes, whole and through {@link GzipIndex}.
 */
class GzipHtsjdkTest {

    @TempDir
    static Path directory;

    private static byte[] content;

    @BeforeAll
    static void makeContent() {
        // Text, random bytes and text again: some 40 BGZF blocks, compressible and not.
        content = Tools.concat(Tools.concat(Tools.text(1_500_000, 51), Tools.random(200_000, 52)),
                Tools.text(800_000, 53));
    }

    @Test
    void htsjdkReadsOurBgzfWholeAndAtOffsetsThroughOurIndex() throws Exception {
        Path in = Files.write(directory.resolve("ours.txt"), content);
        Path bgzf = directory.resolve("ours.txt.gz");
        ParallelGzip.compress(in, bgzf, GzipOptions.defaults().withFormat(GzipFormat.BGZF).withThreads(2)
                .withIndex(true));

        assertEquals(BlockCompressedInputStream.FileTermination.HAS_TERMINATOR_BLOCK,
                BlockCompressedInputStream.checkTermination(bgzf));
        try (BlockCompressedInputStream htsjdk = new BlockCompressedInputStream(bgzf)) {
            htsjdk.setCheckCrcs(true);
            assertArrayEquals(content, htsjdk.readAllBytes());
        }

        // htsjdk's own index of the file has the same entries, and one more for the end-of-file block (htslib's,
        // which ours matches byte for byte in ParallelGzipCompressTest, has none).
        GZIIndex ours = GZIIndex.loadIndex(IndexWriter.indexPath(bgzf));
        List<GZIIndex.IndexEntry> built = GZIIndex.buildIndex(bgzf).getIndexEntries();
        assertEquals(content.length, built.get(built.size() - 1).getUncompressedOffset());
        assertEquals(built.subList(0, built.size() - 1), ours.getIndexEntries());
        Random random = new Random(54);
        try (BlockCompressedInputStream htsjdk = new BlockCompressedInputStream(bgzf)) {
            for (int i = 0; i < 50; i++) {
                int offset = i == 0 ? 0xff00 : random.nextInt(content.length);
                int length = Math.min(1 + random.nextInt(100_000), content.length - offset);
                htsjdk.seek(ours.getVirtualOffsetForSeek(offset));
                byte[] read = htsjdk.readNBytes(length);
                assertArrayEquals(Arrays.copyOfRange(content, offset, offset + length), read,
                        "offset=" + offset + ", length=" + length);
            }
        }
    }

    @Test
    void weReadWhatHtsjdkWrites() throws Exception {
        Path bgzf = directory.resolve("htsjdk.txt.gz");
        try (OutputStream out = new BlockCompressedOutputStream(bgzf.toFile(), 6)) {
            out.write(content);
        }
        GzipInfo info = ParallelGzip.list(bgzf);
        assertEquals(GzipInfo.Layout.BGZF, info.layout());
        assertEquals(content.length, info.uncompressedSize());
        for (int threads : new int[] {1, 2}) {
            Path out = directory.resolve("htsjdk-" + threads + ".txt");
            ParallelGzip.decompress(bgzf, out, GzipOptions.defaults().withThreads(threads));
            assertArrayEquals(content, Files.readAllBytes(out));
        }
        try (GzipInputStream in = new GzipInputStream(Files.newInputStream(bgzf))) {
            assertArrayEquals(content, in.readAllBytes());
        }
        try (GzipIndex index = GzipIndex.open(bgzf)) {
            byte[] middle = new byte[70_000];
            int offset = content.length / 2;
            assertEquals(middle.length, index.read(offset, middle, 0, middle.length));
            assertArrayEquals(Arrays.copyOfRange(content, offset, offset + middle.length), middle);
        }
    }
}
