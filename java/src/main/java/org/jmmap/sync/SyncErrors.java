package org.jmmap.sync;

import java.io.UncheckedIOException;
import org.jmmap.ErrnoException;
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

    /** {@code call(detail) failed with error(N) NAME: description}, unchecked: these calls declare no IOException. */
    static UncheckedIOException errno(String call, long result, String detail) {
        int errno = (int) -result;
        String name = ERRNO.name(errno);
        String message = call + "(" + detail + ") failed with error(" + errno + ") " + name + ": "
                + ERRNO.description(errno);
        return new UncheckedIOException(new ErrnoException(call, errno, name, message));
    }
}
