package org.jmmap.internal;

import java.nio.ByteBuffer;

/** The default backend: libjmmap.so through JNI. Its natives are registered by {@code JNI_OnLoad}. */
final class JniBackend implements Backend {

    private final Constants constants;
    private final Errno errno;

    JniBackend() {
        String table = constants0();
        String errnoTable = errnoTable0();
        if (table == null || errnoTable == null) {
            throw new OutOfMemoryError("libjmmap.so could not build its constant tables");
        }
        this.constants = Constants.parse(table);
        this.errno = Errno.parse(errnoTable);
    }

    @Override public String name() { return "jni"; }
    @Override public Constants constants() { return constants; }
    @Override public Errno errno() { return errno; }

    @Override public int open(byte[] path, int flags, int mode) { return open0(path, flags, mode); }
    @Override public int close(int fd) { return close0(fd); }
    @Override public long fileSize(int fd) { return fileSize0(fd); }
    @Override public int ftruncate(int fd, long length) { return ftruncate0(fd, length); }
    @Override public int fallocate(int fd, int mode, long offset, long length) {
        return fallocate0(fd, mode, offset, length);
    }
    @Override public int fadvise(int fd, long offset, long length, int advice) {
        return fadvise0(fd, offset, length, advice);
    }

    @Override public long mmap(long address, long length, int protection, int flags, int fd, long offset) {
        return mmap0(address, length, protection, flags, fd, offset);
    }
    @Override public int munmap(long address, long length) { return munmap0(address, length); }
    @Override public long mremap(long oldAddress, long oldLength, long newLength, int flags, long newAddress) {
        return mremap0(oldAddress, oldLength, newLength, flags, newAddress);
    }
    @Override public int msync(long address, long length, int flags) { return msync0(address, length, flags); }
    @Override public int madvise(long address, long length, int advice) { return madvise0(address, length, advice); }
    @Override public int mlock(long address, long length, int flags) { return mlock0(address, length, flags); }
    @Override public int munlock(long address, long length) { return munlock0(address, length); }
    @Override public long residency(long address, long length, long[] bits) {
        return residency0(address, length, bits);
    }
    @Override public ByteBuffer newDirectBuffer(long address, int length) { return newDirectBuffer0(address, length); }

    @Override public long indexOf(long address, long length, byte[] needle) { return indexOf0(address, length, needle); }
    @Override public long lastIndexOf(long address, long length, byte[] needle) {
        return lastIndexOf0(address, length, needle);
    }
    @Override public int fill(long address, long length, byte value) { return fill0(address, length, value); }
    @Override public int move(long destination, long source, long length) { return move0(destination, source, length); }
    @Override public int copyToArray(long source, byte[] destination, int offset, int length) {
        return copyToArray0(source, destination, offset, length);
    }
    @Override public int copyFromArray(byte[] source, int offset, long destination, int length) {
        return copyFromArray0(source, offset, destination, length);
    }
    @Override public int copyToBuffer(long source, ByteBuffer destination, int position, int length) {
        return copyToBuffer0(source, destination, position, length);
    }
    @Override public int copyFromBuffer(ByteBuffer source, int position, long destination, int length) {
        return copyFromBuffer0(source, position, destination, length);
    }
    @Override public int compareAndSetInt(long address, int expected, int value) {
        return compareAndSetInt0(address, expected, value);
    }
    @Override public int compareAndSetLong(long address, long expected, long value) {
        return compareAndSetLong0(address, expected, value);
    }
    @Override public long getAndAddInt(long address, int delta) { return getAndAddInt0(address, delta); }
    @Override public long getAndSetInt(long address, int value) { return getAndSetInt0(address, value); }
    @Override public long getAndAddLong(long address, long delta) { return getAndAddLong0(address, delta); }
    @Override public long getAndSetLong(long address, long value) { return getAndSetLong0(address, value); }
    @Override public boolean atomicFaulted() { return atomicFaulted0(); }
    @Override public int shmOpen(byte[] name, int flags, int mode) { return shmOpen0(name, flags, mode); }
    @Override public int shmUnlink(byte[] name) { return shmUnlink0(name); }
    @Override public int fchmod(int fd, int mode) { return fchmod0(fd, mode); }
    @Override public int flock(int fd, int operation) { return flock0(fd, operation); }
    @Override public int fcntlLock(int fd, int command, int type, long start, long length, long[] found) {
        return fcntlLock0(fd, command, type, start, length, found);
    }
    @Override public int lockSlice(int fd, int command, int type, long start, long length, long nanos) {
        return lockSlice0(fd, command, type, start, length, nanos);
    }
    @Override public int futexWait(long address, int expected, long timeoutNanos) {
        return futexWait0(address, expected, timeoutNanos);
    }
    @Override public int futexWake(long address, int count) { return futexWake0(address, count); }
    @Override public int reduce(ByteBuffer data, int element, boolean swapped, int reduction, long count, long stride,
                                long width, long elementStride, ByteBuffer accumulators) {
        return reduce0(data, element, swapped, reduction, count, stride, width, elementStride, accumulators);
    }

    // jmmap_info.c
    private static native String constants0();
    private static native String errnoTable0();

    // jmmap_file.c
    private static native int open0(byte[] path, int flags, int mode);
    private static native int close0(int fd);
    private static native long fileSize0(int fd);
    private static native int ftruncate0(int fd, long length);
    private static native int fallocate0(int fd, int mode, long offset, long length);
    private static native int fadvise0(int fd, long offset, long length, int advice);

    // jmmap_mman.c
    private static native long mmap0(long address, long length, int protection, int flags, int fd, long offset);
    private static native int munmap0(long address, long length);
    private static native long mremap0(long oldAddress, long oldLength, long newLength, int flags, long newAddress);
    private static native int msync0(long address, long length, int flags);
    private static native int madvise0(long address, long length, int advice);
    private static native int mlock0(long address, long length, int flags);
    private static native int munlock0(long address, long length);
    private static native long residency0(long address, long length, long[] bits);
    private static native ByteBuffer newDirectBuffer0(long address, int length);

    // jmmap_bulk_jni.c
    private static native long indexOf0(long address, long length, byte[] needle);
    private static native long lastIndexOf0(long address, long length, byte[] needle);
    private static native int fill0(long address, long length, byte value);
    private static native int move0(long destination, long source, long length);
    private static native int copyToArray0(long source, byte[] destination, int offset, int length);
    private static native int copyFromArray0(byte[] source, int offset, long destination, int length);
    private static native int copyToBuffer0(long source, ByteBuffer destination, int position, int length);
    private static native int copyFromBuffer0(ByteBuffer source, int position, long destination, int length);
    private static native int compareAndSetInt0(long address, int expected, int value);
    private static native int compareAndSetLong0(long address, long expected, long value);
    private static native long getAndAddInt0(long address, int delta);
    private static native long getAndSetInt0(long address, int value);
    private static native long getAndAddLong0(long address, long delta);
    private static native long getAndSetLong0(long address, long value);
    private static native boolean atomicFaulted0();

    // jmmap_shm.c
    private static native int shmOpen0(byte[] name, int flags, int mode);
    private static native int shmUnlink0(byte[] name);
    private static native int fchmod0(int fd, int mode);

    // jmmap_lock.c
    private static native int flock0(int fd, int operation);
    private static native int fcntlLock0(int fd, int command, int type, long start, long length, long[] found);
    private static native int lockSlice0(int fd, int command, int type, long start, long length, long nanos);
    // jmmap_futex.c
    private static native int futexWait0(long address, int expected, long timeoutNanos);
    private static native int futexWake0(long address, int count);

    // jmmap_reduce_jni.c; the constants are copied here so that javac -h writes them into the header the C side
    // checks them against.
    private static native int reduce0(ByteBuffer data, int element, boolean swapped, int reduction, long count,
                                      long stride, long width, long elementStride, ByteBuffer accumulators);
    static final int ELEMENT_BOOL = Backend.ELEMENT_BOOL;
    static final int ELEMENT_INT8 = Backend.ELEMENT_INT8;
    static final int ELEMENT_UINT8 = Backend.ELEMENT_UINT8;
    static final int ELEMENT_INT16 = Backend.ELEMENT_INT16;
    static final int ELEMENT_UINT16 = Backend.ELEMENT_UINT16;
    static final int ELEMENT_INT32 = Backend.ELEMENT_INT32;
    static final int ELEMENT_UINT32 = Backend.ELEMENT_UINT32;
    static final int ELEMENT_INT64 = Backend.ELEMENT_INT64;
    static final int ELEMENT_UINT64 = Backend.ELEMENT_UINT64;
    static final int ELEMENT_FLOAT16 = Backend.ELEMENT_FLOAT16;
    static final int ELEMENT_FLOAT32 = Backend.ELEMENT_FLOAT32;
    static final int ELEMENT_FLOAT64 = Backend.ELEMENT_FLOAT64;
    static final int REDUCE_SUM = Backend.REDUCE_SUM;
    static final int REDUCE_SUM_DOUBLE = Backend.REDUCE_SUM_DOUBLE;
    static final int REDUCE_MIN = Backend.REDUCE_MIN;
    static final int REDUCE_MAX = Backend.REDUCE_MAX;
    static final int REDUCE_LANES = Backend.REDUCE_LANES;
}
