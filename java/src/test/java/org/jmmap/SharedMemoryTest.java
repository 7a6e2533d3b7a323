package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ReadOnlyBufferException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jmmap.testing.ChildJvm;
import org.jmmap.testing.FileProbes;
import org.jmmap.testing.Outcomes;
import org.jmmap.testing.Unprivileged;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SharedMemory}: named POSIX shared memory, checked against what the kernel shows in {@code /dev/shm}, against
 * other JVMs and against Python's {@code multiprocessing.shared_memory}, with the errno paths by name.
 */
class SharedMemoryTest {

    private static final int PAGE = Mapping.pageSize();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Path DEV_SHM = Paths.get("/dev/shm");

    @TempDir
    Path dir;

    private final List<String> names = new ArrayList<>();

    /** A name no other test (or test run) uses, without the leading '/'; unlinked after the test. */
    private String freshName() {
        String name = "jmmap-test-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        names.add(name);
        return name;
    }

    @AfterEach
    void unlinkSegments() throws IOException {
        for (String name : names) {
            Files.deleteIfExists(DEV_SHM.resolve(name));
        }
    }

    private static String errnoOf(Exception e) {
        assertInstanceOf(ErrnoException.class, e.getCause(), () -> "cause of " + e);
        return ((ErrnoException) e.getCause()).errnoName();
    }

    /**
     * A segment created here appears in /dev/shm with its size and mode 0600; a second mapping opened by name sees
     * the first one's writes; it survives closing every mapping, and unlink removes it.
     */
    @Test
    void createdSegmentIsSharedByNameAndOutlivesItsMappings() throws IOException {
        String name = freshName();
        try (Mapping created = SharedMemory.create(name, 3 * PAGE + 5)) {
            assertEquals(3 * PAGE + 5, created.length());
            assertEquals(MapMode.READ_WRITE, created.mode());
            assertEquals(Optional.empty(), created.file());
            assertTrue(created.toString().contains("/" + name), created.toString());
            assertEquals(3 * PAGE + 5, Files.size(DEV_SHM.resolve(name)));
            assertEquals(PosixFilePermissions.fromString("rw-------"),
                    Files.getPosixFilePermissions(DEV_SHM.resolve(name)));
            assertEquals(0, created.getLong(3 * PAGE - 8), "a new segment is zero");
            created.putLong(3 * PAGE - 8, 0x1122334455667788L);
            try (Mapping opened = SharedMemory.open("/" + name)) {
                assertEquals(3 * PAGE + 5, opened.length());
                assertEquals(0x1122334455667788L, opened.getLong(3 * PAGE - 8));
                opened.putInt(0, 42);
                assertEquals(42, created.getInt(0));
                assertEquals(42, opened.getAndAddInt(0, 1));
                assertEquals(43, created.getInt(0));
            }
        }
        assertTrue(SharedMemory.exists(name));
        assertTrue(SharedMemory.exists("/" + name));
        try (Mapping again = SharedMemory.open(name, MapMode.READ_ONLY)) {
            assertEquals(43, again.getInt(0));
            assertThrows(ReadOnlyBufferException.class, () -> again.putInt(0, 1));
        }
        SharedMemory.unlink(name);
        assertFalse(SharedMemory.exists(name));
        assertFalse(Files.exists(DEV_SHM.resolve(name)));
    }

    /** A mapping stays usable after its segment is unlinked; the name can be created anew meanwhile. */
    @Test
    void mappingOutlivesUnlink() throws IOException {
        String name = freshName();
        try (Mapping first = SharedMemory.create(name, PAGE)) {
            first.putInt(0, 7);
            SharedMemory.unlink(name);
            try (Mapping second = SharedMemory.create(name, PAGE)) {
                assertEquals(0, second.getInt(0), "a new segment, not the unlinked one");
                first.putInt(4, 8);
                assertEquals(0, second.getInt(4));
                assertEquals(8, first.getInt(4));
            }
        }
    }

    /** list() names the segments without their leading '/', sorted; only segments that exist. */
    @Test
    void listNamesTheSegments() throws IOException {
        String a = freshName();
        String b = freshName();
        try (Mapping first = SharedMemory.create(b, PAGE); Mapping second = SharedMemory.create("/" + a, PAGE)) {
            List<String> listed = SharedMemory.list();
            assertTrue(listed.contains(a) && listed.contains(b), listed::toString);
            List<String> sorted = new ArrayList<>(listed);
            sorted.sort(null);
            assertEquals(sorted, listed);
            SharedMemory.unlink(a);
            assertFalse(SharedMemory.list().contains(a));
            assertTrue(SharedMemory.list().contains(b));
        }
    }

    /**
     * Bad names are IllegalArgumentExceptions naming the value and the limit, before any system call: empty, a
     * '/' past the first character, longer than NAME_MAX bytes, NUL, "." and "..". NAME_MAX bytes exactly work,
     * also counted in UTF-8 bytes rather than characters.
     */
    @Test
    void badNamesAreRejected() throws IOException {
        for (String bad : new String[] {"", "/", "a/b", "/a/b", "//a", "a/", ".", "..", "/..", "a\0b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SharedMemory.create(bad, PAGE), bad);
            assertTrue(e.getMessage().startsWith("name="), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> SharedMemory.open(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> SharedMemory.openOrCreate(bad, PAGE), bad);
            assertThrows(IllegalArgumentException.class, () -> SharedMemory.exists(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> SharedMemory.unlink(bad), bad);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SharedMemory.create("", PAGE))
                .getMessage().contains("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SharedMemory.create("a/b", PAGE))
                .getMessage().contains("'/'"));
        String prefix = freshName();
        String longest = prefix + "x".repeat(255 - prefix.length());
        names.add(longest);
        String tooLong = longest + "x";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SharedMemory.create(tooLong, PAGE));
        assertTrue(e.getMessage().contains("256 bytes") && e.getMessage().contains("NAME_MAX=255"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create("/" + tooLong, PAGE));
        SharedMemory.create("/" + longest, PAGE).close();
        assertTrue(SharedMemory.exists(longest));
        // 'é' is two bytes in UTF-8: 128 of them are 256 bytes although 128 characters.
        String accented = "é".repeat(128);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(accented, PAGE))
                .getMessage().contains("256 bytes"));
        assertThrows(NullPointerException.class, () -> SharedMemory.create(null, PAGE));
    }

    /** size <= 0 is an IllegalArgumentException naming it; nothing is created. */
    @Test
    void badSizesAreRejected() {
        String name = freshName();
        for (long size : new long[] {0, -1, Long.MIN_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SharedMemory.create(name, size));
            assertEquals("size=" + size + ": must be > 0", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> SharedMemory.openOrCreate(name, size));
        }
        assertFalse(SharedMemory.exists(name));
    }

    /** create of an existing name: FileAlreadyExistsException (EEXIST), the existing segment untouched. */
    @Test
    void createOfAnExistingNameFailsWithEexist() throws IOException {
        String name = freshName();
        try (Mapping existing = SharedMemory.create(name, PAGE)) {
            existing.putInt(0, 99);
            FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                    () -> SharedMemory.create(name, 2 * PAGE));
            assertEquals("EEXIST", errnoOf(e));
            assertEquals("/" + name, e.getFile());
            assertEquals(PAGE, Files.size(DEV_SHM.resolve(name)));
            assertEquals(99, existing.getInt(0));
        }
    }

    /** open and unlink of a missing name: NoSuchFileException (ENOENT); exists is false. */
    @Test
    void openOfAMissingNameFailsWithEnoent() {
        String name = freshName();
        assertEquals("ENOENT", errnoOf(assertThrows(NoSuchFileException.class, () -> SharedMemory.open(name))));
        assertEquals("ENOENT", errnoOf(assertThrows(NoSuchFileException.class,
                () -> SharedMemory.open(name, MapMode.READ_ONLY))));
        assertEquals("ENOENT", errnoOf(assertThrows(NoSuchFileException.class, () -> SharedMemory.unlink(name))));
        assertFalse(SharedMemory.exists(name));
    }

    /** The permissions given are exact: not narrowed by the umask (022 or 077), group and others included. */
    @Test
    void permissionsAreExactDespiteTheUmask() throws IOException {
        for (String permissions : new String[] {"rw-rw-rw-", "rw-r-----", "r--------", "---------"}) {
            String name = freshName();
            Set<PosixFilePermission> wanted = PosixFilePermissions.fromString(permissions);
            try (Mapping m = SharedMemory.create(name, PAGE, wanted)) {
                m.putInt(0, 1); // writable whatever the permissions: the creator's descriptor is O_RDWR
            }
            assertEquals(wanted, Files.getPosixFilePermissions(DEV_SHM.resolve(name)), permissions);
        }
    }

    /**
     * A create that fails after the segment exists (1 EiB cannot be mapped: ENOMEM) removes it again: nothing is
     * left behind.
     */
    @Test
    void failedCreateLeavesNoSegmentBehind() {
        String name = freshName();
        ErrnoException e = assertThrows(ErrnoException.class, () -> SharedMemory.create(name, 1L << 60));
        assertEquals("ENOMEM", e.errnoName(), e::toString); // tmpfs takes the size, mmap cannot
        assertEquals("mmap", e.call());
        assertFalse(SharedMemory.exists(name));
        ErrnoException again = assertThrows(ErrnoException.class, () -> SharedMemory.openOrCreate(name, 1L << 60));
        assertEquals(e.errnoName(), again.errnoName());
        assertFalse(SharedMemory.exists(name));
    }

    /**
     * openOrCreate creates a missing segment, opens an existing one, extends a shorter one to the size asked for and
     * never shrinks a longer one (mapping only the size asked for).
     */
    @Test
    void openOrCreateCreatesOpensAndOnlyGrows() throws IOException {
        String name = freshName();
        try (Mapping first = SharedMemory.openOrCreate(name, PAGE)) {
            assertEquals(PAGE, first.length());
            assertEquals(PosixFilePermissions.fromString("rw-------"),
                    Files.getPosixFilePermissions(DEV_SHM.resolve(name)));
            first.putInt(PAGE - 4, 5);
            try (Mapping larger = SharedMemory.openOrCreate(name, 4L * PAGE)) {
                assertEquals(4L * PAGE, larger.length());
                assertEquals(4L * PAGE, Files.size(DEV_SHM.resolve(name)));
                assertEquals(5, larger.getInt(PAGE - 4));
                larger.putInt(3 * PAGE, 6);
            }
            try (Mapping smaller = SharedMemory.openOrCreate(name, 100)) {
                assertEquals(100, smaller.length());
                assertEquals(4L * PAGE, Files.size(DEV_SHM.resolve(name)));
            }
            try (Mapping whole = SharedMemory.open(name)) {
                assertEquals(4L * PAGE, whole.length());
                assertEquals(6, whole.getInt(3 * PAGE));
            }
        }
    }

    /**
     * Several processes openOrCreate the same fresh names at the same moment, each asking for a different size, and
     * add 1 to a counter in each: every call succeeds, each segment ends with the count of processes (one creator,
     * no process saw a second, fresh segment) and the largest size asked for (no one shrank it).
     */
    @Test
    void openOrCreateRacingProcessesAgreeOnOneSegment() throws Exception {
        int processes = 3;
        int rounds = 150;
        String base = freshName();
        String go = base + "-go";
        names.add(go);
        for (int i = 0; i < rounds; i++) {
            names.add(base + "-" + i);
        }
        List<Process> children = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int c = 0; c < processes; c++) {
            Path output = dir.resolve("child-" + c + ".out");
            outputs.add(output);
            children.add(ChildJvm.of(OpenOrCreateChild.class, base, go, Integer.toString(rounds),
                    Integer.toString((c + 1) * PAGE)).start(output));
        }
        Thread.sleep(500); // give them time to start up and wait; they also go without it
        SharedMemory.create(go, PAGE).close();
        for (int c = 0; c < processes; c++) {
            assertTrue(children.get(c).waitFor(300, java.util.concurrent.TimeUnit.SECONDS), "child " + c);
            String output = Files.readString(outputs.get(c));
            assertEquals(0, children.get(c).exitValue(), output);
        }
        for (int i = 0; i < rounds; i++) {
            String name = base + "-" + i;
            assertEquals((long) processes * PAGE, Files.size(DEV_SHM.resolve(name)), name);
            try (Mapping m = SharedMemory.open(name)) {
                assertEquals(processes, m.getInt(0), name);
            }
        }
    }

    /** Child JVM: for each round, openOrCreate(base-i, size) and add 1 at offset 0, once args[1] exists. */
    public static final class OpenOrCreateChild {
        public static void main(String[] args) throws Exception {
            String base = args[0];
            String go = args[1];
            int rounds = Integer.parseInt(args[2]);
            long size = Long.parseLong(args[3]);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!SharedMemory.exists(go) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            for (int i = 0; i < rounds; i++) {
                try (Mapping m = SharedMemory.openOrCreate(base + "-" + i, size)) {
                    if (m.length() != size) {
                        throw new AssertionError("length " + m.length() + ", asked for " + size);
                    }
                    m.getAndAddInt(0, 1);
                }
            }
        }
    }

    /** PRIVATE maps copy-on-write: writes stay in the mapping, the segment and other mappings do not see them. */
    @Test
    void privateOpenIsCopyOnWrite() throws IOException {
        String name = freshName();
        try (Mapping shared = SharedMemory.create(name, PAGE);
             Mapping copy = SharedMemory.open(name, MapMode.PRIVATE)) {
            shared.putInt(0, 1);
            assertEquals(1, copy.getInt(0));
            copy.putInt(0, 2);
            assertEquals(2, copy.getInt(0));
            assertEquals(1, shared.getInt(0));
            assertEquals(MapMode.PRIVATE, copy.mode());
            assertThrows(UnsupportedOperationException.class, () -> copy.resize(2L * PAGE));
        }
    }

    /** resize of a READ_WRITE mapping resizes the segment, keeping the content; other mappings see the growth. */
    @Test
    void resizeResizesTheSegment() throws IOException {
        String name = freshName();
        try (Mapping m = SharedMemory.create(name, PAGE)) {
            m.putInt(PAGE - 4, 11);
            m.resize(3L * PAGE);
            assertEquals(3L * PAGE, Files.size(DEV_SHM.resolve(name)));
            assertEquals(11, m.getInt(PAGE - 4));
            m.putInt(2 * PAGE, 12);
            try (Mapping other = SharedMemory.open(name)) {
                assertEquals(3L * PAGE, other.length());
                assertEquals(12, other.getInt(2 * PAGE));
            }
            m.resize(PAGE);
            assertEquals(PAGE, Files.size(DEV_SHM.resolve(name)));
            assertEquals(11, m.getInt(PAGE - 4));
        }
    }

    /** An empty segment (created by some other program and not sized yet) cannot be opened: IOException naming it. */
    @Test
    void emptySegmentCannotBeOpened() throws IOException {
        String name = freshName();
        Files.createFile(DEV_SHM.resolve(name));
        IOException e = assertThrows(IOException.class, () -> SharedMemory.open(name));
        assertTrue(e.getMessage().contains("/" + name) && e.getMessage().contains("empty"), e.getMessage());
        try (Mapping sized = SharedMemory.openOrCreate(name, 100)) {
            assertEquals(100, sized.length());
        }
    }

    // -------------------------------------------------------------------------------------------------------------
    // Python's multiprocessing.shared_memory as the other party

    /**
     * Python 3.8-3.12 register even segments they only attach to with the resource tracker, which unlinks them
     * when the process exits; 3.13 has track=False for that. The prologue opens a segment without tracking.
     */
    private static final String PYTHON_PROLOGUE = String.join("\n",
            "import sys",
            "from multiprocessing import shared_memory, resource_tracker",
            "def attach(name, create=False, size=0):",
            "    if sys.version_info >= (3, 13):",
            "        return shared_memory.SharedMemory(name=name, create=create, size=size, track=False)",
            "    shm = shared_memory.SharedMemory(name=name, create=create, size=size)",
            "    resource_tracker.unregister(shm._name, 'shared_memory')",
            "    return shm",
            "");

    private static String python(String script, String... args) throws Exception {
        assumeTrue(Unprivileged.executable("python3").isPresent(), "python3 is not installed");
        List<String> command = new ArrayList<>(List.of("python3", "-c", PYTHON_PROLOGUE + script));
        command.addAll(List.of(args));
        return FileProbes.run(command.toArray(new String[0])).trim();
    }

    /** Python attaches by the same name to a segment created here, reads its bytes and writes its own back. */
    @Test
    void pythonReadsAndWritesASegmentCreatedHere() throws Exception {
        String name = freshName();
        byte[] sent = FileProbes.pattern(64, 1);
        try (Mapping m = SharedMemory.create(name, PAGE + 10)) {
            m.putBytes(0, sent, 0, sent.length);
            String reply = python(String.join("\n",
                    "shm = attach(sys.argv[1])",
                    "print(shm.size, bytes(shm.buf[:64]).hex())",
                    "shm.buf[100:164] = bytes(reversed(shm.buf[:64]))",
                    "shm.close()"), name);
            assertEquals((PAGE + 10) + " " + HexFormat.of().formatHex(sent), reply);
            byte[] back = FileProbes.read(m, 100, 64);
            for (int i = 0; i < 64; i++) {
                assertEquals(sent[63 - i], back[i], "byte " + i);
            }
        }
        assertTrue(SharedMemory.exists(name), "Python must not have unlinked it");
    }

    /** A segment Python creates is opened here by its name, with Python's bytes and size; unlink removes it. */
    @Test
    void aSegmentPythonCreatedIsOpenedHere() throws Exception {
        String name = freshName();
        String reply = python(String.join("\n",
                "shm = attach(sys.argv[1], create=True, size=int(sys.argv[2]))",
                "shm.buf[:5] = b'hello'",
                "shm.buf[int(sys.argv[2]) - 1] = 0x7f",
                "print(shm.name)",
                "shm.close()"), name, Integer.toString(2 * PAGE + 1));
        assertEquals(name, reply, "Python's name has no leading '/'");
        assertTrue(SharedMemory.list().contains(name));
        try (Mapping m = SharedMemory.open(name)) {
            assertEquals(2 * PAGE + 1, m.length());
            assertArrayEquals("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII), FileProbes.read(m, 0, 5));
            assertEquals(0x7f, m.getByte(2 * PAGE));
        }
        SharedMemory.unlink(name);
        assertFalse(SharedMemory.exists(name));
    }

    /** Python attaching to a name that does not exist fails as open does here; Python's FileExistsError likewise. */
    @Test
    void pythonAndJmmapAgreeOnMissingAndExistingNames() throws Exception {
        String name = freshName();
        String reply = python(String.join("\n",
                "try:",
                "    attach(sys.argv[1])",
                "except FileNotFoundError:",
                "    print('missing')",
                ""), name);
        assertEquals("missing", reply);
        try (Mapping m = SharedMemory.create(name, PAGE)) {
            reply = python(String.join("\n",
                    "try:",
                    "    attach(sys.argv[1], create=True, size=10)",
                    "except FileExistsError:",
                    "    print('exists')",
                    ""), name);
            assertEquals("exists", reply);
        }
    }

    // -------------------------------------------------------------------------------------------------------------
    // Permissions (EACCES), in a process without CAP_DAC_OVERRIDE

    /**
     * Without CAP_DAC_OVERRIDE: READ_WRITE of a 0400 segment and any open of a 0000 one throw AccessDeniedException
     * with an EACCES cause; READ_ONLY of the 0400 one works; exists() is true for both; openOrCreate of the 0000
     * one is AccessDeniedException too (it exists: nothing is created or resized).
     */
    @Test
    void segmentPermissionsAreEnforced() throws Exception {
        Optional<List<String>> unprivileged = Unprivileged.withoutCapabilities();
        assumeTrue(unprivileged.isPresent(), "cannot drop CAP_DAC_OVERRIDE here (setpriv or CAP_SETPCAP missing)");
        String readable = freshName();
        String closed = freshName();
        SharedMemory.create(readable, PAGE, PosixFilePermissions.fromString("r--------")).close();
        SharedMemory.create(closed, PAGE, PosixFilePermissions.fromString("---------")).close();
        ChildJvm.Result result = ChildJvm.of(PermissionChild.class, readable, closed)
                .wrappedIn(unprivileged.get().toArray(new String[0]))
                .timeoutSeconds(120)
                .run();
        assertEquals(0, result.exitStatus, result::toString);
        Map<String, String> outcome = Outcomes.parse(result.output);
        assertEquals("AccessDeniedException/EACCES", outcome.get("readWrite0400"), outcome::toString);
        assertEquals("ok", outcome.get("readOnly0400"), outcome::toString);
        assertEquals("AccessDeniedException/EACCES", outcome.get("readOnly0000"), outcome::toString);
        assertEquals("AccessDeniedException/EACCES", outcome.get("private0000"), outcome::toString);
        assertEquals("AccessDeniedException/EACCES", outcome.get("openOrCreate0000"), outcome::toString);
        assertEquals("ok", outcome.get("exists0000"), outcome::toString);
        assertEquals(PAGE, Files.size(DEV_SHM.resolve(closed)));
    }

    /** Child JVM: the cases of {@link #segmentPermissionsAreEnforced()} on the segments args[0] and args[1]. */
    public static final class PermissionChild {
        public static void main(String[] args) {
            String readable = args[0];
            String closed = args[1];
            Outcomes.report("readWrite0400", () -> SharedMemory.open(readable).close());
            Outcomes.report("readOnly0400", () -> SharedMemory.open(readable, MapMode.READ_ONLY).close());
            Outcomes.report("readOnly0000", () -> SharedMemory.open(closed, MapMode.READ_ONLY).close());
            Outcomes.report("private0000", () -> SharedMemory.open(closed, MapMode.PRIVATE).close());
            Outcomes.report("openOrCreate0000", () -> SharedMemory.openOrCreate(closed, 2L * PAGE).close());
            Outcomes.report("exists0000", () -> {
                if (!SharedMemory.exists(closed) || !SharedMemory.exists(readable)) {
                    throw new AssertionError("exists() is false");
                }
            });
        }
    }
}
