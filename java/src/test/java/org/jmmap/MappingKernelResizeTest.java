package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jmmap.testing.ChildJvm;
import org.jmmap.testing.FileProbes;
import org.jmmap.testing.Outcomes;
import org.jmmap.testing.Smaps;
import org.jmmap.testing.Unprivileged;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Mapping#resize(long)}: the common prefix survives growing and shrinking; a READ_WRITE file that ends
 * with the mapping follows it to {@code offset + newLength}, a longer one is never cut; anonymous memory grows with zeros; views taken before read zeros afterwards; file
 * mappings that cannot write the file refuse; a failed resize leaves mapping and file as they were.
 */
class MappingKernelResizeTest {

    private static final int PAGE = Mapping.pageSize();

    @TempDir
    Path dir;

    /** Growing and shrinking a READ_WRITE mapping keeps the prefix and sets the file's length to the new end. */
    @Test
    void resizeOfAReadWriteFileKeepsContentAndTheFileFollows() throws IOException {
        Path file = dir.resolve("grow");
        byte[] data = FileProbes.pattern(3000, 1);
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE, 0, 3000)) {
            mapping.putBytes(0, data, 0, data.length);
            mapping.resize(5L * PAGE + 7);
            assertEquals(5L * PAGE + 7, mapping.length());
            assertEquals(5L * PAGE + 7, Files.size(file));
            assertArrayEquals(data, FileProbes.read(mapping, 0, data.length));
            assertArrayEquals(new byte[5 * PAGE + 7 - 3000], FileProbes.read(mapping, 3000, 5 * PAGE + 7 - 3000));
            mapping.putLong(5L * PAGE - 1, 0x0102030405060708L);
            mapping.resize(1000);
            assertEquals(1000, mapping.length());
            assertEquals(1000, Files.size(file));
            assertArrayEquals(Arrays.copyOf(data, 1000), FileProbes.read(mapping, 0, 1000));
            mapping.sync();
            assertArrayEquals(Arrays.copyOf(data, 1000), Files.readAllBytes(file));
        }
        assertEquals(1000, Files.size(file));
    }

    /**
     * A mapping made at an unaligned file offset resizes too: the file ends at offset + newLength, and the bytes
     * before the offset stay as they were.
     */
    @Test
    void resizeOfAMappingAtAnUnalignedOffset() throws IOException {
        byte[] head = FileProbes.pattern(5000, 2);
        Path file = FileProbes.write(dir.resolve("offset"), head);
        byte[] data = FileProbes.pattern(3000, 3);
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE, 5000, 3000)) {
            assertEquals(8000, Files.size(file));
            mapping.putBytes(0, data, 0, data.length);
            mapping.resize(9000);
            assertEquals(14000, Files.size(file));
            assertArrayEquals(data, FileProbes.read(mapping, 0, data.length));
            mapping.putByte(8999, (byte) 9);
            mapping.resize(100);
            assertEquals(5100, Files.size(file));
            assertArrayEquals(Arrays.copyOf(data, 100), FileProbes.read(mapping, 0, 100));
            mapping.resize(2 * PAGE);
            assertEquals(5000 + 2 * PAGE, Files.size(file));
            assertArrayEquals(new byte[2 * PAGE - 100], FileProbes.read(mapping, 100, 2 * PAGE - 100),
                    "bytes cut off by the shrink come back as zeros");
        }
        byte[] content = Files.readAllBytes(file);
        assertArrayEquals(head, Arrays.copyOf(content, 5000));
        assertArrayEquals(Arrays.copyOf(data, 100), Arrays.copyOfRange(content, 5000, 5100));
    }

    /**
     * A mapping of a range inside a longer file never cuts the file: growing it within the file leaves the file's
     * length alone, shrinking it too, and growing it past the end extends the file just enough.
     */
    @Test
    void resizeOfARangeInsideALongerFileNeverShrinksTheFile() throws IOException {
        byte[] data = FileProbes.pattern(4 * PAGE, 4);
        Path file = FileProbes.write(dir.resolve("longer"), data);
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE, 0, 100)) {
            mapping.resize(200);
            assertEquals(4L * PAGE, Files.size(file));
            mapping.resize(50);
            assertEquals(4L * PAGE, Files.size(file));
            assertArrayEquals(data, Files.readAllBytes(file));
        }
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE, PAGE, 100)) {
            mapping.resize(5L * PAGE);
            assertEquals(6L * PAGE, Files.size(file), "extended just enough for offset + newLength");
            assertArrayEquals(Arrays.copyOfRange(data, PAGE, 4 * PAGE), FileProbes.read(mapping, 0, 3 * PAGE));
        }
    }

    /** Anonymous memory keeps its prefix and grows with zeros, also after a shrink that left data in the page tail. */
    @Test
    void resizeOfAnonymousMemoryGrowsWithZeros() throws IOException {
        try (Mapping memory = Mapping.anonymous(10L * PAGE)) {
            memory.fill(0, 10L * PAGE, (byte) 0x5A);
            memory.resize(3L * PAGE + 5); // keeps 0x5A bytes in the rest of page 3
            assertEquals(3L * PAGE + 5, memory.length());
            memory.resize(10L * PAGE);
            byte[] kept = new byte[3 * PAGE + 5];
            Arrays.fill(kept, (byte) 0x5A);
            assertArrayEquals(kept, FileProbes.read(memory, 0, kept.length));
            assertArrayEquals(new byte[7 * PAGE - 5], FileProbes.read(memory, kept.length, 7 * PAGE - 5));
            memory.resize(20L * PAGE + 3);
            assertArrayEquals(kept, FileProbes.read(memory, 0, kept.length));
            assertEquals(-1, memory.indexOf(new byte[] {0x5A}, kept.length, memory.length()));
        }
    }

    /** Anonymous memory mapped LOCKED stays locked, grown part included, after a resize. */
    @Test
    void resizeOfLockedAnonymousMemoryKeepsItLocked() throws IOException {
        assumeTrue(Unprivileged.mayLock(1 << 20), "RLIMIT_MEMLOCK is too low to lock memory here");
        try (Mapping memory = Mapping.anonymous(4L * PAGE, MapOption.LOCKED)) {
            memory.putInt(PAGE, 77);
            memory.resize(8L * PAGE);
            assertTrue(Smaps.flagsAt(memory.address()).contains("lo"));
            assertTrue(Smaps.flagsAt(memory.address() + 7L * PAGE).contains("lo"));
            assertTrue(1024 * Smaps.kilobytes(memory.address(), memory.length(), "Locked") >= 8L * PAGE);
            assertEquals(8, memory.residency().residentPages());
            assertEquals(77, memory.getInt(PAGE));
        }
    }

    /**
     * Resizing locked anonymous memory never unlocks another mapping: a neighbouring locked mapping the kernel
     * merged into the same VMA (typical: consecutive mappings are placed next to each other) stays locked,
     * whether it was locked by LOCKED or by lockPages().
     */
    @Test
    void resizeOfLockedMemoryLeavesOtherLockedMappingsLocked() throws IOException {
        assumeTrue(Unprivileged.mayLock(1 << 20), "RLIMIT_MEMLOCK is too low to lock memory here");
        try (Mapping first = Mapping.anonymous(4L * PAGE, MapOption.LOCKED);
             Mapping second = Mapping.anonymous(4L * PAGE, MapOption.LOCKED);
             Mapping third = Mapping.anonymous(4L * PAGE);
             Mapping fourth = Mapping.anonymous(4L * PAGE)) {
            third.lockPages();
            fourth.lockPages();
            first.resize(8L * PAGE);
            third.resize(8L * PAGE);
            for (Mapping other : new Mapping[] {second, fourth}) {
                long last = other.address() + other.length() - 1;
                assertTrue(Smaps.flagsAt(other.address()).contains("lo"), () -> Smaps.areaAt(other.address()) + "");
                assertTrue(Smaps.flagsAt(last).contains("lo"), () -> Smaps.areaAt(last).toString());
                // Locked counts whole VMAs, which may include merged neighbours: a lower bound only.
                assertTrue(1024 * Smaps.kilobytes(other.address(), other.length(), "Locked") >= other.length());
            }
        }
    }

    /**
     * A view taken before a resize reads zeros afterwards and its writes reach neither the mapping nor the file;
     * views taken after it see the data (the mapping may have moved: address() is not compared).
     */
    @Test
    void viewsTakenBeforeAResizeReadZeros() throws IOException {
        Path file = dir.resolve("views");
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE, 0, 2L * PAGE);
             Mapping memory = Mapping.anonymous(2L * PAGE)) {
            for (Mapping m : new Mapping[] {mapping, memory}) {
                m.fill(0, 2L * PAGE, (byte) 1);
                ByteBuffer stale = m.asByteBuffer(0, 2 * PAGE);
                m.resize(64L * PAGE);
                assertEquals(0, stale.get(0));
                assertEquals(0, stale.get(2 * PAGE - 1));
                stale.put(5, (byte) 7);
                assertEquals(1, m.getByte(5), "stale writes go nowhere");
                assertEquals(1, m.asByteBuffer(0, PAGE).get(5));
            }
            mapping.sync();
            assertEquals(1, Files.readAllBytes(file)[5]);
        }
    }

    /** resize to the same length changes nothing: same address, same content. */
    @Test
    void resizeToTheSameLengthIsANoOp() throws IOException {
        try (Mapping memory = Mapping.anonymous(3L * PAGE)) {
            memory.putInt(0, 42);
            long address = memory.address();
            memory.resize(3L * PAGE);
            assertEquals(address, memory.address());
            assertEquals(42, memory.getInt(0));
        }
    }

    /**
     * READ_ONLY and PRIVATE file mappings cannot be resized (UnsupportedOperationException); mapping and file stay
     * as they were.
     */
    @ParameterizedTest
    @EnumSource(value = MapMode.class, names = {"READ_ONLY", "PRIVATE"})
    void resizeOfAFileMappingThatCannotWriteTheFileIsRefused(MapMode mode) throws IOException {
        byte[] data = FileProbes.pattern(2 * PAGE, 5);
        Path file = FileProbes.write(dir.resolve("refused"), data);
        try (Mapping mapping = Mapping.map(file, mode)) {
            assertThrows(UnsupportedOperationException.class, () -> mapping.resize(4L * PAGE));
            assertThrows(UnsupportedOperationException.class, () -> mapping.resize(PAGE));
            assertEquals(2L * PAGE, mapping.length());
            assertEquals(data[PAGE], mapping.getByte(PAGE));
        }
        assertArrayEquals(data, Files.readAllBytes(file));
    }

    /**
     * resize checks its argument before any system call (IllegalArgumentException: not positive, or a file end past
     * Long.MAX_VALUE) and the state (IllegalStateException).
     */
    @Test
    void resizeChecksArgumentAndState() throws IOException {
        Path file = dir.resolve("arguments");
        long offset = 1L << 40; // a sparse file of 1 TiB: within ext4's limit
        Mapping mapping = Mapping.map(file, MapMode.READ_WRITE, offset, 100);
        assertThrows(IllegalArgumentException.class, () -> mapping.resize(0));
        assertThrows(IllegalArgumentException.class, () -> mapping.resize(-1));
        assertThrows(IllegalArgumentException.class, () -> mapping.resize(Long.MAX_VALUE - offset));
        assertEquals(100, mapping.length());
        assertEquals(offset + 100, Files.size(file));
        mapping.close();
        assertThrows(IllegalStateException.class, () -> mapping.resize(10));
    }

    /**
     * A resize the system cannot do fails with an ErrnoException and leaves the mapping and the file unchanged: a
     * 1 PiB file is past ext4's limit (EFBIG from ftruncate; other file systems take the length and mmap runs out
     * of address space, ENOMEM), and 1 PiB of anonymous memory is past the address space (ENOMEM).
     */
    @Test
    void aFailedResizeLeavesMappingAndFileUnchanged() throws IOException {
        byte[] data = FileProbes.pattern(2 * PAGE, 6);
        Path file = FileProbes.write(dir.resolve("failed"), data);
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE);
             Mapping memory = Mapping.anonymous(2L * PAGE)) {
            memory.putBytes(0, data, 0, data.length);
            ErrnoException tooLong = assertThrows(ErrnoException.class, () -> mapping.resize(1L << 50));
            assertTrue(Set.of("EFBIG", "ENOMEM").contains(tooLong.errnoName()), tooLong::getMessage);
            assertEquals(2L * PAGE, mapping.length());
            assertEquals(2L * PAGE, Files.size(file));
            assertArrayEquals(data, FileProbes.read(mapping, 0, data.length));
            ErrnoException tooLarge = assertThrows(ErrnoException.class, () -> memory.resize(1L << 50));
            assertEquals("ENOMEM", tooLarge.errnoName());
            assertEquals(2L * PAGE, memory.length());
            assertArrayEquals(data, FileProbes.read(memory, 0, data.length));
        }
        assertArrayEquals(data, Files.readAllBytes(file));
    }

    /**
     * When mmap itself fails after the file was extended (here: RLIMIT_AS in a child JVM makes a 16 GiB mapping
     * fail with ENOMEM), resize and map undo the extension: the file keeps its length and content, a file map
     * created is removed, and the mapping keeps working.
     */
    @Test
    void aMappingThatMmapRefusesUndoesTheFileExtension() throws Exception {
        Optional<Path> prlimit = Unprivileged.executable("prlimit");
        assumeTrue(prlimit.isPresent(), "prlimit is not installed");
        byte[] data = FileProbes.pattern(1000, 7);
        FileProbes.write(dir.resolve("resized"), data);
        FileProbes.write(dir.resolve("extended"), data);
        ChildJvm.Result result = ChildJvm.of(AddressSpaceChild.class, dir.toString())
                .jvmOptions("-Xmx64m", "-XX:ReservedCodeCacheSize=64m", "-XX:CompressedClassSpaceSize=64m")
                .wrappedIn(prlimit.get().toString(), "--as=" + (8L << 30), "--")
                .timeoutSeconds(120)
                .run();
        assertEquals(0, result.exitStatus, result::toString);
        Map<String, String> outcome = Outcomes.parse(result.output);
        assertEquals("ENOMEM", outcome.get("resize"), outcome::toString);
        assertEquals("1000", outcome.get("lengthAfterResize"), outcome::toString);
        assertEquals("ok", outcome.get("contentAfterResize"), outcome::toString);
        assertEquals("ENOMEM", outcome.get("mapExtended"), outcome::toString);
        assertEquals("ENOMEM", outcome.get("mapCreated"), outcome::toString);
        assertEquals("ENOMEM", outcome.get("anonymous"), outcome::toString);
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("resized")));
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("extended")));
        assertFalse(Files.exists(dir.resolve("created")));
    }

    /** Child JVM under RLIMIT_AS = 8 GiB: the 16 GiB mappings that must fail, and what they leave behind. */
    public static final class AddressSpaceChild {
        public static void main(String[] args) throws IOException {
            Path dir = Paths.get(args[0]);
            long tooLong = 16L << 30;
            try (Mapping mapping = Mapping.map(dir.resolve("resized"), MapMode.READ_WRITE, 0, 1000)) {
                Outcomes.report("resize", () -> mapping.resize(tooLong));
                System.out.println("outcome lengthAfterResize=" + mapping.length());
                Outcomes.report("contentAfterResize", () -> {
                    byte[] content = new byte[1000];
                    mapping.getBytes(0, content, 0, content.length);
                    if (!Arrays.equals(content, FileProbes.pattern(1000, 7))) {
                        throw new AssertionError("content changed");
                    }
                });
            }
            Outcomes.report("mapExtended",
                    () -> Mapping.map(dir.resolve("extended"), MapMode.READ_WRITE, 0, tooLong).close());
            Outcomes.report("mapCreated",
                    () -> Mapping.map(dir.resolve("created"), MapMode.READ_WRITE, 0, tooLong).close());
            Outcomes.report("anonymous", () -> Mapping.anonymous(tooLong).close());
        }
    }
}
