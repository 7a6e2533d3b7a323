package org.jmmap.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jmmap.MapMode;
import org.jmmap.Mapping;

/** Shared memory for the sync tests: files mapped by every process, and waiting on children. */
final class SyncFiles {

    private SyncFiles() {
    }

    /** A new zeroed file of {@code length} bytes in {@code directory}, mapped READ_WRITE. */
    static Mapping file(Path directory, long length) throws IOException {
        Path file = Files.createTempFile(directory, "sync", ".bin");
        return Mapping.map(file, MapMode.READ_WRITE, 0, length);
    }

    /**
     * A new zeroed file on /dev/shm (tmpfs, where POSIX shared memory lives), mapped READ_WRITE: the same kind of
     * memory as MAP_SHARED|MAP_ANONYMOUS and shm_open. Deleted at once; the mapping keeps it.
     */
    static Mapping shm(long length) throws IOException {
        Path file = Files.createTempFile(Paths.get("/dev/shm"), "jmmap-sync-test", ".bin");
        try {
            return Mapping.map(file, MapMode.READ_WRITE, 0, length);
        } finally {
            Files.delete(file);
        }
    }

    static String read(Path output) {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    /** Waits up to 120 s for {@code condition}, failing early if {@code process} ends. */
    static void await(BooleanSupplier condition, Process process, Path output) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            if (process != null && !process.isAlive()) {
                throw new AssertionError("child exited early with " + process.exitValue() + ": " + read(output));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out; child output: " + (output == null ? "" : read(output)));
            }
            Thread.sleep(1);
        }
    }

    /** Waits for {@code process} to end and fails unless it exited with 0. */
    static void assertExitsCleanly(Process process, Path output) throws InterruptedException {
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child timed out: " + read(output));
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("child exit status " + process.exitValue() + ": " + read(output));
        }
    }
}
