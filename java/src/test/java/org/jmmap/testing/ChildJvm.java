package org.jmmap.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/**
 * Runs a class's {@code main} in a fresh JVM with this JVM's class path, backend and test flags, so that a test of
 * "does not crash" checks an exit status instead of taking the test JVM down with it. Tests assert status 0: a
 * HotSpot crash (children run without core dumps) exits with status 1 after writing its hs_err file.
 *
 * <p>The child runs {@code java.home/bin/java}, or the command {@code -Djmmap.test.java} names: a JVM of another
 * architecture under an emulator, say, where this JVM's own launcher cannot be started directly.
 */
public final class ChildJvm {

    /** The java command for child JVMs, when it is not this JVM's {@code bin/java}. */
    public static final String JAVA_PROPERTY = "jmmap.test.java";

    private final List<String> command = new ArrayList<>();
    private final List<String> prefix = new ArrayList<>();
    private long timeoutSeconds = 300;

    private Path directory;

    private ChildJvm(String mainClass, String... arguments) {
        String java = System.getProperty(JAVA_PROPERTY, "");
        command.add(java.isEmpty() ? Paths.get(System.getProperty("java.home"), "bin", "java").toString() : java);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-XX:-CreateCoredumpOnCrash");
        command.add("-XX:ErrorFile=" + System.getProperty("java.io.tmpdir") + "/jmmap-child-hs_err_%p.log");
        String flags = System.getProperty("jmmap.test.jvm.flags", "").trim();
        if (!flags.isEmpty()) {
            command.addAll(Arrays.asList(flags.split("\\s+")));
        }
        for (String property : new String[] {"jmmap.backend", "jmmap.library.path", "jna.tmpdir", JAVA_PROPERTY}) {
            String value = System.getProperty(property);
            if (value != null) {
                command.add("-D" + property + "=" + value);
            }
        }
        this.mainClass = mainClass;
        this.arguments = arguments;
    }

    private final String mainClass;
    private final String[] arguments;

    /** A child that will run {@code mainClass.main(arguments)}. */
    public static ChildJvm of(Class<?> mainClass, String... arguments) {
        return new ChildJvm(mainClass.getName(), arguments);
    }

    /** A child that will run the {@code main} of the class named {@code mainClass}, found on its class path. */
    public static ChildJvm ofClassName(String mainClass, String... arguments) {
        return new ChildJvm(mainClass, arguments);
    }

    /** Puts {@code entry} before this JVM's class path on the child's. */
    public ChildJvm classPathFirst(Path entry) {
        int index = command.indexOf("-cp") + 1;
        command.set(index, entry + java.io.File.pathSeparator + command.get(index));
        return this;
    }

    /** Runs the child in {@code directory} instead of this JVM's working directory. */
    public ChildJvm directory(Path directory) {
        this.directory = directory;
        return this;
    }

    /** Adds JVM options ({@code -Dkey=value}, {@code -Xmx64m}, ...). */
    public ChildJvm jvmOptions(String... options) {
        command.addAll(Arrays.asList(options));
        return this;
    }

    /** Runs the JVM under a wrapper command, such as {@code prlimit --memlock=65536:65536 --}. */
    public ChildJvm wrappedIn(String... wrapper) {
        prefix.addAll(Arrays.asList(wrapper));
        return this;
    }

    public ChildJvm timeoutSeconds(long seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    /** Starts the child without waiting for it; its output goes to {@code output}. */
    public Process start(Path output) throws IOException {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(command);
        full.add(mainClass);
        full.addAll(Arrays.asList(arguments));
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile());
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        return builder.start();
    }

    /** Runs the child to completion (killing it after the timeout) and returns its status and output. */
    public Result run() throws IOException, InterruptedException {
        Path output = Files.createTempFile("jmmap-child-", ".out");
        try {
            Process process = start(output);
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return new Result(-1, "timed out after " + timeoutSeconds + " s\n" + read(output));
            }
            return new Result(process.exitValue(), read(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /**
     * Runs {@code mainClass}'s {@code main} in a child JVM and asserts that it ended with status 0 and printed every
     * one of {@code lines} (each child prints one per part it checked, so that a part skipped shows).
     */
    public static void assertRunsClean(Class<?> mainClass, String... lines) throws IOException, InterruptedException {
        Result result = of(mainClass).run();
        System.out.print(result.output);
        Assertions.assertEquals(0, result.exitStatus, result::toString);
        for (String line : lines) {
            Assertions.assertTrue(result.output.contains(line), () -> "no \"" + line + "\" in:\n" + result.output);
        }
    }

    // For the children's main methods

    /** What a child runs in a temporary directory. */
    @FunctionalInterface
    public interface InDirectory {
        void run(Path directory) throws Exception;
    }

    /**
     * Runs {@code body} in a new temporary directory named {@code prefix...}, then deletes the directory and the
     * files {@code body} left in it (it makes no subdirectories).
     */
    public static void inTemporaryDirectory(String prefix, InDirectory body) throws Exception {
        Path directory = Files.createTempDirectory(prefix);
        try {
            body.run(directory);
        } finally {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
                for (Path file : files) {
                    Files.delete(file);
                }
            }
            Files.delete(directory);
        }
    }

    /**
     * Ends a child with status 1 and {@code message} on its output, which the test that started it shows (status 0
     * means passed; a crash would be status 1 with an hs_err file instead of this message).
     */
    public static void fail(String message) {
        System.out.println("FAILED: " + message);
        System.out.flush();
        System.exit(1);
    }

    private static String read(Path output) throws IOException {
        return new String(Files.readAllBytes(output), StandardCharsets.UTF_8);
    }

    /** How a child ended. */
    public static final class Result {
        public final int exitStatus;
        public final String output;

        Result(int exitStatus, String output) {
            this.exitStatus = exitStatus;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit status " + exitStatus + ", output:\n" + output;
        }
    }
}
