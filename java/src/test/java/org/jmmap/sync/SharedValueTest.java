package org.jmmap.sync;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.testing.ChildJvm;
import org.jmmap.testing.Stress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SharedValue}: publishing, reading, waiting, torn-read freedom under contention, killed writers. */
class SharedValueTest {

    @TempDir
    static Path directory;

    /** Where the tests put the value; words after it serve as flags between processes. */
    private static final long VALUE = 0;
    private static final int FLAGS = 1 << 20;

    @Test
    void publishAndRead() throws IOException {
        try (Mapping m = SyncFiles.file(directory, 64 * 1024)) {
            SharedValue value = SharedValue.create(m, VALUE, 100);
            assertEquals(100, value.capacity());
            assertEquals(0, value.version());
            assertArrayEquals(new byte[0], value.read(), "nothing published yet");
            assertEquals(1, value.publish("first".getBytes(UTF_8)));
            assertEquals(2, value.publish("second value".getBytes(UTF_8)));
            assertEquals(2, value.version());
            assertEquals("second value", new String(value.read(), UTF_8));
            SharedValue other = SharedValue.at(m, VALUE);
            assertEquals(100, other.capacity());
            assertEquals("second value", new String(other.read(), UTF_8));
            assertEquals(3, other.publish(new byte[0]));
            assertArrayEquals(new byte[0], value.read());
            assertEquals(4, value.publish(new byte[100]), "exactly the capacity fits");
            IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                    () -> value.publish(new byte[101]));
            assertTrue(tooLong.getMessage().contains("length=101"), tooLong.getMessage());
            assertEquals(4, value.version(), "a refused publish changes nothing");
        }
    }

    @Test
    void publishAndReadByteBuffers() throws IOException {
        try (Mapping m = SyncFiles.shm(64 * 1024)) {
            SharedValue value = SharedValue.create(m, VALUE, 64);
            ByteBuffer source = ByteBuffer.allocateDirect(32);
            source.put("xxhello".getBytes(UTF_8)).flip().position(2);
            assertEquals(1, value.publish(source));
            assertEquals(2, source.position(), "publish leaves the position alone");
            ByteBuffer heap = ByteBuffer.allocate(16).position(3);
            assertEquals(5, value.read(heap));
            assertEquals(8, heap.position());
            assertEquals("hello", new String(heap.array(), 3, 5, UTF_8));
            ByteBuffer direct = ByteBuffer.allocateDirect(8);
            assertEquals(5, value.read(direct));
            direct.flip();
            assertEquals(5, direct.remaining());
            ByteBuffer small = ByteBuffer.allocate(4);
            assertEquals(5, value.read(small), "too small: the length needed");
            assertEquals(0, small.position(), "and nothing copied");
            assertThrows(java.nio.ReadOnlyBufferException.class,
                    () -> value.read(ByteBuffer.allocate(8).asReadOnlyBuffer()));
            assertEquals(2, value.publish(ByteBuffer.wrap("ro".getBytes(UTF_8)).asReadOnlyBuffer()));
            assertEquals("ro", new String(value.read(), UTF_8));
        }
    }

    @Test
    void placementAndHeaderAreChecked() throws IOException {
        try (Mapping m = SyncFiles.file(directory, 4096)) {
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> SharedValue.at(m, 0));
            assertTrue(none.getMessage().contains("no SharedValue"), none.getMessage());
            assertThrows(IllegalArgumentException.class, () -> SharedValue.create(m, 4, 16));
            assertThrows(IllegalArgumentException.class, () -> SharedValue.create(m, 0, -1));
            assertThrows(IllegalArgumentException.class, () -> SharedValue.create(m, 0, Integer.MAX_VALUE));
            assertThrows(IndexOutOfBoundsException.class, () -> SharedValue.create(m, 0, 4096));
            int fits = (4096 - SharedValueDescriptor.HEADER_LENGTH) / 2 - SharedValueDescriptor.SLOT_DATA_OFFSET;
            assertEquals(4096, SharedValueDescriptor.length(fits));
            SharedValue.create(m, 0, fits).publish(new byte[fits]);
            // A header whose capacity does not fit the mapping
            m.putInt(SharedValueDescriptor.CAPACITY_OFFSET, fits + 8);
            assertThrows(IllegalArgumentException.class, () -> SharedValue.at(m, 0));
            try (Mapping readOnly = Mapping.map(m.file().orElseThrow(), MapMode.READ_ONLY)) {
                assertThrows(IllegalArgumentException.class, () -> SharedValue.at(readOnly, 0));
            }
        }
    }

    @Test
    void awaitChangeReturnsTheNewVersionOrTheKnownOneOnTimeout() throws Exception {
        try (Mapping m = SyncFiles.file(directory, 64 * 1024)) {
            SharedValue value = SharedValue.create(m, VALUE, 64);
            assertEquals(0, value.awaitChange(0, Duration.ofMillis(30)), "timed out");
            assertEquals(0, value.awaitChange(0, Duration.ZERO));
            value.publish(new byte[] {1});
            assertEquals(1, value.awaitChange(0, Duration.ofDays(1)), "already changed: at once");
            CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(
                    () -> value.awaitChange(1, Duration.ofSeconds(60)));
            SyncFiles.await(() -> m.getIntVolatile(VALUE + SharedValueDescriptor.WAITERS_OFFSET) == 1, null, null);
            value.publish(new byte[] {2});
            assertEquals(2, waiter.get(60, TimeUnit.SECONDS));
            assertEquals(0, m.getIntVolatile(VALUE + SharedValueDescriptor.WAITERS_OFFSET), "the waiter left");
        }
    }

    /** A thread in awaitChange sleeps in the kernel: it uses (almost) no CPU however long it waits. */
    @Test
    void awaitChangeDoesNotSpin() throws Exception {
        try (Mapping m = SyncFiles.file(directory, 64 * 1024)) {
            SharedValue value = SharedValue.create(m, VALUE, 64);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long[] cpu = new long[2];
            Thread waiter = new Thread(() -> {
                cpu[0] = threads.getCurrentThreadCpuTime();
                value.awaitChange(0, Duration.ofMillis(500));
                cpu[1] = threads.getCurrentThreadCpuTime();
            });
            waiter.start();
            waiter.join();
            long usedMillis = TimeUnit.NANOSECONDS.toMillis(cpu[1] - cpu[0]);
            assertTrue(usedMillis < 250, "a 500 ms wait used " + usedMillis + " ms of CPU");
        }
    }

    /**
     * One writer thread publishes self-checking values as fast as it can and, before each publish, writes the
     * value's sequence number to a plain long elsewhere in the mapping; reader threads check every read: never
     * torn, sequence numbers never going backwards, and the plain long at least the sequence read (whatever was
     * written before publish is visible to a reader of that version).
     */
    @Test
    void threadsNeverReadATornValue() throws Exception {
        int capacity = 2048;
        int readers = 3;
        try (Mapping m = SyncFiles.shm(SharedValueDescriptor.length(capacity) + 4096)) {
            long side = SharedValueDescriptor.length(capacity);
            SharedValue value = SharedValue.create(m, VALUE, capacity);
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
            try {
                Future<Long> writer = pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(1);
                    long sequence = 0;
                    while (!stop.get()) {
                        sequence++;
                        m.putLong(side, sequence);
                        value.publish(Values.make(sequence, capacity, random));
                    }
                    return sequence;
                });
                List<Future<long[]>> results = new ArrayList<>();
                for (int r = 0; r < readers; r++) {
                    boolean buffers = r % 2 == 1;
                    results.add(pool.submit(() -> {
                        long last = 0;
                        long changes = 0;
                        ByteBuffer into = ByteBuffer.allocate(capacity);
                        for (int i = 0; i < 200_000; i++) {
                            byte[] bytes;
                            int length;
                            if (buffers) {
                                into.clear();
                                length = value.read(into);
                                bytes = into.array();
                            } else {
                                bytes = value.read();
                                length = bytes.length;
                            }
                            if (length == 0) {
                                continue; // nothing published yet
                            }
                            long sequence = Values.check(bytes, 0, length);
                            if (sequence < 0) {
                                throw new AssertionError("torn read at read " + i);
                            }
                            if (sequence < last) {
                                throw new AssertionError("went back from " + last + " to " + sequence);
                            }
                            long written = m.getLong(side);
                            if (written < sequence) {
                                throw new AssertionError("read value " + sequence + " but the write before its "
                                        + "publish is not visible: " + written);
                            }
                            changes += sequence != last ? 1 : 0;
                            last = sequence;
                        }
                        return new long[] {changes};
                    }));
                }
                long changes = 0;
                for (Future<long[]> result : results) {
                    changes += result.get(300, TimeUnit.SECONDS)[0];
                }
                stop.set(true);
                long published = writer.get(60, TimeUnit.SECONDS);
                assertEquals(published, value.version());
                assertTrue(changes > readers, "the readers saw the value change " + changes + " times");
            } finally {
                stop.set(true);
                pool.shutdownNow();
            }
        }
    }

    /** Writer threads are serialized: every publish gets its own version, none is lost. */
    @Test
    void concurrentWriterThreadsAreSerialized() throws Exception {
        int writers = 4;
        int publishes = 5_000;
        try (Mapping m = SyncFiles.shm(64 * 1024)) {
            SharedValue value = SharedValue.create(m, VALUE, 256);
            Set<Long> versions = ConcurrentHashMap.newKeySet();
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                List<Future<?>> results = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int writer = w;
                    results.add(pool.submit(() -> {
                        SplittableRandom random = new SplittableRandom(writer);
                        for (int i = 0; i < publishes; i++) {
                            long version = value.publish(Values.make(writer * 1_000_000L + i, 256, random));
                            if (!versions.add(version)) {
                                throw new AssertionError("version " + version + " returned twice");
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> result : results) {
                    result.get(300, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(writers * publishes, versions.size());
            assertEquals(writers * publishes, value.version());
            assertTrue(Values.check(value.read()) >= 0);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Across processes

    private static final int STRESS_CAPACITY = 4096;
    private static final int STRESS_READERS = 3;
    private static final int READS_PER_READER = Stress.scaled(340_000);
    /** Each reader goes on until it has seen this many different values. */
    private static final int MIN_CHANGES = Stress.scaled(1000);
    /** Flag offsets (after the value): readers ready, readers done, writer stop. */
    private static final long READY = FLAGS;
    private static final long DONE = FLAGS + 8;

    /**
     * A writer process publishes self-checking values of varying length as fast as it can while three reader
     * processes check every read: zero torn reads over more than 10^6 reads, each reader seeing at least 1000
     * different values (fewer of both when {@link Stress} shortens the test).
     */
    @Test
    void readerProcessesNeverReadATornValue() throws Exception {
        Path file = Files.createTempFile(directory, "stress", ".bin");
        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE, 0, FLAGS + 4096)) {
            SharedValue value = SharedValue.create(m, VALUE, STRESS_CAPACITY);
            value.publish(Values.make(0, STRESS_CAPACITY, new SplittableRandom(0)));
            for (int r = 0; r < STRESS_READERS; r++) {
                Path output = Files.createTempFile(directory, "reader", ".out");
                outputs.add(output);
                processes.add(ChildJvm.of(StressReader.class, file.toString(), Integer.toString(READS_PER_READER))
                        .start(output));
            }
            Path writerOutput = Files.createTempFile(directory, "writer", ".out");
            Process writer = ChildJvm.of(StressWriter.class, file.toString(), Integer.toString(STRESS_READERS))
                    .start(writerOutput);
            try {
                long reads = 0;
                long changes = 0;
                Pattern report = Pattern.compile("reads=(\\d+) torn=(\\d+) changes=(\\d+)");
                for (int r = 0; r < STRESS_READERS; r++) {
                    SyncFiles.assertExitsCleanly(processes.get(r), outputs.get(r));
                    Matcher matcher = report.matcher(SyncFiles.read(outputs.get(r)));
                    assertTrue(matcher.find(), SyncFiles.read(outputs.get(r)));
                    assertEquals(0, Long.parseLong(matcher.group(2)), "torn reads");
                    reads += Long.parseLong(matcher.group(1));
                    changes += Long.parseLong(matcher.group(3));
                }
                m.putLongVolatile(DONE, 1);
                SyncFiles.assertExitsCleanly(writer, writerOutput);
                assertTrue(reads >= (long) STRESS_READERS * READS_PER_READER, "reads=" + reads);
                assertTrue(changes >= STRESS_READERS * MIN_CHANGES, "changes=" + changes);
            } finally {
                writer.destroyForcibly();
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    /** Args: file. Publishes until DONE is set, once the readers are ready. */
    public static final class StressWriter {
        public static void main(String[] args) throws Exception {
            try (Mapping m = Mapping.map(Paths.get(args[0]), MapMode.READ_WRITE)) {
                SharedValue value = SharedValue.at(m, VALUE);
                SplittableRandom random = new SplittableRandom(42);
                long sequence = 0;
                int readers = args.length > 1 ? Integer.parseInt(args[1]) : 0;
                while (m.getLongVolatile(READY) < readers) {
                    Thread.onSpinWait();
                }
                while (m.getLongVolatile(DONE) == 0) {
                    value.publish(Values.make(++sequence, value.capacity(), random));
                }
                System.out.println("published=" + sequence);
            }
        }
    }

    /** Args: file, reads. Checks every read; prints {@code reads=N torn=N changes=N}; exits 1 on a torn read. */
    public static final class StressReader {
        public static void main(String[] args) throws Exception {
            int reads = Integer.parseInt(args[1]);
            try (Mapping m = Mapping.map(Paths.get(args[0]), MapMode.READ_WRITE)) {
                SharedValue value = SharedValue.at(m, VALUE);
                m.getAndAddLong(READY, 1);
                while (value.version() < 100) { // the writer is under way
                    Thread.onSpinWait();
                }
                ByteBuffer into = ByteBuffer.allocate(value.capacity());
                long torn = 0;
                long changes = 0;
                long last = -1;
                // At least `reads` reads, and on until the value has changed under the reader 1000 times: the reads
                // overlap the writer's publishes however the processes are scheduled.
                long i = 0;
                for (; i < reads || changes < MIN_CHANGES; i++) {
                    long sequence;
                    if (i % 2 == 0) {
                        sequence = Values.check(value.read());
                    } else {
                        into.clear();
                        int length = value.read(into);
                        sequence = Values.check(into.array(), 0, length);
                    }
                    if (sequence < 0 || sequence < last) {
                        torn++;
                    }
                    changes += sequence != last ? 1 : 0;
                    last = sequence;
                }
                System.out.println("reads=" + i + " torn=" + torn + " changes=" + changes);
                System.exit(torn == 0 ? 0 : 1);
            }
        }
    }

    /**
     * A writer process is killed with SIGKILL in the middle of a publish (it holds the writer claim and has
     * half-written the next slot): readers keep the last complete value and can tell the writer died; the next
     * publish takes the claim over.
     */
    @Test
    void writerKilledMidPublishLeavesTheLastCompleteValue() throws Exception {
        Path file = Files.createTempFile(directory, "killed", ".bin");
        Path output = Files.createTempFile(directory, "writer", ".out");
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE, 0, FLAGS + 4096)) {
            SharedValue value = SharedValue.create(m, VALUE, 256);
            Process writer = ChildJvm.of(HalfPublisher.class, file.toString()).start(output);
            try {
                SyncFiles.await(() -> m.getLongVolatile(READY) != 0, writer, output);
                assertEquals(1, value.version());
                assertEquals("complete", new String(value.read(), UTF_8));
                assertFalse(value.writerDied(), "alive: just slow");
                writer.destroyForcibly();
                writer.waitFor();
                assertTrue(value.writerDied());
                assertEquals(1, value.version());
                assertEquals("complete", new String(value.read(), UTF_8), "the half-written slot is never read");
                assertEquals(2, value.publish("next".getBytes(UTF_8)), "the next publish takes the claim over");
                assertFalse(value.writerDied());
                assertEquals("next", new String(value.read(), UTF_8));
                assertEquals(3, value.publish("after".getBytes(UTF_8)));
                assertEquals("after", new String(SharedValue.at(m, VALUE).read(), UTF_8));
            } finally {
                writer.destroyForcibly();
            }
        }
    }

    /** Arg: file. Publishes "complete", then does what publish does up to the middle of the copy, and sleeps. */
    public static final class HalfPublisher {
        public static void main(String[] args) throws Exception {
            Mapping m = Mapping.map(Paths.get(args[0]), MapMode.READ_WRITE);
            SharedValue value = SharedValue.at(m, VALUE);
            value.publish("complete".getBytes(UTF_8));
            SharedMutex.at(m, VALUE + SharedValueDescriptor.WRITER_OFFSET).lock();
            long slot = VALUE + SharedValueDescriptor.slotOffset(0, value.capacity()); // version 2's slot
            m.putLongVolatile(slot + SharedValueDescriptor.SLOT_SEQUENCE_OFFSET, 2 << 1 | 1);
            m.putInt(slot + SharedValueDescriptor.SLOT_LENGTH_OFFSET, 200);
            m.putBytes(slot + SharedValueDescriptor.SLOT_DATA_OFFSET, "garbage".getBytes(UTF_8), 0, 7);
            m.putLongVolatile(READY, 1);
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
            System.exit(3);
        }
    }

    /**
     * A writer process publishing 64 KiB values flat out is killed at an arbitrary moment: whatever it was doing,
     * readers get a complete, valid value, and a new writer publishes the next version.
     */
    @Test
    void writerKilledAnywhereLeavesAValidValue() throws Exception {
        Path file = Files.createTempFile(directory, "killed", ".bin");
        Path output = Files.createTempFile(directory, "writer", ".out");
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE, 0, FLAGS + 4096)) {
            SharedValue value = SharedValue.create(m, VALUE, 64 * 1024);
            Process writer = ChildJvm.of(StressWriter.class, file.toString()).start(output);
            try {
                SyncFiles.await(() -> value.version() > 200, writer, output);
                writer.destroyForcibly();
                writer.waitFor();
                long version = value.version();
                assertTrue(Values.check(value.read()) > 0, "a complete value");
                byte[] next = Values.make(1 << 30, 64 * 1024, new SplittableRandom(3));
                assertEquals(version + 1, value.publish(next));
                assertArrayEquals(next, value.read());
            } finally {
                writer.destroyForcibly();
            }
        }
    }

    /** Two writer processes publish at the same time: serialized, so every publish is a version of its own. */
    @Test
    void writerProcessesAreSerialized() throws Exception {
        int publishes = 3_000;
        Path file = Files.createTempFile(directory, "writers", ".bin");
        List<Process> writers = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE, 0, FLAGS + 4096)) {
            SharedValue value = SharedValue.create(m, VALUE, 512);
            for (int w = 0; w < 2; w++) {
                Path output = Files.createTempFile(directory, "writer", ".out");
                outputs.add(output);
                writers.add(ChildJvm.of(CountedWriter.class, file.toString(), Integer.toString(publishes))
                        .start(output));
            }
            SyncFiles.await(() -> m.getLongVolatile(READY) == 2, null, null);
            m.putLongVolatile(DONE, 1); // go
            for (int w = 0; w < 2; w++) {
                SyncFiles.assertExitsCleanly(writers.get(w), outputs.get(w));
            }
            assertEquals(2 * publishes, value.version());
            assertTrue(Values.check(value.read()) >= 0);
        } finally {
            writers.forEach(Process::destroyForcibly);
        }
    }

    /** Args: file, publishes. Checks that the versions its publishes return only grow. */
    public static final class CountedWriter {
        public static void main(String[] args) throws Exception {
            int publishes = Integer.parseInt(args[1]);
            try (Mapping m = Mapping.map(Paths.get(args[0]), MapMode.READ_WRITE)) {
                SharedValue value = SharedValue.at(m, VALUE);
                m.getAndAddLong(READY, 1);
                while (m.getLongVolatile(DONE) == 0) {
                    Thread.onSpinWait();
                }
                SplittableRandom random = new SplittableRandom();
                long last = 0;
                for (int i = 0; i < publishes; i++) {
                    long version = value.publish(Values.make(i, value.capacity(), random));
                    if (version <= last) {
                        System.out.println("version " + version + " after " + last);
                        System.exit(1);
                    }
                    last = version;
                }
            }
        }
    }
}
