package org.jmmap.lock;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jmmap.testing.ChildJvm;

/**
 * Child JVM that takes a lock, prints {@code locked}, and holds it until its standard input ends (or it is killed):
 * {@code flock FILE MODE} or {@code range FILE OFFSET LENGTH MODE}. Plus the test side: starting one and waiting for
 * its line.
 */
public final class LockHolder {

    public static void main(String[] args) throws IOException {
        Path file = Paths.get(args[1]);
        AutoCloseable lock;
        if (args[0].equals("flock")) {
            lock = Flock.acquire(file, LockMode.valueOf(args[2]));
        } else {
            lock = RangeLock.acquire(file, Long.parseLong(args[2]), Long.parseLong(args[3]),
                    LockMode.valueOf(args[4]));
        }
        System.out.println("locked");
        System.out.flush();
        InputStream in = System.in;
        while (in.read() >= 0) {
            // hold the lock until the parent closes our standard input
        }
        try {
            lock.close();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A running holder process and its output file. */
    static final class Running implements AutoCloseable {
        final Process process;
        final Path output;

        Running(Process process, Path output) {
            this.process = process;
            this.output = output;
        }

        /** Ends the holder by closing its standard input; it releases the lock and exits 0. */
        void release() throws IOException, InterruptedException {
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("holder did not exit: " + Files.readString(output));
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("holder exit status " + process.exitValue() + ": "
                        + Files.readString(output));
            }
        }

        /** SIGKILL, and waits for the process to be gone. */
        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL on Linux
            process.waitFor();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                kill();
            }
        }
    }

    /** Starts a holder JVM with {@code args} and waits until it prints {@code locked}. */
    static Running start(Path dir, String... args) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dir, "holder-", ".out");
        Process process = ChildJvm.of(LockHolder.class, args).start(output);
        Running running = new Running(process, output);
        awaitLine(process, output, "locked");
        return running;
    }

    /** Waits (up to two minutes) until {@code output} holds the line {@code line}; fails if the process ends first. */
    static void awaitLine(Process process, Path output, String line) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!Files.readString(output).lines().anyMatch(line::equals)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("no line '" + line + "'; exit status "
                        + (process.isAlive() ? "none" : process.exitValue()) + ", output: " + Files.readString(output));
            }
            Thread.sleep(10);
        }
    }

    /** How many descriptors of this process are open on {@code file}. */
    static long openDescriptors(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        long count = 0;
        try (var fds = Files.list(Paths.get("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).equals(target)) {
                        count++;
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        return count;
    }
}
