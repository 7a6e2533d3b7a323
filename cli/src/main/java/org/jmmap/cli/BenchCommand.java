package org.jmmap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmmap bench}: the benchmark suite, as {@code bench/run} runs it. */
@Command(name = "bench", sortOptions = false,
        description = {"Run the benchmark suite (bench/run).",
                "Runs jmmap's JMH benchmarks from the source tree: builds them, runs the demo "
                + "and the benchmarks, and prints the table of ratios against the baselines measured in the same "
                + "run; results go to bench/results/.",
                "Needs the source tree: ./jmmap passes it, or set JMMAP_HOME."},
        footerHeading = "%nExamples:%n",
        footer = {"  jmmap bench --quick                    # about four minutes on 2 cores",
                "  jmmap bench --jdk 25 SequentialRead    # one benchmark class, Temurin 25"})
final class BenchCommand extends JmmapCommand {

    @Option(names = "--quick", description = "The comparisons with FileChannel.map, FFM and JNA only, with fewer "
            + "and shorter iterations (indicative figures).")
    boolean quick;

    @Option(names = "--jdk", paramLabel = "N", description = "Run on JDK N found under /usr/lib/jvm.")
    Integer jdk;

    @Parameters(paramLabel = "PATTERN", arity = "0..*", description = "JMH benchmark regular expressions.")
    List<String> patterns = new ArrayList<>();

    @Override
    void execute() throws Exception {
        Path home = io().home.orElseThrow(() -> new Failure("bench/run", "no jmmap source tree to run it in: "
                + "run 'jmmap bench' through ./jmmap in the repository, or set JMMAP_HOME", "ENOENT"));
        Path script = home.resolve("bench").resolve("run");
        if (!Files.isExecutable(script)) {
            throw new Failure(script.toString(), "not found or not executable", "ENOENT");
        }
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        if (quick) {
            command.add("--quick");
        }
        if (jdk != null) {
            command.add("--jdk");
            command.add(jdk.toString());
        }
        command.addAll(patterns);
        io().flush();
        Process process = new ProcessBuilder(command).directory(home.toFile())
                .redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        Thread errors = copy(process.getErrorStream(), io().err);
        copy(process.getInputStream(), io().out).join();
        errors.join();
        int status = process.waitFor();
        io().flush();
        if (status != 0) {
            throw new Failure(script.toString(), "exited with status " + status, null);
        }
    }

    /** Copies {@code from} to {@code to} on a thread of its own, so that neither pipe fills up. */
    private static Thread copy(InputStream from, OutputStream to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    synchronized (to) {
                        to.write(buffer, 0, n);
                        to.flush();
                    }
                }
            } catch (IOException e) {
                // the child's pipe closed: nothing more to copy
            }
        }, "jmmap-bench-output");
        thread.start();
        return thread;
    }
}
