package org.jmmap.testing;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.internal.Backend;
import org.jmmap.internal.Backends;
import org.jmmap.internal.Constants;

/**
 * Where the time of {@code Mapping.map} + {@code close()} goes (README, Benchmarks): each step alone, per operation,
 * 4 KiB of a file in the page cache, best of 5 rounds; a measuring tool, not a test. Run it with
 * {@code java -cp java/target/classes:java/target/test-classes org.jmmap.testing.MapCloseBreakdown FILE [OPERATIONS]}.
 */
public final class MapCloseBreakdown {
    static final Backend B = Backends.get();
    static final Constants C = B.constants();
    static final Cleaner CLEANER = Cleaner.create();
    static volatile Object sink;

    private MapCloseBreakdown() {
    }

    interface Op {
        long run() throws Exception;
    }

    static double time(String name, int n, Op op) throws Exception {
        for (int i = 0; i < n / 4; i++) op.run();
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            long acc = 0;
            for (int i = 0; i < n; i++) acc += op.run();
            double ns = (System.nanoTime() - t0) / (double) n;
            best = Math.min(best, ns);
            sink = acc;
        }
        System.out.printf("%-58s %8.0f ns%n", name, best);
        return best;
    }

    public static void main(String[] a) throws Exception {
        Path file = Paths.get(a[0]);
        int size = 4096;
        int n = Integer.parseInt(a.length > 1 ? a[1] : "100000");
        byte[] name = file.toString().getBytes();
        int O_RDONLY = C.get("O_RDONLY") | C.get("O_CLOEXEC"), PROT_READ = C.get("PROT_READ"), MAP_SHARED = C.get("MAP_SHARED");
        int TOMB = C.get("MAP_PRIVATE") | C.get("MAP_ANONYMOUS") | C.get("MAP_FIXED") | C.get("MAP_NORESERVE");
        int PROT_RW = PROT_READ | C.get("PROT_WRITE");
        double fc = time("FileChannel.open + map + close (baseline)", n, () -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                sink = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            }
            return 1;
        });
        double jm = time("Mapping.map + close", n, () -> {
            try (Mapping m = Mapping.map(file, MapMode.READ_ONLY, 0, size)) { return m.address(); }
        });
        time("open + close(fd)", n, () -> { int fd = B.open(name, O_RDONLY, 0); B.close(fd); return fd; });
        time("open + fstat + close(fd)", n, () -> { int fd = B.open(name, O_RDONLY, 0); long s = B.fileSize(fd); B.close(fd); return s; });
        time("open + fstat + mmap + close(fd) + munmap", n, () -> {
            int fd = B.open(name, O_RDONLY, 0); long s = B.fileSize(fd);
            long p = B.mmap(0, size, PROT_READ, MAP_SHARED, fd, 0); B.close(fd); B.munmap(p, size); return p + s; });
        time("  + tombstone mmap before munmap", n, () -> {
            int fd = B.open(name, O_RDONLY, 0); long s = B.fileSize(fd);
            long p = B.mmap(0, size, PROT_READ, MAP_SHARED, fd, 0); B.close(fd);
            B.mmap(p, size, PROT_RW, TOMB, -1, 0); B.munmap(p, size); return p + s; });
        long p = B.mmap(0, size, PROT_READ, MAP_SHARED, B.open(name, O_RDONLY, 0), 0);
        time("newDirectBuffer (JNI up-call)", n, () -> { ByteBuffer b = B.newDirectBuffer(p, size); sink = b; return 1; });
        time("newDirectBuffer + asReadOnly + order", n, () -> {
            ByteBuffer b = B.newDirectBuffer(p, size).asReadOnlyBuffer().order(ByteOrder.nativeOrder()); sink = b; return 1; });
        time("Cleaner.register of a new object", n, () -> { Object o = new Object(); CLEANER.register(o, () -> { }); sink = o; return 1; });
        System.out.printf("Mapping.map + close takes %.2fx the time of FileChannel.open + map + close%n", jm / fc);
    }
}
