package org.jmmap;

import org.jmmap.internal.Backends;

/**
 * Hints about how a file will be read, for {@link PageCache#advise} ({@code posix_fadvise(2)}). Unlike
 * {@link Advice}, which concerns one mapping, these concern the file's pages in the page cache, whoever reads them:
 * {@link #DONT_NEED} drops them for every process.
 */
public enum FileAdvice {
    /** {@code POSIX_FADV_NORMAL}: default read-ahead. */
    NORMAL("POSIX_FADV_NORMAL"),
    /** {@code POSIX_FADV_SEQUENTIAL}: expect sequential reads; Linux doubles the read-ahead window. */
    SEQUENTIAL("POSIX_FADV_SEQUENTIAL"),
    /** {@code POSIX_FADV_RANDOM}: expect random reads; no read-ahead. */
    RANDOM("POSIX_FADV_RANDOM"),
    /** {@code POSIX_FADV_WILLNEED}: start reading the range into the page cache now, without waiting for it. */
    WILL_NEED("POSIX_FADV_WILLNEED"),
    /**
     * {@code POSIX_FADV_DONTNEED}: drop the range's clean pages from the page cache now. Dirty pages (written but
     * not yet on disk) are only queued for write-back, and pages that a process has mapped stay: both remain
     * resident; {@code fsync} first to drop written pages too.
     */
    DONT_NEED("POSIX_FADV_DONTNEED"),
    /** {@code POSIX_FADV_NOREUSE}: the range will be read once (Linux 6.3+ acts on it; earlier kernels ignore it). */
    NO_REUSE("POSIX_FADV_NOREUSE");

    private final String constantName;
    private final int value;

    FileAdvice(String constantName) {
        this.constantName = constantName;
        this.value = Backends.get().constants().get(constantName);
    }

    /** The C name of this advice, such as {@code "POSIX_FADV_DONTNEED"}. */
    public String constantName() {
        return constantName;
    }

    /** The value to pass to {@code posix_fadvise}, from the C headers. */
    int value() {
        return value;
    }
}
