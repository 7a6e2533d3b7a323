package org.jmmap.bench;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;
import org.jmmap.ipc.Compression;

/**
 * One way of moving messages between two processes, for the channel benchmarks: a path "up" (from the peer process
 * to the benchmark's process) and a path "down" (back). The benchmark's process creates it ({@code create} methods
 * of the subclasses), tells the peer to open its ends with {@link #peerArguments()} ({@link ChannelPeer}), then
 * {@link #connect()}s its own. Each operation has a peer half and a benchmark half run at the same time:
 * {@link #sendMessages} with {@link #receiveMessages}, {@link #echo} with {@link #ping}, {@link #sendBulk} with
 * {@link #receiveBulk}. The loops live in the subclasses, so that every loop the JIT compiles sees one transport.
 *
 * <p>Messages carry a sequence number in their first 8 bytes, which the receiving half checks: a benchmark that
 * lost, duplicated or reordered a message fails instead of reporting a rate.
 */
abstract class Transport implements Closeable {

    /** How long any single wait may last before the benchmark gives up. */
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** The sequence number that ends an {@link #echo}. */
    static final long STOP = -1;
    /** Messages of a bulk transfer. */
    static final int BULK_MESSAGE = 1 << 20;

    /** The words after {@code open <id>} that make {@link ChannelPeer} open the peer's ends. */
    abstract String peerArguments();

    /** In the benchmark's process, after the peer was told to open its ends: opens or accepts this side's. */
    void connect() throws IOException {
    }

    /** Peer: sends {@code count} messages of {@code payload} bytes up, as fast as the transport takes them. */
    void sendMessages(int payload, long count) throws IOException {
        throw unsupported("sendMessages");
    }

    /** Benchmark: receives {@code count} messages sent by {@link #sendMessages}, checking their order. */
    void receiveMessages(long count) throws IOException {
        throw unsupported("receiveMessages");
    }

    /** Peer: answers each message coming down with one going up, until the {@link #STOP} message; returns how many. */
    long echo() throws IOException {
        throw unsupported("echo");
    }

    /**
     * Benchmark: round trips of a {@code payload}-byte message (down, and the answer up) for {@code nanos}, each
     * recorded in {@code histogram} in nanoseconds, then the {@link #STOP} message; returns how many.
     */
    long ping(int payload, long nanos, Histogram histogram) throws IOException {
        throw unsupported("ping");
    }

    /**
     * Peer: sends {@code total} bytes of {@code data} up (round its {@link BulkData#SIZE} bytes), in
     * {@link #BULK_MESSAGE}-byte messages or, if {@code stream}, as one streamed message.
     */
    void sendBulk(BulkData data, long total, boolean stream, Compression compression) throws IOException {
        throw unsupported("sendBulk");
    }

    /** Benchmark: receives what {@link #sendBulk} sends into {@code destination}, round its bytes. */
    void receiveBulk(BulkData.Destination destination, long total, boolean stream) throws IOException {
        throw unsupported("receiveBulk");
    }

    private UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException(getClass().getSimpleName() + " has no " + what);
    }

    /** Peer: opens the ends that {@code words} (from {@link #peerArguments()}) describe. */
    static Transport open(String[] words) throws IOException {
        return switch (words[0]) {
            case ChannelTransport.KIND -> ChannelTransport.open(words);
            case AgronaTransport.KIND -> AgronaTransport.open(words);
            case StreamTransport.SOCKET, StreamTransport.PIPE -> StreamTransport.open(words);
            default -> throw new IllegalArgumentException("transport=" + words[0]);
        };
    }

    /** A new path in /dev/shm (tmpfs, as shared memory is) named after this process and a random number. */
    static Path shmPath(String prefix) {
        return Paths.get("/dev/shm", "jmmap-bench-" + prefix + "-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
    }

    static void deleteQuietly(Path... paths) {
        for (Path path : paths) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // a leftover in /dev/shm; named after this process, so it is easy to find
            }
        }
    }

    /**
     * What the message-rate loops of the ring buffers (jmmap's and Agrona's alike) do when nothing moved: spin
     * {@value #SPINS} times, then yield the core ({@link Thread#yield()}) until something moves. On a machine whose
     * cores are shared with other work, a side that only spins keeps its core for a whole time slice while the side
     * it waits for has none, and the rate measures the scheduler; yielding hands the core over.
     */
    static final class SpinThenYield {
        static final int SPINS = 100;
        private int idle;

        void idle() {
            if (idle < SPINS) {
                idle++;
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }

        void reset() {
            idle = 0;
        }
    }

    static IllegalStateException outOfOrder(long sequence, long expected) {
        return new IllegalStateException("message sequence=" + sequence + ", expected " + expected);
    }
}
