package org.jmmap.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.Residency;

/**
 * How many pages of a file the page cache holds ({@code mincore} over a read-only mapping of the whole file, which
 * reads nothing), and which: cells of a one-line map.
 */
final class FilePages {

    final Path file;
    final long size;
    final long pages;
    final long residentPages;
    /** null for an empty file. */
    private final Residency residency;

    private FilePages(Path file, long size, Residency residency) {
        this.file = file;
        this.size = size;
        this.residency = residency;
        this.pages = residency == null ? 0 : residency.pages();
        this.residentPages = residency == null ? 0 : residency.residentPages();
    }

    /** The residency of {@code file} now; an empty file has no pages (it cannot be mapped). */
    static FilePages of(FileArguments.FileEntry file) throws IOException {
        if (file.size() == 0) {
            return new FilePages(file.path(), 0, null);
        }
        try (Mapping mapping = Mapping.map(file.path(), MapMode.READ_ONLY)) {
            return new FilePages(file.path(), mapping.length(), mapping.residency());
        }
    }

    /** The residency of an open mapping of {@code file}. */
    static FilePages of(Path file, Mapping mapping) throws IOException {
        return new FilePages(file, mapping.length(), mapping.residency());
    }

    /**
     * The file's pages as at most {@code cells} characters, each standing for an equal share of the pages, as
     * vmtouch draws them: {@code O} all resident, {@code o} some, a space none.
     */
    String map(int cells) {
        int count = (int) Math.min(cells, pages);
        StringBuilder map = new StringBuilder(count);
        for (int cell = 0; cell < count; cell++) {
            long from = firstPage(cell, count);
            long to = firstPage(cell + 1, count);
            long resident = 0;
            for (long page = from; page < to; page++) {
                if (residency.isResident(page)) {
                    resident++;
                }
            }
            map.append(resident == to - from ? 'O' : resident > 0 ? 'o' : ' ');
        }
        return map.toString();
    }

    /** {@code cell * pages / cells} without overflow. */
    private long firstPage(long cell, long cells) {
        return pages / cells * cell + pages % cells * cell / cells;
    }
}
