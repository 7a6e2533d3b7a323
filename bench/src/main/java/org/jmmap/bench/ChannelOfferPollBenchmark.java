package org.jmmap.bench;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.jmmap.ipc.ChannelOptions;
import org.jmmap.ipc.ChannelReceiver;
import org.jmmap.ipc.ChannelSender;
import org.jmmap.ipc.MessageHandler;
import org.jmmap.ipc.ShmChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The channel's own cost per message, without another core: one thread offers a message and polls it back, so the
 * ring's lines stay in that core's cache and what is left is the code on both sides (claim, header, commit; the
 * record's checks, the handler's view, the release of the space). Baseline: Agrona's {@code OneToOneRingBuffer}
 * {@code write} and {@code read} on the same kind of file (1 MiB in /dev/shm); {@code ManyToOneRingBuffer} against
 * the channel's {@code MULTI}. The cross-process rates are in {@link ChannelMessagesBenchmark}; this one shows how
 * much of a gap there is code rather than cache traffic. Time per message.
 */
@Description("Offer one message and poll it back on one thread (no other core): jmmap's ShmChannel against Agrona's "
        + "ring buffers on the same kind of mapped file (1 MiB in /dev/shm); time per message")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsPrepend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED") // Agrona 2 uses its Unsafe
public class ChannelOfferPollBenchmark {

    private static final int CAPACITY = 1 << 20;
    private static final int MESSAGE_TYPE = 1;

    @Param({"32", "256", "4096"})
    public int payload;

    private Path singleFile;
    private Path multiFile;
    private Path oneToOneFile;
    private Path manyToOneFile;
    private ShmChannel single;
    private ShmChannel multi;
    private ChannelSender singleSender;
    private ChannelReceiver singleReceiver;
    private ChannelSender multiSender;
    private ChannelReceiver multiReceiver;
    private RingBuffer oneToOne;
    private RingBuffer manyToOne;
    private byte[] message;
    private UnsafeBuffer agronaMessage;
    private long sum;
    private final MessageHandler channelHandler = m -> sum += m.getLong(m.position());
    private final org.agrona.concurrent.MessageHandler agronaHandler =
            (type, buffer, index, length) -> sum += buffer.getLong(index);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        message = new byte[payload];
        agronaMessage = new UnsafeBuffer(new byte[payload]);
        ChannelOptions options = ChannelOptions.defaults().withCapacity(CAPACITY);
        singleFile = Transport.shmPath("offer-poll-single");
        multiFile = Transport.shmPath("offer-poll-multi");
        oneToOneFile = Transport.shmPath("offer-poll-o2o");
        manyToOneFile = Transport.shmPath("offer-poll-m2o");
        single = ShmChannel.create(singleFile, options);
        multi = ShmChannel.create(multiFile, options.withProducers(ChannelOptions.Producers.MULTI));
        singleSender = single.sender();
        singleReceiver = single.receiver();
        multiSender = multi.sender();
        multiReceiver = multi.receiver();
        oneToOne = new OneToOneRingBuffer(agronaRing(oneToOneFile));
        manyToOne = new ManyToOneRingBuffer(agronaRing(manyToOneFile));
    }

    private static UnsafeBuffer agronaRing(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0,
                    CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
            return new UnsafeBuffer(mapped);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        singleSender.close();
        singleReceiver.close();
        multiSender.close();
        multiReceiver.close();
        single.close();
        multi.close();
        // Agrona's mappings go with the garbage collector, as MappedByteBuffers do.
        Transport.deleteQuietly(singleFile, multiFile, oneToOneFile, manyToOneFile);
    }

    @Benchmark
    @Baseline
    public long offerPoll_agronaOneToOne() {
        return agrona(oneToOne);
    }

    @Benchmark
    public long offerPoll_agronaManyToOne() {
        return agrona(manyToOne);
    }

    @Benchmark
    @SpeedTarget(min = 1.0)
    public long offerPoll_channelSingle() {
        return channel(singleSender, singleReceiver);
    }

    @Benchmark
    @SpeedTarget(min = 1.0, against = "offerPoll_agronaManyToOne")
    public long offerPoll_channelMulti() {
        return channel(multiSender, multiReceiver);
    }

    private long agrona(RingBuffer ring) {
        agronaMessage.putLong(0, sum);
        if (!ring.write(MESSAGE_TYPE, agronaMessage, 0, payload)) {
            throw new IllegalStateException("the ring refused a message: payload=" + payload);
        }
        // A read ends at the end of the buffer: after the wrap's padding the message needs a second read.
        if (ring.read(agronaHandler, 1) != 1 && ring.read(agronaHandler, 1) != 1) {
            throw new IllegalStateException("the ring lost a message: payload=" + payload);
        }
        return sum;
    }

    private long channel(ChannelSender sender, ChannelReceiver receiver) {
        message[0]++;
        if (!sender.offer(message) || receiver.poll(channelHandler, 1) != 1) {
            throw new IllegalStateException("the channel refused or lost a message: payload=" + payload);
        }
        return sum;
    }
}
