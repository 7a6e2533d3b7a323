package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.jmmap.testing.FileProbes;
import org.jmmap.testing.Smaps;
import org.jmmap.testing.Unprivileged;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Mapping#sync()} and {@link Mapping#sync(long, long, SyncMode)}, and what each {@link MapMode} shares with
 * other mappings of the file and with read(2)/write(2). Write-back is observed through the kernel's count of dirty
 * pages in {@code /proc/self/smaps}: {@code msync(MS_SYNC)} writes the pages out and marks them clean.
 */
class MappingKernelSyncTest {

    private static final int PAGE = Mapping.pageSize();

    @TempDir
    Path dir;

    /** Whether write-back cleans pages on this file system (tmpfs has no backing store, so it never does). */
    private boolean writeBackCleansPages() throws IOException {
        return !Files.getFileStore(dir).type().equals("tmpfs");
    }

    /** A write through a READ_WRITE mapping is seen at once, before any sync, by other mappings of the file. */
    @Test
    void sharedWriteIsSeenAtOnceByOtherMappings() throws IOException {
        Path file = FileProbes.write(dir.resolve("shared"), new byte[3 * PAGE]);
        byte[] data = FileProbes.pattern(PAGE + 10, 1);
        try (Mapping writer = Mapping.map(file, MapMode.READ_WRITE);
             Mapping reader = Mapping.map(file, MapMode.READ_ONLY);
             Mapping otherWriter = Mapping.map(file, MapMode.READ_WRITE, PAGE, 2 * PAGE)) {
            writer.putBytes(PAGE - 5, data, 0, data.length);
            assertArrayEquals(data, FileProbes.read(reader, PAGE - 5, data.length));
            assertArrayEquals(Arrays.copyOfRange(data, 5, data.length), FileProbes.read(otherWriter, 0, data.length - 5));
            otherWriter.putLong(100, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, writer.getLong(PAGE + 100));
            assertEquals(0x1122334455667788L, reader.getLong(PAGE + 100));
        }
    }

    /** After sync(), read(2) returns what was written through the mapping and the pages are clean again. */
    @Test
    void syncWritesEveryDirtyPageBack() throws IOException {
        Path file = FileProbes.write(dir.resolve("sync"), new byte[4 * PAGE]);
        byte[] data = FileProbes.pattern(4 * PAGE, 2);
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE)) {
            mapping.putBytes(0, data, 0, data.length);
            boolean checkDirty = writeBackCleansPages();
            if (checkDirty) {
                assertEquals(4L * PAGE, Smaps.dirtyBytes(mapping.address(), mapping.length()));
            }
            mapping.sync();
            if (checkDirty) {
                assertEquals(0, Smaps.dirtyBytes(mapping.address(), mapping.length()));
            }
            assertArrayEquals(data, Files.readAllBytes(file));
        }
    }

    /**
     * sync(offset, length, mode) takes any offset, also in a mapping made at an unaligned file offset: it widens the
     * range to the pages it touches and writes back exactly those (SYNC, INVALIDATE); ASYNC only schedules it.
     */
    @ParameterizedTest
    @EnumSource(SyncMode.class)
    void syncOfAnUnalignedRangeWritesBackThePagesItTouches(SyncMode mode) throws IOException {
        Path file = FileProbes.write(dir.resolve("range"), new byte[4 * PAGE]);
        byte[] data = FileProbes.pattern(4 * PAGE - 100, 3);
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE, 100, 4 * PAGE - 100)) {
            mapping.putBytes(0, data, 0, data.length);
            boolean checkDirty = mode != SyncMode.ASYNC && writeBackCleansPages();
            if (checkDirty) {
                assertEquals(4L * PAGE, Smaps.dirtyBytes(mapping.address(), mapping.length()));
            }
            // File bytes [PAGE + 150, 2 * PAGE + 150): file pages 1 and 2 must be written back. The kernel may write
            // more (ext4 can flush the rest of the file with the journal), so only the upper bound is certain.
            mapping.sync(PAGE + 50, PAGE, mode);
            if (checkDirty) {
                long dirty = Smaps.dirtyBytes(mapping.address(), mapping.length());
                assertTrue(dirty <= 2L * PAGE, "pages 1 and 2 must be clean, dirty bytes: " + dirty);
            }
            mapping.sync(0, 1, mode);
            mapping.sync(mapping.length() - 1, 1, mode);
            mapping.sync(mapping.length(), 0, mode);
            if (checkDirty) {
                assertEquals(0, Smaps.dirtyBytes(mapping.address(), mapping.length()));
            }
            assertArrayEquals(data, FileProbes.read(file, 100, data.length));
        }
    }

    /** INVALIDATE of locked pages fails with EBUSY, as msync(2) says; SYNC of the same pages succeeds. */
    @Test
    void invalidateOfLockedPagesFailsWithEbusy() throws IOException {
        assumeTrue(Unprivileged.mayLock(1 << 20), "RLIMIT_MEMLOCK is too low to lock memory here");
        Path file = FileProbes.write(dir.resolve("locked"), new byte[2 * PAGE]);
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE)) {
            mapping.lockPages();
            mapping.putInt(8, 42);
            ErrnoException e = assertThrows(ErrnoException.class, () -> mapping.sync(3, 10, SyncMode.INVALIDATE));
            assertEquals("EBUSY", e.errnoName());
            assertEquals("msync", e.call());
            mapping.sync(3, 10, SyncMode.SYNC);
            mapping.unlockPages();
            mapping.sync(3, 10, SyncMode.INVALIDATE);
            assertEquals(42, FileProbes.read(file, 8, 1)[0]);
        }
    }

    /**
     * sync of a range outside the mapping throws IndexOutOfBoundsException; sync of a closed mapping,
     * IllegalStateException.
     */
    @Test
    void syncChecksTheRangeAndTheState() throws IOException {
        Path file = FileProbes.write(dir.resolve("bounds"), new byte[PAGE]);
        Mapping mapping = Mapping.map(file, MapMode.READ_WRITE);
        assertThrows(IndexOutOfBoundsException.class, () -> mapping.sync(-1, 1, SyncMode.SYNC));
        assertThrows(IndexOutOfBoundsException.class, () -> mapping.sync(PAGE, 1, SyncMode.SYNC));
        assertThrows(IndexOutOfBoundsException.class, () -> mapping.sync(1, PAGE, SyncMode.SYNC));
        assertThrows(IndexOutOfBoundsException.class, () -> mapping.sync(1, Long.MAX_VALUE, SyncMode.SYNC));
        assertThrows(NullPointerException.class, () -> mapping.sync(0, 1, null));
        mapping.close();
        assertThrows(IllegalStateException.class, mapping::sync);
        assertThrows(IllegalStateException.class, () -> mapping.sync(0, 1, SyncMode.SYNC));
    }

    /** PRIVATE writes stay in the mapping: other mappings and read(2) keep seeing the file, also after sync(). */
    @Test
    void privateWritesAreInvisibleToOtherMappingsAndToRead() throws IOException {
        byte[] original = FileProbes.pattern(2 * PAGE, 4);
        Path file = FileProbes.write(dir.resolve("private"), original);
        try (Mapping copy = Mapping.map(file, MapMode.PRIVATE);
             Mapping otherCopy = Mapping.map(file, MapMode.PRIVATE);
             Mapping shared = Mapping.map(file, MapMode.READ_ONLY)) {
            copy.fill(10, PAGE, (byte) 0x77);
            assertEquals(0x77, copy.getByte(PAGE + 9));
            copy.sync();
            copy.sync(0, copy.length(), SyncMode.SYNC);
            assertArrayEquals(original, FileProbes.read(otherCopy, 0, original.length));
            assertArrayEquals(original, FileProbes.read(shared, 0, original.length));
            assertArrayEquals(original, Files.readAllBytes(file));
        }
        assertArrayEquals(original, Files.readAllBytes(file));
    }

    /**
     * A PRIVATE mapping sees write(2)s to pages it has not written, and stops seeing them on a page once it writes
     * to that page (copy-on-write is per page).
     */
    @Test
    void privateMappingSeesTheFileUntilItWritesThePage() throws IOException {
        Path file = FileProbes.write(dir.resolve("cow"), new byte[2 * PAGE]);
        try (Mapping copy = Mapping.map(file, MapMode.PRIVATE)) {
            assertEquals(0, copy.getByte(PAGE + 1)); // page 1 is now mapped from the page cache
            copy.putByte(0, (byte) 1);
            FileProbes.writeAt(file, 1, new byte[] {2});
            FileProbes.writeAt(file, PAGE + 1, new byte[] {3});
            assertEquals(0, copy.getByte(1), "page 0 was copied when written: the file's later change is not seen");
            assertEquals(3, copy.getByte(PAGE + 1), "page 1 was never written: it still shows the file");
        }
    }

    /** A READ_ONLY mapping sees write(2)s and writes through a READ_WRITE mapping at once; its own writes throw. */
    @Test
    void readOnlyMappingSeesExternalWrites() throws IOException {
        Path file = FileProbes.write(dir.resolve("readonly"), new byte[2 * PAGE]);
        try (Mapping reader = Mapping.map(file, MapMode.READ_ONLY);
             Mapping writer = Mapping.map(file, MapMode.READ_WRITE)) {
            assertEquals(0, reader.getLong(PAGE));
            FileProbes.writeAt(file, PAGE, FileProbes.pattern(8, 5));
            assertArrayEquals(FileProbes.pattern(8, 5), FileProbes.read(reader, PAGE, 8));
            writer.putInt(PAGE + 100, 0xCAFEBABE);
            assertEquals(0xCAFEBABE, reader.getInt(PAGE + 100));
            assertThrows(ReadOnlyBufferException.class, () -> reader.putInt(0, 1));
            reader.sync();
            reader.sync(1, 2, SyncMode.INVALIDATE);
        }
    }

    /** sync() of anonymous memory succeeds: there is no file to write back to, and msync(2) accepts it. */
    @Test
    void syncOfAnonymousMemorySucceeds() throws IOException {
        try (Mapping memory = Mapping.anonymous(3 * PAGE + 1)) {
            memory.putLong(PAGE, 7);
            memory.sync();
            for (SyncMode mode : SyncMode.values()) {
                memory.sync(PAGE - 1, 2, mode);
            }
            assertEquals(7, memory.getLong(PAGE));
            assertTrue(memory.isOpen());
        }
    }
}
