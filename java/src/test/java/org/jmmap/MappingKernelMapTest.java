package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jmmap.testing.ChildJvm;
import org.jmmap.testing.FileProbes;
import org.jmmap.testing.Outcomes;
import org.jmmap.testing.Unprivileged;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Mapping#map} and {@link Mapping#anonymous}: argument checks before any system call, what each mode does
 * to a missing, short, empty or unsuitable file, the errno of each failure, and the clean-up after a mapping
 * fails once READ_WRITE has created or extended the file. Permission errors are checked in a child JVM without
 * CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH, since root ignores file modes.
 */
class MappingKernelMapTest {

    private static final int PAGE = Mapping.pageSize();

    @TempDir
    Path dir;

    private static void assertCause(String errnoName, Exception e) {
        ErrnoException cause = assertInstanceOf(ErrnoException.class, e.getCause(), "cause of " + e);
        assertEquals(errnoName, cause.errnoName());
    }

    /** Asserts that {@code call} leaves {@code file} exactly as it was: length, content and modification time. */
    private static void assertUntouched(Path file, Executable call, Class<? extends Throwable> expected)
            throws Exception {
        byte[] content = Files.readAllBytes(file);
        FileTime modified = Files.getLastModifiedTime(file);
        assertThrows(expected, call);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertEquals(modified, Files.getLastModifiedTime(file));
    }

    private static long meminfo(String field) throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/meminfo"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }

    private static long procSysVm(String name) throws IOException {
        return Long.parseLong(Files.readString(Paths.get("/proc/sys/vm", name)).trim());
    }

    /**
     * A negative offset, a length <= 0 or an end past Long.MAX_VALUE throws IllegalArgumentException before any
     * system call: not even READ_WRITE creates the file.
     */
    /** The backend in use is the one the build asked for: JNI unless -Djmmap.backend=jna. */
    @Test
    void backendNamesTheOneInUse() {
        assertEquals(System.getProperty("jmmap.backend", "jni"), Mapping.backend());
    }

    @Test
    void badArgumentsAreRejectedBeforeAnySystemCall() {
        Path file = dir.resolve("never-created");
        for (MapMode mode : MapMode.values()) {
            assertThrows(IllegalArgumentException.class, () -> Mapping.map(file, mode, -1, 10));
            assertThrows(IllegalArgumentException.class, () -> Mapping.map(file, mode, Long.MIN_VALUE, 10));
            assertThrows(IllegalArgumentException.class, () -> Mapping.map(file, mode, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> Mapping.map(file, mode, 0, -5));
            assertThrows(IllegalArgumentException.class, () -> Mapping.map(file, mode, Long.MAX_VALUE - 10, 100));
            assertThrows(IllegalArgumentException.class, () -> Mapping.map(file, mode, Long.MAX_VALUE, 1));
            assertThrows(IllegalArgumentException.class, () -> Mapping.map(file, mode, 1, Long.MAX_VALUE));
            assertThrows(NullPointerException.class, () -> Mapping.map(file, mode, 0, 1, (MapOption) null));
            assertThrows(NullPointerException.class, () -> Mapping.map(file, mode, 0, 1, (MapOption[]) null));
            assertThrows(NullPointerException.class, () -> Mapping.map(null, mode, 0, 1));
        }
        assertThrows(NullPointerException.class, () -> Mapping.map(file, null, 0, 1));
        assertThrows(NullPointerException.class, () -> Mapping.map(file, null));
        assertThrows(IllegalArgumentException.class, () -> Mapping.anonymous(0));
        assertThrows(IllegalArgumentException.class, () -> Mapping.anonymous(-PAGE));
        assertFalse(Files.exists(file));
    }

    /**
     * READ_ONLY and PRIVATE mappings of a range past the end of the file throw EOFException and leave the file
     * alone; a range ending exactly at the end of the file maps.
     */
    @ParameterizedTest
    @EnumSource(value = MapMode.class, names = {"READ_ONLY", "PRIVATE"})
    void rangePastTheEndOfTheFileThrowsEofException(MapMode mode) throws Exception {
        Path file = FileProbes.write(dir.resolve("short"), FileProbes.pattern(1000, 1));
        assertUntouched(file, () -> Mapping.map(file, mode, 0, 1001), EOFException.class);
        assertUntouched(file, () -> Mapping.map(file, mode, 1000, 1), EOFException.class);
        assertUntouched(file, () -> Mapping.map(file, mode, 999, 2), EOFException.class);
        assertUntouched(file, () -> Mapping.map(file, mode, 5L * PAGE, 10), EOFException.class);
        try (Mapping exact = Mapping.map(file, mode, 999, 1)) {
            assertEquals(FileProbes.pattern(1000, 1)[999], exact.getByte(0));
        }
    }

    /**
     * Mapping the whole of an empty file fails with an IOException (there is nothing to map, and the whole-file
     * form never extends) in every mode; the file stays empty.
     */
    @ParameterizedTest
    @EnumSource(MapMode.class)
    void wholeMapOfAnEmptyFileFails(MapMode mode) throws Exception {
        Path file = Files.createFile(dir.resolve("empty"));
        IOException e = assertThrows(IOException.class, () -> Mapping.map(file, mode));
        assertFalse(e instanceof FileSystemException || e instanceof ErrnoException || e instanceof EOFException,
                e::toString);
        assertEquals(0, Files.size(file));
    }

    /**
     * A missing file throws NoSuchFileException with an ErrnoException ENOENT cause: READ_ONLY and PRIVATE always,
     * READ_WRITE for the whole-file form and when the directory is missing; none of them creates anything.
     */
    @Test
    void missingFileThrowsNoSuchFileException() {
        Path file = dir.resolve("missing");
        for (MapMode mode : MapMode.values()) {
            NoSuchFileException whole = assertThrows(NoSuchFileException.class, () -> Mapping.map(file, mode));
            assertCause("ENOENT", whole);
            assertEquals("open", ((ErrnoException) whole.getCause()).call());
            assertEquals(file.toString(), whole.getFile());
        }
        for (MapMode mode : new MapMode[] {MapMode.READ_ONLY, MapMode.PRIVATE}) {
            assertCause("ENOENT", assertThrows(NoSuchFileException.class, () -> Mapping.map(file, mode, 0, 10)));
        }
        Path inMissingDirectory = dir.resolve("no-such-directory").resolve("file");
        assertCause("ENOENT", assertThrows(NoSuchFileException.class,
                () -> Mapping.map(inMissingDirectory, MapMode.READ_WRITE, 0, 10)));
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(inMissingDirectory.getParent()));
    }

    /**
     * READ_WRITE creates a missing file as long as offset + length, zero-filled, readable and writable by its
     * owner.
     */
    @Test
    void readWriteCreatesAMissingFile() throws IOException {
        Path file = dir.resolve("created");
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE, 100, 50)) {
            assertEquals(150, Files.size(file));
            assertEquals(0, mapping.getLong(42));
            mapping.putByte(49, (byte) 5);
        }
        byte[] expected = new byte[150];
        expected[149] = 5;
        assertArrayEquals(expected, Files.readAllBytes(file));
        assertTrue(Files.getPosixFilePermissions(file)
                .containsAll(List.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        assertFalse(Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_EXECUTE));
    }

    /** READ_WRITE extends a short file to offset + length, keeping its content, and never shrinks a longer one. */
    @Test
    void readWriteExtendsAShortFileAndNeverShrinksOne() throws IOException {
        byte[] data = FileProbes.pattern(1000, 2);
        Path file = FileProbes.write(dir.resolve("extended"), data);
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE, 0, 5000)) {
            assertEquals(5000, Files.size(file));
            assertEquals(data[999], mapping.getByte(999));
            assertEquals(0, mapping.getByte(4999));
        }
        assertArrayEquals(data, Arrays.copyOf(Files.readAllBytes(file), 1000));
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE, 100, 10)) {
            assertEquals(5000, Files.size(file));
            mapping.putByte(0, (byte) 1);
        }
        assertEquals(5000, Files.size(file));
        try (Mapping whole = Mapping.map(file, MapMode.READ_WRITE)) {
            assertEquals(5000, whole.length());
            assertEquals(1, whole.getByte(100));
        }
        assertEquals(5000, Files.size(file));
    }

    /**
     * A directory cannot be mapped: READ_ONLY and PRIVATE fail with an IOException (not a regular file), READ_WRITE
     * already at open(2) with EISDIR.
     */
    @Test
    void aDirectoryCannotBeMapped() throws IOException {
        Path directory = Files.createDirectory(dir.resolve("directory"));
        for (MapMode mode : new MapMode[] {MapMode.READ_ONLY, MapMode.PRIVATE}) {
            IOException whole = assertThrows(IOException.class, () -> Mapping.map(directory, mode));
            assertFalse(whole instanceof ErrnoException, whole::toString);
            assertThrows(IOException.class, () -> Mapping.map(directory, mode, 0, 10));
        }
        ErrnoException readWrite = assertThrows(ErrnoException.class,
                () -> Mapping.map(directory, MapMode.READ_WRITE, 0, 10));
        assertEquals("EISDIR", readWrite.errnoName());
        assertEquals("EISDIR", assertThrows(ErrnoException.class,
                () -> Mapping.map(directory, MapMode.READ_WRITE)).errnoName());
        assertTrue(Files.isDirectory(directory));
    }

    /**
     * Without CAP_DAC_OVERRIDE, READ_WRITE of a 0444 file and READ_ONLY of a 0000 file throw AccessDeniedException
     * with an EACCES cause, as does creating a file in a 0555 directory; READ_ONLY of the 0444 file works. Nothing
     * is changed or created.
     */
    @Test
    void filePermissionsAreEnforced() throws Exception {
        Optional<List<String>> unprivileged = Unprivileged.withoutCapabilities();
        assumeTrue(unprivileged.isPresent(), "cannot drop CAP_DAC_OVERRIDE here (setpriv or CAP_SETPCAP missing)");
        byte[] data = FileProbes.pattern(PAGE, 3);
        Path readable = FileProbes.write(dir.resolve("r--r--r--"), data);
        Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("r--r--r--"));
        Path unreadable = FileProbes.write(dir.resolve("---------"), data);
        Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
        Path closedDirectory = Files.createDirectory(dir.resolve("r-xr-xr-x"));
        Files.setPosixFilePermissions(closedDirectory, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            ChildJvm.Result result = ChildJvm.of(PermissionChild.class, dir.toString())
                    .wrappedIn(unprivileged.get().toArray(new String[0]))
                    .timeoutSeconds(120)
                    .run();
            assertEquals(0, result.exitStatus, result::toString);
            Map<String, String> outcome = Outcomes.parse(result.output);
            assertEquals("AccessDeniedException/EACCES", outcome.get("readWrite0444"), outcome::toString);
            assertEquals("ok", outcome.get("readOnly0444"), outcome::toString);
            assertEquals("AccessDeniedException/EACCES", outcome.get("readOnly0000"), outcome::toString);
            assertEquals("AccessDeniedException/EACCES", outcome.get("private0000"), outcome::toString);
            assertEquals("AccessDeniedException/EACCES", outcome.get("createIn0555"), outcome::toString);
            assertArrayEquals(data, Files.readAllBytes(readable));
            assertFalse(Files.exists(closedDirectory.resolve("new")));
        } finally {
            Files.setPosixFilePermissions(closedDirectory, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** Child JVM: the permission cases of {@link #filePermissionsAreEnforced()} in the directory args[0]. */
    public static final class PermissionChild {
        public static void main(String[] args) {
            Path dir = Paths.get(args[0]);
            Outcomes.report("readWrite0444",
                    () -> Mapping.map(dir.resolve("r--r--r--"), MapMode.READ_WRITE).close());
            Outcomes.report("readOnly0444", () -> Mapping.map(dir.resolve("r--r--r--"), MapMode.READ_ONLY).close());
            Outcomes.report("readOnly0000", () -> Mapping.map(dir.resolve("---------"), MapMode.READ_ONLY).close());
            Outcomes.report("private0000", () -> Mapping.map(dir.resolve("---------"), MapMode.PRIVATE).close());
            Outcomes.report("createIn0555",
                    () -> Mapping.map(dir.resolve("r-xr-xr-x").resolve("new"), MapMode.READ_WRITE, 0, 10).close());
        }
    }

    /** 1 PiB of anonymous memory is beyond the address space: mmap fails with ENOMEM. */
    @Test
    void anonymousMemoryBeyondTheAddressSpaceFailsWithEnomem() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Mapping.anonymous(1L << 50));
        assertEquals("ENOMEM", e.errnoName());
        assertEquals("mmap", e.call());
    }

    /**
     * NORESERVE maps 1 TiB of anonymous memory without counting it against the overcommit limit; without it the
     * heuristic limit (overcommit_memory 0) refuses a request larger than RAM + swap with ENOMEM.
     */
    @Test
    void noReserveMapsMoreThanTheOvercommitLimit() throws IOException {
        long oneTebibyte = 1L << 40;
        long overcommit = procSysVm("overcommit_memory");
        assumeTrue(overcommit != 2, "strict overcommit ignores MAP_NORESERVE");
        try (Mapping sparse = Mapping.anonymous(oneTebibyte, MapOption.NORESERVE)) {
            sparse.putLong(oneTebibyte - 8, 1);
            assertEquals(1, sparse.getLong(oneTebibyte - 8));
        }
        if (overcommit == 0 && (meminfo("MemTotal") + meminfo("SwapTotal")) * 1024 < oneTebibyte) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> Mapping.anonymous(oneTebibyte));
            assertEquals("ENOMEM", e.errnoName());
        }
    }

    /**
     * HUGE_PAGES anonymous memory comes from the reserved huge page pool: with none free (and no overcommitted
     * huge pages allowed) mmap fails with ENOMEM; with some, the mapping works.
     */
    @Test
    void hugePagesNeedReservedHugePages() throws IOException {
        long hugePage = meminfo("Hugepagesize") * 1024;
        assumeTrue(hugePage > 0, "no huge page support");
        boolean available = meminfo("HugePages_Free") > 0 || procSysVm("nr_overcommit_hugepages") > 0;
        if (!available) {
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> Mapping.anonymous(hugePage, MapOption.HUGE_PAGES));
            assertEquals("ENOMEM", e.errnoName());
            assertEquals("mmap", e.call());
        } else {
            try (Mapping huge = Mapping.anonymous(hugePage, MapOption.HUGE_PAGES)) {
                huge.putLong(hugePage - 8, 3);
                assertEquals(3, huge.getLong(hugePage - 8));
            }
        }
    }

    /** HUGE_PAGES on an ordinary file fails with EINVAL (MAP_HUGETLB needs hugetlbfs) and leaves the file alone. */
    @ParameterizedTest
    @EnumSource(MapMode.class)
    void hugePagesOnARegularFileFailWithEinval(MapMode mode) throws Exception {
        Path file = FileProbes.write(dir.resolve("regular"), FileProbes.pattern(2 * PAGE, 4));
        assertUntouched(file, () -> {
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> Mapping.map(file, mode, 0, PAGE, MapOption.HUGE_PAGES));
            assertEquals("EINVAL", e.errnoName());
            throw e;
        }, ErrnoException.class);
    }

    /**
     * When mmap fails after READ_WRITE created or extended the file, the file is removed or cut back to its old
     * length with its content intact.
     */
    @Test
    void aFailedReadWriteMappingUndoesTheFileChanges() throws Exception {
        Path missing = dir.resolve("created-then-removed");
        ErrnoException created = assertThrows(ErrnoException.class,
                () -> Mapping.map(missing, MapMode.READ_WRITE, 0, 3L * PAGE, MapOption.HUGE_PAGES));
        assertEquals("EINVAL", created.errnoName());
        assertFalse(Files.exists(missing), "the file created for the mapping must be removed");

        byte[] data = FileProbes.pattern(1000, 5);
        Path shortFile = FileProbes.write(dir.resolve("extended-then-cut"), data);
        ErrnoException extended = assertThrows(ErrnoException.class,
                () -> Mapping.map(shortFile, MapMode.READ_WRITE, 100, 3L * PAGE, MapOption.HUGE_PAGES));
        assertEquals("EINVAL", extended.errnoName());
        assertArrayEquals(data, Files.readAllBytes(shortFile), "the file must be cut back to its old length");
    }

    /** A FIFO is refused at once as not a regular file: opening it does not wait for a writer. */
    @Test
    void fifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        for (MapMode mode : MapMode.values()) {
            IOException e = assertThrows(IOException.class, () -> Mapping.map(fifo, mode, 0, 4096));
            assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        }
    }
}
