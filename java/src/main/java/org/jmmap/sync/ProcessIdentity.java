package org.jmmap.sync;

/**
 * The identity of a process as the shared-memory structures of jmmap record it ({@link SharedMutex}'s owner, the
 * sides of an {@code org.jmmap.ipc.ShmChannel}), and whether the process behind a recorded identity still runs.
 *
 * <p>An identity is the long {@code (startTime << 22) | pid}: the pid (Linux keeps pids below {@code 2^22}) and the
 * process's start time in clock ticks since boot (field 22 of {@code /proc/<pid>/stat}), so that a pid the kernel
 * gave to a new process after the recorded one died does not pass for it. Liveness is read from {@code /proc} of
 * this process's pid namespace; record {@link #namespace()} beside an identity so that a process of another
 * namespace (a container) can tell that the pid means nothing to it.
 */
public final class ProcessIdentity {

    private ProcessIdentity() {
    }

    /** Whether a recorded process still runs, as far as this process can tell. */
    public enum Liveness {
        /** The process runs (it may be stopped, but it is not a zombie). */
        ALIVE,
        /** No process has the pid, the one that has it started at another time, or it is a zombie. */
        DEAD,
        /** The identity was recorded in another pid namespace, or {@code /proc} is unavailable. */
        UNKNOWN
    }

    /** This process's identity: {@code (startTime << 22) | pid}. Never 0. */
    public static long self() {
        return Owners.SELF;
    }

    /** This process's pid. */
    public static int pid() {
        return Owners.PID;
    }

    /** The inode of this process's pid namespace ({@code /proc/self/ns/pid}), 0 when it cannot be read. */
    public static int namespace() {
        return Owners.NAMESPACE;
    }

    /** The pid part of an identity. */
    public static int pid(long identity) {
        return Owners.pid(identity);
    }

    /**
     * Whether the process {@code identity} names still runs. Reads {@code /proc/<pid>/stat} (a few microseconds);
     * call it when a peer has been silent for a while, not on every operation.
     *
     * @param namespace the pid namespace recorded with the identity
     */
    public static Liveness liveness(long identity, int namespace) {
        return switch (Owners.check(identity, namespace)) {
            case ALIVE -> Liveness.ALIVE;
            case DEAD -> Liveness.DEAD;
            case UNKNOWN -> Liveness.UNKNOWN;
        };
    }
}
