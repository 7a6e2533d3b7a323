package org.jmmap.gzip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An input truncated by another party while it is mapped and read: zlib and the CRC32 intrinsic would end the JVM
 * with SIGBUS on such a page, so jmmap never hands them a view of the mapping; the operation must fail with
 * {@code EFAULT} and leave no output. The risky part runs in a child JVM whose exit status tells a crash. And an
 * interrupt leaves no output either.
 */
class GzipCrashSafetyTest {

    @TempDir
    Path directory;

    /** A compressed input for {@code format}: large enough that reading continues after the truncation. */
    private Path input(String operation, String format) throws Exception {
        Path text = Files.write(directory.resolve("in.txt"), Tools.text(32 << 20, 31));
        if (operation.equals("compress")) {
            return text;
        }
        Path gz = directory.resolve("in.gz");
        if (format.equals("bgzf")) {
            Files.write(gz, Tools.ok(directory, null, "bgzip", "-c", "-l", "1", "in.txt"));
        } else {
            Files.write(gz, Tools.ok(directory, null, "gzip", "-c", "-1", "in.txt"));
        }
        Files.delete(text);
        return gz;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"compress, -", "decompress, gzip", "decompress, bgzf", "test, gzip", "test, bgzf"})
    void anInputTruncatedUnderneathFailsWithEfaultAndLeavesNoOutput(String operation, String format)
            throws Exception {
        // The JNA backend has no SIGBUS guard: there, a bulk read of a truncated page raises InternalError, as
        // element access does (see Mapping); the guarded copy is the JNI backend's.
        assumeFalse("jna".equals(System.getProperty("jmmap.backend")), "needs the JNI backend's SIGBUS guard");
        Path in = input(operation, format);
        Path out = directory.resolve("out");
        ChildJvm.Result child = ChildJvm.of(TruncatedInputChild.class, operation, in.toString(), out.toString())
                .run();
        assertEquals(0, child.exitStatus, child.toString());
        assertTrue(child.output.contains("errno=EFAULT"), child.toString());
        assertTrue(child.output.contains("output exists=false"), child.toString());
        assertEquals(4096, Files.size(in));
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(1, files.count(), "only the input is left");
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @CsvSource({"1", "2"})
    void anInterruptedDecompressionLeavesNoOutputAndKeepsTheOldOne(int threads) throws Exception {
        Path text = Files.write(directory.resolve("in.txt"), Tools.text(24 << 20, 32));
        for (String tool : new String[] {"gzip", "bgzip"}) {
            Path gz = Files.write(directory.resolve("in.gz"), Tools.ok(directory, null, tool, "-c", "in.txt"));
            Path out = Files.write(directory.resolve("out.txt"), new byte[] {'o', 'l', 'd'});
            Thread caller = Thread.currentThread();
            GzipOptions options = GzipOptions.defaults().withThreads(threads)
                    .withProgress((read, written) -> caller.interrupt());
            try {
                assertThrows(InterruptedIOException.class, () -> ParallelGzip.decompress(gz, out, options));
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
            } finally {
                Thread.interrupted();
            }
            assertArrayEquals(new byte[] {'o', 'l', 'd'}, Files.readAllBytes(out));
            try (Stream<Path> files = Files.list(directory)) {
                assertEquals(3, files.count(), "in.txt, in.gz and out.txt only");
            }
        }
        Files.delete(text);
    }
}
