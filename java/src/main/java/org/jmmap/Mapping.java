package org.jmmap;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.jmmap.internal.Backend;
import org.jmmap.internal.Backends;
import org.jmmap.internal.Constants;
import org.jmmap.internal.Elements;
import org.jmmap.internal.Errors;
import org.jmmap.internal.MappingAccess;

/**
 * A memory-mapped file or anonymous memory region, of any length (one object, also beyond 2 GiB), with the POSIX
 * control {@code FileChannel.map} lacks: shared, read-only or copy-on-write mappings of any file offset, anonymous
 * memory, {@code msync} of ranges, {@code madvise}, {@code mlock}, {@code mincore} residency, resize, and a
 * deterministic {@link #close()} that cannot crash the JVM.
 *
 * <h2>Offsets and bounds</h2>
 * Every offset is relative to the mapping's first byte, whatever file offset it was mapped at. Every access is
 * bounds-checked and throws {@link IndexOutOfBoundsException} naming the offset, the size and the mapping length.
 * {@code -Djmmap.disable.bounds.checks=true} removes the mapping's own checks from element access (for benchmarks);
 * the memory access underneath still checks its own bounds ({@code ByteBuffer}s on JDK 17 to 21, one
 * {@code MemorySegment} over the whole mapping on JDK 22+), so a bad offset still throws rather than touching memory
 * outside the mapping, just with a less helpful exception. Bulk operations are always checked.
 *
 * <h2>Byte order and atomics</h2>
 * {@code getInt(offset)} and friends use the platform's native order; the overloads taking a {@link ByteOrder} use
 * the one given. Unaligned element access is allowed. Atomic methods need natural alignment of the absolute address
 * ({@code address() + offset} a multiple of the access size) and throw {@link IllegalArgumentException} otherwise.
 * Memory ordering follows {@link VarHandle}: a {@code putIntRelease}/{@code putIntVolatile} pairs with a
 * {@code getIntAcquire}/{@code getIntVolatile} of the same location, also across processes sharing the memory;
 * plain {@code getInt}/{@code putInt} give no ordering. The read-modify-write methods are volatile.
 *
 * <h2>Threads and closing</h2>
 * Access methods may be called from any number of threads. {@link #close()} and {@link #resize(long)} are
 * serialized with each other. After {@code close()} every method except {@code close} and {@code isOpen} throws
 * {@link IllegalStateException}. An access racing with {@code close()} on another thread, and any
 * {@link #asByteBuffer} view used after {@code close()} or {@code resize()}, never crash the JVM: the address range
 * stays mapped to inert zero pages until nothing over it (a buffer, or on JDK 22+ the mapping's memory segment) is
 * reachable, then it is unmapped.
 *
 * <h2>When the file shrinks underneath</h2>
 * If another process truncates the file, pages past its new end are no longer backed and the CPU raises SIGBUS on
 * access. jmmap survives it:
 * <ul>
 *   <li>bulk operations ({@code getBytes}, {@code putBytes}, {@code copy}, {@code fill}, {@code indexOf},
 *       {@code lastIndexOf}) throw {@link UncheckedIOException} at once, whose cause is an {@link ErrnoException}
 *       with errno {@code EFAULT}; bytes before the faulting page may have been transferred;</li>
 *   <li>element access (the {@code get}/{@code put} methods of primitives, the volatile and acquire/release ones,
 *       and {@code asByteBuffer} views) inherits HotSpot's handling for {@code MappedByteBuffer} (and, on JDK 22+,
 *       for memory segments): the JVM throws {@link InternalError}. HotSpot may
 *       raise it asynchronously, a little after the faulting access (JDK 17 in compiled code even some statements
 *       later in the same thread), and the faulting read returns an undefined value meanwhile;</li>
 *   <li>the read-modify-write atomics ({@code compareAndSet}, {@code getAndAdd}, {@code getAndSet}) of a file
 *       mapping run in C under the same guard as the bulk operations, because HotSpot's own compare-and-set does
 *       not survive such a fault: they throw {@link UncheckedIOException} ({@code EFAULT}) at once, like the bulk
 *       operations. (On anonymous memory, which cannot be truncated, they stay pure Java.)</li>
 * </ul>
 * With the JNA backend, bulk operations behave like element access ({@code InternalError}), and
 * {@code compareAndSet}, {@code getAndAdd} and {@code getAndSet} on a page past the end of the file end the
 * process (JNA has no guard).
 */
public final class Mapping implements AutoCloseable {

    private static final Backend NATIVE = Backends.get();
    private static final Constants C = NATIVE.constants();
    private static final int PAGE_SIZE = C.pageSize();

    private static final boolean BOUNDS_CHECKS = !Boolean.getBoolean("jmmap.disable.bounds.checks");
    /** Whether the backend's compare-and-set survives a page no longer backed by its file (JNI: yes, JNA: no). */
    private static final boolean FAULT_GUARD = NATIVE.name().equals("jni");
    private static final ByteOrder NATIVE_ORDER = ByteOrder.nativeOrder();

    private static final int PROT_READ = C.get("PROT_READ");
    private static final int PROT_WRITE = C.get("PROT_WRITE");
    private static final int MAP_SHARED = C.get("MAP_SHARED");
    private static final int MAP_HUGETLB = C.get("MAP_HUGETLB");
    private static final int MAP_LOCKED = C.get("MAP_LOCKED");
    private static final int MS_SYNC = C.get("MS_SYNC");
    private static final int MS_ASYNC = C.get("MS_ASYNC");
    private static final int MS_INVALIDATE = C.get("MS_INVALIDATE");
    private static final int MREMAP_MAYMOVE = C.get("MREMAP_MAYMOVE");
    private static final int MREMAP_FIXED = C.get("MREMAP_FIXED");
    private static final int MREMAP_DONTUNMAP = C.find("MREMAP_DONTUNMAP").orElse(0);
    private static final int MLOCK_ONFAULT = C.find("MLOCK_ONFAULT").orElse(0);

    static {
        MappingAccess.install(new MappingAccess() {
            @Override
            public Object memory(Mapping mapping) {
                return mapping.memory;
            }

            @Override
            public Optional<Elements> elements(Mapping mapping, long offset, long length, int itemSize) {
                Memory m = mapping.memory;
                if (m == Memory.CLOSED) {
                    throw Errors.closed();
                }
                if (offset < 0 || length < 0 || offset > m.length - length) {
                    return Optional.empty();
                }
                return Optional.ofNullable(m.elements(offset, length, itemSize));
            }
        });
    }

    private final MapMode mode;
    /** The mapped file, or null for anonymous memory and shared memory. */
    private final Path file;
    /** The POSIX shared memory object's name with its leading '/' ({@link SharedMemory}), or null. */
    private final String segment;
    /** File offset of byte 0. */
    private final long fileOffset;
    /** mmap flags from the options, reused by resize. */
    private final int optionFlags;
    /** The open descriptor of a READ_WRITE file mapping (resize needs it), or null. */
    private final MappingOpener.Descriptor descriptor;
    private final Cleaner.Cleanable descriptorCleanup;
    /** Serializes close and resize. */
    private final Object lock = new Object();
    /**
     * The current range; {@link Region#CLOSED} once closed. Deliberately not volatile: the JIT keeps it in a register
     * across a loop of accesses. A thread that misses a concurrent close keeps using the old, tombstoned region.
     */
    private Region region;
    /**
     * {@code region.memory}, read by element access on its own so that an access loads one field less (the JIT
     * cannot keep fields in registers across a volatile or acquire access). Set after {@link #region}; a thread
     * that sees an older value uses the older, tombstoned memory, which stays mapped while it holds it.
     */
    private Memory memory;
    /**
     * Whether pages of this mapping may be locked ({@link MapOption#LOCKED}, or {@code lockPages} was called).
     * Resize then copies anonymous memory instead of moving it with {@code MREMAP_DONTUNMAP}, which clears the
     * lock of the whole VMA holding the old range, and that VMA may include a locked neighbouring mapping the
     * kernel merged with it.
     */
    private volatile boolean mayHoldLockedPages;
    /**
     * Whether compare-and-set runs in C under the SIGBUS guard: for files (which can shrink underneath) when the
     * backend has the guard. Anonymous memory keeps HotSpot's own compare-and-set.
     */
    private final boolean guardedAtomics;

    private Mapping(MappingOpener.Opened opened) {
        this.mode = opened.mode();
        this.file = opened.file();
        this.segment = opened.segment();
        this.fileOffset = opened.fileOffset();
        this.optionFlags = opened.optionFlags();
        this.descriptor = opened.descriptor();
        this.descriptorCleanup = descriptor == null ? null : Region.CLEANER.register(this, descriptor);
        this.region = opened.region();
        this.memory = region.memory;
        this.mayHoldLockedPages = (optionFlags & MAP_LOCKED) != 0;
        // A shared memory object can be truncated underneath as a file can.
        this.guardedAtomics = (file != null || segment != null) && FAULT_GUARD;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Creating mappings

    /**
     * Maps the whole of {@code file}.
     *
     * @throws java.nio.file.NoSuchFileException   if the file does not exist (also for {@code READ_WRITE})
     * @throws java.nio.file.AccessDeniedException if the file cannot be opened in the mode asked for
     * @throws IOException                         if the file is empty or not a regular file
     * @throws ErrnoException                      if {@code mmap} fails (for example {@code ENOMEM})
     */
    public static Mapping map(Path file, MapMode mode) throws IOException {
        return new Mapping(MappingOpener.file(file, mode, 0, -1, MappingOpener.NO_OPTIONS, null));
    }

    /**
     * Maps {@code length} bytes of {@code file} from {@code offset}, which need not be page aligned.
     * {@link MapMode#READ_WRITE} creates a missing file and extends a short one to {@code offset + length} (never
     * shrinking it); {@link MapMode#READ_ONLY} and {@link MapMode#PRIVATE} need the file to cover the range. If the
     * mapping fails after the file was created or extended, it is removed or cut back.
     *
     * @throws IllegalArgumentException            if {@code offset < 0}, {@code length <= 0} or
     *                                             {@code offset + length} overflows (before any system call)
     * @throws EOFException                        if a {@code READ_ONLY}/{@code PRIVATE} range ends past the end
     *                                             of the file (the message names both)
     * @throws java.nio.file.NoSuchFileException   if a {@code READ_ONLY}/{@code PRIVATE} file does not exist
     * @throws java.nio.file.AccessDeniedException if the file cannot be opened in the mode asked for
     * @throws ErrnoException                      if a system call fails: {@code ENOMEM} when address space or
     *                                             {@code vm.max_map_count} runs out, {@code EINVAL} for
     *                                             {@link MapOption#HUGE_PAGES} on an ordinary file, ...
     */
    public static Mapping map(Path file, MapMode mode, long offset, long length, MapOption... options)
            throws IOException {
        MappingOpener.checkFileRange(offset, length);
        return new Mapping(MappingOpener.file(file, mode, offset, length, options, null));
    }

    /**
     * Maps {@code length} bytes of private, zero-filled anonymous memory ({@code MAP_PRIVATE|MAP_ANONYMOUS}). Its
     * {@link #mode()} is {@link MapMode#PRIVATE}; it can be {@link #resize resized}.
     *
     * @throws IllegalArgumentException if {@code length <= 0}, or so large that rounding it to whole (huge) pages
     *                                  overflows a long
     * @throws ErrnoException           if {@code mmap} fails ({@code ENOMEM} beyond the address space or the
     *                                  overcommit limit, or with {@link MapOption#HUGE_PAGES} and too few reserved
     *                                  huge pages)
     */
    public static Mapping anonymous(long length, MapOption... options) throws IOException {
        return new Mapping(MappingOpener.anonymous(length, MapMode.PRIVATE, options));
    }

    /**
     * {@code length} bytes of zero-filled shared anonymous memory ({@code MAP_SHARED|MAP_ANONYMOUS}), as Python's
     * {@code mmap.mmap(-1, length)} maps for {@link MmapFile}: {@link Advice#DONT_NEED} keeps its content and
     * {@link Advice#REMOVE} applies. Its {@link #mode()} is {@link MapMode#READ_WRITE}; resize copies.
     */
    static Mapping anonymousShared(long length) throws IOException {
        return new Mapping(MappingOpener.anonymous(length, MapMode.READ_WRITE, MappingOpener.NO_OPTIONS));
    }

    /** The page size of this system in bytes. */
    public static int pageSize() {
        return PAGE_SIZE;
    }

    /**
     * The backend this JVM reaches the kernel through: {@code "jni"} (the bundled {@code libjmmap.so}, the default)
     * or {@code "jna"} (the fallback where it cannot load, or when {@code -Djmmap.backend=jna} asks for it).
     */
    public static String backend() {
        return NATIVE.name();
    }

    /**
     * Maps an existing file as {@link MmapFile} does (as Python's {@code mmap} maps a descriptor): never creates,
     * extends or shrinks the file; {@code rule} decides the length from the file's size; the mapping keeps its
     * descriptor in every mode, for {@link #descriptorFileSize()}.
     */
    static Mapping mapExisting(Path file, MapMode mode, long offset, MappingOpener.LengthRule rule)
            throws IOException {
        return new Mapping(MappingOpener.file(file, mode, offset, 0, MappingOpener.NO_OPTIONS,
                Objects.requireNonNull(rule, "rule")));
    }

    /**
     * Maps {@code length} bytes of the POSIX shared memory object open on {@code fd}, for {@link SharedMemory};
     * takes over {@code fd} ({@link MappingOpener#sharedMemory}).
     */
    static Mapping sharedMemory(String segment, int fd, MapMode mode, long length, MapOption... options)
            throws IOException {
        return new Mapping(MappingOpener.sharedMemory(segment, fd, mode, length, options));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Properties

    /** Length in bytes. */
    public long length() {
        return open().length;
    }

    /** The mode: {@link MapMode#PRIVATE} for anonymous memory. */
    public MapMode mode() {
        open();
        return mode;
    }

    /** The mapped file, or empty for anonymous memory and {@link SharedMemory shared memory}. */
    public Optional<Path> file() {
        open();
        return Optional.ofNullable(file);
    }

    /** Whether {@link #close()} has not been called yet. */
    public boolean isOpen() {
        synchronized (lock) {
            return region != Region.CLOSED;
        }
    }

    /**
     * Address of byte 0, for handing to native code. It changes on {@link #resize}, and is meaningless after
     * {@link #close()}: native code must not keep it beyond the mapping's life.
     */
    public long address() {
        return open().address;
    }

    private Region open() {
        Region r = region;
        if (r == Region.CLOSED) {
            throw Errors.closed();
        }
        return r;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Bounds

    private static void checkIndex(Region r, long offset, int size) {
        if (offset < 0 || offset > r.length - size) {
            throw outOfBounds(r, offset, size);
        }
    }

    private static void checkIndex(Memory m, long offset, int size) {
        if (offset < 0 || offset > m.length - size) {
            throw outOfBounds(m, offset, size);
        }
    }

    private static RuntimeException outOfBounds(Memory m, long offset, long size) {
        if (m == Memory.CLOSED) {
            return Errors.closed();
        }
        return new IndexOutOfBoundsException("offset=" + offset + " size=" + size + " length=" + m.length);
    }

    private static void checkRange(Region r, long offset, long size) {
        if (offset < 0 || size < 0 || offset > r.length - size) {
            throw outOfBounds(r, offset, size);
        }
    }

    private static RuntimeException outOfBounds(Region r, long offset, long size) {
        if (r == Region.CLOSED) {
            return Errors.closed();
        }
        return new IndexOutOfBoundsException("offset=" + offset + " size=" + size + " length=" + r.length);
    }

    private static void checkAtomic(Memory m, long offset, int size) {
        if (BOUNDS_CHECKS) {
            checkIndex(m, offset, size);
        }
        if (((m.address + offset) & (size - 1)) != 0) {
            throw new IllegalArgumentException("offset=" + offset + " address=0x"
                    + Long.toHexString(m.address + offset) + ": atomic access needs " + size + "-byte alignment");
        }
    }

    private void checkWritable(Region r) {
        if (r.readOnly) {
            // CLOSED is read-only too; without bounds checks this is the first check an atomic write meets.
            throw r == Region.CLOSED ? Errors.closed() : new ReadOnlyBufferException();
        }
    }

    private void checkWritable(Memory m) {
        if (m.readOnly) {
            throw m == Memory.CLOSED ? Errors.closed() : new ReadOnlyBufferException();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Element access, native byte order

    /** The byte at {@code offset}. */
    public byte getByte(long offset) {
        Memory m = memory;
        if (BOUNDS_CHECKS) {
            checkIndex(m, offset, Byte.BYTES);
        }
        return m.getByte(offset);
    }

    /** Writes the byte at {@code offset}. */
    public void putByte(long offset, byte value) {
        Memory m = memory;
        if (BOUNDS_CHECKS) {
            checkIndex(m, offset, Byte.BYTES);
        }
        m.putByte(offset, value);
    }

    /** The short at {@code offset}, native byte order. */
    public short getShort(long offset) {
        Memory m = memory;
        if (BOUNDS_CHECKS) {
            checkIndex(m, offset, Short.BYTES);
        }
        return m.getShort(offset);
    }

    /** Writes the short at {@code offset}, native byte order. */
    public void putShort(long offset, short value) {
        Memory m = memory;
        if (BOUNDS_CHECKS) {
            checkIndex(m, offset, Short.BYTES);
        }
        m.putShort(offset, value);
    }

    /** The int at {@code offset}, native byte order. */
    public int getInt(long offset) {
        Memory m = memory;
        if (BOUNDS_CHECKS) {
            checkIndex(m, offset, Integer.BYTES);
        }
        return m.getInt(offset);
    }

    /** Writes the int at {@code offset}, native byte order. */
    public void putInt(long offset, int value) {
        Memory m = memory;
        if (BOUNDS_CHECKS) {
            checkIndex(m, offset, Integer.BYTES);
        }
        m.putInt(offset, value);
    }

    /** The long at {@code offset}, native byte order. */
    public long getLong(long offset) {
        Memory m = memory;
        if (BOUNDS_CHECKS) {
            checkIndex(m, offset, Long.BYTES);
        }
        return m.getLong(offset);
    }

    /** Writes the long at {@code offset}, native byte order. */
    public void putLong(long offset, long value) {
        Memory m = memory;
        if (BOUNDS_CHECKS) {
            checkIndex(m, offset, Long.BYTES);
        }
        m.putLong(offset, value);
    }

    /** The float at {@code offset}, native byte order. */
    public float getFloat(long offset) {
        Memory m = memory;
        if (BOUNDS_CHECKS) {
            checkIndex(m, offset, Float.BYTES);
        }
        return m.getFloat(offset);
    }

    /** Writes the float at {@code offset}, native byte order. */
    public void putFloat(long offset, float value) {
        Memory m = memory;
        if (BOUNDS_CHECKS) {
            checkIndex(m, offset, Float.BYTES);
        }
        m.putFloat(offset, value);
    }

    /** The double at {@code offset}, native byte order. */
    public double getDouble(long offset) {
        Memory m = memory;
        if (BOUNDS_CHECKS) {
            checkIndex(m, offset, Double.BYTES);
        }
        return m.getDouble(offset);
    }

    /** Writes the double at {@code offset}, native byte order. */
    public void putDouble(long offset, double value) {
        Memory m = memory;
        if (BOUNDS_CHECKS) {
            checkIndex(m, offset, Double.BYTES);
        }
        m.putDouble(offset, value);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Element access, explicit byte order

    /** The short at {@code offset} in {@code order}. */
    public short getShort(long offset, ByteOrder order) {
        short value = getShort(offset);
        return Objects.requireNonNull(order, "order") == NATIVE_ORDER ? value : Short.reverseBytes(value);
    }

    /** Writes the short at {@code offset} in {@code order}. */
    public void putShort(long offset, short value, ByteOrder order) {
        putShort(offset, Objects.requireNonNull(order, "order") == NATIVE_ORDER ? value : Short.reverseBytes(value));
    }

    /** The int at {@code offset} in {@code order}. */
    public int getInt(long offset, ByteOrder order) {
        int value = getInt(offset);
        return Objects.requireNonNull(order, "order") == NATIVE_ORDER ? value : Integer.reverseBytes(value);
    }

    /** Writes the int at {@code offset} in {@code order}. */
    public void putInt(long offset, int value, ByteOrder order) {
        putInt(offset, Objects.requireNonNull(order, "order") == NATIVE_ORDER ? value : Integer.reverseBytes(value));
    }

    /** The long at {@code offset} in {@code order}. */
    public long getLong(long offset, ByteOrder order) {
        long value = getLong(offset);
        return Objects.requireNonNull(order, "order") == NATIVE_ORDER ? value : Long.reverseBytes(value);
    }

    /** Writes the long at {@code offset} in {@code order}. */
    public void putLong(long offset, long value, ByteOrder order) {
        putLong(offset, Objects.requireNonNull(order, "order") == NATIVE_ORDER ? value : Long.reverseBytes(value));
    }

    /** The float at {@code offset} in {@code order}. */
    public float getFloat(long offset, ByteOrder order) {
        return Float.intBitsToFloat(getInt(offset, order));
    }

    /** Writes the float at {@code offset} in {@code order}. */
    public void putFloat(long offset, float value, ByteOrder order) {
        putInt(offset, Float.floatToRawIntBits(value), order);
    }

    /** The double at {@code offset} in {@code order}. */
    public double getDouble(long offset, ByteOrder order) {
        return Double.longBitsToDouble(getLong(offset, order));
    }

    /** Writes the double at {@code offset} in {@code order}. */
    public void putDouble(long offset, double value, ByteOrder order) {
        putLong(offset, Double.doubleToRawLongBits(value), order);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Bulk operations (native, under the SIGBUS guard)

    /**
     * Copies {@code length} bytes from {@code offset} into {@code destination[destinationOffset..]}.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     * @throws UncheckedIOException      ({@code EFAULT}) if the file was truncated underneath the range
     */
    public void getBytes(long offset, byte[] destination, int destinationOffset, int length) {
        Objects.checkFromIndexSize(destinationOffset, length, destination.length);
        Region r = region;
        checkRange(r, offset, length);
        int result = NATIVE.copyToArray(r.address + offset, destination, destinationOffset, length);
        Reference.reachabilityFence(r);
        if (result < 0) {
            throw Errors.bulk("getBytes", result, offset, length);
        }
    }

    /**
     * Copies {@code source[sourceOffset, sourceOffset + length)} to {@code offset}.
     *
     * @throws ReadOnlyBufferException   on a {@code READ_ONLY} mapping
     * @throws IndexOutOfBoundsException if either range is out of bounds
     * @throws UncheckedIOException      ({@code EFAULT}) if the file was truncated underneath the range
     */
    public void putBytes(long offset, byte[] source, int sourceOffset, int length) {
        Objects.checkFromIndexSize(sourceOffset, length, source.length);
        Region r = region;
        checkRange(r, offset, length);
        checkWritable(r);
        int result = NATIVE.copyFromArray(source, sourceOffset, r.address + offset, length);
        Reference.reachabilityFence(r);
        if (result < 0) {
            throw Errors.bulk("putBytes", result, offset, length);
        }
    }

    /**
     * Fills {@code destination}'s remaining bytes from {@code offset} and advances its position by as many.
     *
     * @throws ReadOnlyBufferException   if {@code destination} is read-only
     * @throws IndexOutOfBoundsException if the mapping has fewer than {@code destination.remaining()} bytes there
     * @throws UncheckedIOException      ({@code EFAULT}) if the file was truncated underneath the range
     */
    public void getBytes(long offset, ByteBuffer destination) {
        int length = destination.remaining();
        Region r = region;
        checkRange(r, offset, length);
        if (destination.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int position = destination.position();
        int result = destination.isDirect()
                ? NATIVE.copyToBuffer(r.address + offset, destination, position, length)
                : NATIVE.copyToArray(r.address + offset, destination.array(), destination.arrayOffset() + position,
                        length);
        Reference.reachabilityFence(r);
        if (result < 0) {
            throw Errors.bulk("getBytes", result, offset, length);
        }
        destination.position(position + length);
    }

    /**
     * Writes {@code source}'s remaining bytes at {@code offset} and advances its position by as many.
     *
     * @throws ReadOnlyBufferException   on a {@code READ_ONLY} mapping
     * @throws IndexOutOfBoundsException if the bytes do not fit at {@code offset}
     * @throws UncheckedIOException      ({@code EFAULT}) if the file was truncated underneath the range
     */
    public void putBytes(long offset, ByteBuffer source) {
        int length = source.remaining();
        Region r = region;
        checkRange(r, offset, length);
        checkWritable(r);
        int position = source.position();
        int result;
        if (source.isDirect()) {
            result = NATIVE.copyFromBuffer(source, position, r.address + offset, length);
        } else if (source.hasArray()) {
            result = NATIVE.copyFromArray(source.array(), source.arrayOffset() + position, r.address + offset,
                    length);
        } else { // a read-only heap buffer hides its array: go through a copy
            byte[] chunk = new byte[Math.min(length, 64 * 1024)];
            result = 0;
            for (int done = 0; done < length && result == 0; done += chunk.length) {
                int count = Math.min(chunk.length, length - done);
                source.get(position + done, chunk, 0, count);
                result = NATIVE.copyFromArray(chunk, 0, r.address + offset + done, count);
            }
        }
        Reference.reachabilityFence(r);
        if (result < 0) {
            throw Errors.bulk("putBytes", result, offset, length);
        }
        source.position(position + length);
    }

    /**
     * Copies {@code length} bytes from {@code sourceOffset} to {@code destinationOffset}; the ranges may overlap
     * ({@code memmove}).
     *
     * @throws ReadOnlyBufferException   on a {@code READ_ONLY} mapping
     * @throws IndexOutOfBoundsException if either range is out of bounds
     * @throws UncheckedIOException      ({@code EFAULT}) if the file was truncated underneath either range
     */
    public void copy(long sourceOffset, long destinationOffset, long length) {
        Region r = region;
        checkRange(r, sourceOffset, length);
        checkRange(r, destinationOffset, length);
        checkWritable(r);
        int result = NATIVE.move(r.address + destinationOffset, r.address + sourceOffset, length);
        Reference.reachabilityFence(r);
        if (result < 0) {
            throw Errors.bulk("copy", result, sourceOffset, length);
        }
    }

    /**
     * Sets {@code length} bytes from {@code offset} to {@code value}.
     *
     * @throws ReadOnlyBufferException   on a {@code READ_ONLY} mapping
     * @throws IndexOutOfBoundsException if the range is out of bounds
     * @throws UncheckedIOException      ({@code EFAULT}) if the file was truncated underneath the range
     */
    public void fill(long offset, long length, byte value) {
        Region r = region;
        checkRange(r, offset, length);
        checkWritable(r);
        int result = NATIVE.fill(r.address + offset, length, value);
        Reference.reachabilityFence(r);
        if (result < 0) {
            throw Errors.bulk("fill", result, offset, length);
        }
    }

    /**
     * Offset of the first occurrence of {@code needle} lying entirely within {@code [from, to)}, or -1. An empty
     * needle is found at {@code from}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= from <= to <= length()}
     * @throws UncheckedIOException      ({@code EFAULT}) if the file was truncated underneath the range
     */
    public long indexOf(byte[] needle, long from, long to) {
        Objects.requireNonNull(needle, "needle");
        Region r = region;
        checkSearchRange(r, from, to);
        long found = NATIVE.indexOf(r.address + from, to - from, needle);
        Reference.reachabilityFence(r);
        if (found < -1) {
            throw Errors.bulk("indexOf", found, from, to - from);
        }
        return found < 0 ? -1 : from + found;
    }

    /**
     * Offset of the last occurrence of {@code needle} lying entirely within {@code [from, to)}, or -1. An empty
     * needle is found at {@code to}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= from <= to <= length()}
     * @throws UncheckedIOException      ({@code EFAULT}) if the file was truncated underneath the range
     */
    public long lastIndexOf(byte[] needle, long from, long to) {
        Objects.requireNonNull(needle, "needle");
        Region r = region;
        checkSearchRange(r, from, to);
        long found = NATIVE.lastIndexOf(r.address + from, to - from, needle);
        Reference.reachabilityFence(r);
        if (found < -1) {
            throw Errors.bulk("lastIndexOf", found, from, to - from);
        }
        return found < 0 ? -1 : from + found;
    }

    private static void checkSearchRange(Region r, long from, long to) {
        if (r == Region.CLOSED) {
            throw Errors.closed();
        }
        if (from < 0 || from > to || to > r.length) {
            throw new IndexOutOfBoundsException("from=" + from + " to=" + to + " length=" + r.length);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Atomics (natural alignment of the absolute address required)

    /** Volatile read of the int at {@code offset}. */
    public int getIntVolatile(long offset) {
        Memory m = memory;
        checkAtomic(m, offset, Integer.BYTES);
        return m.getIntVolatile(offset);
    }

    /** Volatile write of the int at {@code offset}. */
    public void putIntVolatile(long offset, int value) {
        Memory m = memory;
        checkAtomic(m, offset, Integer.BYTES);
        checkWritable(m);
        m.putIntVolatile(offset, value);
    }

    /** Acquire read of the int at {@code offset}: later reads and writes cannot move before it. */
    public int getIntAcquire(long offset) {
        Memory m = memory;
        checkAtomic(m, offset, Integer.BYTES);
        return m.getIntAcquire(offset);
    }

    /** Release write of the int at {@code offset}: earlier reads and writes cannot move after it. */
    public void putIntRelease(long offset, int value) {
        Memory m = memory;
        checkAtomic(m, offset, Integer.BYTES);
        checkWritable(m);
        m.putIntRelease(offset, value);
    }

    /** Atomically sets the int at {@code offset} to {@code value} if it equals {@code expected}. */
    public boolean compareAndSetInt(long offset, int expected, int value) {
        Memory m = memory;
        checkAtomic(m, offset, Integer.BYTES);
        checkWritable(m);
        if (guardedAtomics) {
            return guardedCompareAndSetInt(m, offset, expected, value, "compareAndSetInt") == 1;
        }
        return m.compareAndSetInt(offset, expected, value);
    }

    /** Atomically adds {@code delta} to the int at {@code offset}; returns the previous value. */
    public int getAndAddInt(long offset, int delta) {
        Memory m = memory;
        checkAtomic(m, offset, Integer.BYTES);
        checkWritable(m);
        if (guardedAtomics) {
            return guardedIntUpdate(m, offset, delta, true, "getAndAddInt");
        }
        return m.getAndAddInt(offset, delta);
    }

    /** Atomically sets the int at {@code offset}; returns the previous value. */
    public int getAndSetInt(long offset, int value) {
        Memory m = memory;
        checkAtomic(m, offset, Integer.BYTES);
        checkWritable(m);
        if (guardedAtomics) {
            return guardedIntUpdate(m, offset, value, false, "getAndSetInt");
        }
        return m.getAndSetInt(offset, value);
    }

    /** Volatile read of the long at {@code offset}. */
    public long getLongVolatile(long offset) {
        Memory m = memory;
        checkAtomic(m, offset, Long.BYTES);
        return m.getLongVolatile(offset);
    }

    /** Volatile write of the long at {@code offset}. */
    public void putLongVolatile(long offset, long value) {
        Memory m = memory;
        checkAtomic(m, offset, Long.BYTES);
        checkWritable(m);
        m.putLongVolatile(offset, value);
    }

    /** Acquire read of the long at {@code offset}. */
    public long getLongAcquire(long offset) {
        Memory m = memory;
        checkAtomic(m, offset, Long.BYTES);
        return m.getLongAcquire(offset);
    }

    /** Release write of the long at {@code offset}. */
    public void putLongRelease(long offset, long value) {
        Memory m = memory;
        checkAtomic(m, offset, Long.BYTES);
        checkWritable(m);
        m.putLongRelease(offset, value);
    }

    /** Atomically sets the long at {@code offset} to {@code value} if it equals {@code expected}. */
    public boolean compareAndSetLong(long offset, long expected, long value) {
        Memory m = memory;
        checkAtomic(m, offset, Long.BYTES);
        checkWritable(m);
        if (guardedAtomics) {
            return guardedCompareAndSetLong(m, offset, expected, value, "compareAndSetLong") == 1;
        }
        return m.compareAndSetLong(offset, expected, value);
    }

    /** Atomically adds {@code delta} to the long at {@code offset}; returns the previous value. */
    public long getAndAddLong(long offset, long delta) {
        Memory m = memory;
        checkAtomic(m, offset, Long.BYTES);
        checkWritable(m);
        if (guardedAtomics) {
            return guardedLongUpdate(m, offset, delta, true, "getAndAddLong");
        }
        return m.getAndAddLong(offset, delta);
    }

    /** Atomically sets the long at {@code offset}; returns the previous value. */
    public long getAndSetLong(long offset, long value) {
        Memory m = memory;
        checkAtomic(m, offset, Long.BYTES);
        checkWritable(m);
        if (guardedAtomics) {
            return guardedLongUpdate(m, offset, value, false, "getAndSetLong");
        }
        return m.getAndSetLong(offset, value);
    }

    /**
     * Compare-and-set in C under the SIGBUS guard: HotSpot's own compare-and-set kills the JVM on a page the file no
     * longer backs (it is not covered by HotSpot's handling of faulting unsafe accesses). Returns 1 (set) or 0 (not
     * set); a fault throws {@link UncheckedIOException} ({@code EFAULT}) for {@code call}.
     */
    private static int guardedCompareAndSetInt(Memory m, long offset, int expected, int value, String call) {
        long address = guardedAddress(m, offset, Integer.BYTES);
        long result = NATIVE.compareAndSetInt(address, expected, value);
        Reference.reachabilityFence(m);
        return (int) atomicResult(result, call, offset, Integer.BYTES);
    }

    /** {@link #guardedCompareAndSetInt} for a long. */
    private static int guardedCompareAndSetLong(Memory m, long offset, long expected, long value, String call) {
        long address = guardedAddress(m, offset, Long.BYTES);
        long result = NATIVE.compareAndSetLong(address, expected, value);
        Reference.reachabilityFence(m);
        return (int) atomicResult(result, call, offset, Long.BYTES);
    }

    /**
     * Fetch-and-add ({@code add}) or exchange of an int in C under the SIGBUS guard, for the reason given at
     * {@link #guardedCompareAndSetInt}; returns the value before.
     */
    private static int guardedIntUpdate(Memory m, long offset, int operand, boolean add, String call) {
        long address = guardedAddress(m, offset, Integer.BYTES);
        long previous = add ? NATIVE.getAndAddInt(address, operand) : NATIVE.getAndSetInt(address, operand);
        Reference.reachabilityFence(m);
        return (int) atomicResult(previous, call, offset, Integer.BYTES);
    }

    /** {@link #guardedIntUpdate} for a long. */
    private static long guardedLongUpdate(Memory m, long offset, long operand, boolean add, String call) {
        long address = guardedAddress(m, offset, Long.BYTES);
        long previous = add ? NATIVE.getAndAddLong(address, operand) : NATIVE.getAndSetLong(address, operand);
        Reference.reachabilityFence(m);
        return atomicResult(previous, call, offset, Long.BYTES);
    }

    /** The address of a guarded atomic, checked here when element access leaves the checks to the buffers. */
    private static long guardedAddress(Memory m, long offset, int size) {
        if (!BOUNDS_CHECKS) {
            checkIndex(m, offset, size); // the address goes to C, where nothing else checks it
        }
        return m.address + offset;
    }

    /** A guarded atomic's result, or its fault as {@link UncheckedIOException} (the backend's one fault contract). */
    private static long atomicResult(long result, String call, long offset, int size) {
        if (result == Long.MIN_VALUE && NATIVE.atomicFaulted()) {
            throw Errors.bulk(call, -Errors.EFAULT, offset, size);
        }
        return result;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Views

    /**
     * A direct, big-endian (like any new {@code ByteBuffer}) view of {@code [offset, offset + length)}: the same
     * memory, read-only for a {@code READ_ONLY} mapping. The view keeps the memory mapped while reachable; after
     * {@link #close()} or {@link #resize} it reads zeros and its writes go nowhere.
     *
     * @throws IndexOutOfBoundsException if the range is out of bounds
     */
    public ByteBuffer asByteBuffer(long offset, int length) {
        Region r = region;
        checkRange(r, offset, length);
        return r.memory.view(offset, length);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Kernel services over the mapping

    /**
     * Writes every modified page back to the file and waits ({@code msync(MS_SYNC)}).
     *
     * @throws ErrnoException if the write-back fails ({@code EIO}: the data may not be on disk)
     */
    public void sync() throws IOException {
        Region r = open();
        int result = NATIVE.msync(r.base, r.mappedLength, MS_SYNC);
        Reference.reachabilityFence(r);
        if (result < 0) {
            throw Errors.errno("msync", result, "offset=0, length=" + r.length + ", SYNC");
        }
    }

    /**
     * Writes the modified pages of {@code [offset, offset + length)} back to the file ({@code msync}). The range
     * may start anywhere: it is widened to whole pages.
     *
     * @throws IndexOutOfBoundsException if the range is out of bounds
     * @throws ErrnoException            if the write-back fails ({@code EIO}), {@code EBUSY} for
     *                                   {@link SyncMode#INVALIDATE} of locked pages
     */
    public void sync(long offset, long length, SyncMode mode) throws IOException {
        Objects.requireNonNull(mode, "mode");
        Region r = region;
        checkRange(r, offset, length);
        int flags;
        switch (mode) {
            case SYNC:
                flags = MS_SYNC;
                break;
            case ASYNC:
                flags = MS_ASYNC;
                break;
            case INVALIDATE:
                flags = MS_SYNC | MS_INVALIDATE;
                break;
            default:
                throw new AssertionError(mode);
        }
        long start = alignDown(r.address + offset);
        int result = NATIVE.msync(start, r.address + offset + length - start, flags);
        Reference.reachabilityFence(r);
        if (result < 0) {
            throw Errors.errno("msync", result, "offset=" + offset + ", length=" + length + ", " + mode);
        }
    }

    /**
     * Gives the kernel {@code advice} about the whole mapping ({@code madvise}).
     *
     * @throws IllegalArgumentException      for {@link Advice#REMOVE} if the mapping does not start and end on page
     *                                       boundaries (see {@link #advise(long, long, Advice)})
     * @throws UnsupportedOperationException if {@code advice} is not {@link Advice#isSupported() supported} here
     * @throws ErrnoException                if the kernel refuses it for this kind of mapping ({@code EINVAL}), ...
     */
    public void advise(Advice advice) throws IOException {
        Region r = open();
        adviseRange(r, 0, r.length, advice);
    }

    /**
     * Gives the kernel {@code advice} about {@code [offset, offset + length)} ({@code madvise}). Advice applies to
     * whole pages: the range is widened to the pages it touches, except that advice which discards data
     * ({@link Advice#DONT_NEED}, {@link Advice#FREE}, {@link Advice#REMOVE}) requires the range to start and end
     * on page boundaries, so that it never discards bytes outside the range. {@code DONT_NEED} and {@code FREE}
     * may also start at the start and end at the end of a mapping that is not page aligned there; {@code REMOVE}
     * may not, since it would punch the file bytes around the mapping out of the file.
     *
     * @throws IllegalArgumentException      if discarding advice is given for a range not on page boundaries
     * @throws IndexOutOfBoundsException     if the range is out of bounds
     * @throws UnsupportedOperationException if {@code advice} is not {@link Advice#isSupported() supported} here
     * @throws ErrnoException                if the kernel refuses it for this kind of mapping ({@code EINVAL}), ...
     */
    public void advise(long offset, long length, Advice advice) throws IOException {
        Region r = region;
        checkRange(r, offset, length);
        adviseRange(r, offset, length, advice);
    }

    private static void adviseRange(Region r, long offset, long length, Advice advice) throws IOException {
        Objects.requireNonNull(advice, "advice");
        if (!advice.isSupported()) {
            throw new UnsupportedOperationException("Advice." + advice + " (" + advice.constantName()
                    + ") is not supported by this kernel or this build of jmmap");
        }
        boolean discards = advice == Advice.DONT_NEED || advice == Advice.FREE || advice == Advice.REMOVE;
        long start = r.address + offset;
        long end = start + length;
        // DONT_NEED and FREE may also discard the bytes of the first and last page outside [0, length) (a file
        // offset or a length that is not page aligned): they are not part of the mapping and cannot be reached
        // through it. REMOVE may not: it punches the whole pages out of the file, whose bytes there are real data.
        boolean edgesAreUnreachable = advice != Advice.REMOVE;
        boolean startsOnBoundary = start % PAGE_SIZE == 0 || (edgesAreUnreachable && offset == 0);
        boolean endsOnBoundary = end % PAGE_SIZE == 0 || (edgesAreUnreachable && offset + length == r.length);
        if (discards && !(startsOnBoundary && endsOnBoundary)) {
            throw new IllegalArgumentException("offset=" + offset + " length=" + length + ": Advice." + advice
                    + " discards whole pages, so the range must start and end on page boundaries (start address 0x"
                    + Long.toHexString(start) + ")" + (edgesAreUnreachable
                    ? " or at the start and end of the mapping" : ", also at the edges of the mapping"));
        }
        long alignedStart = alignDown(start);
        int result = NATIVE.madvise(alignedStart, end - alignedStart, advice.supportedValue());
        Reference.reachabilityFence(r);
        if (result < 0) {
            throw Errors.errno("madvise", result,
                    "offset=" + offset + ", length=" + length + ", " + advice.constantName());
        }
    }

    /**
     * Locks every page of the mapping in memory ({@code mlock}), faulting them in now.
     *
     * @throws ErrnoException {@code ENOMEM} or {@code EPERM} beyond {@code RLIMIT_MEMLOCK} ({@code ulimit -l})
     *                        without {@code CAP_IPC_LOCK}
     */
    public void lockPages() throws IOException {
        Region r = open();
        mayHoldLockedPages = true;
        lock(r, 0, r.length, 0);
    }

    /** Locks the pages of {@code [offset, offset + length)} in memory ({@code mlock}); see {@link #lockPages()}. */
    public void lockPages(long offset, long length) throws IOException {
        lockPages(offset, length, false);
    }

    /**
     * Locks the pages of {@code [offset, offset + length)} in memory. With {@code onFault}, pages are locked as
     * they are first touched instead of all at once ({@code mlock2(MLOCK_ONFAULT)}, Linux 4.4+).
     *
     * @throws ErrnoException {@code ENOMEM} or {@code EPERM} beyond {@code RLIMIT_MEMLOCK}
     */
    public void lockPages(long offset, long length, boolean onFault) throws IOException {
        Region r = region;
        checkRange(r, offset, length);
        if (onFault && MLOCK_ONFAULT == 0) {
            throw new UnsupportedOperationException("MLOCK_ONFAULT is not available on this platform");
        }
        mayHoldLockedPages = true;
        lock(r, offset, length, onFault ? MLOCK_ONFAULT : 0);
    }

    private static void lock(Region r, long offset, long length, int flags) throws IOException {
        long start = alignDown(r.address + offset);
        int result = NATIVE.mlock(start, r.address + offset + length - start, flags);
        Reference.reachabilityFence(r);
        if (result < 0) {
            throw Errors.errno(flags == 0 ? "mlock" : "mlock2", result, "offset=" + offset + ", length=" + length,
                    "RLIMIT_MEMLOCK ('ulimit -l') limits locked memory unless the process has CAP_IPC_LOCK");
        }
    }

    /** Unlocks every page of the mapping ({@code munlock}). */
    public void unlockPages() throws IOException {
        Region r = open();
        unlockPages(0, r.length);
    }

    /** Unlocks the pages of {@code [offset, offset + length)} ({@code munlock}). */
    public void unlockPages(long offset, long length) throws IOException {
        Region r = region;
        checkRange(r, offset, length);
        long start = alignDown(r.address + offset);
        int result = NATIVE.munlock(start, r.address + offset + length - start);
        Reference.reachabilityFence(r);
        if (result < 0) {
            throw Errors.errno("munlock", result, "offset=" + offset + ", length=" + length);
        }
    }

    /** Which pages of the mapping are resident in memory now ({@code mincore}). */
    public Residency residency() throws IOException {
        Region r = open();
        return residency(0, r.length, null);
    }

    /**
     * Which pages of {@code [offset, offset + length)} are resident in memory now ({@code mincore}). Page 0 of the
     * result is the page holding byte {@code offset}.
     */
    public Residency residency(long offset, long length) throws IOException {
        return residency(offset, length, null);
    }

    /**
     * {@link #residency(long, long)} into {@code reuse}'s storage where it is large enough: for callers that ask
     * often (a monitor, a residency map redrawn each second) and want no garbage. {@code reuse} is overwritten and
     * returned; if its storage is too small for the range, or it is null, a new {@code Residency} is returned and
     * {@code reuse} is left as it was.
     */
    public Residency residency(long offset, long length, Residency reuse) throws IOException {
        Region r = region;
        checkRange(r, offset, length);
        long start = alignDown(r.address + offset);
        long end = r.address + offset + length;
        long pages = (end - start + PAGE_SIZE - 1) / PAGE_SIZE;
        Residency into = reuse != null && reuse.fits(pages) ? reuse : Residency.forPages(pages);
        long resident = NATIVE.residency(start, end - start, into.bits());
        Reference.reachabilityFence(r);
        if (resident < 0) {
            throw Errors.errno("mincore", resident, "offset=" + offset + ", length=" + length);
        }
        into.set(pages, resident);
        return into;
    }

    /**
     * How many pages of {@code [offset, offset + length)} are resident in memory now ({@code mincore}), counting
     * the partial pages at either end; allocates nothing.
     */
    public long residentPages(long offset, long length) throws IOException {
        Region r = region;
        checkRange(r, offset, length);
        long start = alignDown(r.address + offset);
        long resident = NATIVE.residency(start, r.address + offset + length - start, null);
        Reference.reachabilityFence(r);
        if (resident < 0) {
            throw Errors.errno("mincore", resident, "offset=" + offset + ", length=" + length);
        }
        return resident;
    }

    private static long alignDown(long address) {
        return address & -(long) PAGE_SIZE;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Resize and close

    /**
     * Changes the length to {@code newLength}, keeping the content of the common prefix; the mapping may move
     * ({@link #address()} changes). Anonymous memory grows with zeros. For a {@code READ_WRITE} file mapping the
     * file follows: if the mapping reached the end of the file, the file's length becomes {@code offset + newLength},
     * growing or shrinking with it; a mapping of a range inside a longer file extends the file only if it must and
     * never shrinks it, so bytes after the mapped range are never lost.
     * Buffers from {@link #asByteBuffer} taken before the resize read zeros afterwards: take new ones. A mapping made
     * with {@link MapOption#LOCKED} stays locked; pages locked with {@link #lockPages} are not locked afterwards.
     *
     * @throws UnsupportedOperationException for {@code READ_ONLY} and {@code PRIVATE} file mappings
     * @throws IllegalArgumentException      if {@code newLength <= 0} or the file would end past
     *                                       {@code Long.MAX_VALUE}
     * @throws ErrnoException                if a system call fails; the mapping and the file are then unchanged
     */
    public void resize(long newLength) throws IOException {
        resize(newLength, false);
    }

    /**
     * {@link #resize(long)}; with {@code fileEndsAtMapping} (for {@link MmapFile}, as Python's {@code mmap.resize})
     * a {@code READ_WRITE} file's length becomes {@code offset + newLength} even when it was longer.
     */
    void resize(long newLength, boolean fileEndsAtMapping) throws IOException {
        if (newLength <= 0) {
            throw new IllegalArgumentException("newLength=" + newLength + ": must be > 0");
        }
        synchronized (lock) {
            Region old = open();
            if ((file != null || segment != null) && mode != MapMode.READ_WRITE) {
                throw new UnsupportedOperationException("resize needs a READ_WRITE file mapping or anonymous "
                        + "memory; this is a " + mode + " mapping of " + source());
            }
            boolean anonymous = file == null && segment == null;
            if (newLength == old.length && (anonymous || !fileEndsAtMapping)) {
                return; // with fileEndsAtMapping, the file's length is set even when the mapping's stays
            }
            if (anonymous) {
                resizeAnonymous(old, newLength);
            } else {
                resizeFile(old, newLength, fileEndsAtMapping);
            }
        }
    }

    private void resizeAnonymous(Region old, long newLength) throws IOException {
        Region fresh = MappingOpener.mapAnonymous(newLength, optionFlags);
        long kept = Math.min(old.length, newLength);
        long keptPages = (kept + PAGE_SIZE - 1) & -(long) PAGE_SIZE;
        // Move the pages instead of copying them when the kernel can leave the old range mapped behind
        // (MREMAP_DONTUNMAP, Linux 5.7+); stale views of it then read zeros, as after close.
        long moved = MREMAP_DONTUNMAP == 0 || (optionFlags & (MAP_HUGETLB | MAP_SHARED)) != 0 || mayHoldLockedPages
                ? -1
                : NATIVE.mremap(old.base, keptPages, keptPages, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
                        fresh.base);
        int result;
        if (moved >= 0) {
            // The moved pages carry whatever lay past the old end; the grown part must read as zeros.
            result = NATIVE.fill(fresh.address + kept, keptPages - kept, (byte) 0);
        } else {
            result = NATIVE.move(fresh.address, old.address, kept);
        }
        if (result < 0) {
            fresh.tombstone();
            throw Errors.errno("resize", result, "length=" + old.length + ", newLength=" + newLength);
        }
        region = fresh;
        memory = fresh.memory;
        old.tombstone();
    }

    private void resizeFile(Region old, long newLength, boolean fileEndsAtMapping) throws IOException {
        if (fileOffset > Long.MAX_VALUE - newLength - PAGE_SIZE) {
            throw new IllegalArgumentException("offset=" + fileOffset + " newLength=" + newLength
                    + ": the file would end past Long.MAX_VALUE");
        }
        int fd = descriptor.fd;
        long newEnd = fileOffset + newLength;
        long size = NATIVE.fileSize(fd);
        if (size < 0) {
            throw failed("fstat", size, source());
        }
        boolean mappingReachesEndOfFile = fileEndsAtMapping || size <= fileOffset + old.length;
        long newSize = mappingReachesEndOfFile ? newEnd : Math.max(size, newEnd);
        if (newSize > size) {
            int grown = NATIVE.ftruncate(fd, newSize);
            if (grown < 0) {
                throw failed("ftruncate", grown, source() + ", length=" + newSize);
            }
        }
        Region fresh;
        try {
            fresh = MappingOpener.mapRegion(fd, fileOffset, newLength, PROT_READ | PROT_WRITE,
                    MAP_SHARED | optionFlags, false, source() + ", mode=" + mode);
        } catch (IOException | RuntimeException e) {
            if (newSize > size) {
                NATIVE.ftruncate(fd, size);
            }
            throw e;
        }
        region = fresh;
        memory = fresh.memory;
        // Tombstone before truncating: no one can then touch a page past the new end of the file.
        old.tombstone();
        if (newSize < size) {
            int shrunk = NATIVE.ftruncate(fd, newSize);
            if (shrunk < 0) {
                throw failed("ftruncate", shrunk, source() + ", length=" + newSize);
            }
        }
    }

    /**
     * Unmaps the memory and closes the file. Idempotent. The address range is replaced with inert zero pages at
     * once and released when no buffer over it is reachable any more (see the class documentation). Does not
     * {@link #sync()}: the kernel writes shared pages back on its own schedule, as for any shared mapping.
     *
     * @throws UncheckedIOException in the unlikely case the kernel cannot replace the range (the mapping then
     *                              stays open)
     */
    @Override
    public void close() {
        synchronized (lock) {
            Region r = region;
            if (r == Region.CLOSED) {
                return;
            }
            r.tombstone();
            region = Region.CLOSED;
            memory = Memory.CLOSED;
            if (descriptorCleanup != null) {
                descriptorCleanup.clean();
            }
        }
    }

    /**
     * {@code fstat} size of the file whose descriptor this mapping holds (see {@link #mapExisting}), as Python's
     * {@code mmap.size()}: {@code EBADF} for anonymous memory and for mappings that hold no descriptor.
     *
     * @throws IllegalStateException if the mapping is closed
     * @throws ErrnoException        if {@code fstat} fails
     */
    long descriptorFileSize() throws IOException {
        synchronized (lock) { // close() must not close the descriptor under fstat
            open();
            long size = NATIVE.fileSize(descriptor == null ? -1 : descriptor.fd);
            if (size < 0) {
                throw Errors.errno("fstat", size, file == null && segment == null ? "anonymous" : source());
            }
            return size;
        }
    }

    /** {@code file=...} or {@code segment=...}, for messages. */
    private String source() {
        return segment != null ? "segment=" + segment : "file=" + file;
    }

    /** A failed call on the mapped file or shared memory object. */
    private IOException failed(String call, long result, String detail) {
        return file != null ? Errors.file(call, result, file, detail) : Errors.errno(call, result, detail);
    }

    @Override
    public String toString() {
        Region r = region;
        String what = segment != null ? "shared memory " + segment + ", mode=" + mode
                : file == null ? "anonymous" : file + ", mode=" + mode + ", offset=" + fileOffset;
        return "Mapping[" + what + (r == Region.CLOSED ? ", closed]" : ", length=" + r.length + "]");
    }

}
