package org.jmmap.gzip;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jmmap.ErrnoException;

/**
 * Run in a child JVM by {@link GzipCrashSafetyTest}: {@code compress|decompress|test IN OUT}: runs the operation
 * on IN, truncating IN to 4 KiB from the progress listener at the first report, and prints what happened. A JVM
 * that survives exits with status 0.
 */
public final class TruncatedInputChild {

    private TruncatedInputChild() {
    }

    public static void main(String[] args) throws Exception {
        Path in = Path.of(args[1]);
        Path out = Path.of(args[2]);
        boolean[] truncated = {false};
        GzipOptions options = GzipOptions.defaults().withThreads(2).withBlockSize(GzipOptions.MIN_BLOCK_SIZE)
                .withProgress((read, written) -> {
                    if (!truncated[0]) {
                        truncated[0] = true;
                        try (FileChannel channel = FileChannel.open(in, StandardOpenOption.WRITE)) {
                            channel.truncate(4096);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                });
        try {
            switch (args[0]) {
                case "compress" -> ParallelGzip.compress(in, out, options);
                case "decompress" -> ParallelGzip.decompress(in, out, options);
                default -> ParallelGzip.test(in, options);
            }
            System.out.println("completed, truncated=" + truncated[0]);
        } catch (ErrnoException e) {
            System.out.println("errno=" + e.errnoName());
        }
        System.out.println("output exists=" + Files.exists(out));
    }
}
