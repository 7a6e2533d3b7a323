package org.jmmap.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Data files for benchmarks, in {@code -Djmmap.bench.dir} (default: {@code jmmap-bench} in the system temporary
 * directory). A file of pseudo-random bytes is written once and reused by every forked JVM of the run: writing
 * gigabytes per fork would cost more than the measurements. {@code bench/run} deletes the directory at the end.
 */
final class BenchFiles {

    private BenchFiles() {
    }

    static Path directory() throws IOException {
        Path directory = Paths.get(System.getProperty("jmmap.bench.dir",
                Paths.get(System.getProperty("java.io.tmpdir"), "jmmap-bench").toString()));
        return Files.createDirectories(directory);
    }

    /**
     * The file {@code name-size.bin} of {@code size} pseudo-random bytes (the same bytes for the same size), written
     * if it is missing or has another size. It stays for the next fork; the page cache is left warm.
     */
    static Path dataFile(String name, long size) throws IOException {
        Path file = directory().resolve(name + "-" + size + ".bin");
        if (Files.isRegularFile(file) && Files.size(file) == size) {
            return file;
        }
        Path partial = Files.createTempFile(directory(), name + "-", ".partial");
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            long state = size * 0x9E3779B97F4A7C15L + 1;
            for (long written = 0; written < size; ) {
                block.clear();
                while (block.hasRemaining()) { // xorshift64*: fast enough for gigabytes, no pattern memmem can exploit
                    state ^= state >>> 12;
                    state ^= state << 25;
                    state ^= state >>> 27;
                    block.putLong(state * 0x2545F4914F6CDD1DL);
                }
                block.flip().limit((int) Math.min(block.capacity(), size - written));
                while (block.hasRemaining()) {
                    written += out.write(block, written);
                }
            }
            out.force(false);
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /** A new empty temporary file in the benchmark directory, deleted when the JVM exits. */
    static Path scratchFile(String name) throws IOException {
        Path file = Files.createTempFile(directory(), name + "-", ".tmp");
        file.toFile().deleteOnExit();
        return file;
    }
}
