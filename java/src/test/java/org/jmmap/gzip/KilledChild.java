package org.jmmap.gzip;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link GzipCrashSafetyTest}: {@code compress|bgzf|decompress IN OUT}: starts the operation,
 * prints {@code started} at its first progress report, with part of the output written, and waits there to be
 * killed.
 */
public final class KilledChild {

    private KilledChild() {
    }

    public static void main(String[] args) throws Exception {
        Path in = Path.of(args[1]);
        Path out = Path.of(args[2]);
        GzipOptions options = GzipOptions.defaults().withThreads(2).withBlockSize(GzipOptions.MIN_BLOCK_SIZE)
                .withProgress((read, written) -> {
                    System.out.println("started: read=" + read + ", written=" + written);
                    System.out.flush();
                    try {
                        Thread.sleep(120_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        switch (args[0]) {
            case "compress" -> ParallelGzip.compress(in, out, options);
            case "bgzf" -> ParallelGzip.compress(in, out, options.withFormat(GzipFormat.BGZF).withIndex(true));
            default -> ParallelGzip.decompress(in, out, options);
        }
        System.out.println("completed");
    }
}
