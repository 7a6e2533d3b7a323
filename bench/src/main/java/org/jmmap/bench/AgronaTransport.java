package org.jmmap.bench;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Agrona's {@link OneToOneRingBuffer} or {@link ManyToOneRingBuffer}, one up and one down, each over a file in
 * /dev/shm mapped by both processes ({@code FileChannel.map}, wrapped in an {@link UnsafeBuffer}): how Agrona's ring
 * buffers are shared between processes. In message rates both sides retry with {@link SpinThenYield}, as jmmap's
 * do; in round trips readers wait with an {@link IdleStrategy}: {@link BusySpinIdleStrategy}, or Agrona's
 * {@link BackoffIdleStrategy} (spin, yield, then park from 1 µs up to 1 ms), its way of not burning a core.
 */
final class AgronaTransport extends Transport {

    static final String KIND = "agrona";
    private static final int MESSAGE_TYPE = 1;

    private final Path upFile;
    private final Path downFile;
    private final boolean manyToOne;
    private final String idle;
    private final boolean creator;
    private final RingBuffer up;
    private final RingBuffer down;
    private final IdleStrategy idleStrategy;

    private long expected;
    private long last;
    private final MessageHandler checkSequence = (type, buffer, index, length) -> {
        long sequence = buffer.getLong(index);
        if (sequence != expected) {
            throw outOfOrder(sequence, expected);
        }
        expected++;
    };
    private final MessageHandler keepSequence = (type, buffer, index, length) -> last = buffer.getLong(index);

    private AgronaTransport(Path upFile, Path downFile, boolean manyToOne, String idle, boolean creator, int capacity)
            throws IOException {
        this.upFile = upFile;
        this.downFile = downFile;
        this.manyToOne = manyToOne;
        this.idle = idle;
        this.creator = creator;
        this.up = ring(upFile, capacity, manyToOne, creator);
        this.down = ring(downFile, capacity, manyToOne, creator);
        this.idleStrategy = switch (idle) {
            case "busySpin" -> new BusySpinIdleStrategy();
            case "backoff" -> new BackoffIdleStrategy();
            default -> throw new IllegalArgumentException("idle=" + idle + " (busySpin or backoff)");
        };
    }

    /**
     * Benchmark: creates the two rings of {@code capacity} bytes (a power of two; the files add Agrona's trailer),
     * many-to-one or one-to-one, whose readers wait with {@code idle} ({@code busySpin} or {@code backoff}).
     */
    static AgronaTransport create(int capacity, boolean manyToOne, String idle) throws IOException {
        return new AgronaTransport(shmPath("agrona-up"), shmPath("agrona-down"), manyToOne, idle, true, capacity);
    }

    static AgronaTransport open(String[] words) throws IOException {
        return new AgronaTransport(Path.of(words[1]), Path.of(words[2]), Boolean.parseBoolean(words[3]), words[4],
                false, Integer.parseInt(words[5]));
    }

    private static RingBuffer ring(Path file, int capacity, boolean manyToOne, boolean create) throws IOException {
        int length = capacity + RingBufferDescriptor.TRAILER_LENGTH;
        MappedByteBuffer mapped;
        try (FileChannel channel = create
                ? FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
        }
        UnsafeBuffer buffer = new UnsafeBuffer(mapped);
        return manyToOne ? new ManyToOneRingBuffer(buffer) : new OneToOneRingBuffer(buffer);
    }

    @Override
    String peerArguments() {
        return KIND + " " + upFile + " " + downFile + " " + manyToOne + " " + idle + " " + up.capacity();
    }

    @Override
    void sendMessages(int payload, long count) {
        UnsafeBuffer message = new UnsafeBuffer(new byte[payload]);
        SpinThenYield idle = new SpinThenYield();
        for (long i = 0; i < count; i++) {
            message.putLong(0, i);
            while (!up.write(MESSAGE_TYPE, message, 0, payload)) {
                idle.idle();
            }
            idle.reset();
        }
    }

    @Override
    void receiveMessages(long count) {
        SpinThenYield idle = new SpinThenYield();
        expected = 0;
        while (expected < count) {
            if (up.read(checkSequence, 1024) == 0) {
                idle.idle();
            } else {
                idle.reset();
            }
        }
    }

    @Override
    long echo() {
        UnsafeBuffer answer = new UnsafeBuffer(new byte[32]);
        long count = 0;
        while (true) {
            idleStrategy.reset();
            while (down.read(keepSequence, 1) == 0) {
                idleStrategy.idle();
            }
            if (last == STOP) {
                return count;
            }
            answer.putLong(0, last);
            while (!up.write(MESSAGE_TYPE, answer, 0, answer.capacity())) {
                Thread.onSpinWait();
            }
            count++;
        }
    }

    @Override
    long ping(int payload, long nanos, Histogram histogram) {
        UnsafeBuffer message = new UnsafeBuffer(new byte[payload]);
        long end = System.nanoTime() + nanos;
        long count = 0;
        while (true) {
            long start = System.nanoTime();
            message.putLong(0, count);
            while (!down.write(MESSAGE_TYPE, message, 0, payload)) {
                Thread.onSpinWait();
            }
            expected = count;
            idleStrategy.reset();
            while (up.read(checkSequence, 1) == 0) {
                idleStrategy.idle();
            }
            long now = System.nanoTime();
            histogram.recordValue(now - start);
            count++;
            if (now - end >= 0) {
                break;
            }
        }
        message.putLong(0, STOP);
        while (!down.write(MESSAGE_TYPE, message, 0, payload)) {
            Thread.onSpinWait();
        }
        return count;
    }

    @Override
    public void close() {
        // The mappings go with the garbage collector, as MappedByteBuffers do.
        if (creator) {
            deleteQuietly(upFile, downFile);
        }
    }
}
