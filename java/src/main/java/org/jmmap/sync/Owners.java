package org.jmmap.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Process identities as {@link SharedMutex} stores them, and whether the process behind one still exists.
 *
 * <p>An identity is {@code (startTime << 22) | pid}: the pid (Linux keeps pids below {@code 2^22}) and the
 * process's start time in clock ticks since boot (field 22 of {@code /proc/<pid>/stat}), so a pid the kernel gave
 * to a new process after the owner died does not pass for the owner. Liveness is read from {@code /proc} of this
 * process's pid namespace; {@code namespace} is the inode of {@code /proc/self/ns/pid}, so that a process can
 * tell when an owner's pid means nothing in its own namespace.
 */
final class Owners {

    static final int PID_BITS = 22;
    static final int PID_MASK = (1 << PID_BITS) - 1;

    /** This process: pid, identity and pid namespace. */
    static final int PID;
    static final long SELF;
    static final int NAMESPACE;
    /** Whether {@code /proc} tells this process about others; without it no owner is ever judged dead. */
    private static final boolean PROC;

    static {
        long pid = ProcessHandle.current().pid();
        if (pid <= 0 || pid > PID_MASK) {
            throw new IllegalStateException("pid=" + pid + ": outside the range Linux gives pids (1 .. 2^22 - 1)");
        }
        PID = (int) pid;
        long start = startTime(PID);
        PROC = start >= 0;
        SELF = (Math.max(start, 0) << PID_BITS) | PID;
        NAMESPACE = namespace();
    }

    private Owners() {
    }

    /** The outcome of {@link #check}. */
    enum Liveness { ALIVE, DEAD, UNKNOWN }

    static int pid(long identity) {
        return (int) (identity & PID_MASK);
    }

    /**
     * Whether the process {@code identity} names still runs: {@code DEAD} if no process has its pid, or the one
     * that has it started at another time (the pid was reused), or it is a zombie; {@code UNKNOWN} if
     * {@code namespace} is not this process's pid namespace (its pids mean nothing here).
     */
    static Liveness check(long identity, int namespace) {
        if (namespace != NAMESPACE || !PROC) {
            return Liveness.UNKNOWN;
        }
        long start = startTime(pid(identity));
        if (start < -1) {
            return Liveness.UNKNOWN;
        }
        return start == (identity >>> PID_BITS) ? Liveness.ALIVE : Liveness.DEAD;
    }

    /** Whether no process of this pid namespace has {@code pid} (false when that cannot be known). */
    static boolean pidGone(int pid) {
        return PROC && startTime(pid) == -1;
    }

    /**
     * Start time of {@code pid} in clock ticks since boot; -1 if there is no such process or it is a zombie, -2 if
     * {@code /proc} could not tell.
     *
     * <p>Read from the process's main thread, {@code /proc/<pid>/task/<pid>/stat}, whose state and start time are
     * the ones {@code /proc/<pid>/stat} shows. The two differ only under user-mode emulation: qemu-user (what runs
     * arm64 containers on x86-64 machines) rewrites the emulated process's own {@code /proc/<pid>/stat}, start time
     * included, so a process would record one identity and everyone else would read another for it, and take its
     * mutex over while it lives.
     */
    static long startTime(int pid) {
        String stat;
        try {
            String process = Integer.toString(pid);
            stat = new String(Files.readAllBytes(Paths.get("/proc", process, "task", process, "stat")),
                    StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException gone) {
            return -1;
        } catch (IOException e) {
            // ESRCH while the process is being torn down reads as an IOException too
            return Files.exists(Paths.get("/proc", Integer.toString(pid))) ? -2 : -1;
        }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count fields after the last ')'.
        int close = stat.lastIndexOf(')');
        String[] fields = stat.substring(close + 2).split(" ");
        char state = fields[0].charAt(0);
        if (state == 'Z' || state == 'X' || state == 'x') {
            return -1;
        }
        return Long.parseLong(fields[22 - 3]);
    }

    private static int namespace() {
        try {
            // "pid:[4026531836]"
            String link = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
            return (int) Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
        } catch (IOException | RuntimeException e) {
            return 0; // no namespace information: all such processes count as one namespace
        }
    }
}
