package org.jmmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

/** The default huge page size, which {@code MAP_HUGETLB} mappings are rounded to. */
final class HugePages {

    private static final long DEFAULT = 2L << 20;
    private static final long SIZE = read();

    private HugePages() {
    }

    static long size() {
        return SIZE;
    }

    private static long read() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/meminfo"))) {
                if (line.startsWith("Hugepagesize:")) {
                    String[] fields = line.substring("Hugepagesize:".length()).trim().split("\\s+");
                    return Long.parseLong(fields[0]) * 1024; // reported in kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: the usual x86-64 and aarch64 default
        }
        return DEFAULT;
    }
}
