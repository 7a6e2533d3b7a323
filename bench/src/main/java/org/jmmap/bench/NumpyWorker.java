package org.jmmap.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * numpy, started from the benchmark harness: one Python process per trial that opens the benchmark's own
 * {@code .npy} file with {@code np.load(path, mmap_mode='r')} and runs one operation per line it reads, answering
 * with the result. A call costs one pipe round trip (tens of microseconds) on top of numpy's work, against
 * operations of tens to hundreds of milliseconds. Python is {@code -Djmmap.bench.python} or {@code python3}; the
 * OpenBLAS tuning variables some machines set ({@code OPENBLAS_CORETYPE}, {@code OPENBLAS_L2_SIZE}) are removed from
 * its environment, as they slow a current numpy.
 */
final class NumpyWorker implements AutoCloseable {

    /** Operations, one per line: {@code name [arguments]}; each prints one float. */
    private static final String SCRIPT = String.join("\n",
            "import sys",
            "import numpy as np",
            "path = sys.argv[1]",
            "a = np.load(path, mmap_mode='r')",
            "print('ready numpy', np.__version__, flush=True)",
            "for line in sys.stdin:",
            "    op = line.split()",
            "    if op[0] == 'sum':",
            "        v = a.sum()",
            "    elif op[0] == 'mean0':",
            "        v = np.load(path, mmap_mode='r').mean(axis=0).flat[0]",
            "    elif op[0] == 'loadQuery':",
            "        v = np.load(path)[int(op[1]):int(op[2])].mean()",
            "    elif op[0] == 'memmapQuery':",
            "        v = np.load(path, mmap_mode='r')[int(op[1]):int(op[2])].mean()",
            "    else:",
            "        v = float('nan')",
            "    print(repr(float(v)), flush=True)");

    private final Process process;
    private final Writer in;
    private final BufferedReader out;
    /** What the worker said when it started ({@code ready numpy 2.4.6}). */
    final String version;

    private NumpyWorker(Process process) throws IOException {
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (first == null || !first.startsWith("ready")) {
            throw new IOException("numpy worker did not start: " + first);
        }
        this.version = first.substring("ready ".length());
    }

    /** Starts a worker over the {@code .npy} file {@code file}. */
    static NumpyWorker start(Path file) throws IOException {
        String python = System.getProperty("jmmap.bench.python", "python3");
        ProcessBuilder builder = new ProcessBuilder(List.of(python, "-c", SCRIPT, file.toString()))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().remove("OPENBLAS_CORETYPE");
        builder.environment().remove("OPENBLAS_L2_SIZE");
        return new NumpyWorker(builder.start());
    }

    /** Runs one operation and returns its result. */
    double call(String operation) {
        try {
            in.write(operation);
            in.write('\n');
            in.flush();
            String answer = out.readLine();
            if (answer == null) {
                throw new IOException("numpy worker ended");
            }
            return Double.parseDouble(answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
