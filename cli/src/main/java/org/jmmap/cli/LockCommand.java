package org.jmmap.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.jmmap.ErrnoException;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmmap lock}: hold files in memory until told to stop (as {@code vmtouch -l}). */
@Command(name = "lock", sortOptions = false,
        description = {"Lock files in memory until SIGINT or SIGTERM (like vmtouch -l).",
                "mlock holds every page of the files in memory; SIGINT (Ctrl-C) or SIGTERM unlocks them, and the "
                        + "command exits with status 0.",
                "Locked memory is limited by RLIMIT_MEMLOCK ('ulimit -l') unless the process has CAP_IPC_LOCK; "
                        + "when the files do not fit, nothing stays locked and the message gives the limit."},
        footerHeading = "%nExamples:%n",
        footer = {"  jmmap lock index.bin &                 # keep an index in memory",
                "  kill %%1                                # unlocks it",
                "  prlimit --memlock=unlimited jmmap lock big.bin"})
final class LockCommand extends JmmapCommand {

    private static final int CAP_IPC_LOCK = 14;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files; directories too with -r.")
    List<Path> paths;

    @Option(names = {"-r", "--recursive"}, description = "Include the files under directories (links not followed).")
    boolean recursive;

    @Override
    void execute() throws InterruptedException {
        List<Mapping> mappings = new ArrayList<>();
        long locked = 0;
        long pages = 0;
        try {
            for (FileArguments.FileEntry file : FileArguments.expand(this, paths, recursive)) {
                if (failed()) {
                    break;
                }
                if (file.size() == 0) {
                    continue;
                }
                try {
                    Mapping mapping = Mapping.map(file.path(), MapMode.READ_ONLY);
                    mappings.add(mapping);
                    mapping.lockPages();
                    locked += mapping.length();
                    pages += mapping.residency().pages();
                } catch (ErrnoException e) {
                    report(file.path(), lockFailure(e, file.size(), locked));
                } catch (IOException e) {
                    report(file.path(), e);
                }
            }
        } finally {
            if (failed()) {
                mappings.forEach(Mapping::close); // unmapping unlocks
            }
        }
        if (failed()) {
            return;
        }
        int files = mappings.size();
        String what = String.format(Locale.ROOT, "%d file%s, %s (%d pages)", files, files == 1 ? "" : "s",
                Sizes.human(locked), pages);
        io().out.println("locked " + what + "; holding them until SIGINT (Ctrl-C) or SIGTERM");
        io().out.flush();
        Io io = io();
        // SIGINT and SIGTERM start the JVM's shutdown, which runs this hook: release, say so, and exit with 0
        // (the JVM would otherwise exit with 128 + the signal's number).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            mappings.forEach(Mapping::close);
            io.out.println("released " + what);
            io.flush();
            Runtime.getRuntime().halt(0);
        }, "jmmap-lock-release"));
        new CountDownLatch(1).await();
    }

    /** The mlock failure, with the limit that caused it and how to raise it. */
    private static Failure lockFailure(ErrnoException e, long size, long lockedBefore) {
        String errno = e.errnoName();
        if (!errno.equals("ENOMEM") && !errno.equals("EPERM") && !errno.equals("EAGAIN")) {
            Failures.Problem problem = Failures.describe(e);
            return new Failure(null, problem.reason(), errno);
        }
        String amount = "cannot lock " + Sizes.human(size) + (lockedBefore > 0 ? " more (after " 
                + Sizes.human(lockedBefore) + ")" : "");
        if (hasCapability(CAP_IPC_LOCK)) {
            return new Failure(null, amount + ": not enough memory can be locked (this process has CAP_IPC_LOCK, "
                    + "so RLIMIT_MEMLOCK does not apply)", errno);
        }
        return new Failure(null, amount + ": RLIMIT_MEMLOCK ('ulimit -l') allows " + memlockLimit()
                + " of locked memory; raise it ('ulimit -l unlimited', 'prlimit --memlock=unlimited', "
                + "LimitMEMLOCK= for a systemd service) or run with CAP_IPC_LOCK", errno);
    }

    /** The soft RLIMIT_MEMLOCK of this process, for people. */
    private static String memlockLimit() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/limits"))) {
                if (line.startsWith("Max locked memory")) {
                    String soft = line.substring("Max locked memory".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? "unlimited" : Sizes.human(Long.parseLong(soft));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return "an unknown amount";
    }

    private static boolean hasCapability(int capability) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return new BigInteger(line.substring("CapEff:".length()).trim(), 16).testBit(capability);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return false;
    }
}
