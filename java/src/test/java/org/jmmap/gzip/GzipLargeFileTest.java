package org.jmmap.gzip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file over 4 GiB, where the gzip trailer's ISIZE wraps (it holds the size modulo 2^32): a sparse file (only a few
 * pages written, so it costs no disk) compressed, checked by {@code pigz -t}, and decompressed to its exact size and
 * CRC-32 by {@link ParallelGzip#test}, {@link ParallelGzip#list} and {@link GzipInputStream}.
 */
class GzipLargeFileTest {

    private static final long SIZE = (4L << 30) + 100 * 1024 + 3;

    @TempDir
    Path directory;

    @Test
    void aFileOverFourGibibytesWrapsIsizeAndKeepsItsExactSize() throws Exception {
        Path in = directory.resolve("large.bin");
        try (RandomAccessFile file = new RandomAccessFile(in.toFile(), "rw")) {
            file.setLength(SIZE);
            for (long at : new long[] {0, (2L << 30) - 3, (4L << 30) - 3, SIZE - 5}) {
                file.seek(at);
                file.write("hello".getBytes());
            }
        }
        int crc = crcOf(in);
        Path gz = directory.resolve("large.bin.gz");
        GzipResult compressed = ParallelGzip.compress(in, gz, GzipOptions.defaults().withLevel(1).withThreads(2));
        assertEquals(SIZE, compressed.uncompressedSize());
        assertEquals(crc, compressed.crc32());
        try (FileChannel channel = FileChannel.open(gz, StandardOpenOption.READ)) {
            ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(trailer, channel.size() - 8);
            assertEquals(crc, trailer.getInt(0));
            assertEquals(SIZE & 0xffffffffL, trailer.getInt(4) & 0xffffffffL, "ISIZE is the size modulo 2^32");
        }
        Tools.ok(directory, null, "pigz", "-t", gz.toString());

        GzipResult tested = ParallelGzip.test(gz, GzipOptions.defaults().withThreads(2));
        assertEquals(SIZE, tested.uncompressedSize());
        assertEquals(crc, tested.crc32());
        GzipInfo info = ParallelGzip.list(gz);
        assertEquals(SIZE, info.uncompressedSize());
        assertEquals(crc, info.crc32());
        try (InputStream stream = new GzipInputStream(Files.newInputStream(gz))) {
            CRC32 streamed = new CRC32();
            byte[] buffer = new byte[1 << 20];
            long total = 0;
            for (int n = stream.read(buffer); n >= 0; n = stream.read(buffer)) {
                streamed.update(buffer, 0, n);
                total += n;
            }
            assertEquals(SIZE, total);
            assertEquals(crc, (int) streamed.getValue());
        }
        // Two members, the first over 4 GiB: the parallel decoder's guess of where the second one's output goes
        // (from the first one's ISIZE) is wrong by 4 GiB and must be caught.
        Path small = Files.write(directory.resolve("small.txt"), "the second member\n".getBytes());
        Path smallGz = directory.resolve("small.gz");
        ParallelGzip.compress(small, smallGz, GzipOptions.defaults());
        Path two = directory.resolve("two.gz");
        Files.copy(gz, two);
        Files.write(two, Files.readAllBytes(smallGz), StandardOpenOption.APPEND);
        GzipResult both = ParallelGzip.test(two, GzipOptions.defaults().withThreads(2));
        assertEquals(SIZE + Files.size(small), both.uncompressedSize());
        assertEquals(2, both.members());
        Files.delete(in);
    }

    /** The JDK's CRC-32 of the whole file, read through a channel. */
    private static int crcOf(Path file) throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer buffer = ByteBuffer.allocateDirect(16 << 20);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer.clear()) > 0) {
                crc.update(buffer.flip());
            }
        }
        return (int) crc.getValue();
    }
}
