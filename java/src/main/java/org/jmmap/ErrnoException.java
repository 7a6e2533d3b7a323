package org.jmmap;

import java.io.IOException;

/**
 * A system call failed. Carries the call's name, the errno number and its symbolic name, so that callers can test
 * {@code e.errnoName().equals("ENOMEM")} without parsing messages. Where the JDK has an exception Java users expect
 * ({@link java.nio.file.NoSuchFileException}, {@link java.nio.file.FileAlreadyExistsException},
 * {@link java.nio.file.AccessDeniedException}), jmmap throws that instead, with an {@code ErrnoException} as its
 * cause.
 */
public class ErrnoException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;
    private final String errnoName;

    /**
     * @param call      the failed call, such as {@code "mmap"}
     * @param errno     the errno value
     * @param errnoName its symbolic name, such as {@code "ENOMEM"}
     * @param message   the whole message
     */
    public ErrnoException(String call, int errno, String errnoName, String message) {
        super(message);
        this.call = call;
        this.errno = errno;
        this.errnoName = errnoName;
    }

    /** The system call that failed, such as {@code "mmap"}. */
    public String call() {
        return call;
    }

    /** The errno value. */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, such as {@code "ENOMEM"}. */
    public String errnoName() {
        return errnoName;
    }
}
