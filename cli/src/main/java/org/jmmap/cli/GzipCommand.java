package org.jmmap.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jmmap.gzip.GzipFormat;
import org.jmmap.gzip.GzipInfo;
import org.jmmap.gzip.GzipInputStream;
import org.jmmap.gzip.GzipOptions;
import org.jmmap.gzip.GzipResult;
import org.jmmap.gzip.ParallelGzip;
import org.jmmap.gzip.ParallelGzipOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code jmmap gzip}: parallel gzip with pigz's flags, over mapped files ({@link ParallelGzip}). Outputs appear
 * only complete: a failure or Ctrl-C leaves none, and an existing output is replaced only with {@code -f}.
 */
@Command(name = "gzip", sortOptions = false,
        description = {"Compress or decompress files in parallel (like pigz).",
                "FILE is replaced by FILE.gz (FILE.gz by FILE with -d), keeping its mode and time; -k keeps FILE. "
                        + "Without FILE, or with -, standard input goes to standard output. Blocks are compressed "
                        + "on every core, several files at once; the output is standard gzip (one member as pigz, "
                        + "-i: independent blocks as pigz -i, --bgzf: BGZF as bgzip). An output is written under a "
                        + "temporary name and renamed when complete: an error or Ctrl-C leaves none."},
        footerHeading = "%nExamples:%n",
        footer = {"  jmmap gzip -k big.csv                  # big.csv.gz, big.csv kept",
                "  jmmap gzip -9 -p 4 *.log",
                "  jmmap gzip --bgzf --index calls.vcf    # calls.vcf.gz and calls.vcf.gz.gzi",
                "  jmmap gzip -d big.csv.gz               # or: jmmap gunzip big.csv.gz",
                "  jmmap gzip -t *.gz && jmmap gzip -l *.gz",
                "  tar c dir | jmmap gzip > dir.tar.gz"})
class GzipCommand extends JmmapCommand {

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Files; - or none: standard input.")
    List<String> files = new ArrayList<>();

    private int level = GzipOptions.DEFAULT_LEVEL;

    @Option(names = {"-1", "--fast"}, description = "Compression level: -1 (--fast) to -9 (--best); -6 by "
            + "default, -0 stores without compressing.")
    void fast(boolean on) {
        level = 1;
    }

    @Option(names = {"-9", "--best"}, description = "Smallest output, slowest.")
    void best(boolean on) {
        level = 9;
    }

    @Option(names = "-0", hidden = true)
    void level0(boolean on) {
        level = 0;
    }

    @Option(names = "-2", hidden = true)
    void level2(boolean on) {
        level = 2;
    }

    @Option(names = "-3", hidden = true)
    void level3(boolean on) {
        level = 3;
    }

    @Option(names = "-4", hidden = true)
    void level4(boolean on) {
        level = 4;
    }

    @Option(names = "-5", hidden = true)
    void level5(boolean on) {
        level = 5;
    }

    @Option(names = "-6", hidden = true)
    void level6(boolean on) {
        level = 6;
    }

    @Option(names = "-7", hidden = true)
    void level7(boolean on) {
        level = 7;
    }

    @Option(names = "-8", hidden = true)
    void level8(boolean on) {
        level = 8;
    }

    @Option(names = {"-p", "--processes"}, paramLabel = "N",
            description = "Threads (default: one per processor).")
    Integer processes;

    @Option(names = {"-b", "--blocksize"}, paramLabel = "KiB",
            description = "Input block size in KiB (default: 128; 32 to 524288).")
    Integer blockKib;

    @Option(names = {"-k", "--keep"}, description = "Keep the input files.")
    boolean keep;

    @Option(names = {"-c", "--stdout", "--to-stdout"}, description = "Write to standard output; keep the inputs.")
    boolean toStdout;

    @Option(names = {"-f", "--force"}, description = "Replace existing outputs; compress FILE.gz again; write "
            + "compressed data to a terminal.")
    boolean force;

    @Option(names = {"-d", "--decompress", "--uncompress"}, description = "Decompress.")
    boolean decompress;

    @Option(names = {"-t", "--test"}, description = "Check the files (every CRC and length); write nothing.")
    boolean test;

    @Option(names = {"-l", "--list"}, description = "List compressed and uncompressed sizes, ratio and name.")
    boolean list;

    @Option(names = {"-i", "--independent"}, description = "Compress blocks independently (as pigz -i).")
    boolean independent;

    @Option(names = "--bgzf", description = "Write BGZF (as bgzip): blocks of at most 64 KiB, decompressed in "
            + "parallel and readable at random with an index.")
    boolean bgzf;

    @Option(names = "--index", description = "With --bgzf: write the .gzi index next to the output (as bgzip -i).")
    boolean index;

    @Option(names = {"-S", "--suffix"}, paramLabel = "SUFFIX", defaultValue = ".gz",
            description = "Suffix of compressed files (default: ${DEFAULT-VALUE}).")
    String suffix;

    @Option(names = {"-r", "--recursive"}, description = "Include the files under directories.")
    boolean recursive;

    /** -N (true) or -n (false), the last one given; null: store them when compressing, not restore them. */
    private Boolean nameAndTime;

    @Option(names = {"-n", "--no-name"}, description = "Do not store the file name and time in the header "
            + "(compressing), nor restore them from it (decompressing, the default: the output is FILE.gz without "
            + "its suffix, with FILE.gz's time).")
    void noName(boolean on) {
        nameAndTime = false;
    }

    @Option(names = {"-N", "--name"}, description = "Store the file name and time in the header (compressing, the "
            + "default); restore them from it (decompressing: the output takes the header's name, in FILE.gz's "
            + "directory, and time).")
    void name(boolean on) {
        nameAndTime = true;
    }

    @Option(names = "-v", description = "Verbose: a line per file on standard error, as gzip -v prints it "
            + "(FILE:  63.5%% -- created FILE.gz; with -t: FILE.gz: OK). --verbose does the same and adds stack "
            + "traces to failures.")
    boolean verboseLines;

    @Option(names = {"-q", "--quiet"}, description = "No warnings (trailing garbage ignored, ...).")
    boolean quiet;

    @Option(names = "--json", description = "With -l, -t or when writing files: print JSON, one object per file.")
    boolean json;

    @Option(names = "--no-progress", description = "No progress bar (one is drawn on standard error only when it "
            + "is a terminal).")
    boolean noProgress;

    /** Whether the header gets the input's name and time when compressing (the default; not with -n). */
    private boolean storesName() {
        return nameAndTime == null || nameAndTime;
    }

    /** Whether decompressing restores the header's name and time (-N). */
    private boolean restoresName() {
        return nameAndTime != null && nameAndTime;
    }

    private boolean verboseLines() {
        return verboseLines || verbose();
    }

    /**
     * With -v: {@code FILE:\t 63.5% -- OUTCOME}, as gzip -v prints it; the ratio is the share of the size saved,
     * the compressed size being the whole file's (as gzip -l counts it).
     */
    private void verboseLine(Object file, long uncompressed, long compressed, String outcome) {
        if (!verboseLines()) {
            return;
        }
        double saved = uncompressed == 0 ? 0 : 100.0 * (uncompressed - compressed) / uncompressed;
        io().err.println(file + ":\t" + String.format(Locale.ROOT, "%5.1f%%", saved)
                + (outcome == null ? "" : " -- " + outcome));
    }

    /** Whether the command decompresses when not told otherwise ({@code gunzip}). */
    boolean decompressing() {
        return decompress;
    }

    @Override
    void execute() throws Exception {
        checkOptions();
        GzipOptions options = options();
        List<String> names = files.isEmpty() ? List.of("-") : files;
        for (String file : names) {
            if (file.equals("-")) {
                stream(options);
            }
        }
        List<Path> paths = new ArrayList<>();
        for (String file : names) {
            if (!file.equals("-")) {
                paths.add(Paths.get(file));
            }
        }
        if (paths.isEmpty()) {
            return;
        }
        List<FileArguments.FileEntry> entries = FileArguments.expand(this, paths, recursive);
        if (list) {
            list(entries);
        } else if (test) {
            test(entries, options);
        } else if (decompressing()) {
            decompress(entries, options);
        } else {
            compress(entries, options);
        }
    }

    private void checkOptions() {
        if (bgzf && independent) {
            throw new ParameterException(spec.commandLine(), "--bgzf and -i/--independent are two formats: "
                    + "choose one");
        }
        if (index && !bgzf) {
            throw new ParameterException(spec.commandLine(), "--index needs --bgzf (only BGZF has a .gzi index)");
        }
        if (index && toStdout) {
            throw new ParameterException(spec.commandLine(), "--index needs an output file, not -c");
        }
        if (processes != null && (processes < 1 || processes > GzipOptions.MAX_THREADS)) {
            throw new ParameterException(spec.commandLine(), "--processes=" + processes + ": must be 1 to "
                    + GzipOptions.MAX_THREADS);
        }
        if (blockKib != null && (blockKib < GzipOptions.MIN_BLOCK_SIZE / 1024
                || blockKib > GzipOptions.MAX_BLOCK_SIZE / 1024)) {
            throw new ParameterException(spec.commandLine(), "--blocksize=" + blockKib + ": must be "
                    + GzipOptions.MIN_BLOCK_SIZE / 1024 + " to " + GzipOptions.MAX_BLOCK_SIZE / 1024 + " KiB");
        }
        if (suffix.isEmpty() || suffix.contains("/")) {
            throw new ParameterException(spec.commandLine(), "--suffix='" + suffix + "': must be a non-empty "
                    + "name ending without '/'");
        }
    }

    private GzipOptions options() {
        GzipOptions options = GzipOptions.defaults().withLevel(level)
                .withFormat(bgzf ? GzipFormat.BGZF : independent ? GzipFormat.INDEPENDENT : GzipFormat.SINGLE_MEMBER)
                .withIndex(index)
                .withNameAndTime(decompressing() || test ? restoresName() : storesName());
        if (processes != null) {
            options = options.withThreads(processes);
        }
        if (blockKib != null) {
            options = options.withBlockSize(blockKib * 1024);
        }
        return options;
    }

    /** Standard input to standard output. */
    private void stream(GzipOptions options) throws IOException {
        InputStream in = io().in;
        PrintStream out = io().out;
        if (list) {
            throw new Failure("(standard input)", "-l lists files only", "ESPIPE");
        }
        if (test || decompressing()) {
            CountingInputStream counted = new CountingInputStream(in);
            try (GzipInputStream gzip = new GzipInputStream(counted, options)) {
                long uncompressed = transfer(gzip, test ? OutputStream.nullOutputStream() : out);
                warnAboutGarbage(STANDARD_INPUT, gzip.trailingGarbage());
                out.flush();
                if (test && verboseLines()) {
                    io().err.println(STANDARD_INPUT + ":\t OK");
                } else if (!test) {
                    verboseLine(STANDARD_INPUT, uncompressed, counted.count, null);
                }
            }
        } else {
            if (!force && io().outIsTerminal) {
                throw new Failure("(standard output)", "compressed data is not written to a terminal (-f forces it)",
                        null);
            }
            CountingOutputStream counted = new CountingOutputStream(out);
            ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(counted, options);
            long uncompressed = transfer(in, gzip);
            gzip.finish();
            out.flush();
            verboseLine(STANDARD_INPUT, uncompressed, counted.count, null);
        }
        out.flush();
    }

    /** Copies {@code from} to {@code to}; returns how many bytes. */
    private static long transfer(InputStream from, OutputStream to) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = from.read(buffer)) >= 0; ) {
            to.write(buffer, 0, n);
            total += n;
        }
        return total;
    }

    /** An output stream counting what goes through it to another, which it does not close. */
    private static final class CountingOutputStream extends OutputStream {
        private final OutputStream out;
        long count;

        CountingOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            count += length;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }

    /** An input stream counting the bytes read through it from another, which it does not close. */
    private static final class CountingInputStream extends InputStream {
        private final InputStream in;
        long count;

        CountingInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            count += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = in.read(bytes, offset, length);
            count += Math.max(0, n);
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }
    }

    private void warnAboutGarbage(String file, boolean garbage) {
        if (garbage && !quiet) {
            io().err.println("jmmap " + spec.name() + ": " + file + ": decompression OK, trailing garbage ignored");
        }
    }

    private static long totalSize(List<FileArguments.FileEntry> entries) {
        long total = 0;
        for (FileArguments.FileEntry entry : entries) {
            total += entry.size();
        }
        return total;
    }

    private void compress(List<FileArguments.FileEntry> entries, GzipOptions options) throws Exception {
        List<Path> inputs = new ArrayList<>();
        for (FileArguments.FileEntry entry : entries) {
            Path file = entry.path();
            if (file.getFileName().toString().endsWith(suffix) && !force) {
                report(file, new Failure(null, "already has the " + suffix + " suffix; unchanged (-f compresses it "
                        + "again)", "EEXIST"));
            } else if (!toStdout && Files.exists(compressedName(file), LinkOption.NOFOLLOW_LINKS) && !force) {
                report(compressedName(file), new Failure(null, "already exists; not replaced (-f replaces it)",
                        "EEXIST"));
            } else {
                inputs.add(file);
            }
        }
        if (inputs.isEmpty()) {
            return;
        }
        if (toStdout) {
            for (Path file : inputs) {
                CountingOutputStream counted = new CountingOutputStream(io().out);
                ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(counted, options,
                        storesName() ? file.getFileName().toString() : null,
                        storesName() ? Files.getLastModifiedTime(file).toInstant() : null);
                long uncompressed;
                try (InputStream in = Files.newInputStream(file)) {
                    uncompressed = transfer(in, gzip);
                }
                gzip.finish();
                io().out.flush();
                verboseLine(file, uncompressed, counted.count, "replaced with stdout");
            }
            return;
        }
        List<GzipResult> results = new ArrayList<>();
        try (Progress progress = Progress.bytes(io(), !noProgress, "gzip", totalSize(entries));
             SignalCleanup cleanup = SignalCleanup.guard()) {
            GzipOptions withProgress = options.withProgress((read, written) -> progress.set(read));
            if (suffix.equals(".gz")) { // all files as one stream of blocks: parallel across files too
                try {
                    results.addAll(ParallelGzip.compressAll(inputs, withProgress));
                } catch (IOException e) {
                    report(null, e);
                }
            } else {
                for (Path file : inputs) {
                    try {
                        results.add(ParallelGzip.compress(file, compressedName(file), withProgress));
                    } catch (IOException e) {
                        report(file, e);
                    }
                }
            }
        }
        finish(results);
    }

    private static final String STANDARD_INPUT = "(standard input)";

    private Path compressedName(Path file) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /** The output name of a compressed file, or null if its suffix is not one gzip knows. */
    private Path decompressedName(Path file) {
        String fileName = file.getFileName().toString();
        if (fileName.endsWith(suffix) && fileName.length() > suffix.length()) {
            return file.resolveSibling(fileName.substring(0, fileName.length() - suffix.length()));
        }
        if (fileName.endsWith(".tgz") && fileName.length() > 4) {
            return file.resolveSibling(fileName.substring(0, fileName.length() - 4) + ".tar");
        }
        return null;
    }

    /** What decompressing one file came to: its result, or a failure and what it concerns. */
    private record Outcome(GzipResult result, Object subject, Throwable failure) {
        static Outcome failed(Object subject, Throwable failure) {
            return new Outcome(null, subject, failure);
        }
    }

    /**
     * Decompresses the files to files, several at once when there are several and threads to spare (each on its
     * share of the threads: BGZF within the file, other members pipelined); failures and warnings are reported in
     * the order of the files whatever the order they finish in.
     */
    private void decompress(List<FileArguments.FileEntry> entries, GzipOptions options) throws Exception {
        if (toStdout) {
            decompressToStandardOutput(entries, options);
            return;
        }
        int lanes = Math.max(1, Math.min(entries.size(), options.threads()));
        GzipOptions perFile = options.withThreads(Math.max(1, options.threads() / lanes));
        Set<Path> claimed = ConcurrentHashMap.newKeySet();
        AtomicLong done = new AtomicLong();
        List<GzipResult> results = new ArrayList<>();
        try (Progress progress = Progress.bytes(io(), !noProgress, "gunzip", totalSize(entries));
             SignalCleanup cleanup = SignalCleanup.guard()) {
            if (lanes == 1) {
                for (FileArguments.FileEntry entry : entries) {
                    if (!emit(decompressOne(entry, perFile, claimed, done, progress), results)) {
                        break;
                    }
                }
            } else {
                ExecutorService pool = Executors.newFixedThreadPool(lanes, task -> {
                    Thread thread = new Thread(task, "jmmap-gunzip");
                    thread.setDaemon(true);
                    return thread;
                });
                try {
                    List<Future<Outcome>> outcomes = new ArrayList<>();
                    for (FileArguments.FileEntry entry : entries) {
                        outcomes.add(pool.submit(() -> decompressOne(entry, perFile, claimed, done, progress)));
                    }
                    for (Future<Outcome> outcome : outcomes) {
                        if (!emit(outcome.get(), results)) {
                            break;
                        }
                    }
                } catch (InterruptedException e) { // SIGINT or SIGTERM: the workers delete their outputs
                    throw new InterruptedIOException("interrupted");
                } catch (ExecutionException e) { // not an IOException: a bug or the JVM's, ends the command
                    if (e.getCause() instanceof Error) {
                        throw (Error) e.getCause();
                    }
                    throw (Exception) e.getCause();
                } finally {
                    pool.shutdownNow();
                    pool.awaitTermination(SignalCleanup.MAX_WAIT_SECONDS, TimeUnit.SECONDS);
                }
            }
        }
        io().out.flush();
        finish(results);
    }

    /**
     * Reports an outcome's failure or warning, or keeps its result; false if it was an interruption (SIGINT,
     * SIGTERM), after which nothing more is started.
     */
    private boolean emit(Outcome outcome, List<GzipResult> results) {
        if (outcome.failure() != null) {
            report(outcome.subject(), outcome.failure());
            return !(outcome.failure() instanceof InterruptedIOException
                    || outcome.failure() instanceof ClosedByInterruptException);
        }
        warnAboutGarbage(outcome.result().input().toString(), outcome.result().trailingGarbage());
        results.add(outcome.result());
        return true;
    }

    private Outcome decompressOne(FileArguments.FileEntry entry, GzipOptions options, Set<Path> claimed,
                                  AtomicLong done, Progress progress) {
        Path file = entry.path();
        AtomicLong read = new AtomicLong();
        try {
            Path out = decompressedName(file);
            if (restoresName()) {
                out = nameInHeader(file, out);
            }
            if (out == null) {
                return Outcome.failed(file, new Failure(null, "unknown suffix; ignored (-S names it)", "EINVAL"));
            }
            if (!claimed.add(out.toAbsolutePath().normalize())) {
                return Outcome.failed(out, new Failure(null, "is the output of another input too; written once",
                        "EEXIST"));
            }
            if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) && !force) {
                return Outcome.failed(out, new Failure(null, "already exists; not replaced (-f replaces it)",
                        "EEXIST"));
            }
            return new Outcome(ParallelGzip.decompress(file, out, options.withProgress((bytes, written) ->
                    progress.set(done.addAndGet(bytes - read.getAndSet(bytes))))), null, null);
        } catch (IOException | IllegalArgumentException e) {
            return Outcome.failed(file, e);
        } finally {
            progress.set(done.addAndGet(entry.size() - read.getAndSet(entry.size())));
        }
    }

    private void decompressToStandardOutput(List<FileArguments.FileEntry> entries, GzipOptions options)
            throws IOException {
        for (FileArguments.FileEntry entry : entries) {
            Path file = entry.path();
            try (GzipInputStream gzip = new GzipInputStream(Files.newInputStream(file), options)) {
                long uncompressed = transfer(gzip, io().out);
                io().out.flush();
                warnAboutGarbage(file.toString(), gzip.trailingGarbage());
                verboseLine(file, uncompressed, entry.size(), "replaced with stdout");
            } catch (InterruptedIOException | ClosedByInterruptException e) {
                throw e;
            } catch (IOException e) {
                report(file, e);
            }
        }
        io().out.flush();
    }

    /**
     * With -N: the output named as the header says (its last component, in the input's directory), or
     * {@code otherwise} if the header has no name.
     */
    private Path nameInHeader(Path file, Path otherwise) throws IOException {
        try (GzipInputStream gzip = new GzipInputStream(Files.newInputStream(file))) {
            String stored = gzip.header().name().orElse("");
            String name = stored.substring(stored.lastIndexOf('/') + 1);
            return name.isEmpty() || name.equals(".") || name.equals("..") ? otherwise : file.resolveSibling(name);
        }
    }

    /** Removes the inputs of the outputs written (unless -k), and prints them with -v and --json. */
    private void finish(List<GzipResult> results) throws IOException {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (GzipResult result : results) {
            if (!keep) {
                Files.deleteIfExists(result.input());
            }
            verboseLine(result.input(), result.uncompressedSize(), result.compressedSize(),
                    "created " + result.output());
            ObjectNode entry = array.addObject();
            entry.put("input", result.input().toString());
            entry.put("output", result.output().toString());
            entry.put("uncompressed", result.uncompressedSize());
            entry.put("compressed", result.compressedSize());
            entry.put("crc32", String.format(Locale.ROOT, "%08x", result.crc32()));
            entry.put("members", result.members());
            entry.put("seconds", result.elapsed().toNanos() / 1e9);
        }
        if (json) {
            io().out.println(Json.compact(array));
        }
    }

    private void test(List<FileArguments.FileEntry> entries, GzipOptions options) throws Exception {
        ArrayNode array = Json.MAPPER.createArrayNode();
        try (Progress progress = Progress.bytes(io(), !noProgress, "test", totalSize(entries))) {
            long done = 0;
            for (FileArguments.FileEntry entry : entries) {
                long base = done;
                ObjectNode result = Json.object();
                result.put("file", entry.path().toString());
                try {
                    GzipResult tested = ParallelGzip.test(entry.path(),
                            options.withProgress((read, written) -> progress.set(base + read)));
                    warnAboutGarbage(entry.path().toString(), tested.trailingGarbage());
                    if (verboseLines()) {
                        io().err.println(entry.path() + ":\t OK");
                    }
                    result.put("ok", true);
                    result.put("uncompressed", tested.uncompressedSize());
                } catch (IOException e) {
                    report(entry.path(), e);
                    result.put("ok", false);
                    result.put("error", Failures.describe(e).reason());
                }
                array.add(result);
                done += entry.size();
                progress.set(done);
            }
        }
        if (json) {
            io().out.println(Json.compact(array));
        }
    }

    private void list(List<FileArguments.FileEntry> entries) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        List<String[]> rows = new ArrayList<>();
        long compressed = 0;
        long uncompressed = 0;
        for (FileArguments.FileEntry entry : entries) {
            try {
                GzipInfo info = ParallelGzip.list(entry.path());
                Path out = decompressedName(entry.path());
                String name = (out == null ? entry.path() : out).toString();
                rows.add(row(info.compressedSize(), info.uncompressedSize(), name));
                compressed += info.compressedSize();
                uncompressed += info.uncompressedSize();
                ObjectNode object = array.addObject();
                object.put("file", entry.path().toString());
                object.put("compressed", info.compressedSize());
                object.put("uncompressed", info.uncompressedSize());
                object.put("ratio", Json.percent(info.uncompressedSize() - Math.min(info.uncompressedSize(),
                        info.compressedSize()), info.uncompressedSize()));
                object.put("layout", info.layout().name().toLowerCase(Locale.ROOT));
                object.put("members", info.members());
                object.put("crc32", String.format(Locale.ROOT, "%08x", info.crc32()));
                object.put("uncompressed_name", name);
            } catch (IOException e) {
                report(entry.path(), e);
            }
        }
        if (json) {
            io().out.println(Json.compact(array));
            return;
        }
        if (rows.isEmpty()) {
            return;
        }
        if (rows.size() > 1) {
            rows.add(row(compressed, uncompressed, "(totals)"));
        }
        PrintStream out = io().out;
        out.printf(Locale.ROOT, "%19s %19s %6s %s%n", "compressed", "uncompressed", "ratio", "uncompressed_name");
        for (String[] row : rows) {
            out.printf(Locale.ROOT, "%19s %19s %6s %s%n", (Object[]) row);
        }
    }

    /** A row as {@code gzip -l} prints it: the ratio is the share saved. */
    private static String[] row(long compressed, long uncompressed, String name) {
        double saved = uncompressed == 0 ? 0 : 100.0 * (uncompressed - compressed) / uncompressed;
        return new String[] {Long.toString(compressed), Long.toString(uncompressed),
                String.format(Locale.ROOT, "%.1f%%", saved), name};
    }
}
