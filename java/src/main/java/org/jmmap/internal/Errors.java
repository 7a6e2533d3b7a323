package org.jmmap.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.jmmap.ErrnoException;

/**
 * The one place where a {@code -errno} result becomes an exception, and where jmmap's Java code looks up the errno
 * numbers it tests for (by name, from the loaded backend: never typed in by hand). In {@code org.jmmap.internal},
 * which the module does not export: not part of the API.
 */
public final class Errors {

    private static final Errno ERRNO = Backends.get().errno();
    public static final int EFAULT = number("EFAULT");
    public static final int ENOMEM = number("ENOMEM");
    public static final int EINVAL = number("EINVAL");
    public static final int ENOENT = number("ENOENT");
    public static final int EEXIST = number("EEXIST");
    public static final int EACCES = number("EACCES");
    public static final int EPERM = number("EPERM");
    public static final int ENODEV = number("ENODEV");
    public static final int EAGAIN = number("EAGAIN");
    public static final int EMFILE = number("EMFILE");
    public static final int ENFILE = number("ENFILE");
    public static final int ETIMEDOUT = number("ETIMEDOUT");
    public static final int EINTR = number("EINTR");
    public static final int EISDIR = number("EISDIR");
    public static final int ENOSYS = number("ENOSYS");

    private Errors() {
    }

    /** The errno number called {@code name} on this platform; fails for a name the platform lacks. */
    public static int number(String name) {
        OptionalInt number = ERRNO.number(name); // not orElseThrow(lambda): no bootstrap at class initialization
        if (number.isEmpty()) {
            throw new IllegalStateException("no errno " + name);
        }
        return number.getAsInt();
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

    /** {@link #errno(String, long, String, String)} without a hint. */
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
    public static IOException named(String call, long result, String name, String detail) {
        return named(call, result, name, detail, null);
    }

    /** As {@link #named(String, long, String, String)}, with a hint for the message. */
    public static IOException named(String call, long result, String name, String detail, String hint) {
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
    public static UncheckedIOException bulk(String call, long result, long offset, long length) {
        String hint = (int) -result == EFAULT
                ? "a page in the range is no longer backed by the file: was the file truncated underneath the mapping?"
                : null;
        return new UncheckedIOException(errno(call, result, "offset=" + offset + ", length=" + length, hint));
    }

    /** {@link #errno(String, long, String)}, unchecked: for calls that declare no {@code IOException}. */
    public static UncheckedIOException unchecked(String call, long result, String detail) {
        return new UncheckedIOException(errno(call, result, detail));
    }

    /** The exception every method of a closed mapping throws. */
    public static IllegalStateException closed() {
        return new IllegalStateException("the mapping is closed");
    }
}
