package org.jmmap;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Python that the {@link MmapFile} tests compare against: {@code -Djmmap.test.python=...} if given, else the
 * newest {@code python3.N} (N >= 13) on the PATH or under {@code ~/.pyenv/versions}, else {@code python3}.
 * {@code MmapFile} follows CPython 3.13; with an older Python the comparisons note where it differs.
 */
final class MmapFilePython {

    private static final String EXECUTABLE = find();

    private MmapFilePython() {
    }

    /** The Python executable. */
    static String executable() {
        return EXECUTABLE;
    }

    private static String find() {
        String configured = System.getProperty("jmmap.test.python", "").trim();
        if (!configured.isEmpty()) {
            return configured;
        }
        List<Path> candidates = new ArrayList<>();
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (int minor = 20; minor >= 13; minor--) {
                candidates.add(Paths.get(directory, "python3." + minor));
            }
        }
        Path pyenv = Paths.get(System.getProperty("user.home"), ".pyenv", "versions");
        if (Files.isDirectory(pyenv)) {
            try (Stream<Path> versions = Files.list(pyenv)) {
                versions.filter(v -> v.getFileName().toString().matches("3\\.(1[3-9]|[2-9][0-9])\\.[0-9]+"))
                        .sorted(Comparator.comparing((Path v) -> minor(v)).reversed())
                        .forEach(v -> candidates.add(v.resolve("bin").resolve("python3")));
            } catch (IOException e) {
                // no pyenv versions to add
            }
        }
        for (Path candidate : candidates) {
            // pyenv's shims are scripts that fail for versions not selected: run each candidate once to be sure
            if (Files.isExecutable(candidate) && runs(candidate.toString())) {
                return candidate.toString();
            }
        }
        return "python3";
    }

    private static int minor(Path version) {
        return Integer.parseInt(version.getFileName().toString().split("\\.")[1]);
    }

    private static boolean runs(String python) {
        try {
            return run(python, "-c", "import mmap").exitStatus == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code sys.version_info[:2]} of the Python, such as {@code "3.13"}. */
    static String version() throws IOException {
        return check(run(EXECUTABLE, "-c", "import sys; print('%d.%d' % sys.version_info[:2])")).trim();
    }

    /** Runs {@code script} with {@code arguments}; its standard output, or an exception with its output. */
    static String runScript(Path script, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(Arrays.asList(EXECUTABLE, script.toString()));
        command.addAll(Arrays.asList(arguments));
        return check(run(command.toArray(new String[0])));
    }

    /** Starts {@code script} without waiting; standard error goes to standard output. */
    static Process start(Path script, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(Arrays.asList(EXECUTABLE, script.toString()));
        command.addAll(Arrays.asList(arguments));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String check(Outcome outcome) throws IOException {
        if (outcome.exitStatus != 0) {
            throw new IOException("python exited with status " + outcome.exitStatus + ":\n" + outcome.output);
        }
        return outcome.output;
    }

    private static Outcome run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
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

    private static final class Outcome {
        final int exitStatus;
        final String output;

        Outcome(int exitStatus, String output) {
            this.exitStatus = exitStatus;
            this.output = output;
        }
    }

    /** Whether the Python is 3.13 or newer. */
    static boolean atLeast313() throws IOException {
        String[] parts = version().split("\\.");
        return Integer.parseInt(parts[0]) > 3 || Integer.parseInt(parts[1]) >= 13;
    }
}
