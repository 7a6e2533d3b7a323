package org.jmmap.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jmmap.Advice;
import org.jmmap.FileAdvice;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.PageCache;

/** Files whose pages are in the page cache exactly as a test wants them. */
final class Files2 {

    static final int PAGE = Mapping.pageSize();

    private Files2() {
    }

    /**
     * A file of {@code pages} pages on disk, of which exactly {@code resident} are in the page cache: written
     * through (clean pages can be dropped), dropped, and those pages read back through a mapping advised RANDOM
     * (so that the kernel reads nothing around them).
     */
    static Path withResidentPages(Path file, int pages, long... resident) throws IOException {
        byte[] content = new byte[pages * PAGE];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31 + 7);
        }
        Files.write(file, content);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
        PageCache.advise(file, FileAdvice.DONT_NEED);
        try (Mapping mapping = Mapping.map(file, MapMode.READ_ONLY)) {
            mapping.advise(Advice.RANDOM);
            for (long page : resident) {
                mapping.getByte(page * PAGE);
            }
        }
        return file;
    }
}
