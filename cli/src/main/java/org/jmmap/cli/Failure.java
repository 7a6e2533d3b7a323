package org.jmmap.cli;

/**
 * A failure a command detected itself (not an exception of the library or the JDK), reported as
 * {@code jmmap CMD: SUBJECT: REASON (ERRNO)}.
 */
final class Failure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final String subject;
    final String errno;

    /**
     * @param subject the file or shared memory name it concerns, or null
     * @param reason  what went wrong, for people
     * @param errno   the errno name that means it ({@code "EISDIR"}), or null if none does
     */
    Failure(String subject, String reason, String errno) {
        super(reason);
        this.subject = subject;
        this.errno = errno;
    }
}
