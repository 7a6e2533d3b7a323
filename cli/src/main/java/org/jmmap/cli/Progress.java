package org.jmmap.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar over a number of bytes on standard error, drawn only when standard error is a terminal (and the
 * user did not ask for none): piped or redirected output stays free of it.
 */
final class Progress implements AutoCloseable {

    private static final Progress NONE = new Progress(null);
    /** Columns assumed when the terminal does not say (a pseudo-terminal without a size says 0). */
    private static final int DEFAULT_WIDTH = 80;
    private static final int MIN_WIDTH = 20;

    private final ProgressBar bar;
    /** Clears the bar if the JVM exits while it is drawn (Ctrl-C), so that the shell prompt starts clean. */
    private final Thread clearOnExit;

    private Progress(ProgressBar bar) {
        this.bar = bar;
        this.clearOnExit = bar == null ? null : new Thread(bar::close, "jmmap-progress-clear");
        if (clearOnExit != null) {
            Runtime.getRuntime().addShutdownHook(clearOnExit);
        }
    }

    /**
     * A bar for {@code totalBytes} bytes named {@code task}, or one that draws nothing if standard error is not a
     * terminal or {@code wanted} is false.
     */
    static Progress bytes(Io io, boolean wanted, String task, long totalBytes) {
        if (!wanted || !io.errIsTerminal) {
            return NONE;
        }
        String locale = System.getenv().getOrDefault("LC_ALL", System.getenv().getOrDefault("LANG", ""));
        boolean unicode = locale.toUpperCase(Locale.ROOT).replace("-", "").contains("UTF8");
        return new Progress(new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(totalBytes)
                .setUnit(" MiB", 1 << 20)
                .showSpeed()
                .setStyle(unicode ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(100)
                .continuousUpdate()
                .clearDisplayOnFinish()
                .setConsumer(new ConsoleProgressBarConsumer(io.err, terminalWidth() - 1))
                .build());
    }

    /**
     * The width of the terminal on standard error: {@code $COLUMNS} if set, else what {@code stty size} reads
     * from that terminal (a few milliseconds; the library's own probe starts a JLine terminal, half a second),
     * else 80.
     */
    private static int terminalWidth() {
        try {
            int columns = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "").trim());
            if (columns >= MIN_WIDTH) {
                return columns;
            }
        } catch (NumberFormatException e) {
            // not set: ask the terminal
        }
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/proc/self/fd/2"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (stty.waitFor(2, TimeUnit.SECONDS) && stty.exitValue() == 0) {
                String[] rowsAndColumns = size.split("\\s+");
                int columns = Integer.parseInt(rowsAndColumns[rowsAndColumns.length - 1]);
                if (columns >= MIN_WIDTH) {
                    return columns;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no stty: the default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return DEFAULT_WIDTH;
    }

    /** {@code done} bytes are done in all. */
    void set(long done) {
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    /** {@code bytes} more are done. */
    void advance(long bytes) {
        if (bar != null) {
            bar.stepBy(bytes);
        }
    }

    /** Removes the bar from the terminal. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            try {
                Runtime.getRuntime().removeShutdownHook(clearOnExit);
            } catch (IllegalStateException e) {
                // the JVM is exiting: the hook clears the bar (closing it twice is harmless)
            }
        }
    }
}
