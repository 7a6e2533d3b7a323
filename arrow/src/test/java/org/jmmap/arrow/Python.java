package org.jmmap.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * python3 with pyarrow, DuckDB and Polars, the other party of the interop tests. .ci/run installs the three wheels
 * ({@code python3 -m pip install --user --no-index --find-links /opt/pypi/files pyarrow duckdb polars}).
 */
final class Python {

    private Python() {
    }

    /**
     * Runs {@code script} with {@code arguments} in python3 and returns its standard output; fails the test with
     * its standard error if it exits with another status than 0.
     */
    static String run(String script, String... arguments) throws IOException, InterruptedException {
        return run(null, script, arguments);
    }

    /** {@link #run(String, String...)} with {@code input} on its standard input. */
    static String run(byte[] input, String script, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", "-c", script));
        command.addAll(Arrays.asList(arguments));
        Path err = Files.createTempFile("jmmap-arrow-python-", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            if (input != null) {
                try (var stdin = process.getOutputStream()) {
                    stdin.write(input);
                }
            } else {
                process.getOutputStream().close();
            }
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("python3 did not finish in 300 s");
            }
            String errors = Files.readString(err);
            if (errors.contains("No module named")) {
                fail("python3 lacks a module the Arrow interop tests need; install the wheels with: python3 -m pip "
                        + "install --user --no-index --find-links /opt/pypi/files pyarrow duckdb polars\n" + errors);
            }
            assertEquals(0, process.exitValue(), "python3 failed:\n" + errors);
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
