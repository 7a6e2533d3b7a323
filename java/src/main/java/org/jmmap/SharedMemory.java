package org.jmmap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jmmap.internal.Backend;
import org.jmmap.internal.Backends;
import org.jmmap.internal.Constants;
import org.jmmap.internal.Errors;
import org.jmmap.internal.PosixFiles;

/**
 * Named shared memory: POSIX {@code shm_open} objects, which any process on the host can map by name. This is the
 * portable form of Windows' named ("tagname") mappings, and the same objects Python's
 * {@code multiprocessing.shared_memory.SharedMemory}, C's {@code shm_open} and Boost.Interprocess use: a segment
 * created here with the name {@code "config"} is {@code SharedMemory(name="config")} in Python, with the same bytes,
 * and the other way round.
 *
 * <h2>Names</h2>
 * A name is {@code "config"} or {@code "/config"}: one leading {@code '/'} is optional (it is added for
 * {@code shm_open}), no other {@code '/'} may appear, and the name without it must be 1 to {@code NAME_MAX} (255)
 * bytes long in the platform encoding, without NUL, and not {@code "."} or {@code ".."}. Anything else is an
 * {@link IllegalArgumentException} naming the value and the limit, before any system call. On Linux the segments
 * are the files of {@code /dev/shm}; {@link #list()} reads that directory.
 *
 * <h2>Life cycle</h2>
 * A segment lives until it is {@link #unlink unlinked} and every mapping of it is closed, or until the host
 * reboots: closing a {@link Mapping} does not remove the segment. Mappings returned here are shared
 * ({@code MAP_SHARED}) unless opened {@link MapMode#PRIVATE}: writes are seen at once by every other process mapping
 * the segment, and the {@link Mapping} atomics work across processes. {@link Mapping#file()} is empty for them,
 * {@link Mapping#toString()} names the segment, and a {@link MapMode#READ_WRITE} mapping can be
 * {@link Mapping#resize resized} (the segment follows). If another process shrinks the segment underneath a
 * mapping, access past its new end behaves as for a truncated file (see {@link Mapping}).
 *
 * <h2>Errors</h2>
 * Creating a name that exists throws {@link java.nio.file.FileAlreadyExistsException}, opening or unlinking a
 * missing one {@link NoSuchFileException}, and permission problems {@link java.nio.file.AccessDeniedException}; each
 * has an {@link ErrnoException} ({@code EEXIST}, {@code ENOENT}, {@code EACCES}) as its cause. Other failures are
 * {@link ErrnoException}s.
 */
public final class SharedMemory {

    private static final Backend NATIVE = Backends.get();
    private static final Constants C = NATIVE.constants();
    private static final int NAME_MAX = C.get("NAME_MAX");
    private static final int O_RDONLY = C.get("O_RDONLY");
    private static final int O_RDWR = C.get("O_RDWR");
    private static final int O_CREAT = C.get("O_CREAT");
    private static final int O_EXCL = C.get("O_EXCL");
    private static final int LOCK_EX = C.get("LOCK_EX");
    private static final int LOCK_UN = C.get("LOCK_UN");
    private static final Set<PosixFilePermission> OWNER_READ_WRITE =
            Collections.unmodifiableSet(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    /** Where Linux keeps the objects (glibc's shm_open opens files there). */
    private static final Path DIRECTORY = Paths.get("/dev/shm");
    /** openOrCreate retries when the segment vanishes between its two attempts; this bounds a pathological churn. */
    private static final int OPEN_OR_CREATE_ATTEMPTS = 1000;

    private SharedMemory() {
    }

    /**
     * Creates the segment {@code name} of {@code size} bytes, readable and writable by its owner only (mode
     * {@code 0600}), and maps all of it {@link MapMode#READ_WRITE}. The content is zero.
     *
     * @throws IllegalArgumentException                  if the name is not valid (see the class documentation)
     *                                                   or {@code size <= 0}
     * @throws java.nio.file.FileAlreadyExistsException if a segment of that name exists ({@code EEXIST})
     * @throws java.nio.file.AccessDeniedException      if the caller may not create it ({@code EACCES})
     * @throws ErrnoException                            if sizing or mapping it fails ({@code ENOSPC}, {@code ENOMEM},
     *                                                   ...); the segment is then removed again
     */
    public static Mapping create(String name, long size) throws IOException {
        return create(name, size, OWNER_READ_WRITE);
    }

    /**
     * Creates the segment {@code name} of {@code size} bytes with exactly {@code permissions} (the umask does not
     * narrow them), and maps all of it {@link MapMode#READ_WRITE}, which works whatever the permissions say: they
     * govern later {@link #open}s. {@code shm_open(O_CREAT|O_EXCL)}, {@code fchmod}, {@code ftruncate},
     * {@code mmap}; if any step fails, the segment is unlinked again, so a failed create leaves nothing behind.
     *
     * @throws IllegalArgumentException                  if the name is not valid or {@code size <= 0}
     * @throws java.nio.file.FileAlreadyExistsException if a segment of that name exists ({@code EEXIST})
     * @throws java.nio.file.AccessDeniedException      if the caller may not create it ({@code EACCES})
     * @throws ErrnoException                            if sizing or mapping it fails
     */
    public static Mapping create(String name, long size, Set<PosixFilePermission> permissions) throws IOException {
        String segment = segmentName(name);
        checkSize(size);
        int mode = mode(permissions);
        byte[] encoded = PosixFiles.encode(segment);
        int fd = NATIVE.shmOpen(encoded, O_RDWR | O_CREAT | O_EXCL, mode);
        if (fd < 0) {
            throw Errors.named("shm_open", fd, segment, "name=" + segment + ", O_CREAT|O_EXCL, mode=0"
                    + Integer.toOctalString(mode));
        }
        return setUp(segment, encoded, fd, mode, size);
    }

    /** Sets the mode and size of a segment just created on {@code fd}, maps it; unlinks it if anything fails. */
    private static Mapping setUp(String segment, byte[] encoded, int fd, int mode, long size) throws IOException {
        boolean handedOver = false;
        try {
            int result = NATIVE.fchmod(fd, mode);
            if (result < 0) {
                throw Errors.named("fchmod", result, segment, "name=" + segment + ", mode=0"
                        + Integer.toOctalString(mode));
            }
            growTo(segment, fd, size);
            handedOver = true; // Mapping.sharedMemory closes it if it fails
            return Mapping.sharedMemory(segment, fd, MapMode.READ_WRITE, size);
        } catch (IOException | RuntimeException | Error e) {
            if (!handedOver) {
                NATIVE.close(fd);
            }
            NATIVE.shmUnlink(encoded);
            throw e;
        }
    }

    /**
     * Makes the segment at least {@code size} bytes long, never shrinking it: another process may already map
     * more of it. The check and the growth happen under {@code flock(LOCK_EX)} on the segment, held for just
     * those two calls, so that two {@link #openOrCreate}s sizing it at once cannot shrink each other's size.
     */
    private static void growTo(String segment, int fd, long size) throws IOException {
        int locked = NATIVE.flock(fd, LOCK_EX);
        if (locked < 0) {
            throw Errors.named("flock", locked, segment, "name=" + segment + ", LOCK_EX");
        }
        try {
            long current = NATIVE.fileSize(fd);
            if (current < 0) {
                throw Errors.named("fstat", current, segment, "name=" + segment);
            }
            if (current < size) {
                int result = NATIVE.ftruncate(fd, size);
                if (result < 0) {
                    throw Errors.named("ftruncate", result, segment, "name=" + segment + ", size=" + size,
                            "shared memory lives in /dev/shm, whose size limits it: see 'df /dev/shm'");
                }
            }
        } finally {
            NATIVE.flock(fd, LOCK_UN);
        }
    }

    /**
     * Opens the existing segment {@code name} and maps all of it {@link MapMode#READ_WRITE}.
     *
     * @throws IllegalArgumentException            if the name is not valid
     * @throws NoSuchFileException                 if there is no such segment ({@code ENOENT})
     * @throws java.nio.file.AccessDeniedException if its permissions do not allow reading and writing
     *                                             ({@code EACCES})
     * @throws IOException                         if the segment is empty (just created by another process that
     *                                             has not sized it yet: {@link #openOrCreate} avoids that race)
     */
    public static Mapping open(String name) throws IOException {
        return open(name, MapMode.READ_WRITE);
    }

    /**
     * Opens the existing segment {@code name} and maps all of it in {@code mode}: {@link MapMode#READ_ONLY} and
     * {@link MapMode#PRIVATE} (copy-on-write: writes stay in this mapping) need read permission,
     * {@link MapMode#READ_WRITE} read and write permission.
     *
     * @throws IllegalArgumentException            if the name is not valid
     * @throws NoSuchFileException                 if there is no such segment ({@code ENOENT})
     * @throws java.nio.file.AccessDeniedException if its permissions do not allow {@code mode} ({@code EACCES})
     * @throws IOException                         if the segment is empty
     */
    public static Mapping open(String name, MapMode mode) throws IOException {
        String segment = segmentName(name);
        Objects.requireNonNull(mode, "mode");
        int fd = openExisting(segment, PosixFiles.encode(segment), mode);
        if (fd < 0) {
            throw Errors.named("shm_open", fd, segment, "name=" + segment + ", mode=" + mode);
        }
        long size = NATIVE.fileSize(fd);
        if (size <= 0) {
            NATIVE.close(fd);
            if (size < 0) {
                throw Errors.named("fstat", size, segment, "name=" + segment);
            }
            throw new IOException("cannot map shared memory " + segment + ": it is empty (size=0; a segment "
                    + "another process has just created but not yet sized is, too: openOrCreate waits for that)");
        }
        return Mapping.sharedMemory(segment, fd, mode, size);
    }

    private static int openExisting(String segment, byte[] encoded, MapMode mode) {
        return NATIVE.shmOpen(encoded, mode == MapMode.READ_WRITE ? O_RDWR : O_RDONLY, 0);
    }

    /**
     * Opens the segment {@code name}, creating it with mode {@code 0600} if it does not exist, and maps its first
     * {@code size} bytes {@link MapMode#READ_WRITE}. An existing segment shorter than {@code size} is extended to
     * {@code size} (never shrunk); of a longer one, the first {@code size} bytes are mapped. Safe against other
     * processes doing the same at the same moment: exactly one creates it, all map it, and none sees it shorter
     * than it asked for; if it is unlinked between the attempt to create and the attempt to open, both are retried.
     * (The size is checked and grown under {@code flock(LOCK_EX)} on the segment, held only for those two calls; a
     * process that holds a {@code flock} on {@code /dev/shm/NAME} itself delays this call until it lets go.)
     *
     * @throws IllegalArgumentException            if the name is not valid or {@code size <= 0}
     * @throws java.nio.file.AccessDeniedException if the segment exists with permissions that do not allow reading
     *                                             and writing ({@code EACCES})
     * @throws ErrnoException                      if sizing or mapping it fails
     */
    public static Mapping openOrCreate(String name, long size) throws IOException {
        String segment = segmentName(name);
        checkSize(size);
        byte[] encoded = PosixFiles.encode(segment);
        int mode = mode(OWNER_READ_WRITE);
        int fd = 0;
        for (int attempt = 0; attempt < OPEN_OR_CREATE_ATTEMPTS; attempt++) {
            fd = NATIVE.shmOpen(encoded, O_RDWR | O_CREAT | O_EXCL, mode);
            if (fd >= 0) {
                return setUp(segment, encoded, fd, mode, size);
            }
            if (fd != -Errors.EEXIST) {
                break;
            }
            fd = openExisting(segment, encoded, MapMode.READ_WRITE);
            if (fd >= 0) {
                try {
                    growTo(segment, fd, size);
                } catch (IOException | RuntimeException | Error e) {
                    NATIVE.close(fd);
                    throw e;
                }
                return Mapping.sharedMemory(segment, fd, MapMode.READ_WRITE, size);
            }
            if (fd != -Errors.ENOENT) {
                break;
            }
            // Unlinked between the two calls: try to create it again.
        }
        throw Errors.named("shm_open", fd, segment, "name=" + segment + ", O_CREAT, size=" + size);
    }

    /**
     * Whether a segment named {@code name} exists (also one the caller may not open).
     *
     * @throws IllegalArgumentException if the name is not valid
     * @throws UncheckedIOException     if {@code shm_open} fails for another reason than the segment's absence or
     *                                  its permissions
     */
    public static boolean exists(String name) {
        String segment = segmentName(name);
        int fd = NATIVE.shmOpen(PosixFiles.encode(segment), O_RDONLY, 0);
        if (fd >= 0) {
            NATIVE.close(fd);
            return true;
        }
        if (fd == -Errors.ENOENT) {
            return false;
        }
        if (fd == -Errors.EACCES || fd == -Errors.EPERM) {
            return true;
        }
        throw new UncheckedIOException(Errors.named("shm_open", fd, segment, "name=" + segment + ", O_RDONLY"));
    }

    /**
     * Removes the name {@code name} ({@code shm_unlink}). Mappings of the segment, in any process, stay valid until
     * they are closed; the memory is freed after the last one. The name can be created anew at once.
     *
     * @throws IllegalArgumentException            if the name is not valid
     * @throws NoSuchFileException                 if there is no such segment ({@code ENOENT})
     * @throws java.nio.file.AccessDeniedException if the caller may not remove it ({@code EACCES}: {@code /dev/shm}
     *                                             is sticky, only the owner removes a segment)
     */
    public static void unlink(String name) throws IOException {
        String segment = segmentName(name);
        int result = NATIVE.shmUnlink(PosixFiles.encode(segment));
        if (result < 0) {
            throw Errors.named("shm_unlink", result, segment, "name=" + segment);
        }
    }

    /**
     * The names of the segments that exist now (the regular files of {@code /dev/shm}), sorted, without the
     * leading {@code '/'}: the form Python's {@code SharedMemory.name} has, and which {@link #open} accepts. POSIX
     * named semaphores appear too, as {@code sem.NAME}: they are shared memory objects as well. Empty if the
     * system has no {@code /dev/shm}.
     *
     * @throws UncheckedIOException if {@code /dev/shm} cannot be read
     */
    public static List<String> list() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(DIRECTORY)) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    names.add(entry.getFileName().toString());
                }
            }
        } catch (NoSuchFileException e) {
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Collections.sort(names);
        return names;
    }

    /** The name with its one leading '/', after checking it. */
    static String segmentName(String name) {
        Objects.requireNonNull(name, "name");
        String bare = name.startsWith("/") ? name.substring(1) : name;
        if (bare.isEmpty()) {
            throw new IllegalArgumentException("name=\"" + name + "\": empty; a shared memory name needs 1 to "
                    + NAME_MAX + " bytes after the optional leading '/'");
        }
        int slash = bare.indexOf('/');
        if (slash >= 0) {
            throw new IllegalArgumentException("name=\"" + name + "\": contains '/' at index "
                    + (slash + name.length() - bare.length()) + "; only one leading '/' is allowed");
        }
        if (bare.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("name=\"" + name.replace("\0", "\\0") + "\": contains NUL");
        }
        if (bare.equals(".") || bare.equals("..")) {
            throw new IllegalArgumentException("name=\"" + name + "\": not a valid shared memory name");
        }
        int bytes = PosixFiles.encode(bare).length;
        if (bytes > NAME_MAX) {
            throw new IllegalArgumentException("name=\"" + name + "\": " + bytes + " bytes long; at most NAME_MAX="
                    + NAME_MAX + " bytes after the optional leading '/'");
        }
        return "/" + bare;
    }

    private static void checkSize(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size=" + size + ": must be > 0");
        }
    }

    /** The mode bits of {@code permissions}. */
    private static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : Objects.requireNonNull(permissions, "permissions")) {
            // OWNER_READ is bit 8 (0400), ..., OTHERS_EXECUTE bit 0 (0001), in declaration order.
            mode |= 1 << (8 - Objects.requireNonNull(permission, "permission").ordinal());
        }
        return mode;
    }

}
