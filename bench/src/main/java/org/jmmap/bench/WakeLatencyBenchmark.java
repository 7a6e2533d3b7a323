package org.jmmap.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.sync.Futex;
import org.jmmap.sync.SharedValue;
import org.jmmap.sync.SharedValueDescriptor;
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
 * Publish-to-wake latency across processes, as a round trip with a child JVM that sleeps until pinged and answers
 * at once: through two {@link SharedValue}s ({@code publish} then {@code awaitChange} on each side), through two
 * bare {@link Futex} words, and, the baseline, through a pipe (one byte to the child's stdin, one back from its
 * stdout), the usual way to wake another process. Time per round trip (two wake-ups).
 */
@Description("Round trip to another process: SharedValue, bare futex words and a pipe; time per round trip")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WakeLatencyBenchmark {

    static final int CAPACITY = 64;
    static final long PING_VALUE = 0;
    static final long PONG_VALUE = 1024;
    static final long PING_WORD = 2048;
    static final long PONG_WORD = 2052;
    private static final Duration FOREVER = Duration.ofMinutes(10);

    private Path shmFile;
    private Mapping mapping;
    private SharedValue ping;
    private SharedValue pong;
    private Process peer;
    private OutputStream toPeer;
    private InputStream fromPeer;
    private int round;
    private final byte[] message = new byte[8];

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        shmFile = Files.createTempFile(Paths.get("/dev/shm"), "jmmap-bench-wake-", ".bin");
        mapping = Mapping.map(shmFile, MapMode.READ_WRITE, 0, 4096);
        ping = SharedValue.create(mapping, PING_VALUE, CAPACITY);
        pong = SharedValue.create(mapping, PONG_VALUE, CAPACITY);
        if (SharedValueDescriptor.length(CAPACITY) > PONG_VALUE - PING_VALUE) {
            throw new AssertionError("values overlap");
        }
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        peer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Peer.class.getName(),
                shmFile.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        toPeer = peer.getOutputStream();
        fromPeer = peer.getInputStream();
        if (fromPeer.read() != 'R') { // ready
            throw new IllegalStateException("the peer did not start");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException {
        peer.destroyForcibly().waitFor();
        mapping.close();
        Files.deleteIfExists(shmFile);
    }

    @Benchmark
    @Baseline
    public int roundTrip_pipe() throws IOException {
        toPeer.write(1);
        toPeer.flush();
        return fromPeer.read();
    }

    @Benchmark
    public long roundTrip_sharedValue() {
        long sent = ping.publish(message);
        long answered = pong.version();
        while (answered < sent) {
            answered = pong.awaitChange(answered, FOREVER);
        }
        return answered;
    }

    @Benchmark
    public int roundTrip_futex() {
        int sent = ++round;
        mapping.putIntVolatile(PING_WORD, sent);
        Futex.wake(mapping, PING_WORD, 1);
        int answered;
        while ((answered = mapping.getIntVolatile(PONG_WORD)) != sent) {
            Futex.await(mapping, PONG_WORD, answered, FOREVER);
        }
        return answered;
    }

    /** The other process: answers pipe bytes, SharedValue publishes and futex pings, each in its own thread. */
    public static final class Peer {
        public static void main(String[] args) throws Exception {
            Mapping m = Mapping.map(Paths.get(args[0]), MapMode.READ_WRITE);
            SharedValue ping = SharedValue.at(m, PING_VALUE);
            SharedValue pong = SharedValue.at(m, PONG_VALUE);
            Thread values = new Thread(() -> {
                byte[] answer = new byte[8];
                long seen = ping.version();
                while (true) {
                    long now = ping.awaitChange(seen, FOREVER);
                    if (now != seen) {
                        seen = now;
                        pong.publish(answer); // pong's version follows ping's: one answer per ping
                    }
                }
            });
            Thread words = new Thread(() -> {
                int seen = m.getIntVolatile(PING_WORD);
                while (true) {
                    int now = m.getIntVolatile(PING_WORD);
                    if (now == seen) {
                        Futex.await(m, PING_WORD, seen, FOREVER);
                        continue;
                    }
                    seen = now;
                    m.putIntVolatile(PONG_WORD, now);
                    Futex.wake(m, PONG_WORD, 1);
                }
            });
            values.setDaemon(true);
            words.setDaemon(true);
            values.start();
            words.start();
            System.out.write('R');
            System.out.flush();
            int b;
            while ((b = System.in.read()) >= 0) { // EOF: the benchmark ended
                System.out.write(b);
                System.out.flush();
            }
            System.exit(0);
        }
    }
}
