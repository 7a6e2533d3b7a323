package org.jmmap.gzip;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The real tools the gzip tests check against: {@code gzip}, {@code pigz}, {@code bgzip} (Debian packages gzip,
 * pigz, tabix) and Python's {@code gzip} module, plus test data.
 */
final class Tools {

    private Tools() {
    }

    /** What a command did. */
    record Run(int status, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /**
     * Runs {@code command} in {@code directory} with stdin from {@code stdin} (or nothing), and returns its status,
     * output and errors. A missing tool fails the test with the package to install.
     */
    static Run run(Path directory, Path stdin, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
                : ProcessBuilder.Redirect.from(stdin.toFile()));
        Path out = Files.createTempFile(directory, "stdout", ".bin");
        Path err = Files.createTempFile(directory, "stderr", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process;
        try {
            process = builder.start();
        } catch (IOException missing) {
            fail(command[0] + " is needed by this test (Debian: apt-get install gzip pigz tabix python3): "
                    + missing.getMessage());
            throw missing;
        }
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in 300 s");
        }
        try {
            return new Run(process.exitValue(), Files.readAllBytes(out),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    /** Runs {@code command} and fails the test unless it exits with status 0; returns its stdout. */
    static byte[] ok(Path directory, Path stdin, String... command) throws IOException, InterruptedException {
        Run run = run(directory, stdin, command);
        if (run.status() != 0) {
            fail(String.join(" ", command) + " exited with " + run.status() + ": " + run.stderr());
        }
        return run.stdout();
    }

    /** The bytes {@code gzip -dc}, {@code pigz -dc} and Python's {@code gzip.decompress} each make of {@code gz}. */
    static List<byte[]> decompressedByEveryTool(Path gz) throws IOException, InterruptedException {
        Path directory = gz.getParent();
        List<byte[]> outputs = new ArrayList<>();
        outputs.add(ok(directory, gz, "gzip", "-dc"));
        outputs.add(ok(directory, gz, "pigz", "-dc"));
        outputs.add(ok(directory, gz, "python3", "-c",
                "import gzip, sys; sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))"));
        return outputs;
    }

    /** Fails unless {@code gzip -t} and {@code pigz -t} find {@code gz} valid, without any warning. */
    static void testedByGzipAndPigz(Path gz) throws IOException, InterruptedException {
        for (String tool : new String[] {"gzip", "pigz"}) {
            Run run = run(gz.getParent(), null, tool, "-t", gz.toString());
            if (run.status() != 0 || !run.stderr().isEmpty()) {
                fail(tool + " -t " + gz + " exited with " + run.status() + ": " + run.stderr());
            }
        }
    }

    /**
     * Text-like bytes: lines of words drawn from a vocabulary with a skewed distribution, which compress about as
     * well as logs or CSV (to 25-35%).
     */
    static byte[] text(int length, long seed) {
        Random random = new Random(seed);
        String[] words = new String[4000];
        for (int i = 0; i < words.length; i++) {
            char[] word = new char[2 + random.nextInt(9)];
            for (int j = 0; j < word.length; j++) {
                word[j] = (char) ('a' + random.nextInt(26));
            }
            words[i] = new String(word);
        }
        byte[] bytes = new byte[length];
        int at = 0;
        int column = 0;
        while (at < length) {
            String word = words[(int) (words.length * Math.pow(random.nextDouble(), 3))];
            for (int i = 0; i < word.length() && at < length; i++) {
                bytes[at++] = (byte) word.charAt(i);
            }
            if (at < length) {
                bytes[at++] = (byte) (++column % 14 == 0 ? '\n' : (column % 5 == 0 ? ',' : ' '));
            }
        }
        return bytes;
    }

    /** Random bytes: incompressible. */
    static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Both arrays, one after the other. */
    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
