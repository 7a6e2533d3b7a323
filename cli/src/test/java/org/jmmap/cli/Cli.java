package org.jmmap.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Runs the jmmap command in this JVM, with its streams captured: what picocli parses and what a command prints. */
final class Cli {

    private Cli() {
    }

    /** How a command line ended. */
    record Result(int status, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** The lines of standard error. */
        List<String> errLines() {
            return stderr.isEmpty() ? List.of() : Arrays.asList(stderr.split("\n"));
        }

        @Override
        public String toString() {
            return "status " + status + "\n--- stdout:\n" + out() + "--- stderr:\n" + stderr;
        }
    }

    static Result run(String... args) {
        return run(new byte[0], null, args);
    }

    static Result runWithInput(byte[] input, String... args) {
        return run(input, null, args);
    }

    static Result run(byte[] input, Path home, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io io = new Io(new ByteArrayInputStream(input), new PrintStream(out, false, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, false, Optional.ofNullable(home));
        int status = Jmmap.run(io, args);
        return new Result(status, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }
}
