package org.jmmap.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * The FFM ({@code java.lang.foreign}) baselines. They exist when the benchmarks were built on JDK 22 or later
 * ({@code src/main/java22}); {@code bench/run} leaves the {@code ffm} benchmarks out on older JDKs.
 */
public interface Ffm {

    /** The implementation, or null when this build has none. */
    Ffm INSTANCE = Loader.load();

    /** {@code channel.map(mode, offset, length, arena)} in a shared arena of its own. */
    Segment map(FileChannel channel, FileChannel.MapMode mode, long offset, long length) throws IOException;

    /** Maps in a confined arena and closes the arena at once: FFM's map + unmap. */
    void mapAndUnmap(FileChannel channel, long offset, long length) throws IOException;

    /** A segment over memory someone else mapped (not unmapped by {@link Segment#close()}). */
    Segment wrap(long address, long length);

    /** A downcall to libc {@code madvise}; returns its result (0 or -1). */
    int madvise(long address, long length, int advice);

    /** A downcall to libc {@code msync}; returns its result (0 or -1). */
    int msync(long address, long length, int flags);

    /** A downcall to libc {@code mincore} of one page; returns the page's residency byte, or -1. */
    int mincore(long address, long length);

    /** A mapped {@code MemorySegment}. */
    interface Segment extends AutoCloseable {

        long getLong(long offset);

        /** The sum of all longs, native order, in a {@code long}-indexed loop over the segment. */
        long sumLongs();

        @Override
        void close();
    }

    /** Ffm's one implementation, looked up by name so that this interface compiles for Java 17. */
    final class Loader {

        private Loader() {
        }

        static Ffm load() {
            try {
                return (Ffm) Class.forName("org.jmmap.bench.FfmImpl").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return null;
            }
        }

        /** The implementation, or an exception that says how to get one. */
        static Ffm require() {
            if (INSTANCE == null) {
                throw new IllegalStateException("FFM benchmarks need the benchmarks built and run on JDK 22+ "
                        + "(running " + Runtime.version() + ")");
            }
            return INSTANCE;
        }
    }
}
