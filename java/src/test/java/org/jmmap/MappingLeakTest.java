package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Mapping and unmapping leaks nothing: after many map/close cycles (or maps that are merely dropped), once the
 * Cleaner has run, the process has as many descriptors ({@code /proc/self/fd}) and memory mappings
 * ({@code /proc/self/maps} lines) as before. Each scenario runs in a child JVM, so that the counts are the child's
 * own and a failure cannot disturb other tests.
 */
class MappingLeakTest {

    /**
     * Keeps the JVM's own mappings and descriptors still, so that every change in the counts is jmmap's: a fixed
     * heap, and all GC and compiler threads (each with a stack and malloc arenas) started up front.
     */
    private static final String[] STILL_JVM = {"-Xms256m", "-Xmx256m", "-XX:-UseDynamicNumberOfCompilerThreads",
        "-XX:-UseDynamicNumberOfGCThreads"};

    private static void assertChildSucceeds(ChildJvm child) throws Exception {
        ChildJvm.Result result = child.timeoutSeconds(120).run();
        System.out.print(result.output); // the child's own summary, kept in the surefire report
        assertEquals(0, result.exitStatus, result::toString);
    }

    /**
     * 100 000 cycles of map, touch, then close() or drop: descriptors and mappings come back to where they started.
     * Read-write file mappings hold a descriptor until close(); dropped mappings release everything through the
     * Cleaner only.
     */
    @ParameterizedTest(name = "{0} mappings, {1}")
    @CsvSource({"anonymous, close", "anonymous, drop", "read-only, close", "read-only, drop", "read-write, close",
        "read-write, drop"})
    void mapCyclesLeaveDescriptorsAndMappingsAsTheyWere(String kind, String ending) throws Exception {
        assertChildSucceeds(ChildJvm.of(Cycles.class, kind, ending, "100000").jvmOptions(STILL_JVM));
    }

    /**
     * Ranges waiting for the garbage collector (tombstones of closed mappings, or mappings dropped without close)
     * hold address space. When mmap fails with ENOMEM because of them, jmmap runs the collector and retries: here
     * 200 maps of 128 MiB each succeed under an address-space limit ({@code RLIMIT_AS}) that leaves room for 8.
     */
    @ParameterizedTest(name = "{0} mappings, {1}")
    @CsvSource({"anonymous, close", "anonymous, drop", "file, close", "file, drop"})
    void enomemFromRangesWaitingForTheCollectorIsRetriedAfterCollecting(String kind, String ending)
            throws Exception {
        assertChildSucceeds(ChildJvm.of(AddressSpaceExhaustion.class, kind, ending, "200").jvmOptions(STILL_JVM));
    }

    /**
     * Dropped file mappings are separate kernel mappings each (they do not merge like tombstones do), so 100 000
     * of them exceed {@code vm.max_map_count} (65530) unless collected in time. With a young generation so large
     * that allocation alone never triggers a collection, only jmmap's ENOMEM handling can reclaim them.
     */
    @ParameterizedTest(name = "{0} mappings")
    @CsvSource({"read-only", "read-write"})
    void droppedMappingsBeyondMaxMapCountAreReclaimedOnDemand(String kind) throws Exception {
        assertChildSucceeds(ChildJvm.of(Cycles.class, kind, "drop", "100000")
                .jvmOptions("-Xms2g", "-Xmx2g", "-Xmn1536m", "-XX:-UseDynamicNumberOfCompilerThreads",
                        "-XX:-UseDynamicNumberOfGCThreads"));
    }

    // ===========================================================================================================
    // Child JVM programs

    /** Counting and settling, shared by the children. */
    static final class Counts {
        private Counts() {
        }

        static void fail(String message) {
            ChildJvm.fail(message);
        }

        static List<String> mapsLines() throws IOException {
            return Files.readAllLines(Paths.get("/proc/self/maps"));
        }

        static long descriptors() throws IOException {
            try (Stream<Path> entries = Files.list(Paths.get("/proc/self/fd"))) {
                return entries.count();
            }
        }

        /**
         * Collects garbage until the Cleaner has released every tombstone and the counts equal the targets;
         * false if that does not happen within the timeout.
         */
        static boolean settle(long descriptorsTarget, long mapsTarget, long timeoutSeconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(10);
                // Fewer maps lines is not a leak: the C library's malloc arenas and the JVM's own areas shrink
                // and merge on their own schedule (seen with JNA's allocations on JDK 25); a leak of 100 000
                // cycles adds lines.
                if (descriptors() == descriptorsTarget && mapsLines().size() <= mapsTarget
                        && Region.pendingTombstones() == 0) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Collects garbage until the counts have stayed the same through {@code rounds} collections in a row and
         * no tombstone is pending, so that nothing left over from the warm-up is counted in the baseline.
         */
        static boolean settleUntilStill(int rounds, long timeoutSeconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            long descriptors = -1;
            long maps = -1;
            int still = 0;
            while (System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(10);
                long nowDescriptors = descriptors();
                long nowMaps = mapsLines().size();
                boolean same = nowDescriptors == descriptors && nowMaps == maps && Region.pendingTombstones() == 0;
                still = same ? still + 1 : 0;
                if (still == rounds) {
                    return true;
                }
                descriptors = nowDescriptors;
                maps = nowMaps;
            }
            return false;
        }

        /** The lines of {@code now} that {@code before} lacks, and the other way round, for a failure message. */
        static String difference(List<String> before, List<String> now) {
            StringBuilder text = new StringBuilder();
            Set<String> old = new HashSet<>(before);
            Set<String> current = new HashSet<>(now);
            now.stream().filter(line -> !old.contains(line)).limit(20).forEach(l -> text.append("\n  + ").append(l));
            before.stream().filter(line -> !current.contains(line)).limit(20)
                    .forEach(l -> text.append("\n  - ").append(l));
            return text.toString();
        }
    }

    /**
     * args: {@code anonymous|read-only|read-write} {@code close|drop} cycles. Warms up, takes the counts, runs the
     * cycles, then collects garbage until the counts are back (30 s at most).
     */
    static final class Cycles {
        static final int LENGTH = 2 * Mapping.pageSize();
        static volatile long sink;

        public static void main(String[] args) throws Exception {
            String kind = args[0];
            boolean close = args[1].equals("close");
            int cycles = Integer.parseInt(args[2]);
            Path file = Files.createTempFile("jmmap-leak-", ".bin");
            Files.write(file, new byte[LENGTH]);

            for (int i = 0; i < 5_000; i++) { // loads and compiles everything the cycles use
                cycle(kind, file, close);
            }
            if (!Counts.settleUntilStill(5, 30)) {
                Counts.fail("the counts did not settle after warming up");
            }
            List<String> mapsBefore = Counts.mapsLines();
            long descriptorsBefore = Counts.descriptors();

            for (int i = 0; i < cycles; i++) {
                cycle(kind, file, close);
            }

            if (!Counts.settle(descriptorsBefore, mapsBefore.size(), 30)) {
                List<String> mapsAfter = Counts.mapsLines();
                Counts.fail(kind + " " + args[1] + ": descriptors " + descriptorsBefore + " -> "
                        + Counts.descriptors() + ", maps lines " + mapsBefore.size() + " -> " + mapsAfter.size()
                        + ", tombstones pending " + Region.pendingTombstones()
                        + Counts.difference(mapsBefore, mapsAfter));
            }
            for (String line : Counts.mapsLines()) {
                if (line.endsWith(file.toString())) {
                    Counts.fail("the file is still mapped: " + line);
                }
            }
            Files.delete(file);
            System.out.println(kind + " " + args[1] + ": " + cycles + " cycles, descriptors " + descriptorsBefore
                    + ", maps lines " + mapsBefore.size());
        }

        static void cycle(String kind, Path file, boolean close) throws IOException {
            Mapping mapping;
            switch (kind) {
                case "anonymous":
                    mapping = Mapping.anonymous(LENGTH);
                    break;
                case "read-only":
                    mapping = Mapping.map(file, MapMode.READ_ONLY);
                    break;
                case "read-write":
                    mapping = Mapping.map(file, MapMode.READ_WRITE);
                    break;
                default:
                    throw new IllegalArgumentException(kind);
            }
            if (mapping.mode() == MapMode.READ_ONLY) {
                sink += mapping.getLong(8);
            } else {
                mapping.putLong(8, mapping.getLong(8) + 1);
            }
            if (close) {
                mapping.close();
            }
        }
    }

    /**
     * args: {@code anonymous|file} {@code close|drop} cycles. Limits its own address space ({@code prlimit}) to
     * what it uses plus room for 8 mappings of 128 MiB and 64 MiB to spare for the JVM, then maps, touches and
     * closes (or drops) 128 MiB {@code cycles} times. Every map must succeed.
     */
    static final class AddressSpaceExhaustion {
        static final long SIZE = 128L << 20;

        public static void main(String[] args) throws Exception {
            String kind = args[0];
            boolean close = args[1].equals("close");
            int cycles = Integer.parseInt(args[2]);
            Path file = Files.createTempFile("jmmap-enomem-", ".bin");
            try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
                sparse.setLength(SIZE);
            }
            cycle(kind, file, true); // loads the classes before the limit
            if (!Counts.settleUntilStill(5, 30)) {
                Counts.fail("the counts did not settle after warming up");
            }
            long limit = virtualSize() + 8 * SIZE + (64L << 20);
            Process prlimit = new ProcessBuilder("prlimit", "--pid", Long.toString(ProcessHandle.current().pid()),
                    "--as=" + limit + ":" + limit).inheritIO().start();
            if (prlimit.waitFor() != 0) {
                Counts.fail("prlimit failed");
            }
            for (int i = 0; i < cycles; i++) {
                try {
                    cycle(kind, file, close);
                } catch (ErrnoException e) {
                    Counts.fail("cycle " + i + " (" + (i * SIZE >> 20) + " MiB mapped so far, limit "
                            + (limit >> 20) + " MiB, " + Region.pendingTombstones() + " tombstones pending): " + e);
                }
            }
            Files.delete(file);
            System.out.println(kind + " " + args[1] + ": " + cycles + " maps of " + (SIZE >> 20) + " MiB under "
                    + "RLIMIT_AS=" + (limit >> 20) + " MiB");
        }

        static void cycle(String kind, Path file, boolean close) throws IOException {
            Mapping mapping = kind.equals("anonymous") ? Mapping.anonymous(SIZE) : Mapping.map(file, MapMode.READ_ONLY);
            Cycles.sink += mapping.getLong(SIZE - 8);
            if (close) {
                mapping.close();
            }
        }

        /** VmSize from /proc/self/status, in bytes. */
        static long virtualSize() throws IOException {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmSize:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
                }
            }
            throw new IllegalStateException("no VmSize in /proc/self/status");
        }
    }
}
