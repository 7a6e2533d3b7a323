package org.jmmap.bench;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/** {@link Ffm} on JDK 22+: mapped segments and downcalls, written as an FFM user would write them. */
final class FfmImpl implements Ffm {

    private static final ValueLayout.OfLong LONG = JAVA_LONG.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfLong LONG_UNALIGNED = ValueLayout.JAVA_LONG_UNALIGNED;

    // size_t and pointers are passed as long: the same registers on LP64.
    private static final MethodHandle MADVISE = downcall("madvise", JAVA_LONG, JAVA_LONG, JAVA_INT);
    private static final MethodHandle MSYNC = downcall("msync", JAVA_LONG, JAVA_LONG, JAVA_INT);
    private static final MethodHandle MINCORE = downcall("mincore", JAVA_LONG, JAVA_LONG, JAVA_LONG);

    /** mincore's output vector: one byte, allocated once. */
    private final MemorySegment vector = Arena.global().allocate(8);

    private static MethodHandle downcall(String name, ValueLayout... arguments) {
        Linker linker = Linker.nativeLinker();
        MemorySegment function = linker.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no " + name));
        return linker.downcallHandle(function, FunctionDescriptor.of(JAVA_INT, arguments));
    }

    @Override
    public Segment map(FileChannel channel, FileChannel.MapMode mode, long offset, long length) throws IOException {
        Arena arena = Arena.ofShared();
        return new MappedSegment(channel.map(mode, offset, length, arena), arena);
    }

    @Override
    public void mapAndUnmap(FileChannel channel, long offset, long length) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            channel.map(FileChannel.MapMode.READ_ONLY, offset, length, arena);
        }
    }

    @Override
    public Segment wrap(long address, long length) {
        return new MappedSegment(MemorySegment.ofAddress(address).reinterpret(length), null);
    }

    @Override
    public int madvise(long address, long length, int advice) {
        try {
            return (int) MADVISE.invokeExact(address, length, advice);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public int msync(long address, long length, int flags) {
        try {
            return (int) MSYNC.invokeExact(address, length, flags);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public int mincore(long address, long length) {
        try {
            int result = (int) MINCORE.invokeExact(address, length, vector.address());
            return result < 0 ? result : vector.get(JAVA_BYTE, 0);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static final class MappedSegment implements Segment {

        private final MemorySegment segment;
        private final Arena arena;

        MappedSegment(MemorySegment segment, Arena arena) {
            this.segment = segment;
            this.arena = arena;
        }

        @Override
        public long getLong(long offset) {
            return segment.get(LONG_UNALIGNED, offset);
        }

        @Override
        public long sumLongs() {
            MemorySegment s = segment;
            long limit = s.byteSize() & ~7L;
            long sum = 0;
            for (long i = 0; i < limit; i += Long.BYTES) {
                sum += s.get(LONG, i);
            }
            return sum;
        }

        @Override
        public void close() {
            if (arena != null) {
                arena.close();
            }
        }
    }
}
