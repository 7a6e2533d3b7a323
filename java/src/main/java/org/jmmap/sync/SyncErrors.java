package org.jmmap.sync;

import java.io.UncheckedIOException;
import org.jmmap.Errors;
import org.jmmap.internal.Backends;
import org.jmmap.internal.Errno;

/** Turns a {@code -errno} result of this package's calls into an exception, in the form {@code org.jmmap} uses. */
final class SyncErrors {

    private static final Errno ERRNO = Backends.get().errno();
    static final int EAGAIN = number("EAGAIN");
    static final int ETIMEDOUT = number("ETIMEDOUT");
    static final int EINTR = number("EINTR");

    private SyncErrors() {
    }

    private static int number(String name) {
        return ERRNO.number(name).orElseThrow(() -> new IllegalStateException("no errno " + name));
    }

    /** {@link Errors#errno(String, long, String)}, unchecked: these calls declare no IOException. */
    static UncheckedIOException errno(String call, long result, String detail) {
        return new UncheckedIOException(Errors.errno(call, result, detail));
    }
}
