package org.jmmap;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jmmap.internal.Backend;
import org.jmmap.internal.Backends;
import org.jmmap.internal.Constants;
import org.jmmap.internal.Errors;
import org.jmmap.internal.PosixFiles;

/**
 * Opens what a {@link Mapping} maps and hands back an {@link Opened}: the mapped {@link Region} and the descriptor
 * the mapping keeps. A file is opened, created or extended as its mode asks, and put back as it was (removed, or cut
 * back to its length) when mapping it fails; a POSIX shared memory object is mapped from a descriptor
 * {@link SharedMemory} opened; anonymous memory is mapped as asked. The messages that explain a failed {@code mmap}
 * (limits, huge pages) are written here. {@code Mapping} keeps memory access, the kernel services over a mapping,
 * resize and close.
 */
final class MappingOpener {

    private static final Backend NATIVE = Backends.get();
    private static final Constants C = NATIVE.constants();
    private static final int PAGE_SIZE = C.pageSize();

    private static final int O_RDONLY = C.get("O_RDONLY");
    private static final int O_RDWR = C.get("O_RDWR");
    private static final int O_CREAT = C.get("O_CREAT");
    private static final int O_EXCL = C.get("O_EXCL");
    private static final int PROT_READ = C.get("PROT_READ");
    private static final int PROT_WRITE = C.get("PROT_WRITE");
    private static final int MAP_SHARED = C.get("MAP_SHARED");
    private static final int MAP_PRIVATE = C.get("MAP_PRIVATE");
    private static final int MAP_ANONYMOUS = C.get("MAP_ANONYMOUS");
    private static final int MAP_HUGETLB = C.get("MAP_HUGETLB");
    private static final int MAP_LOCKED = C.get("MAP_LOCKED");
    private static final int MODE_CREATE = 0666; // narrowed by the umask, as for any new file

    static final MapOption[] NO_OPTIONS = {};

    private MappingOpener() {
    }

    /**
     * What was mapped, for the {@link Mapping} that takes it over.
     *
     * @param file        the mapped file, or null for anonymous memory and shared memory
     * @param segment     the shared memory object's name with its leading '/', or null
     * @param fileOffset  the file offset of byte 0
     * @param optionFlags the {@code mmap} flags of the options, which resize reuses
     * @param descriptor  the descriptor the mapping keeps (READ_WRITE files and shared memory, and files mapped by
     *                    {@link MmapFile}), or null
     */
    record Opened(MapMode mode, Path file, String segment, long fileOffset, int optionFlags, Descriptor descriptor,
                  Region region) {
    }

    /** Decides the length to map once the file's size is known; used by {@link MmapFile}. */
    @FunctionalInterface
    interface LengthRule {
        /**
         * The length to map, at most {@code fileSize - offset}, or an exception saying why the file cannot be
         * mapped.
         */
        long lengthFor(long fileSize) throws IOException;
    }

    static void checkFileRange(long offset, long length) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset=" + offset + ": must be >= 0");
        }
        if (length <= 0) {
            throw new IllegalArgumentException("length=" + length + ": must be > 0");
        }
        if (offset > Long.MAX_VALUE - length - PAGE_SIZE) {
            throw new IllegalArgumentException(
                    "offset=" + offset + " length=" + length + ": offset + length overflows a long");
        }
    }

    static int optionFlags(MapOption[] options) {
        int flags = 0;
        for (MapOption option : Objects.requireNonNull(options, "options")) {
            switch (Objects.requireNonNull(option, "option")) {
                case POPULATE:
                    flags |= C.get("MAP_POPULATE");
                    break;
                case NORESERVE:
                    flags |= C.get("MAP_NORESERVE");
                    break;
                case HUGE_PAGES:
                    flags |= MAP_HUGETLB;
                    break;
                case LOCKED:
                    flags |= MAP_LOCKED;
                    break;
                default:
                    throw new AssertionError(option);
            }
        }
        return flags;
    }

    /**
     * Maps a file.
     *
     * @param length the length to map, or -1 for the whole file; ignored with a {@code rule}
     * @param rule   null, or how to decide the length of an existing file that is neither created nor extended
     *               (the mapping then keeps its descriptor in every mode)
     */
    static Opened file(Path file, MapMode mode, long offset, long length, MapOption[] options, LengthRule rule)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(mode, "mode");
        int optionFlags = optionFlags(options);
        if (file.getFileSystem() != FileSystems.getDefault()) {
            throw new IllegalArgumentException("file=" + file + ": only files of the default file system can be mapped");
        }
        boolean whole = length < 0;
        boolean writable = mode == MapMode.READ_WRITE;
        byte[] name = PosixFiles.encode(file);
        int openFlags = PosixFiles.openFlags(writable ? O_RDWR : O_RDONLY);
        int fd = openRetrying(name, openFlags, 0);
        boolean created = false;
        if (fd == -Errors.ENOENT && writable && !whole && rule == null) {
            fd = openRetrying(name, openFlags | O_CREAT | O_EXCL, MODE_CREATE);
            created = fd >= 0;
            if (fd == -Errors.EEXIST) { // created by someone else in between
                fd = openRetrying(name, openFlags, 0);
            }
        }
        if (fd < 0) {
            throw Errors.file("open", fd, file, "file=" + file + ", mode=" + mode);
        }
        long restoreSize = -1;
        boolean keepDescriptor = false;
        try {
            long size = NATIVE.fileSize(fd);
            if (size == -Errors.ENODEV) {
                throw new IOException("cannot map " + file + ": not a regular file");
            } else if (size < 0) {
                throw Errors.file("fstat", size, file, "file=" + file);
            }
            if (rule != null) {
                length = rule.lengthFor(size);
            } else if (whole) {
                if (size == 0) {
                    throw new IOException("cannot map " + file + ": the file is empty (map(file, READ_WRITE, 0, "
                            + "length) creates or extends a file)");
                }
                length = size;
            }
            long end = offset + length;
            if (size < end) {
                if (!writable || rule != null) {
                    throw new EOFException(file + " is " + size + " bytes long, but the " + mode + " mapping needs "
                            + "offset=" + offset + " length=" + length + " (up to byte " + end + ")");
                }
                int extended = NATIVE.ftruncate(fd, end);
                if (extended < 0) {
                    throw Errors.file("ftruncate", extended, file, "file=" + file + ", length=" + end);
                }
                restoreSize = size;
            }
            Region region = mapRegion(fd, offset, length, protection(mode), sharing(mode) | optionFlags,
                    mode == MapMode.READ_ONLY, "file=" + file + ", mode=" + mode);
            Descriptor descriptor = null;
            if (writable || rule != null) {
                descriptor = new Descriptor(fd);
                keepDescriptor = true;
            }
            return new Opened(mode, file, null, offset, optionFlags, descriptor, region);
        } catch (IOException | RuntimeException | Error e) {
            if (restoreSize >= 0) {
                NATIVE.ftruncate(fd, restoreSize);
            }
            if (created) {
                Files.deleteIfExists(file);
            }
            throw e;
        } finally {
            if (!keepDescriptor) {
                NATIVE.close(fd); // the mapping holds its own reference to the file
            }
        }
    }

    /**
     * Maps {@code length} bytes from the start of the POSIX shared memory object open on {@code fd}, named
     * {@code segment} (with its leading '/'). Takes over {@code fd}: a {@code READ_WRITE} mapping keeps it (resize
     * needs it), otherwise, and on failure, it is closed here. {@code READ_ONLY} needs {@code fd} readable,
     * {@code READ_WRITE} readable and writable, {@code PRIVATE} readable (copy-on-write). The object must already be
     * at least {@code length} bytes long.
     */
    static Opened sharedMemory(String segment, int fd, MapMode mode, long length, MapOption... options)
            throws IOException {
        boolean keepDescriptor = false;
        try {
            Objects.requireNonNull(segment, "segment");
            Objects.requireNonNull(mode, "mode");
            if (length <= 0) {
                throw new IllegalArgumentException("length=" + length + ": must be > 0");
            }
            checkFileRange(0, length);
            int optionFlags = optionFlags(options);
            Region region = mapRegion(fd, 0, length, protection(mode), sharing(mode) | optionFlags,
                    mode == MapMode.READ_ONLY, "segment=" + segment + ", mode=" + mode);
            Descriptor descriptor = null;
            if (mode == MapMode.READ_WRITE) {
                descriptor = new Descriptor(fd);
                keepDescriptor = true;
            }
            return new Opened(mode, null, segment, 0, optionFlags, descriptor, region);
        } finally {
            if (!keepDescriptor) {
                NATIVE.close(fd);
            }
        }
    }

    /**
     * {@code length} bytes of zero-filled anonymous memory: private ({@link MapMode#PRIVATE}), or shared
     * ({@link MapMode#READ_WRITE}, {@code MAP_SHARED|MAP_ANONYMOUS}).
     */
    static Opened anonymous(long length, MapMode mode, MapOption[] options) throws IOException {
        if (length <= 0) {
            throw new IllegalArgumentException("length=" + length + ": must be > 0");
        }
        int optionFlags = optionFlags(options) | (mode == MapMode.READ_WRITE ? MAP_SHARED : 0);
        return new Opened(mode, null, null, 0, optionFlags, null, mapAnonymous(length, optionFlags));
    }

    /** Maps anonymous memory; {@code optionFlags} holds {@code MAP_SHARED} only for shared anonymous memory. */
    static Region mapAnonymous(long length, int optionFlags) throws ErrnoException {
        if (length > Long.MAX_VALUE - HugePages.size()) {
            throw new IllegalArgumentException("length=" + length + ": too large");
        }
        int sharing = (optionFlags & MAP_SHARED) != 0 ? 0 : MAP_PRIVATE;
        return mapRegion(-1, 0, length, PROT_READ | PROT_WRITE, sharing | MAP_ANONYMOUS | optionFlags, false,
                "anonymous");
    }

    /** Maps {@code length} bytes of {@code fd} from {@code offset}, which need not be page aligned. */
    static Region mapRegion(int fd, long offset, long length, int protection, int flags, boolean readOnly,
                            String what) throws ErrnoException {
        long skip = offset % PAGE_SIZE;
        long mapLength = skip + length;
        long base = Region.mmapRetrying(0, mapLength, protection, flags, fd, offset - skip);
        if (base < 0) {
            throw Errors.errno("mmap", base, what + ", offset=" + offset + ", length=" + length, hint(base, flags));
        }
        long granule = (flags & MAP_HUGETLB) != 0 ? HugePages.size() : PAGE_SIZE;
        long mappedLength = (mapLength + granule - 1) / granule * granule;
        return new Region(base, mappedLength, skip, length, readOnly);
    }

    private static int protection(MapMode mode) {
        return mode == MapMode.READ_ONLY ? PROT_READ : PROT_READ | PROT_WRITE;
    }

    private static int sharing(MapMode mode) {
        return mode == MapMode.PRIVATE ? MAP_PRIVATE : MAP_SHARED;
    }

    /**
     * {@code open}, retried after a garbage collection when descriptors run out (EMFILE, ENFILE) while READ_WRITE
     * mappings hold some: those dropped without close are closed by the Cleaner, as {@link Region#mmapRetrying}
     * does for address space.
     */
    static int openRetrying(byte[] name, int flags, int mode) {
        int fd = NATIVE.open(name, flags, mode);
        if ((fd != -Errors.EMFILE && fd != -Errors.ENFILE) || Descriptor.OPEN.get() == 0) {
            return fd;
        }
        return (int) Region.retryAfterCollection(() -> NATIVE.open(name, flags, mode),
                failed -> failed == -Errors.EMFILE || failed == -Errors.ENFILE);
    }

    /** What to tell the user about a failed {@code mmap} with these flags, or null. */
    private static String hint(long result, int flags) {
        if ((flags & MAP_LOCKED) != 0 && (result == -Errors.EAGAIN || result == -Errors.EPERM)) {
            return "LOCKED is limited by RLIMIT_MEMLOCK ('ulimit -l') unless the process has CAP_IPC_LOCK";
        }
        if (result != -Errors.ENOMEM) {
            return (flags & MAP_HUGETLB) != 0 && result == -Errors.EINVAL
                    ? "HUGE_PAGES needs anonymous memory or a hugetlbfs file" : null;
        }
        if ((flags & MAP_HUGETLB) != 0) {
            return "HUGE_PAGES takes pages from /proc/sys/vm/nr_hugepages, which may be too small; "
                    + "Advice.HUGE_PAGE asks for transparent huge pages instead";
        }
        return "out of address space or map entries: check 'ulimit -v', /proc/sys/vm/max_map_count and "
                + "/proc/sys/vm/overcommit_memory";
    }

    /** The descriptor a mapping keeps; closed by {@link Mapping#close()} or, if forgotten, by the Cleaner. */
    static final class Descriptor implements Runnable {
        /** Descriptors held by mappings, closed or forgotten, that are not closed yet. */
        static final AtomicLong OPEN = new AtomicLong();

        final int fd;
        private final AtomicBoolean closed = new AtomicBoolean();

        Descriptor(int fd) {
            this.fd = fd;
            OPEN.incrementAndGet();
        }

        @Override
        public void run() {
            if (closed.compareAndSet(false, true)) {
                NATIVE.close(fd);
                OPEN.decrementAndGet();
            }
        }
    }
}
