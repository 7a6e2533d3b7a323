package org.jmmap.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jmmap.Mapping;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmmap residency}: how much of each file the page cache holds (as fincore and vmtouch). */
@Command(name = "residency", sortOptions = false,
        description = {"Show how much of each file the page cache holds (like fincore, vmtouch).",
                "Pages, resident pages and percent per file and in total, from mincore over a mapping of each "
                        + "file; nothing is read, so the residency is unchanged."},
        footerHeading = "%nExamples:%n",
        footer = {"  jmmap residency data.bin",
                "  jmmap residency -r /var/lib/db         # every file under it",
                "  jmmap residency --map big.bin          # which parts are resident",
                "  jmmap residency --json *.log | jq '.total.percent'"})
final class ResidencyCommand extends JmmapCommand {

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files; directories too with -r.")
    List<Path> paths;

    @Option(names = {"-r", "--recursive"}, description = "Include the files under directories (links not followed).")
    boolean recursive;

    @Option(names = "--map", description = "Draw each file as a one-line bar of cells: O all pages of the cell "
            + "resident, o some, blank none.")
    boolean map;

    @Option(names = "--cells", paramLabel = "N", defaultValue = "60",
            description = "Cells in a --map bar (default: ${DEFAULT-VALUE}); a file of fewer pages gets one a page.")
    int cells;

    @Option(names = "--json", description = "Print JSON: {page_size, files: [{file, size, pages, resident_pages, "
            + "percent[, map]}], total: {files, size, pages, resident_pages, percent}}.")
    boolean json;

    @Override
    void execute() {
        if (cells < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--cells=" + cells + ": must be at least 1");
        }
        List<FilePages> results = new ArrayList<>();
        for (FileArguments.FileEntry file : FileArguments.expand(this, paths, recursive)) {
            try {
                results.add(FilePages.of(file));
            } catch (Exception e) {
                report(file.path(), e);
            }
        }
        if (json) {
            printJson(results);
        } else if (map) {
            printMaps(results);
        } else {
            printTable(results);
        }
    }

    private void printJson(List<FilePages> results) {
        ObjectNode root = Json.object();
        root.put("page_size", Mapping.pageSize());
        ArrayNode files = root.putArray("files");
        long size = 0;
        long pages = 0;
        long resident = 0;
        for (FilePages file : results) {
            ObjectNode entry = files.addObject();
            entry.put("file", file.file.toString());
            entry.put("size", file.size);
            entry.put("pages", file.pages);
            entry.put("resident_pages", file.residentPages);
            entry.put("percent", Json.percent(file.residentPages, file.pages));
            if (map) {
                entry.put("map", file.map(cells));
            }
            size += file.size;
            pages += file.pages;
            resident += file.residentPages;
        }
        ObjectNode total = root.putObject("total");
        total.put("files", results.size());
        total.put("size", size);
        total.put("pages", pages);
        total.put("resident_pages", resident);
        total.put("percent", Json.percent(resident, pages));
        io().out.println(Json.compact(root));
    }

    private void printMaps(List<FilePages> results) {
        int barWidth = 0;
        int countWidth = 0;
        List<String> counts = new ArrayList<>();
        for (FilePages file : results) {
            barWidth = (int) Math.max(barWidth, Math.min(cells, file.pages));
            counts.add(file.residentPages + "/" + file.pages);
            countWidth = Math.max(countWidth, counts.get(counts.size() - 1).length());
        }
        PrintStream out = io().out;
        for (int i = 0; i < results.size(); i++) {
            FilePages file = results.get(i);
            out.printf(Locale.ROOT, "[%-" + Math.max(1, barWidth) + "s] %" + countWidth + "s %6.1f%%  %s%n",
                    file.map(cells), counts.get(i), Json.percent(file.residentPages, file.pages), file.file);
        }
    }

    private void printTable(List<FilePages> results) {
        if (results.isEmpty()) {
            return;
        }
        long size = 0;
        long pages = 0;
        long resident = 0;
        List<String[]> rows = new ArrayList<>();
        for (FilePages file : results) {
            rows.add(row(file.residentPages, file.pages, file.size, file.file.toString()));
            size += file.size;
            pages += file.pages;
            resident += file.residentPages;
        }
        if (results.size() > 1) {
            rows.add(row(resident, pages, size, "total (" + results.size() + " files)"));
        }
        int[] widths = {"RESIDENT".length(), "PAGES".length(), "PERCENT".length(), "SIZE".length()};
        for (String[] row : rows) {
            for (int column = 0; column < widths.length; column++) {
                widths[column] = Math.max(widths[column], row[column].length());
            }
        }
        String format = "%" + widths[0] + "s  %" + widths[1] + "s  %" + widths[2] + "s  %" + widths[3] + "s  %s%n";
        PrintStream out = io().out;
        out.printf(Locale.ROOT, format, "RESIDENT", "PAGES", "PERCENT", "SIZE", "FILE");
        for (String[] row : rows) {
            out.printf(Locale.ROOT, format, (Object[]) row);
        }
    }

    private static String[] row(long resident, long pages, long size, String name) {
        return new String[] {Long.toString(resident), Long.toString(pages),
                String.format(Locale.ROOT, "%.1f%%", Json.percent(resident, pages)), Sizes.human(size), name};
    }
}
