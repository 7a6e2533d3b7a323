package org.jmmap.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Wrappers that start a child process the way an ordinary user's process runs, so that a test can reach the errno
 * paths root never sees: {@code prlimit} to lower a resource limit, and {@code setpriv} to drop the capabilities
 * that exempt root from it ({@code CAP_IPC_LOCK} from {@code RLIMIT_MEMLOCK}, {@code CAP_DAC_OVERRIDE} and
 * {@code CAP_DAC_READ_SEARCH} from file permissions). A process without those capabilities needs no {@code setpriv}.
 */
public final class Unprivileged {

    public static final int CAP_DAC_OVERRIDE = 1;
    public static final int CAP_DAC_READ_SEARCH = 2;
    public static final int CAP_SETPCAP = 8;
    public static final int CAP_IPC_LOCK = 14;

    private static final int[] DROPPED = {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_IPC_LOCK};

    private Unprivileged() {
    }

    /** Whether this process has {@code capability} in its effective set. */
    public static boolean hasCapability(int capability) {
        return capabilities("CapEff:").testBit(capability);
    }

    /**
     * The command prefix that runs a program without {@code CAP_IPC_LOCK}, {@code CAP_DAC_OVERRIDE} and
     * {@code CAP_DAC_READ_SEARCH}: empty if this process lacks them already, {@code setpriv ...} otherwise; absent
     * if the capabilities cannot be dropped here (no {@code setpriv}, or no {@code CAP_SETPCAP} to run it).
     */
    public static Optional<List<String>> withoutCapabilities() {
        boolean privileged = false;
        for (int capability : DROPPED) {
            privileged |= hasCapability(capability);
        }
        List<String> prefix = new ArrayList<>();
        if (!privileged) {
            return Optional.of(prefix);
        }
        Optional<Path> setpriv = executable("setpriv");
        if (setpriv.isEmpty() || !hasCapability(CAP_SETPCAP)) {
            return Optional.empty();
        }
        // Dropped from the bounding set, a capability does not come back at execve even for uid 0; the inheritable
        // set goes too, since root regains whatever it holds there.
        prefix.add(setpriv.get().toString());
        prefix.add("--inh-caps=-all");
        prefix.add("--bounding-set=-ipc_lock,-dac_override,-dac_read_search");
        return Optional.of(prefix);
    }

    /** The command prefix that runs a program with {@code RLIMIT_MEMLOCK} set to {@code bytes}, if prlimit exists. */
    public static Optional<List<String>> withMemlockLimit(long bytes) {
        return executable("prlimit").map(prlimit -> {
            List<String> prefix = new ArrayList<>();
            prefix.add(prlimit.toString());
            prefix.add("--memlock=" + bytes + ":" + bytes);
            prefix.add("--");
            return prefix;
        });
    }

    /**
     * Whether this process may lock {@code bytes} more bytes of memory: it has {@code CAP_IPC_LOCK}, or its
     * {@code RLIMIT_MEMLOCK} soft limit ({@code ulimit -l}) is that high. Tests that lock memory in this JVM skip
     * themselves when it is not.
     */
    public static boolean mayLock(long bytes) {
        if (hasCapability(CAP_IPC_LOCK)) {
            return true;
        }
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/limits"))) {
                if (line.startsWith("Max locked memory")) {
                    String soft = line.substring("Max locked memory".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") || Long.parseLong(soft) >= bytes;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return false;
    }

    /** {@code name} found on the PATH. */
    public static Optional<Path> executable(String name) {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Paths.get(directory.isEmpty() ? "." : directory, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static BigInteger capabilities(String field) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return new BigInteger(line.substring(field.length()).trim(), 16);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return BigInteger.ZERO;
    }
}
