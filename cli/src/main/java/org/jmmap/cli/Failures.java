package org.jmmap.cli;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Map;
import org.jmmap.ErrnoException;

/**
 * Turns an exception into the one line a failed command prints on standard error:
 * {@code jmmap CMD: SUBJECT: REASON (ERRNO)}, where ERRNO is the errno name jmmap reported
 * ({@link ErrnoException#errnoName()}) or the one the JDK exception stands for. The stack trace follows only with
 * {@code --verbose}.
 */
final class Failures {

    /** The strerror texts the JDK puts in a plain {@link FileSystemException}, and their errno names. */
    private static final Map<String, String> ERRNO_OF_REASON = Map.ofEntries(
            Map.entry("No such file or directory", "ENOENT"),
            Map.entry("Permission denied", "EACCES"),
            Map.entry("Operation not permitted", "EPERM"),
            Map.entry("File exists", "EEXIST"),
            Map.entry("Is a directory", "EISDIR"),
            Map.entry("Not a directory", "ENOTDIR"),
            Map.entry("No space left on device", "ENOSPC"),
            Map.entry("Disk quota exceeded", "EDQUOT"),
            Map.entry("Read-only file system", "EROFS"),
            Map.entry("Too many levels of symbolic links", "ELOOP"),
            Map.entry("File name too long", "ENAMETOOLONG"),
            Map.entry("Input/output error", "EIO"),
            Map.entry("Device or resource busy", "EBUSY"),
            Map.entry("Text file busy", "ETXTBSY"),
            Map.entry("File too large", "EFBIG"),
            Map.entry("Too many open files", "EMFILE"),
            Map.entry("Broken pipe", "EPIPE"));

    private Failures() {
    }

    /** What went wrong and the errno name for it (null when no errno means it). */
    record Problem(String subject, String reason, String errno) {
    }

    /**
     * Prints {@code jmmap CMD: SUBJECT: REASON (ERRNO)} for {@code failure} on {@code io.err}, and its stack trace
     * if {@code verbose}.
     *
     * @param command the command's name after {@code jmmap}, such as {@code "shm rm"}
     * @param subject the file or name it concerns, or null to take it from the exception if it has one
     */
    static void print(Io io, String command, String subject, Throwable failure, boolean verbose) {
        Problem problem = describe(failure);
        String about = subject != null ? subject : problem.subject();
        io.out.flush();
        io.err.println("jmmap " + command + ": " + (about == null ? "" : about + ": ") + problem.reason()
                + (problem.errno() == null ? "" : " (" + problem.errno() + ")"));
        if (verbose) {
            failure.printStackTrace(io.err);
        }
        io.err.flush();
    }

    static Problem describe(Throwable failure) {
        if (failure instanceof UncheckedIOException && failure.getCause() != null) {
            return describe(failure.getCause());
        }
        if (failure instanceof Failure) {
            Failure f = (Failure) failure;
            return new Problem(f.subject, f.getMessage(), f.errno);
        }
        if (failure instanceof ErrnoException) {
            ErrnoException e = (ErrnoException) failure;
            return new Problem(null, e.call() + ": " + description(e), e.errnoName());
        }
        if (failure instanceof FileSystemException) {
            FileSystemException e = (FileSystemException) failure;
            if (e.getCause() instanceof ErrnoException) { // jmmap's: NoSuchFileException for ENOENT, ...
                ErrnoException cause = (ErrnoException) e.getCause();
                return new Problem(e.getFile(), description(cause), cause.errnoName());
            }
            return describeJdk(e);
        }
        if (failure instanceof EOFException) {
            return new Problem(null, message(failure), "EIO");
        }
        if (failure instanceof IOException) { // the JDK's plain IOException carries strerror's text too
            return new Problem(null, message(failure), ERRNO_OF_REASON.get(message(failure)));
        }
        if (failure instanceof IllegalArgumentException) {
            return new Problem(null, message(failure), "EINVAL");
        }
        if (failure instanceof InternalError) { // HotSpot's answer to SIGBUS on mapped memory
            return new Problem(null, "a page could no longer be read (was the file truncated underneath?): "
                    + message(failure), "EFAULT");
        }
        return new Problem(null, failure.toString(), null);
    }

    private static Problem describeJdk(FileSystemException e) {
        String errno;
        String reason;
        if (e instanceof NoSuchFileException) {
            errno = "ENOENT";
            reason = "No such file or directory";
        } else if (e instanceof AccessDeniedException) {
            errno = "EACCES";
            reason = "Permission denied";
        } else if (e instanceof FileAlreadyExistsException) {
            errno = "EEXIST";
            reason = "File exists";
        } else if (e instanceof NotDirectoryException) {
            errno = "ENOTDIR";
            reason = "Not a directory";
        } else if (e instanceof DirectoryNotEmptyException) {
            errno = "ENOTEMPTY";
            reason = "Directory not empty";
        } else if (e instanceof FileSystemLoopException) {
            errno = "ELOOP";
            reason = "Too many levels of symbolic links";
        } else {
            reason = e.getReason() != null ? e.getReason() : message(e);
            errno = ERRNO_OF_REASON.get(reason);
        }
        return new Problem(e.getFile(), reason, errno);
    }

    /**
     * The strerror part of jmmap's message {@code call(detail) failed with error(N) NAME: description (hint)}:
     * {@code description (hint)}.
     */
    private static String description(ErrnoException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        String marker = ") " + e.errnoName() + ": ";
        int at = message.indexOf(marker);
        return at < 0 ? message : message.substring(at + marker.length());
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
