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
import picocli.CommandLine.ParameterException;
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
                "  jmmap bench --jdk 25 SequentialRead    # one benchmark class, Temurin 25",
                "  jmmap bench --gzip                     # jmmap against pigz, gzip, bgzip",
                "  jmmap bench --channel=latency          # against Agrona, a socket, a pipe"})
final class BenchCommand extends JmmapCommand {

    @Option(names = "--quick", description = "The comparisons with FileChannel.map, FFM and JNA only, with fewer "
            + "and shorter iterations (indicative figures).")
    boolean quick;

    @Option(names = "--jdk", paramLabel = "N", description = "Run on JDK N found under /usr/lib/jvm.")
    Integer jdk;

    @Option(names = "--gzip", description = "The gzip comparison instead: jmmap against pigz, gzip, bgzip and the "
            + "JDK (about 25 minutes).")
    boolean gzip;

    @Option(names = "--channel", arity = "0..1", paramLabel = "PART", fallbackValue = "all",
            description = "The shared-memory channel against Agrona, a Unix socket, a pipe and memcpy, across "
                    + "processes instead: all parts, or messages, bulk or latency (about 15 minutes).")
    String channel;

    @Option(names = "--arrow", description = "The Arrow IPC comparison instead: against Arrow Java and pyarrow "
            + "(about 5 minutes).")
    boolean arrow;

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
        if ((gzip ? 1 : 0) + (arrow ? 1 : 0) + (channel != null ? 1 : 0) > 1) {
            throw new ParameterException(spec.commandLine(), "--gzip, --channel and --arrow are separate runs: "
                    + "choose one");
        }
        if (channel != null && !List.of("all", "messages", "bulk", "latency").contains(channel)) {
            throw new ParameterException(spec.commandLine(), "--channel=" + channel + ": a part is messages, bulk "
                    + "or latency");
        }
        if (gzip) {
            command.add("--gzip");
        }
        if (arrow) {
            command.add("--arrow");
        }
        if (channel != null) {
            command.add("--channel");
            if (!channel.equals("all")) {
                command.add(channel);
            }
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
