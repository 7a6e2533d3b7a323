package org.jmmap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jmmap.internal.Backends;
import org.jmmap.internal.Errno;

/**
 * The one place where a {@code -errno} result becomes an exception. Public only so that jmmap's other packages
 * ({@code org.jmmap.lock}, {@code org.jmmap.sync}) use it too; not part of the API.
 */
public final class Errors {

    private static final Errno ERRNO = Backends.get().errno();
    static final int EFAULT = number("EFAULT");
    static final int ENOMEM = number("ENOMEM");
    static final int EINVAL = number("EINVAL");
    static final int ENOENT = number("ENOENT");
    static final int EEXIST = number("EEXIST");
    static final int EACCES = number("EACCES");
    static final int EPERM = number("EPERM");
    static final int ENODEV = number("ENODEV");
    static final int EAGAIN = number("EAGAIN");
    static final int EMFILE = number("EMFILE");
    static final int ENFILE = number("ENFILE");

    private Errors() {
    }

    private static int number(String name) {
        return ERRNO.number(name).orElseThrow(() -> new IllegalStateException("no errno " + name));
    }

    /**
     * {@code call(detail) failed with error(N) NAME: description}, plus {@code hint} when there is one.
     *
     * @param result the negative result of the call, {@code -errno}
     */
    public static ErrnoException errno(String call, long result, String detail, String hint) {
        int errno = (int) -result;
        String name = ERRNO.name(errno);
        String message = call + "(" + detail + ") failed with error(" + errno + ") " + name + ": "
                + ERRNO.description(errno) + (hint == null ? "" : " (" + hint + ")");
        return new ErrnoException(call, errno, name, message);
    }

    public static ErrnoException errno(String call, long result, String detail) {
        return errno(call, result, detail, null);
    }

    /**
     * A failed call on {@code file}: the JDK's own exception where Java users expect one (missing file, existing
     * file, permission), with the {@link ErrnoException} as its cause; an {@link ErrnoException} otherwise.
     */
    public static IOException file(String call, long result, Path file, String detail) {
        return named(call, result, file.toString(), detail);
    }

    /** As {@link #file}, for anything else with a name, such as a shared memory object. */
    static IOException named(String call, long result, String name, String detail) {
        return named(call, result, name, detail, null);
    }

    /** As {@link #named(String, long, String, String)}, with a hint for the message. */
    static IOException named(String call, long result, String name, String detail, String hint) {
        ErrnoException cause = errno(call, result, detail, hint);
        int errno = (int) -result;
        FileSystemException mapped;
        if (errno == ENOENT) {
            mapped = new NoSuchFileException(name, null, cause.getMessage());
        } else if (errno == EEXIST) {
            mapped = new FileAlreadyExistsException(name, null, cause.getMessage());
        } else if (errno == EACCES || errno == EPERM) {
            mapped = new AccessDeniedException(name, null, cause.getMessage());
        } else {
            return cause;
        }
        mapped.initCause(cause);
        return mapped;
    }

    /**
     * A bulk operation touched a page that is no longer backed by its file: {@link UncheckedIOException} whose
     * cause is an {@link ErrnoException} with errno {@code EFAULT}, or whatever else the operation reported.
     */
    static UncheckedIOException bulk(String call, long result, long offset, long length) {
        String hint = (int) -result == EFAULT
                ? "a page in the range is no longer backed by the file: was the file truncated underneath the mapping?"
                : null;
        return new UncheckedIOException(errno(call, result, "offset=" + offset + ", length=" + length, hint));
    }

    static IllegalStateException closed() {
        return new IllegalStateException("the mapping is closed");
    }
}
