package org.jmmap.bench;

import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jmmap.Advice;
import org.jmmap.ErrnoException;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.Residency;

/** A short tour of what jmmap does that {@code FileChannel.map} cannot. Prints one line per point. */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Files.createTempDirectory("jmmap-demo-");
        try {
            run(directory);
        } finally {
            try (var files = Files.list(directory)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(directory);
        }
    }

    private static void run(Path directory) throws Exception {
        System.out.printf("jmmap demo (backend %s, page size %d, Java %s)%n", Mapping.backend(),
                Mapping.pageSize(), System.getProperty("java.version"));

        // 1. One mapping past 2 GiB: MappedByteBuffer stops at Integer.MAX_VALUE.
        Path big = directory.resolve("big.bin");
        long fiveGiB = 5L << 30;
        try (Mapping m = Mapping.map(big, MapMode.READ_WRITE, 0, fiveGiB)) {
            long at = (4L << 30) - 3; // straddles the 4 GiB mark
            m.putLong(at, 0x6A6D6D6170L);
            m.putBytes(fiveGiB - 5, "hello".getBytes(StandardCharsets.US_ASCII), 0, 5);
            System.out.printf("  one %d GiB mapping: long at 4 GiB-3 = %#x, \"hello\" found at %d (= length-5)%n",
                    m.length() >> 30, m.getLong(at),
                    m.lastIndexOf("hello".getBytes(StandardCharsets.US_ASCII), 0, m.length()));
        }

        // 2. Residency and advice: mincore and madvise.
        try (Mapping m = Mapping.map(big, MapMode.READ_ONLY, 1L << 30, 64L << 20)) {
            m.advise(Advice.DONT_NEED);
            Residency before = m.residency();
            m.advise(Advice.POPULATE_READ);
            Residency after = m.residency();
            System.out.printf("  64 MiB window: %d of %d pages resident after DONT_NEED, %d after POPULATE_READ%n",
                    before.residentPages(), before.pages(), after.residentPages());
        }

        // 3. Copy-on-write: PRIVATE writes never reach the file.
        Path small = directory.resolve("small.bin");
        Files.write(small, "original".getBytes(StandardCharsets.US_ASCII));
        try (Mapping m = Mapping.map(small, MapMode.PRIVATE)) {
            m.putBytes(0, "modified".getBytes(StandardCharsets.US_ASCII), 0, 8);
            byte[] mine = new byte[8];
            m.getBytes(0, mine, 0, 8);
            System.out.printf("  PRIVATE mapping reads \"%s\", the file still holds \"%s\"%n",
                    new String(mine, StandardCharsets.US_ASCII), Files.readString(small));
        }

        // 4. Deterministic close that cannot crash: a view used after close reads zeros.
        Mapping m = Mapping.map(small, MapMode.READ_ONLY);
        ByteBuffer view = m.asByteBuffer(0, 8);
        m.close();
        System.out.printf("  view used after close() reads %d (the range is inert until the view is collected)%n",
                view.getLong(0));

        // 5. The file truncated underneath: an exception, not a SIGBUS.
        Path shrinking = directory.resolve("shrinking.bin");
        try (Mapping s = Mapping.map(shrinking, MapMode.READ_WRITE, 0, 1 << 20)) {
            try (RandomAccessFile file = new RandomAccessFile(shrinking.toFile(), "rw")) {
                file.setLength(4096);
            }
            try {
                s.getBytes(8192, new byte[16], 0, 16);
            } catch (UncheckedIOException e) {
                ErrnoException cause = (ErrnoException) e.getCause();
                System.out.printf("  file truncated under the mapping: getBytes threw %s (%s), the JVM lives on%n",
                        cause.errnoName(), cause.call());
            }
        }

        // 6. Resize: grow in place, content kept, the file follows.
        try (Mapping r = Mapping.map(small, MapMode.READ_WRITE)) {
            r.resize(1 << 20);
            r.putLong((1 << 20) - 8, 42);
            System.out.printf("  resized to %d bytes: file is %d bytes, first bytes still \"%s\"%n", r.length(),
                    Files.size(small), new String(bytes(r, 8), StandardCharsets.US_ASCII));
        }
    }

    private static byte[] bytes(Mapping m, int count) {
        byte[] bytes = new byte[count];
        m.getBytes(0, bytes, 0, count);
        return bytes;
    }
}
