package org.jmmap.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jmmap.Advice;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmmap touch}: bring files into the page cache (as {@code vmtouch -t}). */
@Command(name = "touch", sortOptions = false,
        description = {"Bring files into the page cache (like vmtouch -t).",
                "Reads every page through a mapping, chunk by chunk, and reports the throughput reached.",
                "Each chunk is read with MADV_POPULATE_READ (Linux 5.14+; else one byte a page), then unmapped "
                        + "from this process again (MADV_DONTNEED), so that files larger than memory stream through "
                        + "without holding it."},
        footerHeading = "%nExamples:%n",
        footer = {"  jmmap touch data.bin                   # now 100%% resident",
                "  jmmap touch -r /var/lib/db --json"})
final class TouchCommand extends JmmapCommand {

    /** Bytes read per step: big enough to keep the disk busy, small enough for a smooth progress bar. */
    private static final long CHUNK = 32L << 20;

    /** Where the page-touching loop leaves its result, so that the JIT keeps its loads. */
    @SuppressWarnings("unused")
    private static volatile byte consumed;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files; directories too with -r.")
    List<Path> paths;

    @Option(names = {"-r", "--recursive"}, description = "Include the files under directories (links not followed).")
    boolean recursive;

    @Option(names = "--json", description = "Print JSON: {files, size, pages, resident_pages_before, "
            + "resident_pages_after, seconds, bytes_per_second}.")
    boolean json;

    @Option(names = "--no-progress", negatable = false,
            description = "No progress bar (one is drawn on standard error only when it is a terminal).")
    boolean noProgress;

    @Override
    void execute() {
        List<FileArguments.FileEntry> files = FileArguments.expand(this, paths, recursive);
        long total = 0;
        for (FileArguments.FileEntry file : files) {
            total += file.size();
        }
        long size = 0;
        long pages = 0;
        long residentBefore = 0;
        long residentAfter = 0;
        int touched = 0;
        boolean populate = Advice.POPULATE_READ.isSupported(); // probes the kernel once, before the clock starts
        long start;
        try (Progress progress = Progress.bytes(io(), !noProgress, "touch", total)) {
            start = System.nanoTime();
            for (FileArguments.FileEntry file : files) {
                if (file.size() == 0) {
                    touched++;
                    continue;
                }
                try (Mapping mapping = Mapping.map(file.path(), MapMode.READ_ONLY)) {
                    FilePages before = FilePages.of(file.path(), mapping);
                    touch(mapping, populate, progress);
                    FilePages after = FilePages.of(file.path(), mapping);
                    size += mapping.length();
                    pages += before.pages;
                    residentBefore += before.residentPages;
                    residentAfter += after.residentPages;
                    touched++;
                } catch (Exception | InternalError e) {
                    report(file.path(), e);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = seconds > 0 ? size / seconds : 0;
        if (json) {
            ObjectNode result = Json.object();
            result.put("files", touched);
            result.put("size", size);
            result.put("pages", pages);
            result.put("resident_pages_before", residentBefore);
            result.put("resident_pages_after", residentAfter);
            result.put("seconds", Math.round(seconds * 1e6) / 1e6);
            result.put("bytes_per_second", Math.round(rate));
            io().out.println(Json.compact(result));
        } else {
            io().out.printf(Locale.ROOT, "touched %d file%s, %s (%d pages) in %.3f s: %s; resident %.1f%% before, "
                            + "%.1f%% now%n", touched, touched == 1 ? "" : "s", Sizes.human(size), pages, seconds,
                    Sizes.rate(rate), Json.percent(residentBefore, pages), Json.percent(residentAfter, pages));
        }
    }

    /**
     * Reads every page of the mapping, chunk by chunk. No read-ahead advice: MADV_SEQUENTIAL marks the pages as
     * used once, so that the kernel reclaims them first, and MADV_WILLNEED on the next chunk measured slower than
     * the read-ahead that MADV_POPULATE_READ's faults start themselves.
     */
    private static void touch(Mapping mapping, boolean populate, Progress progress) throws Exception {
        long length = mapping.length();
        int page = Mapping.pageSize();
        for (long offset = 0; offset < length; offset += CHUNK) {
            long chunk = Math.min(CHUNK, length - offset);
            if (populate) {
                mapping.advise(offset, chunk, Advice.POPULATE_READ);
            } else {
                byte sum = 0;
                for (long at = offset; at < offset + chunk; at += page) {
                    sum += mapping.getByte(at);
                }
                consumed = sum; // a load whose value nobody uses may be optimized away, and the page not read
            }
            // Drops this process's mapping of the pages, not the pages: they stay in the page cache.
            mapping.advise(offset, chunk, Advice.DONT_NEED);
            progress.advance(chunk);
        }
    }
}
