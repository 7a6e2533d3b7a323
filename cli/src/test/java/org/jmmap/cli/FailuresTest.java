package org.jmmap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.jmmap.ErrnoException;
import org.junit.jupiter.api.Test;

/** Every exception becomes a reason and, where one means it, an errno name. */
class FailuresTest {

    private static void assertProblem(String subject, String reason, String errno, Throwable failure) {
        assertEquals(new Failures.Problem(subject, reason, errno), Failures.describe(failure));
    }

    @Test
    void errnoExceptionsGiveTheCallTheDescriptionAndTheName() {
        ErrnoException e = new ErrnoException("mlock", 12, "ENOMEM",
                "mlock(offset=0, length=4096) failed with error(12) ENOMEM: Cannot allocate memory (hint)");
        assertProblem(null, "mlock: Cannot allocate memory (hint)", "ENOMEM", e);
        assertProblem(null, "mlock: Cannot allocate memory (hint)", "ENOMEM", new UncheckedIOException(e));
    }

    @Test
    void jdkExceptionsGiveTheErrnoTheyStandFor() {
        assertProblem("f", "No such file or directory", "ENOENT", new NoSuchFileException("f"));
        assertProblem("f", "Permission denied", "EACCES", new AccessDeniedException("f"));
        assertProblem("f", "File exists", "EEXIST", new FileAlreadyExistsException("f"));
        assertProblem("f", "Read-only file system", "EROFS",
                new FileSystemException("f", null, "Read-only file system"));
        assertProblem(null, "Is a directory", "EISDIR", new IOException("Is a directory"));
        assertProblem("f", "Something new", null, new FileSystemException("f", null, "Something new"));
    }

    /** jmmap's own NoSuchFileException carries its ErrnoException: the name comes from there. */
    @Test
    void jmmapFileExceptionsTakeTheNameFromTheirCause() {
        NoSuchFileException e = new NoSuchFileException("/shm", null, "shm_open(...) failed");
        e.initCause(new ErrnoException("shm_open", 2, "ENOENT",
                "shm_open(name=/shm) failed with error(2) ENOENT: No such file or directory"));
        assertProblem("/shm", "No such file or directory", "ENOENT", e);
    }

    @Test
    void ownFailuresAndArgumentsKeepTheirWords() {
        assertProblem("x", "not JSON", "EINVAL", new Failure("x", "not JSON", "EINVAL"));
        assertProblem(null, "size=0: must be > 0", "EINVAL", new IllegalArgumentException("size=0: must be > 0"));
        assertProblem(null, "java.lang.IllegalStateException: boom", null, new IllegalStateException("boom"));
    }
}
