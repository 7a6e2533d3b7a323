package org.jmmap.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.jmmap.gzip.GzipFormat;
import org.jmmap.gzip.GzipOptions;
import org.jmmap.gzip.ParallelGzip;

/**
 * The gzip comparison: {@link ParallelGzip} against {@code pigz}, {@code gzip}, {@code bgzip} and the JDK's
 * {@code GZIPOutputStream}/{@code GZIPInputStream}, all on the same files in the same run, as whole operations
 * from an input file in the page cache to an output file: wall time (median of the repetitions, the contenders
 * taking turns in each), MB/s (10^6 bytes of uncompressed data a second) and output size. The outside tools run as
 * processes started from here; their start-up (a millisecond) is in their time, as the JVM's warm-up is not in
 * ours (a warm-up run precedes the measurements).
 *
 * <pre>
 *   java -cp benchmarks.jar org.jmmap.bench.GzipBench [--size MiB] [--repeat N] [--dir DIR] [--out FILE.md]
 *       [--compress-only] [--pigz-only] [--inputs text,random] [--levels 1,6,9] [--threads 1,2]
 * </pre>
 *
 * The filters choose a part of the table: {@code --compress-only} leaves out decompression, {@code --pigz-only}
 * compares jmmap with {@code pigz} alone (no {@code gzip}, no {@code GZIPOutputStream}: they take a third of the
 * time), {@code --inputs}, {@code --levels} and {@code --threads} the compression cells. For example, the twelve
 * compression cells against pigz with 2 repetitions take about 9 minutes on 2 cores.
 *
 * Inputs, written once into DIR and kept: text-like (log records and sentences, see {@link #textFile}; gzip
 * compresses it to about a quarter, as it does server logs and English) and pseudo-random bytes (incompressible),
 * 512 MiB each by default. Compression: levels 1, 6, 9 with 1 and 2 threads, against {@code pigz -p N} (the baseline), and
 * with 1 thread also {@code gzip} and {@code GZIPOutputStream}. Decompression of the text compressed at level 6 by
 * {@code pigz} (one member), {@code pigz -i} (independent blocks) and {@code bgzip} (BGZF), against
 * {@code pigz -d} (the baseline), {@code bgzip -@ 2 -d} and {@code GZIPInputStream}.
 */
public final class GzipBench {

    private static final long MIB = 1 << 20;
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
    /** Where GNU time writes the CPU time of an outside tool. */
    private static final Path CPU_TIME = Path.of(System.getProperty("java.io.tmpdir"),
            "jmmap-gzip-bench-" + ProcessHandle.current().pid() + ".time");

    private final Path directory;
    private final long size;
    private final int repeat;
    private final List<String> inputs;
    private final int[] levels;
    private final int[] threadCounts;
    private final boolean compressOnly;
    private final boolean pigzOnly;

    private GzipBench(Path directory, long size, int repeat, List<String> inputs, int[] levels, int[] threadCounts,
            boolean compressOnly, boolean pigzOnly) {
        this.directory = directory;
        this.size = size;
        this.repeat = repeat;
        this.inputs = inputs;
        this.levels = levels;
        this.threadCounts = threadCounts;
        this.compressOnly = compressOnly;
        this.pigzOnly = pigzOnly;
    }

    public static void main(String[] args) throws Exception {
        long size = 512 * MIB;
        int repeat = 3;
        Path directory = BenchFiles.directory();
        Path out = null;
        List<String> inputs = List.of("text", "random");
        int[] levels = {1, 6, 9};
        int[] threadCounts = {1, 2};
        boolean compressOnly = false;
        boolean pigzOnly = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> size = Long.parseLong(args[++i]) * MIB;
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--dir" -> directory = Files.createDirectories(Path.of(args[++i]));
                case "--out" -> out = Path.of(args[++i]);
                case "--inputs" -> inputs = inputs(args[++i]);
                case "--levels" -> levels = numbers(args[++i], 0, 9);
                case "--threads" -> threadCounts = numbers(args[++i], 1, 64);
                case "--compress-only" -> compressOnly = true;
                case "--pigz-only" -> pigzOnly = true;
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]
                        + " (--size MiB, --repeat N, --dir DIR, --out FILE.md, --compress-only, --pigz-only,"
                        + " --inputs text,random, --levels 1,6,9, --threads 1,2)");
            }
        }
        for (String tool : new String[] {"pigz", "gzip", "bgzip", "/usr/bin/time"}) { // fail early if one is missing
            try {
                new ProcessBuilder(tool, "--version").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            } catch (IOException e) {
                throw new IOException(tool + " is needed (Debian: apt-get install gzip pigz tabix time)", e);
            }
        }
        GzipBench bench = new GzipBench(directory, size, repeat, inputs, levels, threadCounts, compressOnly,
                pigzOnly);
        String report;
        try {
            report = bench.run();
        } finally {
            Files.deleteIfExists(CPU_TIME);
        }
        System.out.println(report);
        if (out != null) {
            Files.writeString(out, report);
        }
    }

    /** The inputs named in {@code list} ({@code text}, {@code random}), in the order given. */
    private static List<String> inputs(String list) {
        List<String> names = List.of(list.split(","));
        for (String name : names) {
            if (!name.equals("text") && !name.equals("random")) {
                throw new IllegalArgumentException("--inputs " + list + ": input=" + name + " (text or random)");
            }
        }
        return names;
    }

    /** The comma-separated numbers of {@code list}, each in {@code [min, max]}. */
    private static int[] numbers(String list, int min, int max) {
        int[] numbers = Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
        for (int number : numbers) {
            if (number < min || number > max) {
                throw new IllegalArgumentException("value=" + number + " in " + list + ": not in [" + min + ", "
                        + max + "]");
            }
        }
        return numbers;
    }

    /** One way of doing the operation measured: a name and what it runs from an input to an output file. */
    private record Contender(String name, Operation operation) {
    }

    @FunctionalInterface
    private interface Operation {
        void run(Path in, Path out) throws Exception;
    }

    /** The median wall time and CPU time of each contender, and the size of what it wrote. */
    private record Result(String name, double seconds, double cpuSeconds, long outputSize) {
    }

    private String run() throws Exception {
        Path text = textFile(directory.resolve("gzip-text-" + size + ".txt"), size);
        Path random = inputs.contains("random") ? BenchFiles.dataFile("gzip-random", size) : null;
        warmUp(text);
        StringBuilder report = new StringBuilder();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        report.append("# gzip: jmmap ParallelGzip against pigz, gzip, bgzip and the JDK\n\n")
                .append(String.format("%s, JDK %s, %d cores, inputs of %d MiB, median of %d runs each.%n%n", stamp,
                        Runtime.version(), Runtime.getRuntime().availableProcessors(), size / MIB, repeat))
                .append(String.format("Cells: inputs %s, levels %s, threads %s%s%s.%n%n", String.join(",", inputs),
                        Arrays.toString(levels), Arrays.toString(threadCounts),
                        pigzOnly ? ", against pigz only" : "", compressOnly ? ", compression only" : ""))
                .append("## Compression\n\n")
                .append("| input | level | threads | contender | time s | MB/s | CPU s | size | size vs pigz "
                        + "| speed vs pigz | CPU vs pigz |\n|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String kind : inputs) {
            Path input = kind.equals("text") ? text : random;
            for (int level : levels) {
                for (int threads : threadCounts) {
                    List<Contender> contenders = new ArrayList<>();
                    contenders.add(new Contender("pigz -p " + threads, (in, out) -> command(in, out, "pigz", "-p",
                            Integer.toString(threads), "-" + level, "-c", in.toString())));
                    GzipOptions options = GzipOptions.defaults().withLevel(level).withThreads(threads);
                    contenders.add(new Contender("jmmap", (in, out) -> ParallelGzip.compress(in, out, options)));
                    if (threads == 1 && !pigzOnly) {
                        contenders.add(new Contender("gzip", (in, out) -> command(in, out, "gzip", "-" + level, "-c",
                                in.toString())));
                        contenders.add(new Contender("GZIPOutputStream", (in, out) -> gzipOutputStream(in, out,
                                level)));
                    }
                    List<Result> results = measure(input, contenders);
                    Result pigz = results.get(0);
                    for (Result r : results) {
                        String row = String.format(Locale.ROOT,
                                "| %s | %d | %d | %s | %.2f | %.1f | %.2f | %,d | %+.3f%% | %.2fx | %.2fx |%n", kind,
                                level, threads, r.name(), r.seconds(), Files.size(input) / 1e6 / r.seconds(),
                                r.cpuSeconds(), r.outputSize(),
                                100.0 * (r.outputSize() - pigz.outputSize()) / pigz.outputSize(),
                                pigz.seconds() / r.seconds(), pigz.cpuSeconds() / r.cpuSeconds());
                        report.append(row);
                        System.err.print(row);
                    }
                }
            }
        }
        if (compressOnly) {
            return report.toString();
        }

        report.append("\n## Decompression (the text, compressed at level 6)\n\n")
                .append("| file | contender | time s | MB/s | CPU s | speed vs pigz -d | speed vs bgzip -@ 2 -d "
                        + "| CPU vs pigz -d |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
        Path single = compressed(text, "single.gz", "pigz", "-6", "-c", text.toString());
        Path independent = compressed(text, "independent.gz", "pigz", "-6", "-i", "-c", text.toString());
        Path bgzf = compressed(text, "bgzf.gz", "bgzip", "-l", "6", "-@", "2", "-c", text.toString());
        for (Path file : List.of(single, independent, bgzf)) {
            List<Contender> contenders = new ArrayList<>();
            contenders.add(new Contender("pigz -d", (in, out) -> command(in, out, "pigz", "-d", "-c",
                    in.toString())));
            contenders.add(new Contender("bgzip -@ 2 -d", (in, out) -> command(in, out, "bgzip", "-@", "2", "-d",
                    "-c", in.toString())));
            contenders.add(new Contender("bgzip -d (1 thread)", (in, out) -> command(in, out, "bgzip", "-d", "-c",
                    in.toString())));
            for (int threads : new int[] {1, 2}) {
                GzipOptions options = GzipOptions.defaults().withThreads(threads);
                contenders.add(new Contender("jmmap, " + threads + " thread" + (threads > 1 ? "s" : ""),
                        (in, out) -> ParallelGzip.decompress(in, out, options)));
            }
            contenders.add(new Contender("GZIPInputStream", GzipBench::gzipInputStream));
            List<Result> results = measure(file, contenders);
            for (Result r : results) {
                String row = String.format(Locale.ROOT, "| %s | %s | %.2f | %.1f | %.2f | %.2fx | %.2fx | %.2fx |%n",
                        file.getFileName(), r.name(), r.seconds(), size / 1e6 / r.seconds(), r.cpuSeconds(),
                        results.get(0).seconds() / r.seconds(), results.get(1).seconds() / r.seconds(),
                        results.get(0).cpuSeconds() / r.cpuSeconds());
                report.append(row);
                System.err.print(row);
            }
        }
        return report.toString();
    }

    /**
     * Runs every contender {@link #repeat} times, taking turns (the order rotates each round, so that none always
     * runs right after another), and returns their median times, in the order given.
     */
    private List<Result> measure(Path input, List<Contender> contenders) throws Exception {
        double[][] seconds = new double[contenders.size()][repeat];
        double[][] cpu = new double[contenders.size()][repeat];
        long[] sizes = new long[contenders.size()];
        for (int round = 0; round < repeat; round++) {
            for (int k = 0; k < contenders.size(); k++) {
                int c = (k + round) % contenders.size();
                Path out = directory.resolve("gzip-bench-output");
                Files.deleteIfExists(out);
                Files.deleteIfExists(CPU_TIME);
                long cpuBefore = PROCESS.getProcessCpuTime();
                long start = System.nanoTime();
                contenders.get(c).operation().run(input, out);
                seconds[c][round] = (System.nanoTime() - start) / 1e9;
                cpu[c][round] = Files.exists(CPU_TIME) ? childCpuSeconds()
                        : (PROCESS.getProcessCpuTime() - cpuBefore) / 1e9;
                sizes[c] = Files.size(out);
                Files.delete(out);
            }
        }
        List<Result> results = new ArrayList<>();
        for (int c = 0; c < contenders.size(); c++) {
            results.add(new Result(contenders.get(c).name(), median(seconds[c]), median(cpu[c]), sizes[c]));
        }
        return results;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** CPU seconds (user and system) of the last outside tool, as GNU time wrote them. */
    private static double childCpuSeconds() throws IOException {
        String[] fields = Files.readString(CPU_TIME).trim().split("\\s+");
        return Double.parseDouble(fields[fields.length - 2]) + Double.parseDouble(fields[fields.length - 1]);
    }

    /** The JVM compiles ParallelGzip's code before the first measurement. */
    private void warmUp(Path text) throws Exception {
        Path part = directory.resolve("gzip-warm-up.txt");
        try (FileChannel in = FileChannel.open(text); FileChannel out = FileChannel.open(part,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            in.transferTo(0, Math.min(in.size(), 64 * MIB), out);
        }
        Path gz = directory.resolve("gzip-warm-up.gz");
        Path back = directory.resolve("gzip-warm-up.out");
        for (GzipFormat format : GzipFormat.values()) {
            GzipOptions options = GzipOptions.defaults().withThreads(2).withLevel(1).withFormat(format);
            ParallelGzip.compress(part, gz, options);
            ParallelGzip.decompress(gz, back, options);
        }
        Files.delete(part);
        Files.delete(gz);
        Files.delete(back);
    }

    private Path compressed(Path input, String name, String... command) throws Exception {
        Path file = directory.resolve("gzip-" + size + "-" + name);
        if (!Files.exists(file)) {
            Path partial = directory.resolve(name + ".partial");
            command(input, partial, command);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    /**
     * Runs an outside tool with its standard output to {@code out}, under GNU {@code time} to get its CPU time;
     * fails unless it exits with 0.
     */
    private static void command(Path in, Path out, String... command) throws IOException, InterruptedException {
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S", "-o", CPU_TIME.toString()));
        timed.addAll(List.of(command));
        Process process = new ProcessBuilder(timed).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int status = process.waitFor();
        if (status != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + status);
        }
    }

    private static void gzipOutputStream(Path in, Path out, int level) throws IOException {
        try (InputStream input = Files.newInputStream(in);
             OutputStream output = new GZIPOutputStream(Files.newOutputStream(out), 64 * 1024) {
                 {
                     def.setLevel(level);
                 }
             }) {
            input.transferTo(output);
        }
    }

    private static void gzipInputStream(Path in, Path out) throws IOException {
        try (InputStream input = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(in), 64 * 1024),
                64 * 1024);
             OutputStream output = new BufferedOutputStream(Files.newOutputStream(out), 64 * 1024)) {
            input.transferTo(output);
        }
    }

    /**
     * Text-like bytes, as logs and prose are: half the lines log records (a timestamp, a level, a thread, a logger
     * and one of a few dozen messages with numbers in it), half sentences of words drawn from a vocabulary of 20000
     * syllable-built words with Zipf's distribution. {@code gzip -6} compresses it to about a quarter, as it does
     * server logs and English text. Written once, reused by later runs.
     */
    static Path textFile(Path file, long length) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) == length) {
            return file;
        }
        SplittableRandom random = new SplittableRandom(20261129);
        String[] syllables = {"ka", "lo", "mi", "ne", "ru", "sta", "ter", "vin", "pal", "dor", "en", "is", "an", "or",
            "qui", "bel", "tor", "ma", "se", "li", "con", "pre", "ex", "ab", "tion", "ing", "er", "al", "ous", "ly"};
        byte[][] words = new byte[20_000][];
        for (int i = 0; i < words.length; i++) {
            StringBuilder word = new StringBuilder();
            for (int n = 1 + random.nextInt(3 + i / 5000); n > 0; n--) {
                word.append(syllables[random.nextInt(syllables.length)]);
            }
            words[i] = word.toString().getBytes(StandardCharsets.US_ASCII);
        }
        double[] zipf = new double[words.length];
        double sum = 0;
        for (int i = 0; i < words.length; i++) {
            sum += 1.0 / (i + 1);
            zipf[i] = sum;
        }
        String[] levels = {"INFO ", "INFO ", "INFO ", "DEBUG", "WARN ", "ERROR"};
        String[] loggers = {"org.example.http.Server", "org.example.db.Pool", "org.example.cache.Store",
            "org.example.auth.Tokens", "org.example.jobs.Scheduler", "org.example.api.Items"};
        String[] messages = {"request %d served in %d ms status=200", "connection %d returned to pool after %d ms",
            "cache miss for key item:%d (%d entries)", "token %d refreshed, expires in %d s",
            "job %d finished in %d ms", "GET /api/v1/items/%d -> 200 (%d bytes)", "retrying call %d, attempt %d",
            "user %d logged in from 10.0.%d.17", "slow query %d took %d ms: SELECT * FROM items WHERE id = ?"};
        Path partial = Files.createTempFile(file.getParent(), "text-", ".partial");
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate((int) MIB);
            long written = 0;
            long millis = 1_764_000_000_000L;
            StringBuilder line = new StringBuilder(256);
            while (written < length) {
                block.clear();
                while (block.remaining() > 512) {
                    line.setLength(0);
                    if (random.nextBoolean()) {
                        millis += random.nextInt(50);
                        line.append(java.time.Instant.ofEpochMilli(millis)).append(' ')
                                .append(levels[random.nextInt(levels.length)]).append(" [worker-")
                                .append(random.nextInt(16)).append("] ").append(loggers[random.nextInt(loggers.length)])
                                .append(" - ").append(String.format(Locale.ROOT, messages[random.nextInt(messages.length)],
                                        random.nextInt(100_000), random.nextInt(2000)));
                    } else {
                        for (int n = 5 + random.nextInt(15); n > 0; n--) {
                            int index = Arrays.binarySearch(zipf, random.nextDouble() * sum);
                            line.append(new String(words[index < 0 ? -index - 1 : index],
                                    StandardCharsets.US_ASCII)).append(n == 1 ? "." : random.nextInt(8) == 0 ? ", " : " ");
                        }
                    }
                    block.put(line.append('\n').toString().getBytes(StandardCharsets.US_ASCII));
                }
                block.flip().limit((int) Math.min(block.limit(), length - written));
                while (block.hasRemaining()) {
                    written += out.write(block);
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }
}
