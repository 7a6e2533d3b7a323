package org.jmmap.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The benchmarks' native reference points (bench/native/jmmap_bench.c, bundled in the benchmarks jar): a C loop
 * over a mapping, system calls repeated in C, and page-cache eviction. Every call returns >= 0 or -errno.
 */
final class NativeReference {

    /** Linux values from {@code <sys/mman.h>}, for the C loops and the FFM downcalls. */
    static final int MADV_NORMAL = 0;
    static final int MS_ASYNC = 1;

    static {
        String resource = "/native/libjmmapbench.so";
        try (InputStream in = NativeReference.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnsatisfiedLinkError(resource + " is not on the class path: build with ./mvnw package");
            }
            Path directory = Files.createTempDirectory("jmmap-bench-native-");
            Path library = directory.resolve("libjmmapbench.so");
            Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
            System.load(library.toString());
            Files.delete(library);
            Files.delete(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private NativeReference() {
    }

    /** The sum of the longs in {@code [address, address + length)}, native byte order. */
    static long sumLongs(long address, long length) {
        return sumLongs0(address, length);
    }

    /**
     * The same sum with eight independent accumulators: bound by memory bandwidth rather than by the adds, the
     * reference ceiling for reductions.
     */
    static long sumLongsUnrolled(long address, long length) {
        return sumLongsUnrolled0(address, length);
    }

    /** {@code madvise(address, length, advice)} {@code count} times; throws on failure. */
    static void madviseLoop(long address, long length, int advice, int count) {
        check("madvise", madviseLoop0(address, length, advice, count));
    }

    /** {@code msync(address, length, flags)} {@code count} times; throws on failure. */
    static void msyncLoop(long address, long length, int flags, int count) {
        check("msync", msyncLoop0(address, length, flags, count));
    }

    /** {@code mincore} over at most 64 pages {@code count} times; returns how often the first page was resident. */
    static int mincoreLoop(long address, long length, int count) {
        return check("mincore", mincoreLoop0(address, length, count));
    }

    /** Writes back and drops {@code file} from the page cache. Pages still mapped somewhere stay. */
    static void evict(Path file) {
        check("evict " + file, evict0(file.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * {@code memcpy} of {@code total} bytes from {@code source} to {@code destination}, {@code chunk} bytes at a
     * time, going round the first {@code size} bytes of both ({@code size} a multiple of {@code chunk}).
     */
    static void copyLoop(long destination, long source, long size, long chunk, long total) {
        check("memcpy", copyLoop0(destination, source, size, chunk, total));
    }

    /** {@link #pingPong}'s kinds: a futex word, sleeping without a time limit. */
    static final int PING_FUTEX = 0;
    /** A futex word, sleeping at most 1 ms at a time (as a channel's first sleep after announcing a wait). */
    static final int PING_FUTEX_TIMED = 1;
    /** Two pipes. */
    static final int PING_PIPE = 2;

    /**
     * Round trips of 32 bytes between this thread and a child process forked for the purpose, for {@code nanos}
     * or until {@code latencies} is full: through a futex word in a shared mapping of a /dev/shm file (the shared
     * {@code FUTEX_WAIT}/{@code FUTEX_WAKE} a channel uses) or through a pair of pipes, all in C.
     *
     * @param kind      {@link #PING_FUTEX}, {@link #PING_FUTEX_TIMED} or {@link #PING_PIPE}
     * @param latencies receives each round trip's time, in nanoseconds
     * @param cpu       receives the CPU time of this thread and of the child during the round trips, in nanoseconds
     * @return how many round trips were made
     */
    static int pingPong(int kind, long nanos, long[] latencies, long[] cpu) {
        return check("ping-pong", pingPong0(kind, nanos, latencies, cpu));
    }

    static int pageSize() {
        return pageSize0();
    }

    private static int check(String call, int result) {
        if (result < 0) {
            throw new IllegalStateException(call + " failed: errno=" + -result);
        }
        return result;
    }

    private static native long sumLongs0(long address, long length);

    private static native long sumLongsUnrolled0(long address, long length);

    private static native int madviseLoop0(long address, long length, int advice, int count);

    private static native int msyncLoop0(long address, long length, int flags, int count);

    private static native int mincoreLoop0(long address, long length, int count);

    private static native int evict0(byte[] path);

    private static native int pageSize0();

    private static native int copyLoop0(long destination, long source, long size, long chunk, long total);

    private static native int pingPong0(int kind, long nanos, long[] latencies, long[] cpu);
}
