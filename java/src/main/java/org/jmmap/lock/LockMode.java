package org.jmmap.lock;

/** The kind of a file lock: any number of {@link #SHARED} holders at once, or one {@link #EXCLUSIVE} holder. */
public enum LockMode {
    /**
     * A shared (read) lock: coexists with other shared locks, conflicts with an exclusive one. {@code LOCK_SH} for
     * {@link Flock}, {@code F_RDLCK} for {@link RangeLock}, which needs the file readable.
     */
    SHARED,
    /**
     * An exclusive (write) lock: conflicts with every other lock. {@code LOCK_EX} for {@link Flock}, {@code F_WRLCK}
     * for {@link RangeLock}, which needs the file writable.
     */
    EXCLUSIVE
}
