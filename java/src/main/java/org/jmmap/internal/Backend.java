package org.jmmap.internal;

import java.nio.ByteBuffer;

/**
 * The calls jmmap makes into the operating system, with primitives in and primitives out.
 *
 * <p>Every {@code int}/{@code long} result is {@code >= 0} on success or {@code -errno} on failure; nothing here
 * throws for an operating-system error. Addresses are plain {@code long}s. Callers check arguments before calling:
 * an implementation may trust lengths, offsets and array ranges. Two implementations exist: {@link JniBackend}
 * (the default, libjmmap.so) and {@link JnaBackend} (the fallback through JNA).
 *
 * <p>The bulk operations ({@link #indexOf}, {@link #fill}, {@link #move}, the copies) return {@code -EFAULT} when a
 * mapped page is no longer backed by its file (the file was truncated underneath the mapping). The JNI backend
 * guarantees that; the JNA backend does them in Java through {@code ByteBuffer}s, where HotSpot raises
 * {@link InternalError} instead.
 */
public interface Backend {

    /** {@code "jni"} or {@code "jna"}. */
    String name();

    /** Flag values and the page size of this platform. */
    Constants constants();

    /** errno numbers, names and descriptions of this platform. */
    Errno errno();

    /** {@code open(2)}; {@code path} is the file name in the platform encoding, without a terminating NUL. */
    int open(byte[] path, int flags, int mode);

    /** {@code close(2)}. */
    int close(int fd);

    /** Size in bytes of the regular file {@code fd} refers to, or {@code -ENODEV} if it is not a regular file. */
    long fileSize(int fd);

    /** {@code ftruncate(2)}. */
    int ftruncate(int fd, long length);

    /** {@code fallocate(2)}. */
    int fallocate(int fd, int mode, long offset, long length);

    /** {@code posix_fadvise(2)}. */
    int fadvise(int fd, long offset, long length, int advice);

    /** {@code mmap(2)}: the address, or {@code -errno}. */
    long mmap(long address, long length, int protection, int flags, int fd, long offset);

    /** {@code munmap(2)}. */
    int munmap(long address, long length);

    /** {@code mremap(2)}: the new address, or {@code -errno}. */
    long mremap(long oldAddress, long oldLength, long newLength, int flags, long newAddress);

    /** {@code msync(2)}. */
    int msync(long address, long length, int flags);

    /** {@code madvise(2)}. */
    int madvise(long address, long length, int advice);

    /** {@code mlock(2)} when {@code flags} is 0, {@code mlock2(2)} with {@code flags} otherwise. */
    int mlock(long address, long length, int flags);

    /** {@code munlock(2)}. */
    int munlock(long address, long length);

    /**
     * {@code mincore(2)} over {@code [address, address + length)}, {@code address} page-aligned, packed into
     * {@code bits}: page {@code i} of the range is bit {@code i & 63} of {@code bits[i >>> 6]}, set if the page is
     * resident, clear if not (words past the range's last page are left alone). {@code bits} may be null to count
     * only; otherwise it needs {@code ceil(pages / 64)} words ({@code -EINVAL} if shorter).
     *
     * @return the number of resident pages, or {@code -errno}
     */
    long residency(long address, long length, long[] bits);

    /** A direct, big-endian {@code ByteBuffer} over {@code [address, address + length)}. */
    ByteBuffer newDirectBuffer(long address, int length);

    /** First index of {@code needle} in the range, -1 if absent, -EFAULT on a fault; empty needle: 0. */
    long indexOf(long address, long length, byte[] needle);

    /** Last index of {@code needle} in the range, -1 if absent, -EFAULT on a fault; empty needle: length. */
    long lastIndexOf(long address, long length, byte[] needle);

    /** Sets every byte of the range to {@code value}; 0 or -EFAULT. */
    int fill(long address, long length, byte value);

    /** Copies {@code length} bytes; the ranges may overlap; 0 or -EFAULT. */
    int move(long destination, long source, long length);

    /** Copies mapped memory into {@code destination[offset, offset + length)}; 0 or -EFAULT. */
    int copyToArray(long source, byte[] destination, int offset, int length);

    /** Copies {@code source[offset, offset + length)} into mapped memory; 0 or -EFAULT. */
    int copyFromArray(byte[] source, int offset, long destination, int length);

    /** Copies mapped memory into the direct buffer at {@code [position, position + length)}; 0 or -EFAULT. */
    int copyToBuffer(long source, ByteBuffer destination, int position, int length);

    /** Copies the direct buffer's {@code [position, position + length)} into mapped memory; 0 or -EFAULT. */
    int copyFromBuffer(ByteBuffer source, int position, long destination, int length);

    /**
     * Sequentially consistent compare-and-set of the naturally aligned int at {@code address}: 1 if it was
     * {@code expected} and is now {@code value}, 0 if not, -EFAULT if the page is no longer backed by its file
     * (JNI backend only; under JNA such a fault kills the JVM, as HotSpot's own compare-and-set does).
     */
    int compareAndSetInt(long address, int expected, int value);

    /** {@link #compareAndSetInt} for a long. */
    int compareAndSetLong(long address, long expected, long value);

    /**
     * Sequentially consistent fetch-and-add of the naturally aligned int at {@code address}: the value before, or
     * {@code Long.MIN_VALUE} if the page is no longer backed by its file (JNI backend only, as for
     * {@link #compareAndSetInt}).
     */
    long getAndAddInt(long address, int delta);

    /** Sequentially consistent exchange of the int at {@code address}; results as {@link #getAndAddInt}. */
    long getAndSetInt(long address, int value);

    /**
     * Fetch-and-add of the long at {@code address}: the value before, or {@code Long.MIN_VALUE} on a fault, which
     * {@link #atomicFaulted()} tells apart from a value that happened to be {@code Long.MIN_VALUE}.
     */
    long getAndAddLong(long address, long delta);

    /** Exchange of the long at {@code address}; results as {@link #getAndAddLong}. */
    long getAndSetLong(long address, long value);

    /** Whether this thread's last {@link #getAndAddLong}/{@link #getAndSetLong} faulted. */
    boolean atomicFaulted();

    /**
     * {@code shm_open(3)}: a descriptor of the POSIX shared memory object {@code name} (bytes in the platform
     * encoding, with its leading {@code /}, without a terminating NUL), opened {@code O_CLOEXEC|O_NOFOLLOW}.
     */
    int shmOpen(byte[] name, int flags, int mode);

    /** {@code shm_unlink(3)} of {@code name}, encoded as for {@link #shmOpen}. */
    int shmUnlink(byte[] name);

    /** {@code fchmod(2)}: sets the permission bits exactly, whatever the umask. */
    int fchmod(int fd, int mode);

    /** {@code flock(2)}: {@code LOCK_SH}, {@code LOCK_EX} or {@code LOCK_UN}, optionally with {@code LOCK_NB}. */
    int flock(int fd, int operation);

    /**
     * {@code fcntl(2)} with a lock command ({@code F_OFD_SETLK}, {@code F_OFD_SETLKW}, {@code F_OFD_GETLK}) and a
     * {@code struct flock} of {@code type} ({@code F_RDLCK}, {@code F_WRLCK}, {@code F_UNLCK}) over
     * {@code [start, start + length)} from the start of the file, {@code length} 0 meaning to the end of the file
     * and beyond. For {@code F_OFD_GETLK}, {@code found} (4 elements; null for the other commands) receives the
     * {@code l_type}, {@code l_start}, {@code l_len} and {@code l_pid} the kernel wrote back ({@code l_type}
     * {@code F_UNLCK} when nothing conflicts). A lock held by another open file description is {@code -EAGAIN}.
     */
    int fcntlLock(int fd, int command, int type, long start, long length, long[] found);

    /**
     * A blocking lock call that gives up after {@code nanos}: {@code flock(fd, type)} when {@code command} is -1
     * ({@code type} being {@code LOCK_SH} or {@code LOCK_EX}, without {@code LOCK_NB}), else
     * {@code fcntlLock(fd, command, type, start, length, null)} with {@code command} {@code F_OFD_SETLKW}. Returns 0
     * when the lock was granted, {@code -EINTR} when the time was up first (or another signal arrived),
     * {@code -ENOSYS} when this backend cannot bound a blocking call (the JNA one never can; callers then retry the
     * non-blocking call instead), {@code -errno} otherwise.
     */
    int lockSlice(int fd, int command, int type, long start, long length, long nanos);

    /**
     * {@code futex(FUTEX_WAIT)} (the shared form, for memory other processes map too): sleeps while the naturally
     * aligned int at {@code address} holds {@code expected}, for at most {@code timeoutNanos} ({@code < 0}: no
     * limit). 0 when woken (possibly spuriously), {@code -EAGAIN} if the int did not hold {@code expected},
     * {@code -ETIMEDOUT} when the time ran out, {@code -EINVAL} for a misaligned address, {@code -EFAULT} for
     * memory that is not mapped or no longer backed by its file. {@code EINTR} never reaches the caller: the wait
     * restarts with the time left.
     */
    int futexWait(long address, int expected, long timeoutNanos);

    /** {@code futex(FUTEX_WAKE)}: wakes at most {@code count} waiters of the int at {@code address}; the number woken. */
    int futexWake(long address, int count);

    // Reductions (jmmap_reduce.h). The numbers are jmmap's own; the C side checks them at compile time.

    /** Element types of {@link #reduce}: bool (0 or 1), signed and unsigned integers, IEEE floats. */
    int ELEMENT_BOOL = 0;
    int ELEMENT_INT8 = 1;
    int ELEMENT_UINT8 = 2;
    int ELEMENT_INT16 = 3;
    int ELEMENT_UINT16 = 4;
    int ELEMENT_INT32 = 5;
    int ELEMENT_UINT32 = 6;
    int ELEMENT_INT64 = 7;
    int ELEMENT_UINT64 = 8;
    int ELEMENT_FLOAT16 = 9;
    int ELEMENT_FLOAT32 = 10;
    int ELEMENT_FLOAT64 = 11;
    /** Reductions of {@link #reduce}: sum (in the accumulator type), sum in double, min, max. */
    int REDUCE_SUM = 0;
    int REDUCE_SUM_DOUBLE = 1;
    int REDUCE_MIN = 2;
    int REDUCE_MAX = 3;
    /** The row width of a whole-array reduction: that many independent accumulators. */
    int REDUCE_LANES = 16;

    /**
     * For every row {@code k} in {@code [0, count)} and column {@code j} in {@code [0, width)}:
     * {@code accumulators[j] = op(accumulators[j], x(k, j))}, where {@code x(k, j)} is the element at byte
     * {@code k * stride + j * elementStride} of {@code data} (a direct view of mapped memory holding every such
     * element), byte-swapped when {@code swapped}. The accumulators are 8 bytes each in this machine's byte order
     * at the start of the direct buffer {@code accumulators}: doubles for float elements and for
     * {@link #REDUCE_SUM_DOUBLE}, otherwise int64 (wrapping sums, signed min and max) or, for min and max of
     * unsigned elements, uint64. Floating-point min and max propagate NaN as numpy does. Returns 0, or -EFAULT if
     * a page of the data is no longer backed by its file (JNI backend; the JNA one raises HotSpot's
     * {@link InternalError} as its buffer access does).
     */
    int reduce(ByteBuffer data, int element, boolean swapped, int reduction, long count, long stride, long width,
               long elementStride, ByteBuffer accumulators);
}
