package org.jmmap.cli;

import java.util.Locale;
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

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
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
                .setConsumer(new ConsoleProgressBarConsumer(io.err))
                .build());
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
        }
    }
}
