package org.jmmap.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.sync.SharedMutex;
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
 * Uncontended lock + unlock, one thread: {@link SharedMutex} in a file mapping and in tmpfs shared memory, against
 * {@link ReentrantLock} (the baseline, which cannot cross processes) and {@link FileChannel#lock()} (which can, with
 * two system calls). {@code lockUnlock_guardedCompareAndSet} is the same protocol built on
 * {@link Mapping#compareAndSetInt} and {@link Mapping#getAndSetInt}, which on a file mapping run in C under the
 * SIGBUS guard: the cost SharedMutex avoids by using HotSpot's atomics on a view of the mapping.
 */
@Description("Uncontended lock + unlock of one thread: SharedMutex against ReentrantLock and FileChannel.lock; time per pair")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SharedMutexBenchmark {

    private Path file;
    private Path shmFile;
    private Mapping fileMapping;
    private Mapping shmMapping;
    private SharedMutex fileMutex;
    private SharedMutex shmMutex;
    private FileChannel channel;
    private final ReentrantLock reentrantLock = new ReentrantLock();
    private final int pid = (int) ProcessHandle.current().pid();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = Files.createTempFile("jmmap-bench-mutex-", ".bin");
        fileMapping = Mapping.map(file, MapMode.READ_WRITE, 0, 4096);
        fileMutex = SharedMutex.at(fileMapping, 0);
        shmFile = Files.createTempFile(Paths.get("/dev/shm"), "jmmap-bench-mutex-", ".bin");
        shmMapping = Mapping.map(shmFile, MapMode.READ_WRITE, 0, 4096);
        shmMutex = SharedMutex.at(shmMapping, 0);
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        fileMapping.close();
        shmMapping.close();
        channel.close();
        Files.deleteIfExists(file);
        Files.deleteIfExists(shmFile);
    }

    @Benchmark
    @Baseline
    public void lockUnlock_reentrantLock() {
        reentrantLock.lock();
        reentrantLock.unlock();
    }

    @Benchmark
    public void lockUnlock_sharedMutexFile() {
        fileMutex.lock();
        fileMutex.unlock();
    }

    @Benchmark
    public void lockUnlock_sharedMutexShm() {
        shmMutex.lock();
        shmMutex.unlock();
    }

    @Benchmark
    public int lockUnlock_guardedCompareAndSet() {
        if (!fileMapping.compareAndSetInt(64, 0, pid)) {
            throw new IllegalStateException("contended");
        }
        return fileMapping.getAndSetInt(64, 0);
    }

    @Benchmark
    public void lockUnlock_fileChannelLock() throws IOException {
        FileLock lock = channel.lock();
        lock.release();
    }
}
