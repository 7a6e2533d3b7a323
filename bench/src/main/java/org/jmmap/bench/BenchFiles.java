package org.jmmap.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;

/** Data files for benchmarks, under {@code -Djmmap.bench.dir} (default: the system temporary directory). */
final class BenchFiles {

    private BenchFiles() {
    }

    /** A new file of {@code size} bytes of pseudo-random data, deleted when the JVM exits. */
    static Path randomFile(String name, long size) throws IOException {
        Path directory = Paths.get(System.getProperty("jmmap.bench.dir", System.getProperty("java.io.tmpdir")));
        Path file = Files.createTempFile(directory, "jmmap-bench-" + name + "-", ".bin");
        file.toFile().deleteOnExit();
        byte[] block = new byte[1 << 20];
        Random random = new Random(size);
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, size - written));
            }
        }
        return file;
    }
}
