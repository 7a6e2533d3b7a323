package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.invoke.VarHandle;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Phaser;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.jmmap.testing.ChildJvm;
import org.jmmap.testing.Stress;
import org.jmmap.testing.FileProbes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nothing crashes the JVM (DESIGN decision 3). Each risky scenario runs in a child JVM whose {@code main} checks
 * the documented behaviour itself and exits 0 only if it saw exactly that (otherwise 1, with the reason on
 * stdout). A HotSpot crash also ends the child with a non-zero status (1, not 134: the child runs with
 * {@code -XX:-CreateCoredumpOnCrash}, which makes HotSpot exit instead of abort), so every test asserts status 0.
 * The same children run on the JNI backend and, in the {@code jna-backend} surefire execution, on the JNA backend
 * ({@code -Djmmap.backend=jna}, which {@link ChildJvm} passes on).
 */
class MappingCrashSafetyTest {

    /** A child's round count, as {@link Stress} scales it. */
    private static String rounds(int rounds) {
        return Integer.toString(Stress.scaled(rounds));
    }

    private static void assertChildSurvives(ChildJvm child) throws Exception {
        ChildJvm.Result result = child.run();
        System.out.print(result.output); // the child's own summary, kept in the surefire report
        assertEquals(0, result.exitStatus, () -> (result.output.contains("# A fatal error has been detected")
                ? "the JVM crashed (with -XX:-CreateCoredumpOnCrash HotSpot exits with 1, not 134): " : "")
                + result);
    }

    // -----------------------------------------------------------------------------------------------------------
    // a. close() racing with reads

    /** Readers racing close() of anonymous memory see its data, zeros, or IllegalStateException; nothing else. */
    @Test
    void closeRacingWithReadsOfAnonymousMemory() throws Exception {
        assertChildSurvives(ChildJvm.of(CloseRacingReads.class, "anonymous", rounds(3000)));
    }

    /** The same for file mappings, whose range close() also tombstones. */
    @Test
    void closeRacingWithReadsOfFileMappings() throws Exception {
        assertChildSurvives(ChildJvm.of(CloseRacingReads.class, "file", rounds(3000)));
    }

    /**
     * Without the mapping's own bounds checks, element access to a closed mapping fails in the window array
     * instead (IndexOutOfBoundsException); racing reads still never touch unmapped memory.
     */
    @Test
    void closeRacingWithReadsWithoutBoundsChecks() throws Exception {
        assertChildSurvives(ChildJvm.of(CloseRacingReads.class, "anonymous", rounds(2000))
                .jvmOptions("-Djmmap.disable.bounds.checks=true"));
    }

    // -----------------------------------------------------------------------------------------------------------
    // b. stale asByteBuffer views

    /**
     * Views taken before close() or resize() read zeros, their writes reach neither the file nor the live mapping,
     * and their range stays mapped (and is not reused) while they are reachable, through many collections.
     */
    @Test
    void staleViewsReadZerosAndStayMappedThroughGarbageCollection() throws Exception {
        assertChildSurvives(ChildJvm.of(StaleViews.class, "200"));
    }

    // -----------------------------------------------------------------------------------------------------------
    // c. a file truncated underneath a live mapping

    /**
     * Truncated with RandomAccessFile.setLength: element access raises InternalError, bulk operations EFAULT (on
     * the JNA backend, InternalError as well).
     */
    @Test
    void fileTruncatedWithSetLength() throws Exception {
        assertChildSurvives(ChildJvm.of(TruncatedUnderneath.class, "setLength", rounds(1000))
                .jvmOptions(Child.KEEP_INTERPRETED));
    }

    /** Truncated with FileChannel.truncate. */
    @Test
    void fileTruncatedWithFileChannel() throws Exception {
        assertChildSurvives(ChildJvm.of(TruncatedUnderneath.class, "FileChannel", rounds(1000))
                .jvmOptions(Child.KEEP_INTERPRETED));
    }

    /** Truncated by another process ({@code truncate -s}), the case the Javadoc describes. */
    @Test
    void fileTruncatedByAnotherProcess() throws Exception {
        assertChildSurvives(ChildJvm.of(TruncatedUnderneath.class, "process", rounds(100))
                .jvmOptions(Child.KEEP_INTERPRETED));
    }

    /**
     * The atomics that read, modify and write (compareAndSet, getAndAdd, getAndSet) run in C under the SIGBUS
     * guard on file mappings: past the end of a truncated file they throw UncheckedIOException (EFAULT) at once,
     * like the bulk operations, instead of killing the JVM as HotSpot's own compare-and-set would. The JNA backend
     * has no guard for them (documented).
     */
    @Test
    void atomicReadModifyWriteOnTruncatedFile() throws Exception {
        assumeFalse(Child.JNA, "the JNA backend documents that these end the process");
        assertChildSurvives(ChildJvm.of(TruncatedUnderneath.class, "setLength", rounds(300), "read-modify-write")
                .jvmOptions(Child.KEEP_INTERPRETED));
    }

    // -----------------------------------------------------------------------------------------------------------
    // d. bad arguments

    /**
     * Negative, huge and overflowing offsets and lengths on every method throw the documented exception and
     * never touch memory; with the bounds checks disabled the ByteBuffers underneath still throw.
     */
    @ParameterizedTest(name = "jmmap.disable.bounds.checks={0}")
    @ValueSource(booleans = {false, true})
    void badArgumentsThrowAndNeverTouchMemory(boolean boundsChecksDisabled) throws Exception {
        assertChildSurvives(ChildJvm.of(BadArguments.class)
                .jvmOptions("-Djmmap.disable.bounds.checks=" + boundsChecksDisabled));
    }

    // ===========================================================================================================
    // Child JVM programs

    /** What every child shares: the failure protocol and the test data. */
    static final class Child {
        static final int PAGE = Mapping.pageSize();
        static final boolean JNA = "jna".equals(System.getProperty("jmmap.backend"));
        static final boolean BOUNDS_CHECKS = !Boolean.getBoolean("jmmap.disable.bounds.checks");
        /** Where reads go, so that the JIT cannot drop them. */
        static volatile long sink;

        private Child() {
        }

        /** Ends the child with status 1 and {@code message} on stdout. */
        static void fail(String message) {
            ChildJvm.fail(message);
        }

        static void check(boolean condition, String message) {
            if (!condition) {
                fail(message);
            }
        }

        static String stackTrace(Throwable t) {
            StringWriter text = new StringWriter();
            t.printStackTrace(new PrintWriter(text));
            return text.toString();
        }

        /** Deterministic bytes, none of them zero, so that a zero always means "tombstone". */
        static byte[] pattern(int length, long seed) {
            byte[] bytes = new byte[length];
            new Random(seed).nextBytes(bytes);
            for (int i = 0; i < length; i++) {
                if (bytes[i] == 0) {
                    bytes[i] = 1;
                }
            }
            return bytes;
        }

        static long nativeLong(byte[] bytes, int offset) {
            return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getLong(offset);
        }

        static Mapping anonymousWith(byte[] content) throws IOException {
            Mapping mapping = Mapping.anonymous(content.length);
            mapping.putBytes(0, content, 0, content.length);
            return mapping;
        }

        static byte[] contentOf(Mapping mapping) {
            return FileProbes.read(mapping, 0, (int) mapping.length());
        }

        /**
         * Lets a pending asynchronous InternalError surface. JDK 17 delivers one (raised by a faulting
         * {@code ByteBuffer} access in compiled code) only when the thread returns from a call into the VM
         * runtime; interpreted, {@code newarray} always makes such a call. {@link #KEEP_INTERPRETED} keeps this
         * method interpreted. (JDK 25 raises the error at once.)
         */
        static void deliverPendingAsyncErrors() {
            sink += new byte[1].length;
        }

        /** JVM options that keep {@link #deliverPendingAsyncErrors()} interpreted. */
        static final String[] KEEP_INTERPRETED = {"-XX:CompileCommand=quiet",
            "-XX:CompileCommand=exclude," + Child.class.getName() + "::deliverPendingAsyncErrors",
            "-XX:CompileCommand=dontinline," + Child.class.getName() + "::deliverPendingAsyncErrors"};
    }

    /** An operation under test; any exception counts. */
    @FunctionalInterface
    interface Operation {
        void run() throws Exception;
    }

    /**
     * args: {@code anonymous|file} rounds. Each round maps fresh memory holding {@link Child#pattern}, lets reader
     * threads loop over getLong/getBytes/indexOf/asByteBuffer reads, closes it from the main thread after a random
     * number of reads, and waits until every reader has seen it closed.
     */
    static final class CloseRacingReads {
        static final int LENGTH = 64 * 1024;
        static final int READERS = 3;
        static final int VIEW_LENGTH = 64;
        static final int NEEDLE_AT = 40_001;
        static final int NEEDLE_LENGTH = 16;

        final byte[] expected = Child.pattern(LENGTH, 42);
        final byte[] needle = Arrays.copyOfRange(expected, NEEDLE_AT, NEEDLE_AT + NEEDLE_LENGTH);
        final Phaser phaser = new Phaser(READERS + 1);
        final AtomicReference<String> failure = new AtomicReference<>();
        final AtomicLong reads = new AtomicLong();
        final AtomicLong dataReads = new AtomicLong();
        final AtomicLong zeroReads = new AtomicLong();
        final AtomicLong closedExceptions = new AtomicLong();
        volatile Mapping current;
        volatile boolean closing;
        volatile boolean finished;

        public static void main(String[] args) throws Exception {
            new CloseRacingReads().run(args[0], Integer.parseInt(args[1]));
        }

        void run(String kind, int rounds) throws Exception {
            Child.check(occurrences(expected, needle) == 1, "the needle must occur once in the pattern");
            Path file = null;
            if (kind.equals("file")) {
                file = Files.createTempFile("jmmap-race-", ".bin");
                Files.write(file, expected);
            }
            for (int i = 0; i < READERS; i++) {
                Thread reader = new Thread(this::readRounds, "reader-" + i);
                reader.setDaemon(true);
                reader.start();
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int round = 0; round < rounds; round++) {
                Mapping mapping = file == null ? Child.anonymousWith(expected) : Mapping.map(file, MapMode.READ_ONLY);
                current = mapping;
                closing = false;
                long readsBefore = reads.get();
                phaser.arriveAndAwaitAdvance(); // the readers start
                long closeAfter = random.nextInt(48); // reads by all readers together; 0: close at once
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (reads.get() - readsBefore < closeAfter && failure.get() == null
                        && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                closing = true;
                mapping.close();
                try {
                    // the readers stop once they have seen the mapping closed
                    phaser.awaitAdvanceInterruptibly(phaser.arrive(), 30, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    Child.fail("round " + round + ": a reader never saw the mapping closed");
                }
                if (failure.get() != null) {
                    Child.fail("round " + round + ": " + failure.get());
                }
            }
            finished = true;
            phaser.arriveAndAwaitAdvance();
            if (file != null) {
                Files.delete(file);
            }
            Child.check(closedExceptions.get() == (long) rounds * READERS,
                    "every reader must end every round on the closed state: " + closedExceptions.get());
            System.out.println("rounds=" + rounds + " reads=" + reads.get() + " data=" + dataReads.get()
                    + " zeros=" + zeroReads.get() + " closed=" + closedExceptions.get());
        }

        void readRounds() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            byte[] scratch = new byte[4096];
            while (true) {
                phaser.arriveAndAwaitAdvance();
                if (finished) {
                    return;
                }
                Mapping mapping = current;
                ByteBuffer held = null; // a view kept across reads, so that some of its reads come after close()
                long heldOffset = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline) {
                    try {
                        boolean zeros;
                        int choice = random.nextInt(5);
                        if (choice == 4 && held != null) {
                            zeros = readView(held, heldOffset, "held view");
                        } else if (choice == 4) {
                            heldOffset = random.nextInt((LENGTH - VIEW_LENGTH) / 8) * 8L;
                            held = mapping.asByteBuffer(heldOffset, VIEW_LENGTH).order(ByteOrder.nativeOrder());
                            zeros = readView(held, heldOffset, "new view");
                        } else {
                            zeros = readOnce(mapping, choice, random, scratch);
                        }
                        (zeros ? zeroReads : dataReads).incrementAndGet();
                        reads.incrementAndGet();
                    } catch (IllegalStateException | IndexOutOfBoundsException e) {
                        // The reader saw the region CLOSED, which close() stores after `closing`; the fence keeps
                        // the load of `closing` after the loads that saw it.
                        VarHandle.acquireFence();
                        if (!closing) {
                            failure.compareAndSet(null, "closed state seen before close(): " + Child.stackTrace(e));
                        } else if (e instanceof IndexOutOfBoundsException && Child.BOUNDS_CHECKS) {
                            failure.compareAndSet(null, "with bounds checks on, a closed mapping must throw "
                                    + "IllegalStateException: " + Child.stackTrace(e));
                        }
                        closedExceptions.incrementAndGet();
                        break;
                    } catch (Throwable t) {
                        failure.compareAndSet(null, "unexpected: " + Child.stackTrace(t));
                        break;
                    }
                }
                phaser.arriveAndAwaitAdvance();
            }
        }

        /** One read of kind {@code choice}; says whether it saw tombstone zeros, records a failure on wrong data. */
        boolean readOnce(Mapping mapping, int choice, ThreadLocalRandom random, byte[] scratch) {
            switch (choice) {
                case 0: {
                    int offset = random.nextInt(LENGTH / 8) * 8;
                    long value = mapping.getLong(offset);
                    expectDataOrZero(value, Child.nativeLong(expected, offset), "getLong(" + offset + ")");
                    return value == 0;
                }
                case 1: {
                    int length = 1 + random.nextInt(scratch.length);
                    int offset = random.nextInt(LENGTH - length + 1);
                    mapping.getBytes(offset, scratch, 0, length);
                    boolean zeros = false;
                    for (int i = 0; i < length; i++) {
                        if (scratch[i] == 0) {
                            zeros = true;
                        } else if (scratch[i] != expected[offset + i]) {
                            failure.compareAndSet(null, "getBytes(" + offset + ", " + length + ") byte " + i
                                    + " is " + scratch[i] + ", neither " + expected[offset + i] + " nor 0");
                        }
                    }
                    return zeros;
                }
                case 2: {
                    // The needle has no zero byte: a tombstone can hide it, never make it appear elsewhere.
                    long found = random.nextBoolean() ? mapping.indexOf(needle, 0, LENGTH)
                            : mapping.lastIndexOf(needle, 0, LENGTH);
                    if (found != NEEDLE_AT && found != -1) {
                        failure.compareAndSet(null, "needle found at " + found + ", expected " + NEEDLE_AT + " or -1");
                    }
                    return found == -1;
                }
                default: {
                    long offset = random.nextInt((LENGTH - VIEW_LENGTH) / 8) * 8L;
                    return readView(mapping.asByteBuffer(offset, VIEW_LENGTH).order(ByteOrder.nativeOrder()),
                            offset, "view");
                }
            }
        }

        /** Reading a view never throws, closed or not: data while the mapping is open, zeros after close. */
        boolean readView(ByteBuffer view, long offset, String what) {
            boolean zeros = false;
            for (int i = 0; i < VIEW_LENGTH; i += 8) {
                long value = view.getLong(i);
                zeros |= value == 0;
                expectDataOrZero(value, Child.nativeLong(expected, (int) offset + i), what + " at " + (offset + i));
            }
            return zeros;
        }

        void expectDataOrZero(long value, long expectedValue, String what) {
            if (value != 0 && value != expectedValue) {
                failure.compareAndSet(null, what + " read 0x" + Long.toHexString(value) + ", neither 0x"
                        + Long.toHexString(expectedValue) + " nor 0");
            }
        }

        static int occurrences(byte[] haystack, byte[] needle) {
            int count = 0;
            outer:
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                count++;
            }
            return count;
        }
    }

    /**
     * args: rounds. Takes views of closed and resized mappings (anonymous, read-write and read-only files, a view
     * crossing a 1 GiB window boundary), then keeps reading them while another thread runs System.gc() and fresh
     * mappings filled with 0x5A are made and closed: a range released too early would be reused (reads 0x5A) or
     * unmapped (crash). A view of a mapping dropped without close() must keep reading the mapping's data.
     */
    static final class StaleViews {
        static final int LENGTH = 16 * Child.PAGE;

        public static void main(String[] args) throws Exception {
            int rounds = Integer.parseInt(args[0]);
            Path directory = Files.createTempDirectory("jmmap-stale-");
            byte[] content = Child.pattern(LENGTH, 7);
            Map<String, ByteBuffer> stale = new LinkedHashMap<>();

            Mapping anonymous = Child.anonymousWith(content);
            stale.put("anonymous, closed", anonymous.asByteBuffer(0, LENGTH));
            anonymous.close();

            Path readWrite = directory.resolve("read-write");
            Files.write(readWrite, content);
            Mapping readWriteMapping = Mapping.map(readWrite, MapMode.READ_WRITE);
            stale.put("read-write file, closed", readWriteMapping.asByteBuffer(Child.PAGE, 2 * Child.PAGE));
            readWriteMapping.close();

            Path readOnly = directory.resolve("read-only");
            Files.write(readOnly, content);
            Mapping readOnlyMapping = Mapping.map(readOnly, MapMode.READ_ONLY);
            // Only a read-only slice of a slice stays reachable: it must keep the range mapped on its own.
            stale.put("read-only file, closed, slice of a slice",
                    readOnlyMapping.asByteBuffer(0, LENGTH).slice(100, 1000).asReadOnlyBuffer().slice(10, 500));
            readOnlyMapping.close();

            // A view crossing the boundary of the first 1 GiB window is a root buffer of its own.
            long boundary = 1L << 30;
            Mapping large = Mapping.anonymous(boundary + LENGTH, MapOption.NORESERVE);
            large.fill(boundary - 64, 4096, (byte) 0x11);
            ByteBuffer crossing = large.asByteBuffer(boundary - 64, 4096);
            Child.check(crossing.get(0) == 0x11 && crossing.get(4095) == 0x11, "a crossing view reads the mapping");
            stale.put("view crossing a window boundary, closed", crossing);
            large.close();

            Mapping resizedAnonymous = Child.anonymousWith(content);
            stale.put("anonymous, before growing", resizedAnonymous.asByteBuffer(0, LENGTH));
            resizedAnonymous.resize(2L * LENGTH);
            stale.put("anonymous, before shrinking", resizedAnonymous.asByteBuffer(0, 2 * LENGTH));
            resizedAnonymous.resize(LENGTH / 2);
            byte[] resizedAnonymousContent = Arrays.copyOf(content, LENGTH / 2);
            Child.check(Arrays.equals(Child.contentOf(resizedAnonymous), resizedAnonymousContent),
                    "resize keeps the common prefix");

            Path resizedFile = directory.resolve("resized");
            Files.write(resizedFile, content);
            Mapping resizedFileMapping = Mapping.map(resizedFile, MapMode.READ_WRITE);
            // Shrinking truncates the file: the view's pages past the new end must already be tombstoned.
            stale.put("read-write file, before shrinking", resizedFileMapping.asByteBuffer(0, LENGTH));
            resizedFileMapping.resize(LENGTH / 2);
            stale.put("read-write file, before growing", resizedFileMapping.asByteBuffer(0, LENGTH / 2));
            resizedFileMapping.resize(2L * LENGTH);
            byte[] resizedFileContent = Arrays.copyOf(Arrays.copyOf(content, LENGTH / 2), 2 * LENGTH);

            // Dropped without close(): the view alone keeps the live mapping, data and all.
            Mapping dropped = Child.anonymousWith(content);
            ByteBuffer live = dropped.asByteBuffer(0, LENGTH);
            dropped = null;

            AtomicBoolean stop = new AtomicBoolean();
            Thread collector = new Thread(() -> {
                while (!stop.get()) {
                    System.gc();
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "collector");
            collector.setDaemon(true);
            long collectionsBefore = collections();
            collector.start();
            long collections = 0;
            // at least `rounds` rounds, and as many more as it takes for rounds / 4 collections to have run
            for (int round = 0; round < rounds || collections < rounds / 4 && round < 100 * rounds; round++) {
                collections = collections() - collectionsBefore;
                try (Mapping fresh = Mapping.anonymous(LENGTH)) {
                    fresh.fill(0, LENGTH, (byte) 0x5A);
                }
                try (Mapping fresh = Mapping.map(readOnly, MapMode.READ_ONLY)) {
                    Child.sink += fresh.getLong(0);
                }
                for (Map.Entry<String, ByteBuffer> view : stale.entrySet()) {
                    expectZeros(view.getValue(), view.getKey() + ", round " + round);
                }
                for (int i = 0; i < LENGTH; i++) {
                    if (live.get(i) != content[i]) {
                        Child.fail("round " + round + ": a view of a mapping dropped without close() reads "
                                + live.get(i) + " at " + i + " instead of " + content[i]);
                    }
                }
            }
            stop.set(true);
            collector.join();
            collections = collections() - collectionsBefore;

            // Writes through stale views go nowhere: not into the files, not into the mappings now in use.
            for (Map.Entry<String, ByteBuffer> view : stale.entrySet()) {
                ByteBuffer buffer = view.getValue();
                if (buffer.isReadOnly()) {
                    try {
                        buffer.put(0, (byte) 1);
                        Child.fail(view.getKey() + ": a read-only view accepted a write");
                    } catch (ReadOnlyBufferException expected) {
                        // as for any read-only buffer
                    }
                    continue;
                }
                for (int i = 0; i < buffer.capacity(); i++) {
                    buffer.put(i, (byte) 0x77);
                }
            }
            Child.check(Arrays.equals(Files.readAllBytes(readWrite), content),
                    "writes through a stale view of a closed file mapping reached the file");
            Child.check(Arrays.equals(Child.contentOf(resizedAnonymous), resizedAnonymousContent),
                    "writes through a stale view reached the resized anonymous mapping");
            Child.check(Arrays.equals(Child.contentOf(resizedFileMapping), resizedFileContent),
                    "writes through a stale view reached the resized file mapping");
            Child.check(Arrays.equals(Files.readAllBytes(resizedFile), resizedFileContent),
                    "writes through a stale view reached the resized file");

            Reference.reachabilityFence(stale);
            Reference.reachabilityFence(live);
            resizedAnonymous.close();
            resizedFileMapping.close();
            for (Path file : new Path[] {readWrite, readOnly, resizedFile}) {
                Files.delete(file);
            }
            Files.delete(directory);
            System.out.println("stale views=" + stale.size() + " rounds=" + rounds + " collections=" + collections);
        }

        static long collections() {
            long count = 0;
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                count += Math.max(0, collector.getCollectionCount());
            }
            return count;
        }

        static void expectZeros(ByteBuffer view, String what) {
            for (int i = 0; i < view.capacity(); i++) {
                if (view.get(i) != 0) {
                    Child.fail(what + ": a stale view reads " + view.get(i) + " at " + i + " instead of 0");
                }
            }
        }
    }

    /**
     * args: {@code setLength|FileChannel|process} rounds. Each round maps a file of 8 pages (read-write in even
     * rounds, read-only in odd ones), truncates it to 1 page + 100 bytes, and checks the Javadoc's "When the file
     * shrinks underneath": element access past the end raises exactly one InternalError (possibly a little later);
     * bulk operations throw UncheckedIOException(ErrnoException EFAULT) synchronously on the JNI backend, and
     * behave like element access on the JNA backend.
     */
    static final class TruncatedUnderneath {
        static final int PAGE = Child.PAGE;
        static final int LENGTH = 8 * PAGE;
        static final int KEPT = PAGE + 100;
        /** An offset in a page entirely past the new end of the file. */
        static final int PAST = 3 * PAGE;

        static int elementFaults;
        static int lateElementFaults;
        static int bulkFaults;

        public static void main(String[] args) throws Exception {
            String how = args[0];
            int rounds = Integer.parseInt(args[1]);
            boolean readModifyWrite = args.length > 2 && args[2].equals("read-modify-write");
            Path directory = Files.createTempDirectory("jmmap-truncated-");
            Path file = directory.resolve("data");
            byte[] content = Child.pattern(LENGTH, 3);
            byte[] needle = Arrays.copyOfRange(content, 6 * PAGE + 5, 6 * PAGE + 21); // only past the new end
            byte[] array = new byte[3 * PAGE];
            for (int round = 0; round < rounds; round++) {
                Files.write(file, content);
                boolean writable = readModifyWrite || round % 2 == 0;
                Mapping mapping = Mapping.map(file, writable ? MapMode.READ_WRITE : MapMode.READ_ONLY);
                Child.check(mapping.getLong(PAST) == Child.nativeLong(content, PAST), "mapped before truncation");
                ByteBuffer view = mapping.asByteBuffer(PAST, 64);

                truncate(how, file);

                // What is still backed reads as before; the rest of the last page reads zeros.
                Child.check(mapping.getLong(8) == Child.nativeLong(content, 8), "page 0 after truncation");
                Child.check(mapping.getByte(KEPT - 1) == content[KEPT - 1], "the last byte of the file");
                Child.check(mapping.getByte(KEPT) == 0, "the last page past the end of the file reads zeros");

                if (readModifyWrite) {
                    bulk("compareAndSetInt", () -> mapping.compareAndSetInt(PAST, 0, 42));
                    bulk("compareAndSetLong", () -> mapping.compareAndSetLong(PAST + 8, 0, 42));
                    bulk("getAndAddInt", () -> Child.sink += mapping.getAndAddInt(PAST + 16, 1));
                    bulk("getAndAddLong", () -> Child.sink += mapping.getAndAddLong(PAST + 24, 1));
                    bulk("getAndSetInt", () -> Child.sink += mapping.getAndSetInt(PAST + 32, 42));
                    bulk("getAndSetLong", () -> Child.sink += mapping.getAndSetLong(PAST + 40, 42));
                    mapping.close();
                    continue;
                }
                element("getLong", () -> Child.sink += mapping.getLong(PAST));
                element("getByte", () -> Child.sink += mapping.getByte(PAST + 1));
                element("getDouble(BIG_ENDIAN)",
                        () -> Child.sink += (long) mapping.getDouble(PAST + 16, ByteOrder.BIG_ENDIAN));
                element("getIntVolatile", () -> Child.sink += mapping.getIntVolatile(PAST + 4));
                element("getLongAcquire", () -> Child.sink += mapping.getLongAcquire(PAST + 2 * PAGE));
                element("view.getLong", () -> Child.sink += view.getLong(8));
                bulk("getBytes(byte[])", () -> mapping.getBytes(PAGE, array, 0, array.length));
                bulk("getBytes(direct ByteBuffer)", () -> mapping.getBytes(PAST, ByteBuffer.allocateDirect(100)));
                bulk("getBytes(heap ByteBuffer)", () -> mapping.getBytes(PAST, ByteBuffer.allocate(100)));
                bulk("indexOf", () -> mapping.indexOf(needle, 0, LENGTH));
                bulk("lastIndexOf", () -> mapping.lastIndexOf(needle, 0, LENGTH));
                if (writable) {
                    element("putLong", () -> mapping.putLong(PAST, 42));
                    element("putByte", () -> mapping.putByte(PAST + 3, (byte) 42));
                    element("putIntVolatile", () -> mapping.putIntVolatile(PAST + 8, 42));
                    element("putLongRelease", () -> mapping.putLongRelease(PAST + 16, 42));
                    element("view.putLong", () -> view.putLong(16, 42));
                    bulk("putBytes(byte[])", () -> mapping.putBytes(PAGE, array, 0, array.length));
                    bulk("putBytes(direct ByteBuffer)",
                            () -> mapping.putBytes(PAST, ByteBuffer.allocateDirect(100)));
                    bulk("putBytes(heap ByteBuffer)", () -> mapping.putBytes(PAST, ByteBuffer.allocate(100)));
                    bulk("putBytes(read-only heap ByteBuffer)",
                            () -> mapping.putBytes(PAST, ByteBuffer.allocate(100).asReadOnlyBuffer()));
                    bulk("copy from past the end", () -> mapping.copy(PAST, 0, 100));
                    bulk("copy to past the end", () -> mapping.copy(0, PAST, 100));
                    bulk("fill", () -> mapping.fill(PAGE, 2L * PAGE, (byte) 7));
                }
                mapping.close();
                Child.check(!mapping.isOpen(), "close() after faults");
            }
            Files.delete(file);
            Files.delete(directory);
            System.out.println("backend=" + (Child.JNA ? "jna" : "jni") + " rounds=" + rounds + " element faults="
                    + elementFaults + " (delivered late: " + lateElementFaults + ") bulk EFAULTs=" + bulkFaults);
        }

        static void truncate(String how, Path file) throws Exception {
            switch (how) {
                case "setLength":
                    try (RandomAccessFile random = new RandomAccessFile(file.toFile(), "rw")) {
                        random.setLength(KEPT);
                    }
                    break;
                case "FileChannel":
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        channel.truncate(KEPT);
                    }
                    break;
                case "process":
                    Process truncate = new ProcessBuilder("truncate", "-s", Integer.toString(KEPT), file.toString())
                            .inheritIO().start();
                    Child.check(truncate.waitFor() == 0, "truncate -s failed");
                    break;
                default:
                    throw new IllegalArgumentException(how);
            }
            Child.check(Files.size(file) == KEPT, "the file was truncated");
        }

        /**
         * A block whose access faults must raise exactly one InternalError, inside the block or, asynchronously,
         * when the thread next returns from native code.
         */
        static void element(String what, Operation block) {
            int errors = 0;
            try {
                block.run();
                Child.deliverPendingAsyncErrors();
            } catch (InternalError expected) {
                errors++;
            } catch (Throwable t) {
                Child.fail(what + " past the end of the file: expected InternalError, got " + Child.stackTrace(t));
            }
            try {
                Child.deliverPendingAsyncErrors();
            } catch (InternalError late) {
                errors++;
                lateElementFaults++;
            }
            if (errors != 1) {
                Child.fail(what + " past the end of the file: expected one InternalError, got " + errors);
            }
            elementFaults++;
        }

        /** On the JNI backend: UncheckedIOException(ErrnoException EFAULT) from the call itself, nothing later. */
        static void bulk(String what, Operation operation) {
            if (Child.JNA) {
                element(what, operation);
                return;
            }
            try {
                operation.run();
                Child.fail(what + " past the end of the file: no exception");
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof ErrnoException)
                        || !((ErrnoException) e.getCause()).errnoName().equals("EFAULT")) {
                    Child.fail(what + ": expected an ErrnoException EFAULT as the cause: " + Child.stackTrace(e));
                }
            } catch (Throwable t) {
                Child.fail(what + " past the end of the file: expected UncheckedIOException, got "
                        + Child.stackTrace(t));
            }
            try {
                Child.deliverPendingAsyncErrors();
            } catch (InternalError e) {
                Child.fail(what + ": the fault reached HotSpot as well: " + Child.stackTrace(e));
            }
            bulkFaults++;
        }
    }

    /**
     * Calls every method with negative, huge and overflowing offsets and lengths on a mapping filled with a
     * pattern, expects the documented exception each time, and finally checks the pattern is intact (no bad write
     * landed anywhere). Then checks that a closed mapping refuses everything.
     */
    static final class BadArguments {
        static final int LENGTH = 4 * Child.PAGE;
        /** Offsets outside every mapping of LENGTH bytes; some alias window 0 if only the low bits count. */
        static final long[] OFFSETS = {-1, -8, Long.MIN_VALUE, Long.MIN_VALUE + 8, Long.MAX_VALUE,
            Long.MAX_VALUE - 7, Integer.MIN_VALUE, Integer.MAX_VALUE, LENGTH, 1L << 31, 1L << 32, (1L << 32) + 8,
            1L << 40, 1L << 62, (1L << 62) + 8, -(1L << 62), -(1L << 30)};
        /** (offset, length) pairs out of range for a mapping of LENGTH bytes, lengths fitting an int. */
        static final long[][] INT_RANGES = {{-1, 8}, {0, -1}, {8, Integer.MIN_VALUE}, {Long.MIN_VALUE, 8},
            {Long.MAX_VALUE, 1}, {Long.MAX_VALUE - 3, 8}, {LENGTH, 1}, {LENGTH - 4, 8}, {0, LENGTH + 1},
            {1, Integer.MAX_VALUE}, {1L << 62, 8}, {-(1L << 62), 8}, {Integer.MAX_VALUE, Integer.MAX_VALUE}};
        /** The same with long lengths, including sums that overflow. */
        static final long[][] LONG_RANGES;

        static {
            List<long[]> ranges = new ArrayList<>(Arrays.asList(INT_RANGES));
            ranges.addAll(Arrays.asList(new long[][] {{1, Long.MAX_VALUE}, {Long.MAX_VALUE, Long.MAX_VALUE},
                {0, Long.MIN_VALUE}, {Long.MIN_VALUE, Long.MIN_VALUE}, {8, Long.MAX_VALUE - 4}, {1L << 62, 1L << 62},
                {-LENGTH, 2L * LENGTH}}));
            LONG_RANGES = ranges.toArray(new long[0][]);
        }

        static int cases;

        public static void main(String[] args) throws Exception {
            Path directory = Files.createTempDirectory("jmmap-bad-");
            Path file = directory.resolve("data");
            byte[] content = Child.pattern(LENGTH, 5);
            Files.write(file, content);
            try (Mapping anonymous = Child.anonymousWith(content);
                 Mapping fileMapping = Mapping.map(file, MapMode.READ_WRITE)) {
                for (Mapping mapping : new Mapping[] {anonymous, fileMapping}) {
                    elementAccess(mapping);
                    bulkAndRangeOperations(mapping);
                    Child.check(Arrays.equals(Child.contentOf(mapping), content),
                            mapping + ": a call with bad arguments changed the mapping's content");
                }
                resize(anonymous, content, "ENOMEM");
                resize(fileMapping, content, "EFBIG");
            }
            creation(file);
            Child.check(Arrays.equals(Files.readAllBytes(file), content), "failed maps must leave the file as it was");
            closed(Mapping.anonymous(LENGTH));
            closed(Mapping.map(file, MapMode.READ_WRITE));
            Files.delete(file);
            Files.delete(directory);
            System.out.println("bounds checks=" + Child.BOUNDS_CHECKS + " cases=" + cases);
        }

        /** Every get/put/atomic method at every bad offset. */
        static void elementAccess(Mapping m) {
            Map<String, ElementOperation> operations = elementOperations(m);
            for (Map.Entry<String, ElementOperation> operation : operations.entrySet()) {
                List<Long> offsets = new ArrayList<>();
                for (long offset : OFFSETS) {
                    offsets.add(offset);
                }
                int size = operation.getValue().size;
                offsets.add((long) LENGTH - size + 1); // straddles the end
                for (long offset : offsets) {
                    String what = m + ": " + operation.getKey() + "(" + offset + ")";
                    if (Child.BOUNDS_CHECKS) {
                        expect(what, () -> operation.getValue().body.accept(offset), IndexOutOfBoundsException.class);
                    } else {
                        // The ByteBuffer underneath checks; atomics check alignment first.
                        expect(what, () -> operation.getValue().body.accept(offset), IndexOutOfBoundsException.class,
                                IllegalArgumentException.class);
                    }
                }
            }
        }

        /** A method taking an offset, and the size of the element it accesses. */
        static final class ElementOperation {
            final int size;
            final LongConsumer body;

            ElementOperation(int size, LongConsumer body) {
                this.size = size;
                this.body = body;
            }
        }

        static Map<String, ElementOperation> elementOperations(Mapping m) {
            ByteOrder big = ByteOrder.BIG_ENDIAN;
            Map<String, ElementOperation> o = new LinkedHashMap<>();
            o.put("getByte", new ElementOperation(1, at -> Child.sink += m.getByte(at)));
            o.put("putByte", new ElementOperation(1, at -> m.putByte(at, (byte) 0x33)));
            o.put("getShort", new ElementOperation(2, at -> Child.sink += m.getShort(at)));
            o.put("putShort", new ElementOperation(2, at -> m.putShort(at, (short) 0x3333)));
            o.put("getShort(order)", new ElementOperation(2, at -> Child.sink += m.getShort(at, big)));
            o.put("putShort(order)", new ElementOperation(2, at -> m.putShort(at, (short) 0x3333, big)));
            o.put("getInt", new ElementOperation(4, at -> Child.sink += m.getInt(at)));
            o.put("putInt", new ElementOperation(4, at -> m.putInt(at, 0x33333333)));
            o.put("getInt(order)", new ElementOperation(4, at -> Child.sink += m.getInt(at, big)));
            o.put("putInt(order)", new ElementOperation(4, at -> m.putInt(at, 0x33333333, big)));
            o.put("getLong", new ElementOperation(8, at -> Child.sink += m.getLong(at)));
            o.put("putLong", new ElementOperation(8, at -> m.putLong(at, 0x3333333333333333L)));
            o.put("getLong(order)", new ElementOperation(8, at -> Child.sink += m.getLong(at, big)));
            o.put("putLong(order)", new ElementOperation(8, at -> m.putLong(at, 0x3333333333333333L, big)));
            o.put("getFloat", new ElementOperation(4, at -> Child.sink += (long) m.getFloat(at)));
            o.put("putFloat", new ElementOperation(4, at -> m.putFloat(at, 3.3f)));
            o.put("getFloat(order)", new ElementOperation(4, at -> Child.sink += (long) m.getFloat(at, big)));
            o.put("putFloat(order)", new ElementOperation(4, at -> m.putFloat(at, 3.3f, big)));
            o.put("getDouble", new ElementOperation(8, at -> Child.sink += (long) m.getDouble(at)));
            o.put("putDouble", new ElementOperation(8, at -> m.putDouble(at, 3.3)));
            o.put("getDouble(order)", new ElementOperation(8, at -> Child.sink += (long) m.getDouble(at, big)));
            o.put("putDouble(order)", new ElementOperation(8, at -> m.putDouble(at, 3.3, big)));
            o.put("getIntVolatile", new ElementOperation(4, at -> Child.sink += m.getIntVolatile(at)));
            o.put("putIntVolatile", new ElementOperation(4, at -> m.putIntVolatile(at, 0x33333333)));
            o.put("getIntAcquire", new ElementOperation(4, at -> Child.sink += m.getIntAcquire(at)));
            o.put("putIntRelease", new ElementOperation(4, at -> m.putIntRelease(at, 0x33333333)));
            o.put("compareAndSetInt", new ElementOperation(4, at -> m.compareAndSetInt(at, 0, 0x33333333)));
            o.put("getAndAddInt", new ElementOperation(4, at -> m.getAndAddInt(at, 0x33333333)));
            o.put("getAndSetInt", new ElementOperation(4, at -> m.getAndSetInt(at, 0x33333333)));
            o.put("getLongVolatile", new ElementOperation(8, at -> Child.sink += m.getLongVolatile(at)));
            o.put("putLongVolatile", new ElementOperation(8, at -> m.putLongVolatile(at, 0x3333333333333333L)));
            o.put("getLongAcquire", new ElementOperation(8, at -> Child.sink += m.getLongAcquire(at)));
            o.put("putLongRelease", new ElementOperation(8, at -> m.putLongRelease(at, 0x3333333333333333L)));
            o.put("compareAndSetLong", new ElementOperation(8, at -> m.compareAndSetLong(at, 0, 1)));
            o.put("getAndAddLong", new ElementOperation(8, at -> m.getAndAddLong(at, 0x3333333333333333L)));
            o.put("getAndSetLong", new ElementOperation(8, at -> m.getAndSetLong(at, 0x3333333333333333L)));
            return o;
        }

        /** Bulk operations, views and kernel services: always checked, always IndexOutOfBoundsException. */
        static void bulkAndRangeOperations(Mapping m) {
            byte[] array = new byte[LENGTH + 16];
            byte[] needle = {1, 2, 3};
            for (long[] range : INT_RANGES) {
                long offset = range[0];
                int length = (int) range[1];
                String at = "(" + offset + ", " + length + ")";
                outOfBounds(m + ": getBytes(byte[])" + at, () -> m.getBytes(offset, array, 0, length));
                outOfBounds(m + ": putBytes(byte[])" + at, () -> m.putBytes(offset, array, 0, length));
                outOfBounds(m + ": asByteBuffer" + at, () -> m.asByteBuffer(offset, length));
                if (length >= 0 && length <= LENGTH + 1) {
                    for (ByteBuffer buffer : new ByteBuffer[] {ByteBuffer.allocate(length),
                        ByteBuffer.allocateDirect(length), ByteBuffer.allocate(length).asReadOnlyBuffer()}) {
                        String kind = buffer.isDirect() ? "direct" : buffer.isReadOnly() ? "read-only" : "heap";
                        if (!buffer.isReadOnly()) {
                            outOfBounds(m + ": getBytes(" + kind + " ByteBuffer)" + at,
                                    () -> m.getBytes(offset, buffer));
                        }
                        outOfBounds(m + ": putBytes(" + kind + " ByteBuffer)" + at, () -> m.putBytes(offset, buffer));
                    }
                }
            }
            for (long[] range : LONG_RANGES) {
                long offset = range[0];
                long length = range[1];
                String at = "(" + offset + ", " + length + ")";
                outOfBounds(m + ": copy(from)" + at, () -> m.copy(offset, 0, length));
                outOfBounds(m + ": copy(to)" + at, () -> m.copy(0, offset, length));
                outOfBounds(m + ": copy(both)" + at, () -> m.copy(offset, offset, length));
                outOfBounds(m + ": fill" + at, () -> m.fill(offset, length, (byte) 0x33));
                outOfBounds(m + ": sync" + at, () -> m.sync(offset, length, SyncMode.SYNC));
                outOfBounds(m + ": advise" + at, () -> m.advise(offset, length, Advice.NORMAL));
                outOfBounds(m + ": advise(DONT_NEED)" + at, () -> m.advise(offset, length, Advice.DONT_NEED));
                outOfBounds(m + ": lockPages" + at, () -> m.lockPages(offset, length));
                outOfBounds(m + ": lockPages(onFault)" + at, () -> m.lockPages(offset, length, true));
                outOfBounds(m + ": unlockPages" + at, () -> m.unlockPages(offset, length));
                outOfBounds(m + ": residency" + at, () -> m.residency(offset, length));
                // indexOf and lastIndexOf take [from, to): the same pairs, read as bounds
                outOfBounds(m + ": indexOf(from, to)" + at, () -> m.indexOf(needle, offset, length));
                outOfBounds(m + ": lastIndexOf(from, to)" + at, () -> m.lastIndexOf(needle, offset, length));
            }
            // The array side of the copies is checked too.
            for (int[] slice : new int[][] {{-1, 8}, {array.length, 8}, {8, -1}, {Integer.MAX_VALUE, 8},
                {8, Integer.MAX_VALUE}, {Integer.MIN_VALUE, Integer.MIN_VALUE}}) {
                String at = "(array offset " + slice[0] + ", length " + slice[1] + ")";
                outOfBounds(m + ": getBytes" + at, () -> m.getBytes(0, array, slice[0], slice[1]));
                outOfBounds(m + ": putBytes" + at, () -> m.putBytes(0, array, slice[0], slice[1]));
            }
            expect(m + ": indexOf(null)", () -> m.indexOf(null, 0, LENGTH), NullPointerException.class);
            expect(m + ": getBytes(null)", () -> m.getBytes(0, (byte[]) null, 0, 8), NullPointerException.class);
        }

        /** Failed resizes leave the mapping as it was. */
        static void resize(Mapping m, byte[] content, String hugeErrno) {
            for (long newLength : new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
                expect(m + ": resize(" + newLength + ")", () -> m.resize(newLength), IllegalArgumentException.class);
            }
            // An anonymous petabyte exceeds the address space; a file of a petabyte, what ext4 or tmpfs allow.
            expectErrno(m + ": resize(1 PiB)", () -> m.resize(1L << 50), hugeErrno);
            Child.check(m.length() == LENGTH && Arrays.equals(Child.contentOf(m), content),
                    m + ": a failed resize changed the mapping");
        }

        static void creation(Path file) {
            long page = Child.PAGE;
            for (MapMode mode : MapMode.values()) {
                for (long[] range : new long[][] {{-1, 8}, {Long.MIN_VALUE, 8}, {0, 0}, {0, -1}, {0, Long.MIN_VALUE},
                    {Long.MAX_VALUE, 1}, {1, Long.MAX_VALUE}, {Long.MAX_VALUE - page, 1},
                    {Long.MAX_VALUE / 2, Long.MAX_VALUE / 2 + 2}}) {
                    expect("map(" + mode + ", " + range[0] + ", " + range[1] + ")",
                            () -> Mapping.map(file, mode, range[0], range[1]).close(), IllegalArgumentException.class);
                }
                expect("map(null file)", () -> Mapping.map(null, mode, 0, 8).close(), NullPointerException.class);
            }
            expect("map(null mode)", () -> Mapping.map(file, null, 0, 8).close(), NullPointerException.class);
            // Past the end of the file: READ_ONLY and PRIVATE refuse, READ_WRITE cannot extend the file that far.
            for (MapMode mode : new MapMode[] {MapMode.READ_ONLY, MapMode.PRIVATE}) {
                expect("map(" + mode + ", 1 PiB)", () -> Mapping.map(file, mode, 1L << 50, 8).close(),
                        EOFException.class);
                expect("map(" + mode + ", past the end)", () -> Mapping.map(file, mode, 0, LENGTH + 1).close(),
                        EOFException.class);
            }
            expectErrno("map(READ_WRITE, 1 PiB)", () -> Mapping.map(file, MapMode.READ_WRITE, 1L << 50, 8).close(),
                    "EFBIG");
            for (long length : new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - page}) {
                expect("anonymous(" + length + ")", () -> Mapping.anonymous(length).close(),
                        IllegalArgumentException.class);
            }
            expectErrno("anonymous(1 PiB)", () -> Mapping.anonymous(1L << 50).close(), "ENOMEM");
        }

        /** After close(), every method but close() and isOpen() throws IllegalStateException. */
        static void closed(Mapping m) {
            m.close();
            m.close(); // idempotent
            Child.check(!m.isOpen(), "isOpen() after close()");
            for (Map.Entry<String, ElementOperation> operation : elementOperations(m).entrySet()) {
                if (Child.BOUNDS_CHECKS) {
                    expect("closed: " + operation.getKey(), () -> operation.getValue().body.accept(0),
                            IllegalStateException.class);
                } else {
                    // Without the checks, the closed state shows up as an empty window array (or, for atomic
                    // writes, in the writability check that comes first).
                    expect("closed: " + operation.getKey(), () -> operation.getValue().body.accept(0),
                            IndexOutOfBoundsException.class, IllegalStateException.class);
                }
            }
            byte[] array = new byte[8];
            Map<String, Operation> others = new LinkedHashMap<>();
            others.put("length", m::length);
            others.put("mode", m::mode);
            others.put("file", m::file);
            others.put("address", m::address);
            others.put("getBytes(byte[])", () -> m.getBytes(0, array, 0, 8));
            others.put("putBytes(byte[])", () -> m.putBytes(0, array, 0, 8));
            others.put("getBytes(ByteBuffer)", () -> m.getBytes(0, ByteBuffer.allocate(8)));
            others.put("putBytes(ByteBuffer)", () -> m.putBytes(0, ByteBuffer.allocate(8)));
            others.put("copy", () -> m.copy(0, 8, 8));
            others.put("fill", () -> m.fill(0, 8, (byte) 1));
            others.put("indexOf", () -> m.indexOf(array, 0, 8));
            others.put("lastIndexOf", () -> m.lastIndexOf(array, 0, 8));
            others.put("asByteBuffer", () -> m.asByteBuffer(0, 8));
            others.put("sync()", m::sync);
            others.put("sync(range)", () -> m.sync(0, 8, SyncMode.SYNC));
            others.put("advise()", () -> m.advise(Advice.NORMAL));
            others.put("advise(range)", () -> m.advise(0, 8, Advice.NORMAL));
            others.put("lockPages()", m::lockPages);
            others.put("lockPages(range)", () -> m.lockPages(0, 8));
            others.put("unlockPages()", m::unlockPages);
            others.put("unlockPages(range)", () -> m.unlockPages(0, 8));
            others.put("residency()", m::residency);
            others.put("residency(range)", () -> m.residency(0, 8));
            others.put("resize", () -> m.resize(2L * LENGTH));
            for (Map.Entry<String, Operation> operation : others.entrySet()) {
                expect("closed: " + operation.getKey(), operation.getValue(), IllegalStateException.class);
            }
        }

        static void outOfBounds(String what, Operation operation) {
            expect(what, operation, IndexOutOfBoundsException.class);
        }

        static void expect(String what, Operation operation, Class<?>... allowed) {
            cases++;
            try {
                operation.run();
            } catch (Throwable t) {
                for (Class<?> type : allowed) {
                    if (type.isInstance(t)) {
                        return;
                    }
                }
                Child.fail(what + ": expected " + Arrays.toString(allowed) + ", got " + Child.stackTrace(t));
            }
            Child.fail(what + ": expected " + Arrays.toString(allowed) + ", but no exception was thrown");
        }

        static void expectErrno(String what, Operation operation, String errnoName) {
            cases++;
            try {
                operation.run();
            } catch (ErrnoException e) {
                Child.check(e.errnoName().equals(errnoName), what + ": expected " + errnoName + ", got "
                        + Child.stackTrace(e));
                return;
            } catch (Throwable t) {
                Child.fail(what + ": expected ErrnoException " + errnoName + ", got " + Child.stackTrace(t));
            }
            Child.fail(what + ": expected ErrnoException " + errnoName + ", but no exception was thrown");
        }
    }
}
