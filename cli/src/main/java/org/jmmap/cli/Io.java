package org.jmmap.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a command reads and writes: the process's standard streams, or a test's. Text goes out as UTF-8 whatever
 * the platform encoding; binary output ({@code shm cat}) goes through {@link #out} unchanged.
 */
final class Io {

    /** The devices a terminal is: a pseudo-terminal, a virtual console, a serial line. */
    private static final Pattern TERMINAL = Pattern.compile("/dev/(pts/\\d+|tty[^/]*|console)");

    final InputStream in;
    final PrintStream out;
    final PrintStream err;
    /** Whether {@link #out} is a terminal (compressed data is not written to one). */
    final boolean outIsTerminal;
    /** Whether progress bars may be drawn on {@link #err}: it is a terminal. */
    final boolean errIsTerminal;
    /** The jmmap source tree, which {@code bench} needs; empty when the jar runs from elsewhere. */
    final Optional<Path> home;

    Io(InputStream in, PrintStream out, PrintStream err, boolean outIsTerminal, boolean errIsTerminal,
       Optional<Path> home) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.outIsTerminal = outIsTerminal;
        this.errIsTerminal = errIsTerminal;
        this.home = home;
    }

    /** The process's streams; the source tree from {@code -Djmmap.home} (which ./jmmap sets) or $JMMAP_HOME. */
    static Io system() {
        String home = System.getProperty("jmmap.home", System.getenv("JMMAP_HOME"));
        return new Io(System.in,
                new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false,
                        StandardCharsets.UTF_8),
                new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8),
                isTerminal(1), isTerminal(2) && !"dumb".equals(System.getenv("TERM")),
                home == null || home.isEmpty() ? Optional.empty() : Optional.of(Paths.get(home)));
    }

    /**
     * Whether descriptor {@code fd} of this process is a terminal: what {@code /proc/self/fd/N} links to names a
     * terminal device. (Java has no isatty; {@code System.console()} answers for standard input and output only.)
     */
    static boolean isTerminal(int fd) {
        try {
            return TERMINAL.matcher(Files.readSymbolicLink(Paths.get("/proc/self/fd/" + fd)).toString()).matches();
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    void flush() {
        out.flush();
        err.flush();
    }
}
