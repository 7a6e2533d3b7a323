package org.jmmap.cli;

import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the executable jar the package phase built ({@code cli/target/jmmap.jar}) as a user would: in a process of
 * its own, with this JVM's java and flags, optionally under a wrapper command ({@code setpriv}, {@code prlimit},
 * {@code script}).
 */
final class JmmapProcess {

    static final Path JAR = Paths.get(System.getProperty("jmmap.cli.jar", "target/jmmap.jar")).toAbsolutePath();
    static final Path REPOSITORY = Paths.get(System.getProperty("jmmap.repository", "..")).toAbsolutePath()
            .normalize();

    private static final int CAP_DAC_OVERRIDE = 1;
    private static final int CAP_DAC_READ_SEARCH = 2;
    private static final int CAP_SETPCAP = 8;
    private static final int CAP_IPC_LOCK = 14;

    private JmmapProcess() {
    }

    /** How a process ended. */
    record Result(int status, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        List<String> errLines() {
            return stderr.isEmpty() ? List.of() : Arrays.asList(stderr.split("\n"));
        }

        @Override
        public String toString() {
            return "status " + status + "\n--- stdout:\n" + out() + "--- stderr:\n" + stderr;
        }
    }

    /** {@code java [flags] -jar jmmap.jar args...}. */
    static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        String flags = System.getProperty("jmmap.test.jvm.flags", "").trim();
        if (!flags.isEmpty()) {
            command.addAll(Arrays.asList(flags.split("\\s+")));
        }
        command.add("-XX:-CreateCoredumpOnCrash");
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(Arrays.asList(args));
        return command;
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return run(List.of(), new byte[0], args);
    }

    /** Runs jmmap under {@code wrapper} with {@code input} on its standard input, to completion. */
    static Result run(List<String> wrapper, byte[] input, String... args) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(wrapper);
        full.addAll(command(args));
        return runCommand(full, input);
    }

    /** Runs any command to completion (killing it after two minutes). */
    static Result runCommand(List<String> command, byte[] input) throws IOException, InterruptedException {
        Path out = Files.createTempFile("jmmap-it-", ".out");
        Path err = Files.createTempFile("jmmap-it-", ".err");
        Path in = Files.write(Files.createTempFile("jmmap-it-", ".in"), input);
        try {
            Process process = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(process.exitValue(), Files.readAllBytes(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            Files.deleteIfExists(in);
        }
    }

    /** Starts jmmap without waiting: standard output is a pipe to read, standard error goes to {@code err}. */
    static Process start(Path err, String... args) throws IOException {
        return new ProcessBuilder(command(args)).redirectError(err.toFile()).start();
    }

    /**
     * The command prefix that runs a program without the capabilities that let root ignore file permissions and
     * RLIMIT_MEMLOCK ({@code CAP_DAC_OVERRIDE}, {@code CAP_DAC_READ_SEARCH}, {@code CAP_IPC_LOCK}): empty if this
     * process lacks them, {@code setpriv ...} otherwise; absent if they cannot be dropped here.
     */
    static Optional<List<String>> withoutCapabilities() {
        boolean privileged = hasCapability(CAP_DAC_OVERRIDE) || hasCapability(CAP_DAC_READ_SEARCH)
                || hasCapability(CAP_IPC_LOCK);
        if (!privileged) {
            return Optional.of(List.of());
        }
        Optional<Path> setpriv = executable("setpriv");
        if (setpriv.isEmpty() || !hasCapability(CAP_SETPCAP)) {
            return Optional.empty();
        }
        return Optional.of(List.of(setpriv.get().toString(), "--inh-caps=-all",
                "--bounding-set=-ipc_lock,-dac_override,-dac_read_search"));
    }

    static boolean hasCapability(int capability) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return new BigInteger(line.substring("CapEff:".length()).trim(), 16).testBit(capability);
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return false;
    }

    /** {@code name} found on the PATH. */
    static Optional<Path> executable(String name) {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Paths.get(directory.isEmpty() ? "." : directory, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** A directory for a test's files on the file system of the build (not tmpfs: pages there cannot be evicted). */
    static Path directory(String what) throws IOException {
        Path base = Paths.get("target", "it-files").toAbsolutePath();
        Files.createDirectories(base);
        return Files.createTempDirectory(base, what + "-");
    }

    /** Deletes a directory tree made by {@link #directory}. */
    static void delete(Path directory) throws IOException {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toArray(Path[]::new)) {
                Files.deleteIfExists(path);
            }
        }
    }
}
