package org.jmmap.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.HdrHistogram.Histogram;
import org.jmmap.ipc.ChannelOptions;
import org.jmmap.ipc.ChannelReceiver;
import org.jmmap.ipc.ChannelSender;
import org.jmmap.ipc.Compression;
import org.jmmap.ipc.MessageHandler;
import org.jmmap.ipc.ShmChannel;
import org.jmmap.ipc.WaitStrategy;

/**
 * jmmap's {@link ShmChannel}: one channel up and one down, files in /dev/shm. Message rates use {@code offer} and
 * {@code poll}, retried as Agrona's {@code write} and {@code read} are ({@link SpinThenYield}); round trips and
 * bulk transfers use {@code send} and {@code receive}, which wait as the {@link WaitStrategy} says.
 */
final class ChannelTransport extends Transport {

    static final String KIND = "channel";

    private final Path upFile;
    private final Path downFile;
    private final String strategy;
    private final boolean creator;
    private final ShmChannel up;
    private final ShmChannel down;
    /** The sender of this side (up in the peer, down in the benchmark), attached when first needed. */
    private ChannelSender sender;
    private ChannelReceiver receiver;

    private long expected;
    private long last;
    private final MessageHandler checkSequence = message -> {
        long sequence = message.getLong(message.position());
        if (sequence != expected) {
            throw outOfOrder(sequence, expected);
        }
        expected++;
    };
    private final MessageHandler keepSequence = message -> last = message.getLong(message.position());

    private ChannelTransport(Path upFile, Path downFile, String strategy, boolean creator, ShmChannel up,
                             ShmChannel down) {
        this.upFile = upFile;
        this.downFile = downFile;
        this.strategy = strategy;
        this.creator = creator;
        this.up = up;
        this.down = down;
    }

    /**
     * Benchmark: creates the two channels with {@code options}, waiting with the strategy named {@code strategy}
     * ({@code default}, {@code busySpin}, {@code sleep}, {@code spin20Yield100}: spin 20 µs, yield 100 µs, then
     * sleep, the default before; or {@code yield20}: yield 20 µs, then sleep, the default without its learned spin)
     * in both processes.
     */
    static ChannelTransport create(ChannelOptions options, String strategy) throws IOException {
        Path upFile = shmPath("channel-up");
        Path downFile = shmPath("channel-down");
        ChannelOptions withStrategy = options.withWaitStrategy(strategy(strategy));
        ShmChannel up = ShmChannel.create(upFile, withStrategy);
        try {
            ShmChannel down = ShmChannel.create(downFile, withStrategy);
            return new ChannelTransport(upFile, downFile, strategy, true, up, down);
        } catch (IOException | RuntimeException e) {
            up.close();
            deleteQuietly(upFile);
            throw e;
        }
    }

    static ChannelTransport open(String[] words) throws IOException {
        Path upFile = Path.of(words[1]);
        Path downFile = Path.of(words[2]);
        WaitStrategy waitStrategy = strategy(words[3]);
        ShmChannel up = ShmChannel.open(upFile, waitStrategy);
        ShmChannel down = ShmChannel.open(downFile, waitStrategy);
        ChannelTransport transport = new ChannelTransport(upFile, downFile, words[3], false, up, down);
        transport.receiver = down.receiver();
        return transport;
    }

    private static WaitStrategy strategy(String name) {
        return switch (name) {
            case "default" -> WaitStrategy.DEFAULT;
            case "busySpin" -> WaitStrategy.BUSY_SPIN;
            case "sleep" -> WaitStrategy.SLEEP;
            case "spin20Yield100" -> WaitStrategy.backoff(Duration.ofNanos(20_000), Duration.ofNanos(100_000));
            case "yield20" -> WaitStrategy.backoff(Duration.ZERO, Duration.ofNanos(20_000));
            default -> throw new IllegalArgumentException("strategy=" + name
                    + " (default, busySpin, sleep, spin20Yield100 or yield20)");
        };
    }

    @Override
    String peerArguments() {
        return KIND + " " + upFile + " " + downFile + " " + strategy;
    }

    @Override
    void connect() {
        receiver = up.receiver();
    }

    private ChannelSender sender() {
        if (sender == null) {
            sender = (creator ? down : up).sender();
        }
        return sender;
    }

    @Override
    void sendMessages(int payload, long count) {
        ChannelSender s = sender();
        byte[] message = new byte[payload];
        ByteBuffer sequence = ByteBuffer.wrap(message);
        SpinThenYield idle = new SpinThenYield();
        for (long i = 0; i < count; i++) {
            sequence.putLong(0, i);
            while (!s.offer(message)) {
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
            if (receiver.poll(checkSequence, 1024) == 0) {
                idle.idle();
            } else {
                idle.reset();
            }
        }
    }

    @Override
    long echo() throws IOException {
        ChannelSender s = sender();
        byte[] answer = new byte[32];
        ByteBuffer sequence = ByteBuffer.wrap(answer);
        long count = 0;
        while (true) {
            if (!receiver.receive(keepSequence, TIMEOUT)) {
                throw new IOException("no ping within " + TIMEOUT);
            }
            if (last == STOP) {
                return count;
            }
            sequence.putLong(0, last);
            s.send(answer, TIMEOUT);
            count++;
        }
    }

    @Override
    long ping(int payload, long nanos, Histogram histogram) throws IOException {
        ChannelSender s = sender();
        byte[] message = new byte[payload];
        ByteBuffer sequence = ByteBuffer.wrap(message);
        long end = System.nanoTime() + nanos;
        long count = 0;
        while (true) {
            long start = System.nanoTime();
            sequence.putLong(0, count);
            s.send(message, TIMEOUT);
            expected = count;
            if (!receiver.receive(checkSequence, TIMEOUT)) {
                throw new IOException("no answer within " + TIMEOUT);
            }
            long now = System.nanoTime();
            histogram.recordValue(now - start);
            count++;
            if (now - end >= 0) {
                break;
            }
        }
        sequence.putLong(0, STOP);
        s.send(message, TIMEOUT);
        return count;
    }

    @Override
    void sendBulk(BulkData data, long total, boolean stream, Compression compression) throws IOException {
        try (ChannelSender s = up.sender(compression)) { // SINGLE: one sender at a time, so one per transfer
            if (stream) {
                try (OutputStream out = s.openStream()) {
                    for (long sent = 0; sent < total; sent += BULK_MESSAGE) {
                        out.write(data.array, (int) (sent % BulkData.SIZE), BULK_MESSAGE);
                    }
                }
            } else {
                for (long sent = 0; sent < total; sent += BULK_MESSAGE) {
                    s.send(data.direct.slice((int) (sent % BulkData.SIZE), BULK_MESSAGE), TIMEOUT);
                }
            }
        }
    }

    private long received;
    private ByteBuffer into;
    private final MessageHandler copyInto = message -> {
        int length = message.remaining();
        into.put((int) (received % BulkData.SIZE), message, message.position(), length);
        received += length;
    };

    @Override
    void receiveBulk(BulkData.Destination destination, long total, boolean stream) throws IOException {
        if (stream) {
            try (InputStream in = receiver.openStream(TIMEOUT)) {
                if (in == null) {
                    throw new IOException("no stream within " + TIMEOUT);
                }
                long got = 0;
                while (true) {
                    int at = (int) (got % BulkData.SIZE);
                    int n = in.read(destination.array, at, Math.min(BULK_MESSAGE, BulkData.SIZE - at));
                    if (n < 0) {
                        break;
                    }
                    got += n;
                }
                if (got != total) {
                    throw new IOException("stream of " + got + " bytes, expected " + total);
                }
            }
        } else {
            received = 0;
            into = destination.direct;
            while (received < total) {
                if (!receiver.receive(copyInto, TIMEOUT)) {
                    throw new IOException("no message within " + TIMEOUT + " after " + received + " bytes");
                }
            }
        }
    }

    @Override
    public void close() {
        up.close();
        down.close();
        if (creator) {
            deleteQuietly(upFile, downFile);
        }
    }
}
