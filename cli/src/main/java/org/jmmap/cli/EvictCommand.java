package org.jmmap.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jmmap.FileAdvice;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.PageCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmmap evict}: drop files' clean pages from the page cache (as {@code vmtouch -e}). */
@Command(name = "evict", sortOptions = false,
        description = {"Drop files from the page cache (like vmtouch -e).",
                "posix_fadvise(POSIX_FADV_DONTNEED) over each file drops its pages for every process: the next "
                        + "read comes from the disk.",
                "Pages written but not yet on disk (dirty) and pages a process has mapped stay resident; the "
                        + "summary says how many did ('sync FILE' first writes dirty pages out)."},
        footerHeading = "%nExamples:%n",
        footer = {"  jmmap evict data.bin                   # a cold-cache measurement starts here",
                "  jmmap evict -r /var/lib/db --json"})
final class EvictCommand extends JmmapCommand {

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files; directories too with -r.")
    List<Path> paths;

    @Option(names = {"-r", "--recursive"}, description = "Include the files under directories (links not followed).")
    boolean recursive;

    @Option(names = "--json", description = "Print JSON: {files: [{file, pages, resident_pages_before, "
            + "resident_pages_after}], total: {files, size, pages, resident_pages_before, resident_pages_after}}.")
    boolean json;

    @Override
    void execute() {
        ObjectNode root = Json.object();
        ArrayNode entries = root.putArray("files");
        long size = 0;
        long pages = 0;
        long before = 0;
        long after = 0;
        int evicted = 0;
        for (FileArguments.FileEntry file : FileArguments.expand(this, paths, recursive)) {
            try {
                FilePages was;
                FilePages now;
                if (file.size() == 0) {
                    was = now = FilePages.of(file);
                } else {
                    // The mapping only asks mincore: it maps no page, so it keeps none in memory.
                    try (Mapping mapping = Mapping.map(file.path(), MapMode.READ_ONLY)) {
                        was = FilePages.of(file.path(), mapping);
                        PageCache.advise(file.path(), FileAdvice.DONT_NEED);
                        now = FilePages.of(file.path(), mapping);
                    }
                }
                ObjectNode entry = entries.addObject();
                entry.put("file", file.path().toString());
                entry.put("pages", was.pages);
                entry.put("resident_pages_before", was.residentPages);
                entry.put("resident_pages_after", now.residentPages);
                size += was.size;
                pages += was.pages;
                before += was.residentPages;
                after += now.residentPages;
                evicted++;
            } catch (Exception e) {
                report(file.path(), e);
            }
        }
        if (json) {
            ObjectNode total = root.putObject("total");
            total.put("files", evicted);
            total.put("size", size);
            total.put("pages", pages);
            total.put("resident_pages_before", before);
            total.put("resident_pages_after", after);
            io().out.println(Json.compact(root));
        } else if (evicted > 0) {
            io().out.printf(Locale.ROOT, "evicted %d file%s, %s (%d pages): %d pages resident before, %d now%s%n",
                    evicted, evicted == 1 ? "" : "s", Sizes.human(size), pages, before, after,
                    after == 0 ? "" : " (dirty pages, and pages a process maps, stay)");
        }
    }
}
