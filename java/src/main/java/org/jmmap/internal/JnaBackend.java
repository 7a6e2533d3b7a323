package org.jmmap.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;

/**
 * The fallback backend: the same libc calls through JNA direct mapping, for platforms where libjmmap.so cannot
 * load, and as a baseline in benchmarks (a JNA call costs several times a JNI call).
 *
 * <p>Constants come from {@link JnaPlatformTable}. The bulk operations run in Java over {@code ByteBuffer}s rather
 * than in libc: a libc {@code memmem} over a page of a truncated file would kill the process, a {@code ByteBuffer}
 * access raises {@link InternalError} instead.
 *
 * <p>Only {@link Backends} loads this class, and only once it has seen JNA on the class path.
 */
final class JnaBackend implements Backend {

    /**
     * Searches copy this many candidate positions at a time into a Java array and scan it there. On a page no longer
     * backed by its file, HotSpot resumes a faulting compiled access and raises its InternalError only later, so a
     * byte-by-byte scan would take one SIGBUS per missing byte (about 3 us each: minutes per missing GiB); the
     * copy gives up at the first fault of each chunk.
     */
    private static final int SEARCH_CHUNK = 64 * 1024;
    /** The largest array the JVM can allocate, with a margin for its header. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final int COPY_BUFFER = 64 * 1024;
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final JnaPlatformTable platform;
    private final Constants constants;
    private final Errno errno;

    private JnaBackend(JnaPlatformTable platform, Constants constants, Errno errno) {
        this.platform = platform;
        this.constants = constants;
        this.errno = errno;
    }

    static Backend create() {
        String name = NativeLoader.platform();
        JnaPlatformTable platform = JnaPlatformTable.of(name);
        if (platform == null) {
            throw new UnsatisfiedLinkError("the JNA backend has no constant table for " + name);
        }
        Map<String, Long> table = platform.constants();
        table.put("PAGE_SIZE", (long) LibC.getpagesize());
        Errno errno = new Errno();
        for (Object[] entry : platform.errnos()) {
            int number = (Integer) entry[0];
            errno.add(number, (String) entry[1], LibC.strerror(number));
        }
        return new JnaBackend(platform, new Constants(table), errno);
    }

    /** The libc functions, bound by JNA direct mapping. */
    private static final class LibC {
        static {
            Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        static native int getpagesize();
        static native String strerror(int number);

        static native int open(byte[] path, int flags, int mode) throws LastErrorException;
        static native int close(int fd) throws LastErrorException;
        static native int fstat(int fd, byte[] status) throws LastErrorException;
        static native int ftruncate(int fd, long length) throws LastErrorException;
        static native int fallocate(int fd, int mode, long offset, long length) throws LastErrorException;
        static native int posix_fadvise(int fd, long offset, long length, int advice);

        static native long mmap(long address, long length, int protection, int flags, int fd, long offset)
                throws LastErrorException;
        static native int munmap(long address, long length) throws LastErrorException;
        static native long mremap(long oldAddress, long oldLength, long newLength, int flags, long newAddress)
                throws LastErrorException;
        static native int msync(long address, long length, int flags) throws LastErrorException;
        static native int madvise(long address, long length, int advice) throws LastErrorException;
        static native int mlock(long address, long length) throws LastErrorException;
        static native int mlock2(long address, long length, int flags) throws LastErrorException;
        static native int munlock(long address, long length) throws LastErrorException;
        static native int mincore(long address, long length, byte[] vector) throws LastErrorException;
        /** {@code syscall(SYS_futex, word, operation, value, timeout, NULL, 0)}; timeout is a timespec or null. */
        static native long syscall(long number, long word, int operation, int value, long[] timeout, long word2,
                                   int value3) throws LastErrorException;

        static native int fchmod(int fd, int mode) throws LastErrorException;
        static native int flock(int fd, int operation) throws LastErrorException;
        /** Variadic in C; with the one pointer argument passed in a register, the fixed form is compatible. */
        static native int fcntl(int fd, int command, byte[] lock) throws LastErrorException;
    }

    /**
     * {@code shm_open} and {@code shm_unlink}: in libc since glibc 2.34, in librt before. Bound on first use, so a
     * libc without them costs nothing until shared memory is used.
     */
    private static final class LibShm {
        static {
            NativeLibrary library = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
            try {
                library.getFunction("shm_open");
            } catch (UnsatisfiedLinkError e) {
                library = NativeLibrary.getInstance("rt");
            }
            Native.register(library);
        }

        static native int shm_open(byte[] name, int flags, int mode) throws LastErrorException;
        static native int shm_unlink(byte[] name) throws LastErrorException;
    }

    private static final int EINTR = 4;
    private static final long MAP_FAILED = -1L;

    @Override public String name() { return "jna"; }
    @Override public Constants constants() { return constants; }
    @Override public Errno errno() { return errno; }

    @Override
    public int open(byte[] path, int flags, int mode) {
        byte[] terminated = new byte[path.length + 1];
        System.arraycopy(path, 0, terminated, 0, path.length);
        while (true) {
            try {
                return LibC.open(terminated, flags, mode);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    return -e.getErrorCode();
                }
            }
        }
    }

    @Override
    public int close(int fd) {
        try {
            return LibC.close(fd);
        } catch (LastErrorException e) {
            return -e.getErrorCode(); // never retried: the descriptor is gone even after EINTR
        }
    }

    @Override
    public long fileSize(int fd) {
        byte[] status = new byte[platform.statSize];
        try {
            LibC.fstat(fd, status);
        } catch (LastErrorException e) {
            return -e.getErrorCode();
        }
        ByteBuffer fields = ByteBuffer.wrap(status).order(ByteOrder.nativeOrder());
        int mode = fields.getInt(platform.statModeOffset);
        if ((mode & JnaPlatformTable.S_IFMT) != JnaPlatformTable.S_IFREG) {
            return -errno.number("ENODEV").getAsInt();
        }
        return fields.getLong(platform.statSizeOffset);
    }

    @Override
    public int ftruncate(int fd, long length) {
        while (true) {
            try {
                return LibC.ftruncate(fd, length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    return -e.getErrorCode();
                }
            }
        }
    }

    @Override
    public int fallocate(int fd, int mode, long offset, long length) {
        while (true) {
            try {
                return LibC.fallocate(fd, mode, offset, length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    return -e.getErrorCode();
                }
            }
        }
    }

    @Override
    public int fadvise(int fd, long offset, long length, int advice) {
        return -LibC.posix_fadvise(fd, offset, length, advice); // returns the error number itself
    }

    @Override
    public long mmap(long address, long length, int protection, int flags, int fd, long offset) {
        try {
            long mapped = LibC.mmap(address, length, protection, flags, fd, offset);
            // JNA throws LastErrorException when errno is set; MAP_FAILED without one would be a libc bug.
            return mapped == MAP_FAILED ? -errno.number("EINVAL").getAsInt() : mapped;
        } catch (LastErrorException e) {
            return -e.getErrorCode();
        }
    }

    @Override
    public int munmap(long address, long length) {
        try {
            return LibC.munmap(address, length);
        } catch (LastErrorException e) {
            return -e.getErrorCode();
        }
    }

    @Override
    public long mremap(long oldAddress, long oldLength, long newLength, int flags, long newAddress) {
        try {
            return LibC.mremap(oldAddress, oldLength, newLength, flags, newAddress);
        } catch (LastErrorException e) {
            return -e.getErrorCode();
        }
    }

    @Override
    public int msync(long address, long length, int flags) {
        try {
            return LibC.msync(address, length, flags);
        } catch (LastErrorException e) {
            return -e.getErrorCode();
        }
    }

    @Override
    public int madvise(long address, long length, int advice) {
        while (true) {
            try {
                return LibC.madvise(address, length, advice);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    return -e.getErrorCode();
                }
            }
        }
    }

    @Override
    public int mlock(long address, long length, int flags) {
        try {
            return flags == 0 ? LibC.mlock(address, length) : LibC.mlock2(address, length, flags);
        } catch (LastErrorException e) {
            return -e.getErrorCode();
        }
    }

    @Override
    public int munlock(long address, long length) {
        try {
            return LibC.munlock(address, length);
        } catch (LastErrorException e) {
            return -e.getErrorCode();
        }
    }

    @Override
    public long residency(long address, long length, long[] bits) {
        int pageSize = constants.pageSize();
        long pages = (length + pageSize - 1) / pageSize;
        if (bits != null && bits.length < (pages + 63) >>> 6) {
            return -errno.number("EINVAL").getAsInt();
        }
        byte[] vector = new byte[(int) Math.min(Math.max(pages, 1), 1 << 16)];
        long resident = 0;
        long first = 0;
        do { // at least once: a zero length still has its address checked
            int count = (int) Math.min(vector.length, pages - first);
            long chunkLength = first + count == pages ? length - first * pageSize : (long) count * pageSize;
            int result = mincore(address + first * pageSize, chunkLength, vector);
            if (result < 0) {
                return result;
            }
            if (bits != null) { // chunks start at a multiple of 64 pages: their words are theirs alone
                Arrays.fill(bits, (int) (first >>> 6), (int) ((first + count + 63) >>> 6), 0L);
            }
            for (int i = 0; i < count; i++) {
                if ((vector[i] & 1) != 0) {
                    resident++;
                    if (bits != null) {
                        long page = first + i;
                        bits[(int) (page >>> 6)] |= 1L << page;
                    }
                }
            }
            first += count;
        } while (first < pages);
        return resident;
    }

    private static int mincore(long address, long length, byte[] vector) {
        while (true) {
            try {
                return LibC.mincore(address, length, vector);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    return -e.getErrorCode();
                }
            }
        }
    }

    @Override
    public ByteBuffer newDirectBuffer(long address, int length) {
        return new Pointer(address).getByteBuffer(0, length).order(ByteOrder.BIG_ENDIAN);
    }

    // Bulk operations, in Java. Faults surface as HotSpot's InternalError, not as -EFAULT.

    @Override
    public long indexOf(long address, long length, byte[] needle) {
        if (needle.length == 0) {
            return 0;
        }
        if (needle.length > length) {
            return -1;
        }
        long candidates = length - needle.length + 1;
        int perChunk = (int) Math.min(SEARCH_CHUNK, MAX_ARRAY - needle.length + 1L);
        byte[] chunk = new byte[(int) Math.min(length, perChunk + needle.length - 1L)];
        for (long start = 0; start < candidates; start += perChunk) {
            int count = (int) Math.min(perChunk, candidates - start);
            copyToArray(address + start, chunk, 0, count + needle.length - 1);
            for (int i = 0; i < count; i++) {
                if (chunk[i] == needle[0] && matches(chunk, i, needle)) {
                    return start + i;
                }
            }
        }
        return -1;
    }

    @Override
    public long lastIndexOf(long address, long length, byte[] needle) {
        if (needle.length == 0) {
            return length;
        }
        if (needle.length > length) {
            return -1;
        }
        long candidates = length - needle.length + 1;
        int perChunk = (int) Math.min(SEARCH_CHUNK, MAX_ARRAY - needle.length + 1L);
        byte[] chunk = new byte[(int) Math.min(length, perChunk + needle.length - 1L)];
        for (long end = candidates; end > 0; end -= perChunk) {
            int count = (int) Math.min(perChunk, end);
            long start = end - count;
            copyToArray(address + start, chunk, 0, count + needle.length - 1);
            for (int i = count - 1; i >= 0; i--) {
                if (chunk[i] == needle[0] && matches(chunk, i, needle)) {
                    return start + i;
                }
            }
        }
        return -1;
    }

    private static boolean matches(byte[] chunk, int at, byte[] needle) {
        for (int j = 1; j < needle.length; j++) {
            if (chunk[at + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int fill(long address, long length, byte value) {
        byte[] pattern = new byte[(int) Math.min(COPY_BUFFER, length)];
        java.util.Arrays.fill(pattern, value);
        for (long done = 0; done < length; ) {
            int count = (int) Math.min(pattern.length, length - done);
            newDirectBuffer(address + done, count).put(0, pattern, 0, count);
            done += count;
        }
        return 0;
    }

    @Override
    public int move(long destination, long source, long length) {
        // Through a Java array, chunk by chunk, walking backwards when the destination overlaps the source's tail.
        byte[] buffer = new byte[(int) Math.min(COPY_BUFFER, length)];
        boolean backwards = destination > source && destination < source + length;
        for (long done = 0; done < length; ) {
            int count = (int) Math.min(buffer.length, length - done);
            long at = backwards ? length - done - count : done;
            newDirectBuffer(source + at, count).get(0, buffer, 0, count);
            newDirectBuffer(destination + at, count).put(0, buffer, 0, count);
            done += count;
        }
        return 0;
    }

    @Override
    public int copyToArray(long source, byte[] destination, int offset, int length) {
        if (length > 0) {
            newDirectBuffer(source, length).get(0, destination, offset, length);
        }
        return 0;
    }

    @Override
    public int copyFromArray(byte[] source, int offset, long destination, int length) {
        if (length > 0) {
            newDirectBuffer(destination, length).put(0, source, offset, length);
        }
        return 0;
    }

    @Override
    public int copyToBuffer(long source, ByteBuffer destination, int position, int length) {
        if (length > 0) {
            destination.put(position, newDirectBuffer(source, length), 0, length);
        }
        return 0;
    }

    @Override
    public int copyFromBuffer(ByteBuffer source, int position, long destination, int length) {
        if (length > 0) {
            newDirectBuffer(destination, length).put(0, source, position, length);
        }
        return 0;
    }

    // Unguarded: JNA cannot catch the SIGBUS of a page no longer backed by its file, and neither can HotSpot's
    // compare-and-set, so such a fault ends the process here.

    @Override
    public int compareAndSetInt(long address, int expected, int value) {
        return INT.compareAndSet(newDirectBuffer(address, Integer.BYTES), 0, expected, value) ? 1 : 0;
    }

    @Override
    public int compareAndSetLong(long address, long expected, long value) {
        return LONG.compareAndSet(newDirectBuffer(address, Long.BYTES), 0, expected, value) ? 1 : 0;
    }

    @Override
    public long getAndAddInt(long address, int delta) {
        return (int) INT.getAndAdd(newDirectBuffer(address, Integer.BYTES), 0, delta);
    }

    @Override
    public long getAndSetInt(long address, int value) {
        return (int) INT.getAndSet(newDirectBuffer(address, Integer.BYTES), 0, value);
    }

    @Override
    public long getAndAddLong(long address, long delta) {
        return (long) LONG.getAndAdd(newDirectBuffer(address, Long.BYTES), 0, delta);
    }

    @Override
    public long getAndSetLong(long address, long value) {
        return (long) LONG.getAndSet(newDirectBuffer(address, Long.BYTES), 0, value);
    }

    @Override
    public boolean atomicFaulted() {
        return false; // nothing here survives a fault to report it
    }

    private static byte[] terminated(byte[] name) {
        byte[] terminated = new byte[name.length + 1];
        System.arraycopy(name, 0, terminated, 0, name.length);
        return terminated;
    }

    @Override
    public int shmOpen(byte[] name, int flags, int mode) {
        byte[] terminated = terminated(name);
        while (true) {
            try {
                return LibShm.shm_open(terminated, flags, mode);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    return -e.getErrorCode();
                }
            }
        }
    }

    @Override
    public int shmUnlink(byte[] name) {
        try {
            return LibShm.shm_unlink(terminated(name));
        } catch (LastErrorException e) {
            return -e.getErrorCode();
        }
    }

    @Override
    public int fchmod(int fd, int mode) {
        while (true) {
            try {
                return LibC.fchmod(fd, mode);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    return -e.getErrorCode();
                }
            }
        }
    }

    @Override
    public int flock(int fd, int operation) {
        while (true) {
            try {
                return LibC.flock(fd, operation);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    return -e.getErrorCode();
                }
            }
        }
    }

    @Override
    public int fcntlLock(int fd, int command, int type, long start, long length, long[] found) {
        byte[] lock = new byte[JnaPlatformTable.FLOCK_SIZE]; // l_pid stays 0, as the OFD commands require
        ByteBuffer fields = ByteBuffer.wrap(lock).order(ByteOrder.nativeOrder());
        fields.putShort(JnaPlatformTable.FLOCK_TYPE_OFFSET, (short) type);
        fields.putShort(JnaPlatformTable.FLOCK_WHENCE_OFFSET, (short) JnaPlatformTable.SEEK_SET);
        fields.putLong(JnaPlatformTable.FLOCK_START_OFFSET, start);
        fields.putLong(JnaPlatformTable.FLOCK_LEN_OFFSET, length);
        while (true) {
            try {
                LibC.fcntl(fd, command, lock);
                break;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    return -e.getErrorCode();
                }
            }
        }
        if (found != null) {
            found[0] = fields.getShort(JnaPlatformTable.FLOCK_TYPE_OFFSET);
            found[1] = fields.getLong(JnaPlatformTable.FLOCK_START_OFFSET);
            found[2] = fields.getLong(JnaPlatformTable.FLOCK_LEN_OFFSET);
            found[3] = fields.getInt(JnaPlatformTable.FLOCK_PID_OFFSET);
        }
        return 0;
    }

    @Override
    public int lockSlice(int fd, int command, int type, long start, long length, long nanos) {
        // Bounding a blocking call needs a signal handler in native code, which JNA cannot install safely.
        return -errno.number("ENOSYS").getAsInt();
    }

    @Override
    public int futexWait(long address, int expected, long timeoutNanos) {
        long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + Math.min(timeoutNanos, Long.MAX_VALUE / 4);
        while (true) {
            long[] timespec = null;
            if (timeoutNanos >= 0) {
                long left = Math.max(0, deadline - System.nanoTime());
                timespec = new long[] {left / 1_000_000_000L, left % 1_000_000_000L};
            }
            try {
                LibC.syscall(constants.get("SYS_futex"), address, constants.get("FUTEX_WAIT"), expected, timespec,
                        0, 0);
                return 0;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) { // restarted with the time left, as the JNI backend does
                    return -e.getErrorCode();
                }
            }
        }
    }

    @Override
    public int futexWake(long address, int count) {
        try {
            return (int) LibC.syscall(constants.get("SYS_futex"), address, constants.get("FUTEX_WAKE"), count, null,
                    0, 0);
        } catch (LastErrorException e) {
            return -e.getErrorCode();
        }
    }

    // Reductions, in Java over the buffer: a page no longer backed by its file raises HotSpot's InternalError here.

    @Override
    public int reduce(ByteBuffer data, int element, boolean swapped, int reduction, long count, long stride,
                      long width, long elementStride, ByteBuffer accumulators) {
        ByteOrder nativeOrder = ByteOrder.nativeOrder();
        ByteBuffer in = data.duplicate().order(swapped == (nativeOrder == ByteOrder.BIG_ENDIAN)
                ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        ByteBuffer out = accumulators.duplicate().order(nativeOrder);
        int columns = (int) width;
        boolean unsigned = element == ELEMENT_UINT8 || element == ELEMENT_UINT16 || element == ELEMENT_UINT32
                || element == ELEMENT_UINT64;
        if (element >= ELEMENT_FLOAT16 || reduction == REDUCE_SUM_DOUBLE) {
            double[] values = new double[columns];
            for (int j = 0; j < columns; j++) {
                values[j] = out.getDouble(j * 8);
            }
            for (long k = 0; k < count; k++) {
                for (int j = 0; j < columns; j++) {
                    double x = doubleAt(in, element, (int) (k * stride + j * elementStride));
                    double a = values[j];
                    values[j] = reduction == REDUCE_MIN ? (x < a || x != x ? x : a)
                            : reduction == REDUCE_MAX ? (x > a || x != x ? x : a) : a + x;
                }
            }
            for (int j = 0; j < columns; j++) {
                out.putDouble(j * 8, values[j]);
            }
        } else {
            long[] values = new long[columns];
            for (int j = 0; j < columns; j++) {
                values[j] = out.getLong(j * 8);
            }
            for (long k = 0; k < count; k++) {
                for (int j = 0; j < columns; j++) {
                    long x = longAt(in, element, (int) (k * stride + j * elementStride));
                    long a = values[j];
                    if (reduction == REDUCE_SUM) {
                        values[j] = a + x;
                    } else {
                        int order = unsigned ? Long.compareUnsigned(x, a) : Long.compare(x, a);
                        values[j] = reduction == REDUCE_MIN ? (order < 0 ? x : a) : (order > 0 ? x : a);
                    }
                }
            }
            for (int j = 0; j < columns; j++) {
                out.putLong(j * 8, values[j]);
            }
        }
        return 0;
    }

    private static long longAt(ByteBuffer in, int element, int at) {
        switch (element) {
            case ELEMENT_BOOL:
                return in.get(at) != 0 ? 1 : 0;
            case ELEMENT_INT8:
                return in.get(at);
            case ELEMENT_UINT8:
                return in.get(at) & 0xffL;
            case ELEMENT_INT16:
                return in.getShort(at);
            case ELEMENT_UINT16:
                return in.getShort(at) & 0xffffL;
            case ELEMENT_INT32:
                return in.getInt(at);
            case ELEMENT_UINT32:
                return in.getInt(at) & 0xffff_ffffL;
            default:
                return in.getLong(at);
        }
    }

    private static double doubleAt(ByteBuffer in, int element, int at) {
        switch (element) {
            case ELEMENT_FLOAT16:
                return Half.toFloat(in.getShort(at));
            case ELEMENT_FLOAT32:
                return in.getFloat(at);
            case ELEMENT_FLOAT64:
                return in.getDouble(at);
            case ELEMENT_UINT64:
                long bits = in.getLong(at);
                // unsigned: halve keeping the lowest bit as a sticky bit, convert (rounding once), double
                return bits >= 0 ? (double) bits : (double) (bits >>> 1 | bits & 1) * 2.0;
            default:
                return longAt(in, element, at);
        }
    }
}
