package org.jmmap.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jmmap.Advice;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.Residency;
import org.jmmap.SyncMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of one kernel call on one resident page of a file mapping, time per call: {@code advise(NORMAL)}
 * (madvise), {@code sync(ASYNC)} (msync(MS_ASYNC)) and {@code residency} (mincore; also into a reused result, and
 * {@code residentPages}, which count without allocating). For each: jmmap's public method on
 * the JNI backend ({@code _jni}) and on the JNA backend ({@code _jna}, the baseline, in a JVM started with
 * {@code -Djmmap.backend=jna}), an FFM downcall to the same libc function ({@code _ffm}, JDK 22+), and the call
 * repeated in a C loop ({@code _cLoop}: the system call alone, no Java-to-native transition). The per-call overhead
 * of a path is its time minus the C loop's.
 */
@Description("One kernel call (madvise, msync ASYNC, mincore) on one page through JNI, JNA, FFM and a C loop; time per call")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallOverheadBenchmark {

    private static final int LOOP = 1000;
    private static final String JNA = "-Djmmap.backend=jna";

    private Path file;
    private Mapping mapping;
    private long address;
    private int page;
    private Residency reused;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchFiles.scratchFile("call-overhead");
        page = Mapping.pageSize();
        mapping = Mapping.map(file, MapMode.READ_WRITE, 0, page);
        mapping.putLong(0, 1); // resident and dirty
        address = mapping.address();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        mapping.close();
        Files.deleteIfExists(file);
    }

    @Benchmark
    @SpeedTarget(min = 5.0, net = "advise_cLoop") // per-call overhead at most 0.2x JNA's
    public Mapping advise_jni() throws IOException {
        mapping.advise(0, page, Advice.NORMAL);
        return mapping;
    }

    @Benchmark
    @Baseline
    @Fork(jvmArgsPrepend = JNA)
    public Mapping advise_jna() throws IOException {
        return advise_jni();
    }

    @Benchmark
    public int advise_ffm() {
        return Ffm.INSTANCE.madvise(address, page, NativeReference.MADV_NORMAL);
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public void advise_cLoop() {
        NativeReference.madviseLoop(address, page, NativeReference.MADV_NORMAL, LOOP);
    }

    @Benchmark
    @SpeedTarget(min = 5.0, net = "sync_cLoop") // per-call overhead at most 0.2x JNA's
    public Mapping sync_jni() throws IOException {
        mapping.sync(0, page, SyncMode.ASYNC);
        return mapping;
    }

    @Benchmark
    @Baseline
    @Fork(jvmArgsPrepend = JNA)
    public Mapping sync_jna() throws IOException {
        return sync_jni();
    }

    @Benchmark
    public int sync_ffm() {
        return Ffm.INSTANCE.msync(address, page, NativeReference.MS_ASYNC);
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public void sync_cLoop() {
        NativeReference.msyncLoop(address, page, NativeReference.MS_ASYNC, LOOP);
    }

    @Benchmark
    @SpeedTarget(min = 5.0, net = "residency_cLoop")
    public Residency residency_jni() throws IOException {
        return mapping.residency(0, page);
    }

    @Benchmark
    @Baseline
    @Fork(jvmArgsPrepend = JNA)
    public Residency residency_jna() throws IOException {
        return residency_jni();
    }

    /** The result's storage reused from call to call: nothing allocated. */
    @Benchmark
    @SpeedTarget(min = 5.0, net = "residency_cLoop")
    public Residency residency_jniReused() throws IOException {
        reused = mapping.residency(0, page, reused);
        return reused;
    }

    /** Only the count of resident pages: nothing allocated. */
    @Benchmark
    @SpeedTarget(min = 5.0, net = "residency_cLoop")
    public long residency_jniCount() throws IOException {
        return mapping.residentPages(0, page);
    }

    @Benchmark
    public int residency_ffm() {
        return Ffm.INSTANCE.mincore(address, page);
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public int residency_cLoop() {
        return NativeReference.mincoreLoop(address, page, LOOP);
    }
}
