package org.jmmap;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MmapFile#named}: maps of one tagname share memory, in one process, across JVMs and with Python's
 * {@code multiprocessing.shared_memory.SharedMemory(name=tagname)}; different tagnames do not.
 */
class MmapFileNamedTest {

    private static final Path DEV_SHM = Paths.get("/dev/shm");
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final int PAGE = MmapFile.PAGESIZE;

    /**
     * Python 3.8-3.12 register even segments they only attach to with the resource tracker, which unlinks them when
     * the process exits; 3.13 has track=False for that.
     */
    private static final String PYTHON_ATTACH = String.join("\n",
            "import sys",
            "from multiprocessing import shared_memory, resource_tracker",
            "def attach(name, create=False, size=0):",
            "    if sys.version_info >= (3, 13):",
            "        return shared_memory.SharedMemory(name=name, create=create, size=size, track=False)",
            "    shm = shared_memory.SharedMemory(name=name, create=create, size=size)",
            "    resource_tracker.unregister(shm._name, 'shared_memory')",
            "    return shm",
            "");

    @TempDir
    Path directory;

    private final List<String> tagnames = new ArrayList<>();

    private String freshTagname() {
        String name = "jmmap-mmapfile-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        tagnames.add(name);
        return name;
    }

    @AfterEach
    void unlink() throws IOException {
        for (String name : tagnames) {
            Files.deleteIfExists(DEV_SHM.resolve(name));
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(US_ASCII);
    }

    @Test
    void twoMapsOfOneTagnameShareMemoryAndOthersDoNot() throws IOException {
        String tag = freshTagname();
        String other = freshTagname();
        try (MmapFile a = MmapFile.named(tag, 2 * PAGE); MmapFile b = MmapFile.named(tag, 2 * PAGE);
             MmapFile c = MmapFile.named(other, 2 * PAGE)) {
            assertEquals(2 * PAGE, a.length());
            assertEquals(2 * PAGE, a.size());
            a.write(ascii("shared"));
            assertEquals(0, b.find(ascii("shared")));
            assertEquals(-1, c.find(ascii("shared")));
            b.seek(PAGE + 3);
            b.writeByte('x');
            assertEquals('x', a.get(PAGE + 3));
            assertEquals(0, c.get(PAGE + 3));
            assertEquals(6, a.tell(), "each map has its own position");
            a.flush();
            a.flush(PAGE, 10);
            a.madvise(Advice.WILL_NEED);
            a.move(100, 0, 6);
            assertArrayEquals(ascii("shared"), b.slice(100, 106));
        }
        try (MmapFile again = MmapFile.named(tag, 10)) {
            assertEquals(10, again.length(), "an existing object: its first length bytes");
            assertEquals(2 * PAGE, again.size(), "the object keeps its size");
            assertArrayEquals(ascii("shared"), again.read(6), "the object outlives its maps");
        }
        try (MmapFile grown = MmapFile.named(tag, 3 * PAGE)) {
            assertEquals(3 * PAGE, grown.size(), "a shorter object is extended");
            assertEquals('x', grown.get(PAGE + 3));
        }
    }

    @Test
    void resizeResizesTheObject() throws IOException {
        String tag = freshTagname();
        try (MmapFile a = MmapFile.named(tag, PAGE); MmapFile b = MmapFile.named(tag, PAGE)) {
            a.set(-1, 9);
            a.resize(3 * PAGE);
            assertEquals(3 * PAGE, a.size());
            assertEquals(3 * PAGE, Files.size(DEV_SHM.resolve(tag)));
            assertEquals(9, a.get(PAGE - 1));
            a.set(-1, 7);
            assertEquals(9, b.get(-1), "the other map keeps its length");
            a.resize(PAGE);
            assertEquals(PAGE, b.size());
        }
    }

    @Test
    void badLengthsAndTagnamesAreRefused() throws IOException {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MmapFile.named(freshTagname(), -1))
                .getMessage().contains("length=-1"));
        ErrnoException e = assertThrows(ErrnoException.class, () -> MmapFile.named(freshTagname(), 0));
        assertEquals("EINVAL", e.errnoName());
        assertThrows(IllegalArgumentException.class, () -> MmapFile.named("a/b", 10));
        assertThrows(IllegalArgumentException.class, () -> MmapFile.named("", 10));
        assertThrows(IllegalArgumentException.class, () -> MmapFile.named("x".repeat(300), 10));
        for (String name : tagnames) {
            assertTrue(!Files.exists(DEV_SHM.resolve(name)), "nothing created for " + name);
        }
    }

    @Test
    void afterCloseEveryMethodThrowsIllegalState() throws IOException {
        MmapFile m = MmapFile.named(freshTagname(), 100);
        m.close();
        assertTrue(m.isClosed());
        assertThrows(IllegalStateException.class, m::size);
        assertThrows(IllegalStateException.class, () -> m.write(ascii("a")));
        assertThrows(IllegalStateException.class, () -> m.resize(10));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Other processes

    @Test
    void aChildJvmSharesTheMemoryOfATagname() throws Exception {
        String tag = freshTagname();
        try (MmapFile parent = MmapFile.named(tag, PAGE)) {
            parent.write(ascii("parent"));
            ChildJvm.Result result = ChildJvm.of(NamedChild.class, tag, Integer.toString(PAGE)).run();
            assertEquals(0, result.exitStatus, result.toString());
            assertTrue(result.output.contains("child read parent"), result.output);
            assertEquals(10, parent.find(ascii("child")), "written by the child, seen without reopening");
            assertEquals(0, parent.get(PAGE - 1));
        }
    }

    /** Child JVM: maps args[0] by tagname, reports the first 6 bytes, writes "child" at 10. */
    public static final class NamedChild {
        public static void main(String[] args) throws Exception {
            try (MmapFile m = MmapFile.named(args[0], Long.parseLong(args[1]))) {
                System.out.println("child read " + new String(m.read(6), US_ASCII));
                m.seek(10);
                m.write("child".getBytes(US_ASCII));
            }
        }
    }

    @Test
    void writesOfAChildKilledWithSigkillStayInTheObject() throws Exception {
        String tag = freshTagname();
        try (MmapFile parent = MmapFile.named(tag, PAGE)) {
            Process child = ChildJvm.of(CountingChild.class, tag, Integer.toString(PAGE))
                    .start(directory.resolve("child.out"));
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (parent.mapping().getLongVolatile(0) < 10_000 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertTrue(parent.mapping().getLongVolatile(0) >= 10_000,
                        "the child counts: " + Files.readString(directory.resolve("child.out")));
            } finally {
                child.destroyForcibly(); // SIGKILL, in the middle of its writes
                child.waitFor();
            }
            assertEquals(128 + 9, child.exitValue(), "killed by SIGKILL");
            long last = parent.mapping().getLongVolatile(0);
            assertTrue(last >= 10_000, Long.toString(last));
            parent.seek(8);
            long mirrored = java.nio.ByteBuffer.wrap(parent.read(8)).getLong();
            // write(count) comes before the counter's store: killed between them, the mirror is one ahead. (On the
            // JNI backend the 8 bytes are one store in C; JNA copies through a ByteBuffer, whose copy may be torn.)
            if (!"jna".equals(System.getProperty("jmmap.backend"))) {
                assertTrue(mirrored == last || mirrored == last + 1, mirrored + " vs " + last);
            }
            assertArrayEquals(parent.slice(0, 16), parent.slice(0, 16), "nothing writes any more");
            try (MmapFile again = MmapFile.named(tag, PAGE)) {
                assertEquals(last, again.mapping().getLongVolatile(0), "the object outlives the killed process");
            }
        }
    }

    /** Child JVM: counts up in args[0]'s object: write(count) at 8, then a volatile store of count at 0. */
    public static final class CountingChild {
        public static void main(String[] args) throws Exception {
            try (MmapFile m = MmapFile.named(args[0], Long.parseLong(args[1]))) {
                for (long count = 1; ; count++) {
                    m.seek(8);
                    m.write(java.nio.ByteBuffer.allocate(8).putLong(count).array());
                    m.mapping().putLongVolatile(0, count);
                }
            }
        }
    }

    @Test
    void pythonSharedMemoryOfTheTagnameSeesTheSameBytes() throws Exception {
        String tag = freshTagname();
        try (MmapFile m = MmapFile.named(tag, 5000)) {
            m.write(ascii("from java"));
            String reply = python(String.join("\n",
                    "shm = attach(sys.argv[1])",
                    "print(shm.size, bytes(shm.buf[:9]).decode())",
                    "shm.buf[20:31] = b'from python'",
                    "shm.close()"), tag);
            assertEquals("5000 from java", reply.trim());
            assertArrayEquals(ascii("from python"), m.slice(20, 31));
            assertEquals(20, m.find(ascii("from python")));
        }
        assertTrue(Files.exists(DEV_SHM.resolve(tag)), "Python must not have unlinked it");
    }

    @Test
    void aSegmentPythonCreatedIsMappedByItsName() throws Exception {
        String tag = freshTagname();
        python(String.join("\n",
                "shm = attach(sys.argv[1], create=True, size=3 * 4096 + 5)",
                "shm.buf[4096:4100] = b'py!\\n'",
                "shm.buf[-1] = 42",
                "shm.close()"), tag);
        try (MmapFile m = MmapFile.named(tag, 2 * PAGE)) {
            assertEquals(3 * 4096 + 5, m.size());
            assertEquals(2 * PAGE, m.length());
            m.seek(4096);
            assertArrayEquals(ascii("py!\n"), m.readLine());
        }
        try (MmapFile m = MmapFile.named(tag, 3 * 4096 + 5)) {
            assertEquals(42, m.get(-1));
            assertEquals(4096 + 3, m.rfind(ascii("\n")));
        }
    }

    private String python(String script, String... args) throws IOException {
        Path file = Files.writeString(directory.resolve("shm.py"), PYTHON_ATTACH + script + "\n");
        return MmapFilePython.runScript(file, args);
    }
}
