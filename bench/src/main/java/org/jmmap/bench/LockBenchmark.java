package org.jmmap.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.jmmap.lock.Flock;
import org.jmmap.lock.LockMode;
import org.jmmap.lock.RangeLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Uncontended exclusive lock and unlock of a file, from its path: each jmmap lock opens its own descriptor (that is
 * what makes it immune to the close trap of POSIX record locks), so the baseline opens a {@code FileChannel}, locks
 * a range with {@code FileChannel.lock}, releases it and closes the channel. {@code lock_fileChannelOnOpenChannel},
 * the lock alone on a channel kept open (the cheapest the JDK offers, and the one the close trap applies to), shows
 * what the open and close cost.
 */
@Description("Uncontended exclusive file lock + release from a path: Flock, RangeLock, FileChannel.lock; time per pair")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LockBenchmark {

    private Path file;
    private FileChannel channel;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = Files.createTempFile("jmmap-bench-lock-", ".lock");
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        channel.close();
        Files.deleteIfExists(file);
    }

    @Benchmark
    @Baseline
    public boolean lock_fileChannelOpenLockClose() throws IOException {
        try (FileChannel opened = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock lock = opened.lock(0, 128, false)) {
            return lock.isValid();
        }
    }

    @Benchmark
    public boolean lock_rangeLock() throws IOException {
        try (RangeLock lock = RangeLock.acquire(file, 0, 128, LockMode.EXCLUSIVE)) {
            return lock.isHeld();
        }
    }

    @Benchmark
    public boolean lock_flock() throws IOException {
        try (Flock lock = Flock.acquire(file, LockMode.EXCLUSIVE)) {
            return lock.isHeld();
        }
    }

    @Benchmark
    public boolean lock_fileChannelOnOpenChannel() throws IOException {
        try (FileLock lock = channel.lock(0, 128, false)) {
            return lock.isValid();
        }
    }
}
