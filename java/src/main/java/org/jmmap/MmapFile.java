package org.jmmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.Objects;
import org.jmmap.internal.Errors;

/**
 * Python's {@code mmap.mmap} object in Java: a memory-mapped file, or anonymous memory, with a current position and
 * the methods and semantics of CPython 3.13's {@code mmap} module, over a {@link Mapping} (see {@link #mapping()}).
 * Code written against Python's {@code mmap} ports method by method:
 *
 * <table>
 *   <caption>Python → Java</caption>
 *   <tr><th>Python</th><th>Java</th></tr>
 *   <tr><td>{@code mmap.mmap(f.fileno(), length, access=ACCESS_READ|ACCESS_WRITE|ACCESS_COPY, offset=o)}</td>
 *       <td>{@link #open(Path, long, MapMode, long) open(path, length, READ_ONLY|READ_WRITE|PRIVATE, o)}</td></tr>
 *   <tr><td>{@code mmap.mmap(-1, length)}</td><td>{@link #anonymous(long) anonymous(length)}</td></tr>
 *   <tr><td>{@code mmap.mmap(-1, length, tagname=name)} (Windows)</td>
 *       <td>{@link #named(String, long) named(name, length)} (POSIX shared memory)</td></tr>
 *   <tr><td>{@code close()}, {@code closed}</td><td>{@link #close()}, {@link #isClosed()}</td></tr>
 *   <tr><td>{@code find}, {@code rfind}, {@code flush}, {@code madvise}, {@code move}, {@code read},
 *       {@code resize}, {@code seek}, {@code size}, {@code tell}, {@code write}</td>
 *       <td>the same names</td></tr>
 *   <tr><td>{@code read_byte}, {@code write_byte}, {@code readline}</td>
 *       <td>{@link #readByte()}, {@link #writeByte(int)}, {@link #readLine()}</td></tr>
 *   <tr><td>{@code len(m)}, {@code m[i]}, {@code m[i] = v}, {@code m[a:b]}, {@code m[a:b] = data}</td>
 *       <td>{@link #length()}, {@link #get(long)}, {@link #set(long, int)}, {@link #slice(long, long)},
 *       {@link #setSlice(long, long, byte[])}</td></tr>
 * </table>
 *
 * <p>Python's exceptions become: {@code ValueError} (and {@code OverflowError} for negative lengths and byte values
 * outside 0..255) → {@link IllegalArgumentException}; {@code IndexError} → {@link IndexOutOfBoundsException};
 * {@code TypeError} for writing a {@code READ_ONLY} map → {@link ReadOnlyBufferException}, for resizing a
 * {@code READ_ONLY} or {@code PRIVATE} map → {@link UnsupportedOperationException}; {@code OSError} →
 * {@link ErrnoException} with the same errno; use after {@code close()} ({@code ValueError: mmap closed or invalid})
 * → {@link IllegalStateException}. The checks run in CPython's order, so that the same call fails the same way.
 *
 * <p>Where CPython 3.13 on Linux fails badly, this class does not follow it:
 * <ul>
 *   <li>{@code resize(0)} fails with {@code EINVAL} as in CPython, but leaves the file alone (CPython cuts it to
 *       {@code offset} first, leaving a map that reaches past the end of the file);</li>
 *   <li>{@code resize} always succeeds where the system lets it: CPython's {@code mremap} fails with {@code EFAULT}
 *       (after changing the file's size) once {@code madvise(MADV_RANDOM)} or {@code MADV_SEQUENTIAL} on part of the
 *       map has split it in the kernel;</li>
 *   <li>anonymous memory is shared ({@code MAP_SHARED|MAP_ANONYMOUS}) as in CPython, but a resize copies it into new
 *       memory, so that grown bytes read zero: CPython grows the mapping over the same shared memory object, whose
 *       bytes beyond the first length raise {@code SIGBUS} and whose bytes cut off by a shrink come back with a
 *       later grow;</li>
 *   <li>{@link #read()}, {@link #readLine()} and {@link #slice} of more bytes than a Java array holds throw
 *       {@link OutOfMemoryError} (as {@code InputStream.readAllBytes} does) and leave the position alone.</li>
 * </ul>
 * Smaller differences: {@code madvise} with advice this kernel lacks throws {@link UnsupportedOperationException}
 * (CPython: {@code OSError EINVAL}), and {@link Advice#REMOVE} must end on a page boundary or at the end of the map
 * (see {@link Mapping#advise(long, long, Advice)}); files that are not regular files are not mapped.
 *
 * <p>As a {@link SeekableByteChannel}, {@code position} is the cursor ({@link #tell()}/{@link #seek(long)}, so
 * positions past {@link #length()} are refused), {@code read(ByteBuffer)} reads up to {@link #length()},
 * {@code write(ByteBuffer)} writes all bytes or, like {@link #write(byte[])}, none, {@code truncate} shrinks with
 * {@link #resize}, and {@code size()} is the file's size, as Python's {@code size()}.
 *
 * <p>Every method is atomic with respect to the position: an {@code MmapFile} may be shared between threads.
 * {@link #close()} may be called at any time from any thread (see {@link Mapping#close()}).
 */
public final class MmapFile implements AutoCloseable, SeekableByteChannel {

    /** {@link #seek(long, int)} from the start: {@code os.SEEK_SET}. */
    public static final int SEEK_SET = 0;
    /** {@link #seek(long, int)} from the current position: {@code os.SEEK_CUR}. */
    public static final int SEEK_CUR = 1;
    /** {@link #seek(long, int)} from the end: {@code os.SEEK_END}. */
    public static final int SEEK_END = 2;
    /** The page size in bytes ({@code mmap.PAGESIZE}). */
    public static final int PAGESIZE = Mapping.pageSize();
    /** What file offsets must be a multiple of ({@code mmap.ALLOCATIONGRANULARITY}): the page size on Linux. */
    public static final int ALLOCATIONGRANULARITY = PAGESIZE;

    /** The largest array the JVM allocates ({@code ArraysSupport.SOFT_MAX_ARRAY_LENGTH}). */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final byte[] NEWLINE = {'\n'};

    private final Mapping mapping;
    /** Whether this maps a file opened read-only: Python's {@code ACCESS_READ}. */
    private final boolean readOnly;
    /** Whether {@link #flush} writes back: not for {@code ACCESS_READ} and {@code ACCESS_COPY}. */
    private final boolean flushes;
    /** The cursor; may exceed the length after a shrinking {@link #resize}, as in Python. Guarded by this. */
    private long position;

    private MmapFile(Mapping mapping, MapMode mode) {
        this.mapping = mapping;
        this.readOnly = mode == MapMode.READ_ONLY;
        this.flushes = mode == null || mode == MapMode.READ_WRITE;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Creating

    /**
     * Maps {@code length} bytes of {@code file} from its start, or the whole file if {@code length} is 0:
     * {@code mmap.mmap(fileno, length, access=...)}. See {@link #open(Path, long, MapMode, long)}.
     */
    public static MmapFile open(Path file, long length, MapMode mode) throws IOException {
        return open(file, length, mode, 0);
    }

    /**
     * Maps {@code length} bytes of the existing {@code file} from {@code offset}, or with {@code length} 0 everything
     * from {@code offset} to the end of the file: {@code mmap.mmap(fileno, length, access=..., offset=offset)}.
     * {@link MapMode#READ_ONLY} is {@code ACCESS_READ}, {@link MapMode#READ_WRITE} {@code ACCESS_WRITE} and
     * {@link MapMode#PRIVATE} {@code ACCESS_COPY}. Unlike {@link Mapping#map}, the file is never created or
     * extended: in every mode the range must lie within the file. The position starts at 0.
     *
     * @throws IllegalArgumentException            if {@code length} or {@code offset} is negative; if the file is
     *                                             empty and {@code length} is 0; if {@code offset} is at or past the
     *                                             end of the file and {@code length} is 0; if {@code offset + length}
     *                                             is past the end of the file
     * @throws ErrnoException                      {@code EINVAL} if {@code offset} is not a multiple of
     *                                             {@link #ALLOCATIONGRANULARITY} (after the checks above, as
     *                                             {@code mmap(2)} fails in Python), or another {@code mmap} error
     * @throws java.nio.file.NoSuchFileException   if the file does not exist
     * @throws java.nio.file.AccessDeniedException if it cannot be opened in {@code mode}
     * @throws IOException                         if it is not a regular file
     */
    public static MmapFile open(Path file, long length, MapMode mode, long offset) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(mode, "mode");
        if (length < 0) {
            throw new IllegalArgumentException("length=" + length + ": must be >= 0 (0 maps the whole file)");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset=" + offset + ": must be >= 0");
        }
        Mapping mapping = Mapping.mapExisting(file, mode, offset, size -> {
            long mapped = length;
            if (length == 0) {
                if (size == 0) {
                    throw new IllegalArgumentException("file=" + file + " size=0: cannot map an empty file");
                }
                if (offset >= size) {
                    throw new IllegalArgumentException("offset=" + offset + " size=" + size
                            + ": offset is at or past the end of the file");
                }
                mapped = size - offset;
            } else if (offset > size || size - offset < length) {
                throw new IllegalArgumentException("offset=" + offset + " length=" + length + " size=" + size
                        + ": the range ends past the end of the file (MmapFile does not extend files)");
            }
            if (offset % ALLOCATIONGRANULARITY != 0) {
                throw Errors.errno("mmap", -Errors.EINVAL, "file=" + file + ", offset=" + offset,
                        "the offset must be a multiple of ALLOCATIONGRANULARITY=" + ALLOCATIONGRANULARITY);
            }
            return mapped;
        });
        return new MmapFile(mapping, mode);
    }

    /**
     * Maps {@code length} bytes of zero-filled shared anonymous memory: {@code mmap.mmap(-1, length)}. It can be
     * {@link #resize resized} (grown bytes read zero); {@link #size()} fails with {@code EBADF}, as in Python.
     *
     * @throws IllegalArgumentException if {@code length < 0}
     * @throws ErrnoException           {@code EINVAL} if {@code length} is 0 (as {@code mmap(2)}),
     *                                  {@code ENOMEM} if memory runs out
     */
    public static MmapFile anonymous(long length) throws IOException {
        if (length < 0) {
            throw new IllegalArgumentException("length=" + length + ": must be >= 0");
        }
        if (length == 0) {
            throw Errors.errno("mmap", -Errors.EINVAL, "anonymous, length=0");
        }
        return new MmapFile(Mapping.anonymousShared(length), null);
    }

    /**
     * Maps the first {@code length} bytes of the POSIX shared memory object {@code tagname}, creating it (mode
     * {@code 0600}) if it does not exist and extending it if it is shorter: the portable form of Windows'
     * {@code mmap.mmap(-1, length, tagname=tagname)}, through {@link SharedMemory#openOrCreate(String, long)}. Every
     * {@code MmapFile} (and {@link SharedMemory} mapping) of one tagname, in this process or another, shares the same
     * memory, as does Python's {@code multiprocessing.shared_memory.SharedMemory(name=tagname)}. The map is
     * {@code READ_WRITE}; {@link #size()} is the object's size and {@link #resize} resizes the object. Closing the
     * map leaves the object in place: {@link SharedMemory#unlink(String)} removes it.
     *
     * @throws IllegalArgumentException            if {@code length < 0} or {@code tagname} is not a valid shared
     *                                             memory name (see {@link SharedMemory})
     * @throws ErrnoException                      {@code EINVAL} if {@code length} is 0 (as {@code mmap(2)}), or if
     *                                             sizing or mapping the object fails
     * @throws java.nio.file.AccessDeniedException if the object exists with permissions that do not allow reading
     *                                             and writing
     */
    public static MmapFile named(String tagname, long length) throws IOException {
        Objects.requireNonNull(tagname, "tagname");
        if (length < 0) {
            throw new IllegalArgumentException("length=" + length + ": must be >= 0");
        }
        if (length == 0) {
            throw Errors.errno("mmap", -Errors.EINVAL, "tagname=" + tagname + ", length=0");
        }
        return new MmapFile(SharedMemory.openOrCreate(tagname, length), MapMode.READ_WRITE);
    }

    // ---------------------------------------------------------------------------------------------------------
    // State

    /** The position of the cursor: {@code tell()}. */
    public synchronized long tell() {
        mapping.length(); // closed check
        return position;
    }

    /** The length of the mapping in bytes: {@code len(m)}. */
    public long length() {
        return mapping.length();
    }

    /**
     * The size of the mapped file in bytes, which may differ from {@link #length()}: {@code size()} ({@code fstat}).
     *
     * For {@link #named} maps, the size of the shared memory object.
     *
     * @throws ErrnoException {@code EBADF} for {@link #anonymous} memory, as in Python
     */
    @Override
    public long size() throws IOException {
        return mapping.descriptorFileSize();
    }

    /** Whether {@link #close()} was called: {@code closed}. */
    public boolean isClosed() {
        return !mapping.isOpen();
    }

    /** Whether {@link #close()} was not called yet ({@link java.nio.channels.Channel#isOpen()}). */
    @Override
    public boolean isOpen() {
        return mapping.isOpen();
    }

    /** The {@link Mapping} underneath, for typed and atomic access to the same memory. */
    public Mapping mapping() {
        mapping.length(); // closed check
        return mapping;
    }

    /**
     * Unmaps the memory and closes the file: {@code close()}. Idempotent; every other method then throws
     * {@link IllegalStateException}. Does not {@link #flush()}, as in Python.
     */
    @Override
    public void close() {
        mapping.close();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Cursor

    /** {@code seek(pos)}: moves the position to {@code pos}; see {@link #seek(long, int)}. */
    public long seek(long pos) {
        return seek(pos, SEEK_SET);
    }

    /**
     * Moves the position to {@code pos} relative to the start ({@link #SEEK_SET}), the current position
     * ({@link #SEEK_CUR}) or the end ({@link #SEEK_END}): {@code seek(pos, whence)}. The new position may equal
     * {@link #length()}.
     *
     * @return the new position (as CPython 3.13; 3.12 and earlier return {@code None})
     * @throws IllegalArgumentException if {@code whence} is none of those, or the new position is negative or past
     *                                  the end
     */
    public synchronized long seek(long pos, int whence) {
        long length = mapping.length();
        long where;
        switch (whence) {
            case SEEK_SET:
                where = pos;
                break;
            case SEEK_CUR:
                if (pos > Long.MAX_VALUE - position) {
                    throw seekOutOfRange(pos, whence, length);
                }
                where = position + pos;
                break;
            case SEEK_END:
                if (pos > Long.MAX_VALUE - length) {
                    throw seekOutOfRange(pos, whence, length);
                }
                where = length + pos;
                break;
            default:
                throw new IllegalArgumentException("whence=" + whence
                        + ": unknown seek type, expected SEEK_SET (0), SEEK_CUR (1) or SEEK_END (2)");
        }
        if (where < 0 || where > length) {
            throw seekOutOfRange(pos, whence, length);
        }
        position = where;
        return where;
    }

    private IllegalArgumentException seekOutOfRange(long pos, int whence, long length) {
        return new IllegalArgumentException("pos=" + pos + " whence=" + whence + " position=" + position
                + " length=" + length + ": seek out of range, the new position must be in [0, length]");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading

    /** Every byte from the position to the end, advancing the position: {@code read()}. */
    public byte[] read() {
        return read(-1);
    }

    /**
     * Up to {@code n} bytes from the position, fewer at the end (none past it), advancing the position by as many:
     * {@code read(n)}. A negative {@code n} reads to the end.
     *
     * @throws OutOfMemoryError if that is more bytes than a Java array holds (the position is left alone)
     */
    public synchronized byte[] read(long n) {
        long length = mapping.length();
        long remaining = position < length ? length - position : 0;
        long count = n < 0 || n > remaining ? remaining : n;
        byte[] bytes = bytesAt(position, count, "read");
        position += count;
        return bytes;
    }

    /**
     * The byte at the position, 0 to 255, advancing the position by one: {@code read_byte()}.
     *
     * @throws IllegalArgumentException at or past the end
     */
    public synchronized int readByte() {
        long length = mapping.length();
        if (position >= length) {
            throw new IllegalArgumentException("position=" + position + " length=" + length
                    + ": read byte out of range");
        }
        int value = mapping.getByte(position) & 0xFF;
        position++;
        return value;
    }

    /**
     * The bytes from the position up to and including the next {@code '\n'}, or to the end if there is none,
     * advancing the position past them: {@code readline()}. Empty at or past the end.
     *
     * @throws OutOfMemoryError if the line is longer than a Java array holds (the position is left alone)
     */
    public synchronized byte[] readLine() {
        long length = mapping.length();
        if (position >= length) {
            return new byte[0];
        }
        long newline = mapping.indexOf(NEWLINE, position, length);
        long end = newline < 0 ? length : newline + 1;
        byte[] line = bytesAt(position, end - position, "readLine");
        position = end;
        return line;
    }

    /**
     * Offset of the first occurrence of {@code sub} from the position to the end, or -1: {@code find(sub)}.
     * See {@link #find(byte[], long, long)}.
     */
    public long find(byte[] sub) {
        synchronized (this) {
            return find(sub, position, Long.MAX_VALUE);
        }
    }

    /** Offset of the first occurrence of {@code sub} in {@code [start, length())}, or -1: {@code find(sub, start)}. */
    public long find(byte[] sub, long start) {
        return find(sub, start, Long.MAX_VALUE);
    }

    /**
     * Offset of the first occurrence of {@code sub} lying wholly in {@code [start, end)}, or -1:
     * {@code find(sub, start, end)}. {@code start} and {@code end} are taken as in a Python slice: negative values
     * count from the end, and both are clamped to {@code [0, length()]}. An empty {@code sub} is found at
     * {@code start} unless {@code end < start}. The position does not change.
     */
    public long find(byte[] sub, long start, long end) {
        Objects.requireNonNull(sub, "sub");
        long length = mapping.length();
        long from = clamp(start, length);
        long to = clamp(end, length);
        return to < from ? -1 : mapping.indexOf(sub, from, to);
    }

    /**
     * Offset of the last occurrence of {@code sub} from the position to the end, or -1: {@code rfind(sub)}.
     * See {@link #rfind(byte[], long, long)}.
     */
    public long rfind(byte[] sub) {
        synchronized (this) {
            return rfind(sub, position, Long.MAX_VALUE);
        }
    }

    /** Offset of the last occurrence of {@code sub} in {@code [start, length())}, or -1: {@code rfind(sub, start)}. */
    public long rfind(byte[] sub, long start) {
        return rfind(sub, start, Long.MAX_VALUE);
    }

    /**
     * Offset of the last occurrence of {@code sub} lying wholly in {@code [start, end)}, or -1:
     * {@code rfind(sub, start, end)}; {@code start} and {@code end} as for {@link #find(byte[], long, long)}. An
     * empty {@code sub} is found at {@code end} unless {@code end < start}.
     */
    public long rfind(byte[] sub, long start, long end) {
        Objects.requireNonNull(sub, "sub");
        long length = mapping.length();
        long from = clamp(start, length);
        long to = clamp(end, length);
        return to < from ? -1 : mapping.lastIndexOf(sub, from, to);
    }

    /**
     * The byte at {@code index}, 0 to 255: {@code m[index]}. A negative index counts from the end.
     *
     * @throws IndexOutOfBoundsException unless {@code -length() <= index < length()}
     */
    public int get(long index) {
        long length = mapping.length();
        return mapping.getByte(checkItem(index, length)) & 0xFF;
    }

    /**
     * The bytes of {@code [start, stop)}: {@code m[start:stop]}, with the slice taken as in Python (negative values
     * count from the end, both are clamped to {@code [0, length()]}, empty if {@code stop <= start}).
     *
     * @throws OutOfMemoryError if that is more bytes than a Java array holds
     */
    public byte[] slice(long start, long stop) {
        long length = mapping.length();
        long from = clamp(start, length);
        long to = clamp(stop, length);
        return bytesAt(from, Math.max(0, to - from), "slice");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writing

    /**
     * Writes {@code data} at the position and advances it: {@code write(data)}. Writes all of it or nothing.
     *
     * @return {@code data.length}
     * @throws ReadOnlyBufferException  for a {@code READ_ONLY} map
     * @throws IllegalArgumentException if {@code data} does not fit between the position and the end (nothing is
     *                                  written)
     */
    public synchronized int write(byte[] data) {
        Objects.requireNonNull(data, "data");
        long length = mapping.length();
        checkWritable();
        if (position > length || length - position < data.length) {
            throw new IllegalArgumentException("position=" + position + " data.length=" + data.length + " length="
                    + length + ": data out of range");
        }
        mapping.putBytes(position, data, 0, data.length);
        position += data.length;
        return data.length;
    }

    /**
     * Writes the byte {@code b} (0 to 255) at the position and advances it by one: {@code write_byte(b)}.
     *
     * @throws IllegalArgumentException if {@code b} is not in 0..255, or the position is at or past the end
     * @throws ReadOnlyBufferException  for a {@code READ_ONLY} map
     */
    public synchronized void writeByte(int b) {
        long length = mapping.length();
        checkByte(b);
        checkWritable();
        if (position >= length) {
            throw new IllegalArgumentException("position=" + position + " length=" + length
                    + ": write byte out of range");
        }
        mapping.putByte(position, (byte) b);
        position++;
    }

    /**
     * Sets the byte at {@code index} to {@code value}: {@code m[index] = value}. A negative index counts from the end.
     *
     * @throws ReadOnlyBufferException   for a {@code READ_ONLY} map
     * @throws IndexOutOfBoundsException unless {@code -length() <= index < length()}
     * @throws IllegalArgumentException  if {@code value} is not in 0..255
     */
    public void set(long index, int value) {
        long length = mapping.length();
        checkWritable();
        long at = checkItem(index, length);
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("value=" + value + ": must be in range(0, 256)");
        }
        mapping.putByte(at, (byte) value);
    }

    /**
     * Replaces the bytes of {@code [start, stop)} with {@code data}: {@code m[start:stop] = data}, the slice taken
     * as in {@link #slice}. The length cannot change, so {@code data} must be as long as the slice.
     *
     * @throws ReadOnlyBufferException   for a {@code READ_ONLY} map
     * @throws IndexOutOfBoundsException if {@code data.length} differs from the length of the slice
     */
    public void setSlice(long start, long stop, byte[] data) {
        Objects.requireNonNull(data, "data");
        long length = mapping.length();
        checkWritable();
        long from = clamp(start, length);
        long to = clamp(stop, length);
        long sliceLength = Math.max(0, to - from);
        if (data.length != sliceLength) {
            throw new IndexOutOfBoundsException("start=" + start + " stop=" + stop + " length=" + length
                    + " data.length=" + data.length + ": slice assignment is wrong size, the slice holds "
                    + sliceLength + " bytes");
        }
        mapping.putBytes(from, data, 0, data.length);
    }

    /**
     * Copies {@code count} bytes from {@code src} to {@code dest}; the ranges may overlap:
     * {@code move(dest, src, count)}.
     *
     * @throws ReadOnlyBufferException  for a {@code READ_ONLY} map
     * @throws IllegalArgumentException if an argument is negative or either range ends past the end
     */
    public void move(long dest, long src, long count) {
        long length = mapping.length();
        checkWritable();
        if (dest < 0 || src < 0 || count < 0 || length - dest < count || length - src < count) {
            throw new IllegalArgumentException("dest=" + dest + " src=" + src + " count=" + count + " length="
                    + length + ": source, destination, or count out of range");
        }
        mapping.copy(src, dest, count);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Kernel services

    /** Writes the whole map back to the file and waits: {@code flush()}; see {@link #flush(long, long)}. */
    public void flush() throws IOException {
        flush(0, mapping.length());
    }

    /**
     * Writes {@code [offset, offset + size)} back to the file and waits ({@code msync(MS_SYNC)}):
     * {@code flush(offset, size)}. Does nothing (after the range check) for {@code READ_ONLY} and {@code PRIVATE}
     * maps, as in Python.
     *
     * @throws IllegalArgumentException if the range is negative or ends past the end
     * @throws ErrnoException           {@code EINVAL} if {@code offset} is not a multiple of {@link #PAGESIZE}, as
     *                                  {@code msync(2)} answers in Python; {@code EIO} if the write-back fails
     */
    public void flush(long offset, long size) throws IOException {
        long length = mapping.length();
        if (size < 0 || offset < 0 || length - offset < size) {
            throw new IllegalArgumentException("offset=" + offset + " size=" + size + " length=" + length
                    + ": flush values out of range");
        }
        if (!flushes) {
            return;
        }
        if (offset % PAGESIZE != 0) {
            throw Errors.errno("msync", -Errors.EINVAL, "offset=" + offset + ", size=" + size,
                    "the offset must be a multiple of PAGESIZE=" + PAGESIZE);
        }
        mapping.sync(offset, size, SyncMode.SYNC);
    }

    /** Gives the kernel {@code option} about the whole map: {@code madvise(option)}. */
    public void madvise(Advice option) throws IOException {
        madvise(option, 0, mapping.length());
    }

    /**
     * Gives the kernel {@code option} about {@code [start, start + length)}, the length clamped to the end of the
     * map: {@code madvise(option, start, length)}. The kernel applies advice to whole pages, so the range is
     * widened to the page holding its last byte.
     *
     * @throws IllegalArgumentException      if {@code start} is negative or not below {@link #length()}, or
     *                                       {@code length} is negative
     * @throws ErrnoException                {@code EINVAL} if {@code start} is not a multiple of {@link #PAGESIZE}
     *                                       (as {@code madvise(2)} answers in Python), or if the kernel refuses
     *                                       {@code option} for this kind of memory
     * @throws UnsupportedOperationException if this kernel lacks {@code option} ({@link Advice#isSupported()})
     */
    public void madvise(Advice option, long start, long length) throws IOException {
        Objects.requireNonNull(option, "option");
        long size = mapping.length();
        if (start < 0 || start >= size) {
            throw new IllegalArgumentException("start=" + start + " length=" + size + ": madvise start out of bounds");
        }
        if (length < 0) {
            throw new IllegalArgumentException("length=" + length + ": madvise length invalid, must be >= 0");
        }
        long clamped = Math.min(length, size - start);
        if (start % PAGESIZE != 0) {
            throw Errors.errno("madvise", -Errors.EINVAL, "start=" + start + ", length=" + length + ", "
                    + option.constantName(), "the start must be a multiple of PAGESIZE=" + PAGESIZE);
        }
        // madvise(2) rounds the length up to whole pages; Mapping.advise asks discarding advice for page-aligned
        // ranges, which the rounded length (or the end of the map) is.
        long wholePages = (clamped + PAGESIZE - 1) / PAGESIZE * PAGESIZE; // clamped < length: no overflow
        mapping.advise(start, Math.min(wholePages, size - start), option);
    }

    /**
     * Changes the length to {@code newSize}, keeping the bytes of the common prefix; a file's size becomes
     * {@code offset + newSize}, growing or cutting it: {@code resize(newSize)}. The position is left alone, also
     * when it ends up past the new end.
     *
     * @throws UnsupportedOperationException for {@code READ_ONLY} and {@code PRIVATE} file maps
     * @throws IllegalArgumentException      if {@code newSize < 0} or the file would end past {@code Long.MAX_VALUE}
     * @throws ErrnoException                {@code EINVAL} if {@code newSize} is 0 ({@code mremap(2)} refuses it; the
     *                                       file is left alone), or if a system call fails (the map and the file
     *                                       are then unchanged)
     */
    public synchronized void resize(long newSize) throws IOException {
        mapping.length(); // closed check
        MapMode mode = mapping.mode();
        if (mapping.file().isPresent() && mode != MapMode.READ_WRITE) {
            throw new UnsupportedOperationException("cannot resize a " + mode + " map of "
                    + mapping.file().get() + ": only READ_WRITE maps and anonymous memory can be resized");
        }
        if (newSize < 0) {
            throw new IllegalArgumentException("newSize=" + newSize + ": new size out of range, must be >= 0");
        }
        if (newSize == 0) {
            throw Errors.errno("mremap", -Errors.EINVAL, "newSize=0", "a map cannot be resized to 0 bytes");
        }
        mapping.resize(newSize, true);
    }

    // ---------------------------------------------------------------------------------------------------------
    // SeekableByteChannel

    /**
     * Reads bytes from the position into {@code destination}, as many as it has room for or as are left, and
     * advances the position by as many.
     *
     * @return the number of bytes read, or -1 at or past the end
     */
    @Override
    public synchronized int read(ByteBuffer destination) {
        long length = mapping.length();
        if (position >= length) {
            return -1;
        }
        int count = (int) Math.min(destination.remaining(), length - position);
        int start = destination.position();
        mapping.getBytes(position, destination.slice(start, count));
        destination.position(start + count);
        position += count;
        return count;
    }

    /**
     * Writes all of {@code source}'s remaining bytes at the position, or none, and advances both positions:
     * {@link #write(byte[])} for a buffer.
     *
     * @throws ReadOnlyBufferException  for a {@code READ_ONLY} map
     * @throws IllegalArgumentException if the bytes do not fit between the position and the end
     */
    @Override
    public synchronized int write(ByteBuffer source) {
        long length = mapping.length();
        checkWritable();
        int count = source.remaining();
        if (position > length || length - position < count) {
            throw new IllegalArgumentException("position=" + position + " remaining=" + count + " length="
                    + length + ": data out of range");
        }
        mapping.putBytes(position, source);
        position += count;
        return count;
    }

    /** {@link #tell()}. */
    @Override
    public long position() {
        return tell();
    }

    /**
     * {@link #seek(long)}.
     *
     * @throws IllegalArgumentException if {@code newPosition} is negative or past {@link #length()} (a map cannot
     *                                  grow by writing past its end)
     */
    @Override
    public MmapFile position(long newPosition) {
        seek(newPosition);
        return this;
    }

    /**
     * Shrinks the map to {@code size} bytes with {@link #resize} if it is longer, and moves the position to
     * {@code size} if it is further.
     *
     * @throws IllegalArgumentException      if {@code size < 0}
     * @throws UnsupportedOperationException for {@code READ_ONLY} and {@code PRIVATE} file maps
     * @throws ErrnoException                as {@link #resize}, {@code EINVAL} for 0
     */
    @Override
    public synchronized MmapFile truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("size=" + size + ": must be >= 0");
        }
        if (size < mapping.length()) {
            resize(size);
        }
        if (position > size) {
            position = size;
        }
        return this;
    }

    @Override
    public synchronized String toString() {
        return "MmapFile[" + mapping + (isClosed() ? "" : ", position=" + position) + "]";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Checks

    private void checkWritable() {
        if (readOnly) {
            throw new ReadOnlyBufferException();
        }
    }

    private static void checkByte(int b) {
        if (b < 0 || b > 255) {
            throw new IllegalArgumentException("b=" + b + ": a byte value must be in 0..255");
        }
    }

    /** The index of item {@code index} (negative: from the end). */
    private static long checkItem(long index, long length) {
        long at = index < 0 ? index + length : index;
        if (at < 0 || at >= length) {
            throw new IndexOutOfBoundsException("index=" + index + " length=" + length + ": mmap index out of range");
        }
        return at;
    }

    /** A slice bound as Python takes it: negative from the end, then clamped to {@code [0, length]}. */
    private static long clamp(long bound, long length) {
        if (bound < 0) {
            bound += length;
            return bound < 0 ? 0 : bound;
        }
        return Math.min(bound, length);
    }

    private byte[] bytesAt(long offset, long count, String what) {
        if (count > MAX_ARRAY) {
            throw new OutOfMemoryError(what + " of " + count + " bytes at offset=" + offset
                    + ": more than a Java array holds (" + MAX_ARRAY + "); read in smaller parts");
        }
        byte[] bytes = new byte[(int) count];
        if (count == 0) {
            return bytes; // the offset may lie past the end after a shrinking resize
        }
        mapping.getBytes(offset, bytes, 0, bytes.length);
        return bytes;
    }
}
