package org.jmmap.internal;

import java.nio.charset.Charset;
import java.nio.file.Path;

/**
 * How jmmap names files to the kernel and opens them: one place for each rule, used by mappings, locks, shared
 * memory and the page-cache calls alike.
 */
public final class PosixFiles {

    /**
     * The charset of file names: the one the JDK itself encodes them in ({@code sun.jnu.encoding}), so that jmmap
     * opens the very file {@code java.io} and {@code java.nio} would, and {@code /dev/shm} lists a shared memory
     * object under the name Java code gave it.
     */
    public static final Charset NAMES = namesCharset();

    private static final Constants C = Backends.get().constants();
    private static final int ALWAYS = C.get("O_CLOEXEC") | C.get("O_NONBLOCK");

    private PosixFiles() {
    }

    /** {@code file}'s absolute path in {@link #NAMES}, without a terminating NUL. */
    public static byte[] encode(Path file) {
        return file.toAbsolutePath().toString().getBytes(NAMES);
    }

    /** {@code name} in {@link #NAMES}, without a terminating NUL. */
    public static byte[] encode(String name) {
        return name.getBytes(NAMES);
    }

    /**
     * The {@code open(2)} flags for a file jmmap maps, locks or advises on: {@code flags} plus {@code O_CLOEXEC}, so
     * that no child process inherits the descriptor (nor a lock taken on it), and {@code O_NONBLOCK}, so that a FIFO
     * named by mistake fails at once instead of waiting for a writer (it changes nothing for regular files).
     */
    public static int openFlags(int flags) {
        return flags | ALWAYS;
    }

    private static Charset namesCharset() {
        String encoding = System.getProperty("sun.jnu.encoding");
        return encoding != null && Charset.isSupported(encoding) ? Charset.forName(encoding) : Charset.defaultCharset();
    }
}
