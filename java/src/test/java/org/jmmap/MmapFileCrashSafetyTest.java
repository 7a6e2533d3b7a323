package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jmmap.MappingCrashSafetyTest.Child;
import org.jmmap.MappingCrashSafetyTest.TruncatedUnderneath;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.Test;

/**
 * Where CPython's {@code mmap} dies with {@code SIGBUS} (a file truncated underneath) or cannot go (a close racing
 * with reads in other threads), {@link MmapFile} throws; each scenario runs in a child JVM that checks the documented
 * behaviour itself and exits 0 only if it saw exactly that (see {@link MappingCrashSafetyTest}).
 */
class MmapFileCrashSafetyTest {

    private static void assertChildSurvives(ChildJvm child) throws Exception {
        ChildJvm.Result result = child.run();
        System.out.print(result.output);
        assertEquals(0, result.exitStatus, result::toString);
    }

    /**
     * Truncated underneath: the methods that read or write many bytes (read, readline, find, rfind, slice, write,
     * setSlice, move, the channel's read and write) throw UncheckedIOException (EFAULT) at once and leave the position
     * alone; single bytes (m[i], read_byte, write_byte) raise one InternalError, as Mapping's element access; a resize
     * afterwards extends the file again and every byte is readable.
     */
    @Test
    void fileTruncatedUnderneath() throws Exception {
        assertChildSurvives(ChildJvm.of(TruncatedMmapFile.class, "200").jvmOptions(Child.KEEP_INTERPRETED));
    }

    /** args: rounds. */
    static final class TruncatedMmapFile {
        static final int PAGE = Child.PAGE;
        static final int LENGTH = 8 * PAGE;
        static final int KEPT = PAGE + 100;
        static final int PAST = 3 * PAGE;

        public static void main(String[] args) throws Exception {
            int rounds = Integer.parseInt(args[0]);
            Path directory = Files.createTempDirectory("jmmap-mmapfile-truncated-");
            Path file = directory.resolve("data");
            byte[] content = Child.pattern(LENGTH, 5);
            byte[] needle = Arrays.copyOfRange(content, 6 * PAGE + 5, 6 * PAGE + 21); // only past the new end
            for (int round = 0; round < rounds; round++) {
                Files.write(file, content);
                boolean writable = round % 2 == 0;
                MmapFile m = MmapFile.open(file, 0, writable ? MapMode.READ_WRITE : MapMode.READ_ONLY);
                TruncatedUnderneath.truncate(round % 3 == 0 ? "process" : "setLength", file);
                Child.check(m.get(KEPT - 1) == (content[KEPT - 1] & 0xFF), "the last byte of the file");
                m.seek(PAST);
                TruncatedUnderneath.bulk("read", () -> m.read(10));
                TruncatedUnderneath.bulk("readLine", m::readLine);
                TruncatedUnderneath.bulk("read(ByteBuffer)", () -> m.read(ByteBuffer.allocate(10)));
                TruncatedUnderneath.bulk("find", () -> m.find(needle, 0));
                TruncatedUnderneath.bulk("rfind", () -> m.rfind(needle, 0));
                TruncatedUnderneath.bulk("slice", () -> m.slice(PAST, PAST + 10));
                // On JNA the bulk operations fault as element access does: InternalError, possibly a few statements
                // later, so the position may have moved by then.
                Child.check(Child.JNA || m.tell() == PAST, "failed reads leave the position alone: " + m.tell());
                TruncatedUnderneath.element("get", () -> Child.sink += m.get(PAST + 1));
                TruncatedUnderneath.element("readByte", () -> Child.sink += m.readByte());
                if (writable) {
                    m.seek(PAST);
                    TruncatedUnderneath.bulk("write", () -> m.write(new byte[10]));
                    TruncatedUnderneath.bulk("write(ByteBuffer)", () -> m.write(ByteBuffer.allocate(10)));
                    TruncatedUnderneath.bulk("setSlice", () -> m.setSlice(PAST, PAST + 3, new byte[3]));
                    TruncatedUnderneath.bulk("move", () -> m.move(0, PAST, 10));
                    Child.check(Child.JNA || m.tell() == PAST, "failed writes leave the position alone: "
                            + m.tell());
                    m.seek(PAST);
                    TruncatedUnderneath.element("set", () -> m.set(PAST, 1));
                    TruncatedUnderneath.element("writeByte", () -> m.writeByte(1));
                    m.resize(LENGTH);
                    Child.check(Files.size(file) == LENGTH, "resize extends the file again");
                    Child.check(m.find(needle, 0) == -1, "the bytes cut off are gone");
                    long at = m.tell();
                    Child.check(m.read().length == LENGTH - at, "everything reads again");
                }
                m.close();
            }
            Files.delete(file);
            Files.delete(directory);
            System.out.println("backend=" + (Child.JNA ? "jna" : "jni") + " rounds=" + rounds + " element faults="
                    + TruncatedUnderneath.elementFaults + " bulk EFAULTs=" + TruncatedUnderneath.bulkFaults);
        }
    }

    /**
     * Threads reading through one MmapFile (slice, find, get, seek, readByte, read) while another closes it see its bytes,
     * zeros, or IllegalStateException; nothing else, and the JVM survives.
     */
    @Test
    void closeRacingWithReads() throws Exception {
        assertChildSurvives(ChildJvm.of(CloseRacingMmapFile.class, "1000"));
    }

    /** args: rounds. */
    static final class CloseRacingMmapFile {
        static final int LENGTH = 64 * 1024;
        static final int READERS = 3;

        public static void main(String[] args) throws Exception {
            int rounds = Integer.parseInt(args[0]);
            byte[] content = Child.pattern(LENGTH, 9);
            byte[] needle = Arrays.copyOfRange(content, 50_001, 50_017);
            Path file = Files.createTempFile("jmmap-mmapfile-race-", ".bin");
            Files.write(file, content);
            AtomicReference<String> failure = new AtomicReference<>();
            AtomicLong closedSeen = new AtomicLong();
            AtomicLong zeroReads = new AtomicLong();
            for (int round = 0; round < rounds && failure.get() == null; round++) {
                MmapFile m = round % 2 == 0 ? MmapFile.open(file, 0, MapMode.READ_ONLY) : MmapFile.anonymous(LENGTH);
                if (round % 2 == 1) {
                    m.write(content);
                }
                Thread[] readers = new Thread[READERS];
                for (int r = 0; r < READERS; r++) {
                    readers[r] = new Thread(() -> {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        while (true) {
                            try {
                                int at = random.nextInt(LENGTH - 16);
                                switch (random.nextInt(4)) {
                                    case 0: {
                                        byte[] bytes = m.slice(at, at + 16);
                                        for (int i = 0; i < bytes.length; i++) {
                                            if (bytes[i] != content[at + i] && bytes[i] != 0) {
                                                failure.compareAndSet(null, "read at " + at + " returned "
                                                        + Arrays.toString(bytes));
                                            }
                                        }
                                        break;
                                    }
                                    case 1: {
                                        long found = m.find(needle, 0);
                                        if (found != 50_001 && found != -1) {
                                            failure.compareAndSet(null, "find returned " + found);
                                        }
                                        break;
                                    }
                                    case 2: {
                                        int value = m.get(at);
                                        if (value == 0) {
                                            zeroReads.incrementAndGet();
                                        } else if (value != (content[at] & 0xFF)) {
                                            failure.compareAndSet(null, "get(" + at + ") returned " + value);
                                        }
                                        break;
                                    }
                                    default: // the readers share the position: only the range is known
                                        m.seek(at);
                                        int b = m.readByte();
                                        byte[] rest = m.read(8);
                                        if (b < 0 || b > 255 || rest.length > 8) {
                                            failure.compareAndSet(null, "readByte returned " + b);
                                        }
                                }
                            } catch (IllegalStateException closed) {
                                closedSeen.incrementAndGet();
                                return;
                            } catch (Throwable t) {
                                failure.compareAndSet(null, Child.stackTrace(t));
                                return;
                            }
                        }
                    });
                    readers[r].start();
                }
                Thread.sleep(0, ThreadLocalRandom.current().nextInt(500_000));
                m.close();
                for (Thread reader : readers) {
                    reader.join(30_000);
                    Child.check(!reader.isAlive(), "a reader never saw the map closed");
                }
            }
            Files.delete(file);
            Child.check(failure.get() == null, String.valueOf(failure.get()));
            Child.check(closedSeen.get() == (long) rounds * READERS, "every reader ended on the closed state: "
                    + closedSeen.get());
            System.out.println("rounds=" + rounds + " closed=" + closedSeen.get() + " zero reads=" + zeroReads.get());
        }
    }
}
