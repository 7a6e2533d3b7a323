package org.jmmap.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.jmmap.arrow.ArrowColumn;
import org.jmmap.arrow.ArrowIpcFile;

/**
 * The Arrow IPC comparison: open a float64 Arrow IPC file of 2 GiB that pyarrow wrote (four columns, record
 * batches of 8 Mi rows) and sum one of its columns, with jmmap's {@link ArrowIpcFile}, Arrow Java's
 * {@code ArrowFileReader} (the baseline of time to first value) and pyarrow's {@code ipc.open_file} over
 * {@code pa.memory_map} with {@code pc.sum} (the baseline of the total), on the same file in the page cache, in the
 * same run. Each contender runs in a process of its own, started from here, which times itself (after the JVM or
 * Python has started and imported what it needs): the time to the first value of the column, the total time of
 * open and sum, and the memory the reader allocated (Java heap allocated by the thread, Arrow Java's buffers,
 * pyarrow's memory pool). Each process repeats the operation: the first time is a cold process (classes loaded,
 * native library extracted), the best of the others a warm one. jmmap and pyarrow then sum the column once more
 * over the pages their mapping now has (what the sum costs without the page faults of a new mapping). The
 * contenders take turns; figures are medians over the rounds.
 *
 * <pre>
 *   java -cp benchmarks.jar org.jmmap.bench.ArrowBench [--size MiB] [--repeat N] [--dir DIR] [--out FILE.md]
 * </pre>
 */
public final class ArrowBench {

    private static final long MIB = 1 << 20;
    private static final int ITERATIONS = 4;
    private static final String COLUMN = "x";

    /** Writes argv[1]: four float64 columns, argv[2] rows in batches of argv[3] rows, with pyarrow. */
    private static final String WRITE = String.join("\n",
            "import sys, numpy as np, pyarrow as pa, pyarrow.ipc as ipc",
            "rows, batch = int(sys.argv[2]), int(sys.argv[3])",
            "schema = pa.schema([(n, pa.float64()) for n in 'xyzw'])",
            "rng = np.random.default_rng(20261129)",
            "with ipc.new_file(sys.argv[1], schema) as w:",
            "    for start in range(0, rows, batch):",
            "        n = min(batch, rows - start)",
            "        w.write_batch(pa.record_batch([pa.array(rng.random(n)) for _ in 'xyzw'], schema=schema))");

    /**
     * pyarrow: memory-mapped, the first value, then read_all and pc.sum, then pc.sum again over the pages now
     * mapped; one line per iteration.
     */
    private static final String PYARROW = String.join("\n",
            "import sys, time, pyarrow as pa, pyarrow.ipc as ipc, pyarrow.compute as pc",
            "for _ in range(int(sys.argv[3])):",
            "    start = time.perf_counter_ns()",
            "    source = pa.memory_map(sys.argv[1])",
            "    reader = ipc.open_file(source)",
            "    first = reader.get_batch(0).column(sys.argv[2])[0].as_py()",
            "    ttfv = time.perf_counter_ns() - start",
            "    table = reader.read_all()",
            "    total = pc.sum(table.column(sys.argv[2])).as_py()",
            "    elapsed = time.perf_counter_ns() - start",
            "    again = time.perf_counter_ns()",
            "    pc.sum(table.column(sys.argv[2]))",
            "    again = time.perf_counter_ns() - again",
            "    print(ttfv, elapsed, again, pa.default_memory_pool().max_memory(), 0, repr(first), repr(total),",
            "          flush=True)",
            "    source.close()");

    private final Path directory;
    private final long size;
    private final int repeat;

    private ArrowBench(Path directory, long size, int repeat) {
        this.directory = directory;
        this.size = size;
        this.repeat = repeat;
    }

    public static void main(String[] args) throws Exception {
        long size = 2048 * MIB;
        int repeat = 5;
        Path directory = BenchFiles.directory();
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> size = Long.parseLong(args[++i]) * MIB;
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--dir" -> directory = Files.createDirectories(Path.of(args[++i]));
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]
                        + " (--size MiB, --repeat N, --dir DIR, --out FILE.md)");
            }
        }
        String report = new ArrowBench(directory, size, repeat).run();
        System.out.println(report);
        if (out != null) {
            Files.writeString(out, report);
        }
    }

    /**
     * One process's measurements: each iteration's time to first value, total and sum again (ns; -1: not
     * measured), memory, first value and sum.
     */
    private record Iteration(long ttfv, long total, long again, long heap, long offHeap, double first, double sum) {
        static Iteration parse(String line) {
            String[] f = line.trim().split("\\s+");
            return new Iteration(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[3]), Long.parseLong(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]));
        }
    }

    /** A contender: its name and the command of its process. */
    private record Contender(String name, List<String> command) {
    }

    private String run() throws Exception {
        long rows = size / 8 / 4;
        long batchRows = 8 * MIB;
        Path file = directory.resolve("arrow-bench-" + size / MIB + "MiB.arrow");
        if (!Files.isRegularFile(file)) {
            Path partial = directory.resolve(file.getFileName() + ".partial");
            python(WRITE, partial.toString(), Long.toString(rows), Long.toString(batchRows));
            Files.move(partial, file);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) { // into the page cache
            channel.transferTo(0, channel.size(), java.nio.channels.Channels.newChannel(
                    java.io.OutputStream.nullOutputStream()));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        List<String> jvm = new ArrayList<>(List.of(java, "-cp", classPath, "-Xmx2g"));
        if (Runtime.version().feature() >= 22) {
            jvm.add("--enable-native-access=ALL-UNNAMED");
        }
        if (Runtime.version().feature() >= 24) { // Arrow Java allocates through sun.misc.Unsafe
            jvm.add("--sun-misc-unsafe-memory-access=allow");
        }
        String iterations = Integer.toString(ITERATIONS);
        List<Contender> contenders = List.of(
                new Contender("Arrow Java ArrowFileReader", concat(jvm, "--add-opens=java.base/java.nio=ALL-UNNAMED",
                        Run.class.getName(), "arrow-java", file.toString(), COLUMN, iterations)),
                new Contender("pyarrow memory_map + pc.sum", List.of("python3", "-c", PYARROW, file.toString(),
                        COLUMN, iterations)),
                new Contender("jmmap ArrowIpcFile", concat(jvm, Run.class.getName(), "jmmap", file.toString(),
                        COLUMN, iterations)),
                new Contender("jmmap ArrowIpcFile, 2 threads", concat(jvm, Run.class.getName(), "jmmap-2",
                        file.toString(), COLUMN, iterations)));
        List<List<Iteration>>[] runs = newRuns(contenders.size());
        for (int round = 0; round < repeat; round++) {
            for (int k = 0; k < contenders.size(); k++) {
                int c = (k + round) % contenders.size();
                runs[c].add(process(contenders.get(c)));
            }
        }
        double expected = runs[1].get(0).get(0).sum();
        StringBuilder report = new StringBuilder();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        report.append("# Arrow IPC: open a float64 file and sum one column\n\n")
                .append(String.format(Locale.ROOT, "%s, JDK %s, %d cores; %s: %d MiB, 4 float64 columns, %d rows "
                        + "in batches of %d; column %s summed; the file in the page cache. Medians of %d processes "
                        + "each; cold: the first operation of a process, warm: the best of the next %d.%n%n", stamp,
                        Runtime.version(), Runtime.getRuntime().availableProcessors(), file.getFileName(),
                        Files.size(file) / MIB, rows, batchRows, COLUMN, repeat, ITERATIONS - 1))
                .append("| contender | first value, cold | first value, warm | total, cold | total, warm "
                        + "| sum again, pages mapped | heap allocated | off-heap allocated "
                        + "| first value vs Arrow Java (warm / cold) | total vs pyarrow (warm / cold) "
                        + "|\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        double[][] figures = new double[contenders.size()][];
        for (int c = 0; c < contenders.size(); c++) {
            figures[c] = figures(runs[c]);
            for (List<Iteration> process : runs[c]) {
                for (Iteration it : process) {
                    if (Math.abs(it.sum() - expected) > 1e-9 * Math.abs(expected)) {
                        throw new IllegalStateException(contenders.get(c).name() + " summed " + it.sum()
                                + ", pyarrow " + expected);
                    }
                }
            }
        }
        for (int c = 0; c < contenders.size(); c++) {
            double[] f = figures[c];
            report.append(String.format(Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s | %s | %.0fx / %.1fx | %.2fx / %.2fx |%n",
                    contenders.get(c).name(), time(f[0]), time(f[1]), time(f[2]), time(f[3]),
                    f[6] < 0 ? "–" : time(f[6]), bytes(f[4]), bytes(f[5]), figures[0][1] / f[1],
                    figures[0][0] / f[0], figures[1][3] / f[3], figures[1][2] / f[2]));
        }
        report.append(String.format(Locale.ROOT, "%nEvery contender's sum equals pyarrow's (%.6f) within 1e-9.%n",
                expected));
        return report.toString();
    }

    @SuppressWarnings("unchecked")
    private static List<List<Iteration>>[] newRuns(int count) {
        List<List<Iteration>>[] runs = new List[count];
        for (int i = 0; i < count; i++) {
            runs[i] = new ArrayList<>();
        }
        return runs;
    }

    /** Medians over the processes: ttfv cold, ttfv warm, total cold, total warm, heap, off-heap, again (warm). */
    private static double[] figures(List<List<Iteration>> processes) {
        int n = processes.size();
        double[][] columns = new double[7][n];
        for (int p = 0; p < n; p++) {
            List<Iteration> it = processes.get(p);
            List<Iteration> warm = it.subList(1, it.size());
            columns[0][p] = it.get(0).ttfv();
            columns[1][p] = warm.stream().mapToLong(Iteration::ttfv).min().orElseThrow();
            columns[2][p] = it.get(0).total();
            columns[3][p] = warm.stream().mapToLong(Iteration::total).min().orElseThrow();
            columns[4][p] = it.stream().mapToLong(Iteration::heap).max().orElseThrow();
            columns[5][p] = it.stream().mapToLong(Iteration::offHeap).max().orElseThrow();
            columns[6][p] = warm.stream().mapToLong(Iteration::again).min().orElseThrow();
        }
        double[] medians = new double[7];
        for (int k = 0; k < 7; k++) {
            Arrays.sort(columns[k]);
            medians[k] = columns[k][n / 2];
        }
        return medians;
    }

    private static String time(double nanos) {
        return nanos >= 1e9 ? String.format(Locale.ROOT, "%.2f s", nanos / 1e9)
                : nanos >= 1e6 ? String.format(Locale.ROOT, "%.1f ms", nanos / 1e6)
                : String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
    }

    private static String bytes(double bytes) {
        return bytes >= MIB ? String.format(Locale.ROOT, "%.0f MiB", bytes / MIB)
                : bytes >= 1024 ? String.format(Locale.ROOT, "%.0f KiB", bytes / 1024)
                : String.format(Locale.ROOT, "%.0f B", bytes);
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(Arrays.asList(tail));
        return all;
    }

    private static List<Iteration> process(Contender contender) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(contender.command()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException(contender.name() + " exited with " + process.exitValue() + ":\n" + out);
        }
        List<Iteration> iterations = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            iterations.add(Iteration.parse(line));
        }
        System.err.printf(Locale.ROOT, "%s: first value %s, total %s%n", contender.name(),
                time(iterations.get(0).ttfv()), time(iterations.get(0).total()));
        return iterations;
    }

    private static void python(String script, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", "-c", script));
        command.addAll(Arrays.asList(arguments));
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IOException("python3 (pyarrow) exited with " + process.exitValue() + "; it needs pyarrow and "
                    + "numpy: python3 -m pip install --user --no-index --find-links /opt/pypi/files pyarrow");
        }
    }

    /** The Java contenders, one per process: {@code Run jmmap|jmmap-2|arrow-java FILE COLUMN ITERATIONS}. */
    public static final class Run {

        public static void main(String[] args) throws Exception {
            Path file = Path.of(args[1]);
            String column = args[2];
            int iterations = Integer.parseInt(args[3]);
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int i = 0; i < iterations; i++) {
                long heapBefore = threads.getCurrentThreadAllocatedBytes();
                long[] result = switch (args[0]) {
                    case "jmmap" -> jmmap(file, column, 1);
                    case "jmmap-2" -> jmmap(file, column, 2);
                    case "arrow-java" -> arrowJava(file, column);
                    default -> throw new IllegalArgumentException("contender " + args[0]);
                };
                long heap = threads.getCurrentThreadAllocatedBytes() - heapBefore;
                System.out.println(result[0] + " " + result[1] + " " + result[5] + " " + heap + " " + result[2] + " "
                        + Double.longBitsToDouble(result[3]) + " " + Double.longBitsToDouble(result[4]));
            }
        }

        /** Time to first value, total, off-heap bytes, first value and sum (as bits), sum again (-1: none). */
        private static long[] jmmap(Path file, String column, int threads) throws IOException {
            long start = System.nanoTime();
            try (ArrowIpcFile arrow = ArrowIpcFile.open(file)) {
                double first = arrow.batch(0).column(column).doubles().get(0);
                long ttfv = System.nanoTime() - start;
                double sum = 0;
                for (int b = 0; b < arrow.batchCount(); b++) {
                    ArrowColumn values = arrow.batch(b).column(column);
                    if (values.nullCount() != 0) {
                        throw new IllegalStateException("the benchmark file has no nulls");
                    }
                    sum += values.doubles().parallel(threads).sum();
                }
                long total = System.nanoTime() - start;
                long again = System.nanoTime();
                for (int b = 0; b < arrow.batchCount(); b++) {
                    arrow.batch(b).column(column).doubles().parallel(threads).sum();
                }
                again = System.nanoTime() - again;
                return new long[] {ttfv, total, 0, Double.doubleToRawLongBits(first), Double.doubleToRawLongBits(sum),
                    again};
            }
        }

        private static long[] arrowJava(Path file, String column) throws IOException {
            long start = System.nanoTime();
            try (BufferAllocator allocator = new RootAllocator();
                 FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                 ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                reader.loadNextBatch();
                Float8Vector values = (Float8Vector) root.getVector(column);
                double first = values.get(0);
                long ttfv = System.nanoTime() - start;
                double sum = 0;
                do {
                    values = (Float8Vector) root.getVector(column);
                    for (int i = 0, n = root.getRowCount(); i < n; i++) {
                        if (!values.isNull(i)) {
                            sum += values.get(i);
                        }
                    }
                } while (reader.loadNextBatch());
                long total = System.nanoTime() - start;
                return new long[] {ttfv, total, allocator.getPeakMemoryAllocation(),
                    Double.doubleToRawLongBits(first), Double.doubleToRawLongBits(sum), -1};
            }
        }
    }
}
