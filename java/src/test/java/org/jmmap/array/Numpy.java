package org.jmmap.array;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The numpy the interop tests compare against: {@code -Djmmap.test.python=...} if given, else the first of
 * {@code python3} and {@code /usr/bin/python3} that imports numpy. Without one the tests fail, saying what to
 * install: interop is tested against the real thing.
 */
final class Numpy {

    private static final String EXECUTABLE = find();

    private Numpy() {
    }

    private static String find() {
        List<String> candidates = new ArrayList<>();
        String configured = System.getProperty("jmmap.test.python", "").trim();
        if (!configured.isEmpty()) {
            candidates.add(configured);
        }
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        for (String candidate : candidates) {
            try {
                if (execute(List.of(candidate, "-c", "import numpy"), null).exitStatus == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // try the next one
            }
        }
        return null;
    }

    /** The python executable that has numpy. */
    static String python() {
        if (EXECUTABLE == null) {
            throw new IllegalStateException("no python3 with numpy found (tried -Djmmap.test.python, python3, "
                    + "/usr/bin/python3): install python3-numpy");
        }
        return EXECUTABLE;
    }

    /**
     * Runs {@code script} (Python source; {@code np}, {@code sys}, {@code os}, {@code base64} are imported) with
     * {@code arguments} in {@code sys.argv[1:]}; its standard output, or an exception carrying its output.
     */
    static String run(String script, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(python(), "-c",
                "import numpy as np, sys, os, base64, io, ast, struct\n" + script));
        command.addAll(Arrays.asList(arguments));
        Outcome outcome = execute(command, null);
        if (outcome.exitStatus != 0) {
            throw new IOException("python exited with status " + outcome.exitStatus + ":\n" + outcome.output);
        }
        return outcome.output;
    }

    /** Runs {@code script} and returns its exit status and output (standard error included) without checking. */
    static Outcome attempt(String script, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(python(), "-c",
                "import numpy as np, sys, os, base64, io, ast, struct\n" + script));
        command.addAll(Arrays.asList(arguments));
        return execute(command, null);
    }

    /** Starts {@code script} without waiting; standard error goes to {@code output}. */
    static Process start(Path output, String script, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(python(), "-c",
                "import numpy as np, sys, os, base64, io, ast, struct\n" + script));
        command.addAll(Arrays.asList(arguments));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static Outcome execute(List<String> command, Path input) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (input != null) {
            builder.redirectInput(input.toFile());
        }
        Process process = builder.start();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": did not finish");
            }
            return new Outcome(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }

    /** How a script ended. */
    static final class Outcome {
        final int exitStatus;
        final String output;

        Outcome(int exitStatus, String output) {
            this.exitStatus = exitStatus;
            this.output = output;
        }
    }

    /** Writes {@code lines} to a new temporary file for a script to read. */
    static Path lines(Path directory, List<String> lines) throws IOException {
        return Files.write(Files.createTempFile(directory, "cases-", ".txt"), lines, StandardCharsets.UTF_8);
    }
}
