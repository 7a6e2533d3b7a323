package org.jmmap.bench;

import java.io.IOException;
import java.util.List;
import org.jmmap.Mapping;
import org.jmmap.bench.BulkData.Destination.Form;
import org.jmmap.bench.ChannelHarness.Link;
import org.jmmap.bench.ChannelHarness.Rig;
import org.jmmap.bench.ChannelHarness.Sample;
import org.jmmap.ipc.ChannelOptions;
import org.jmmap.ipc.Compression;

/**
 * 1 GiB from a peer process to this one, in 1 MiB messages ({@code send} of a direct buffer, a handler copying each
 * message out) or as one message streamed ({@code OutputStream.write} of 1 MiB arrays, {@code InputStream.read}
 * into an array), through an 8 MiB channel (SINGLE, default wait strategy); against a C {@code memcpy} of the same
 * bytes in one process (the ceiling: one copy where the channel makes two, producer into ring, ring out to the
 * receiver) and a Unix domain socket (1 MiB frames, direct buffers). Source and destination are 64 MiB, gone round
 * 16 times, so that every transfer runs from memory to memory rather than in the cache; each round's destination
 * is checked against the source by CRC32C. With compression the sender compresses each record, the receiver
 * decompresses it: random data shows what compression costs when it cannot help, text what it gains when it can.
 */
@Description("1 GiB to another process in 1 MiB messages or as one streamed message, GB/s: jmmap's channel "
        + "(8 MiB ring; plain, LZ4, Deflate level 1) against a C memcpy of the same bytes and a Unix domain socket")
@ChannelHarness.Unit("GB/s")
public final class ChannelBulkBenchmark implements ChannelHarness.Rounds, AutoCloseable {

    static final long TOTAL = 1L << 30;
    static final int RING = 8 << 20;

    private final Link socket;
    private final Link channel;
    private final BulkData.Destination destination;
    private final Mapping source;
    private BulkData data;

    ChannelBulkBenchmark(Rig rig) throws IOException {
        destination = new BulkData.Destination();
        source = Mapping.anonymous(BulkData.SIZE);
        socket = rig.open(rig.plain, StreamTransport.socket());
        channel = rig.open(rig.plain, ChannelTransport.create(ChannelOptions.defaults().withCapacity(RING),
                "default"));
    }

    @Override
    public String round() {
        return "1 GiB";
    }

    @Override
    public String parameter() {
        return "data";
    }

    @Override
    public List<String> values(boolean quick) {
        return List.of(BulkData.RANDOM, BulkData.TEXT);
    }

    @Override
    public void set(String value) {
        data = BulkData.of(value);
        source.putBytes(0, data.array, 0, BulkData.SIZE);
    }

    @Baseline
    public Sample bulk_memcpy() {
        long start = System.nanoTime();
        NativeReference.copyLoop(destination.memory.address(), source.address(), BulkData.SIZE,
                Transport.BULK_MESSAGE, TOTAL);
        long nanos = System.nanoTime() - start;
        destination.checkAndClear("memcpy", data, Form.MEMORY);
        return Sample.of(TOTAL / (double) nanos);
    }

    public Sample bulk_socket() throws IOException {
        return transfer(socket, false, Compression.NONE);
    }

    @SpeedTarget(min = 0.5)
    @SpeedTarget(min = 1.0, against = "bulk_socket")
    public Sample bulk_channelMessages() throws IOException {
        return transfer(channel, false, Compression.NONE);
    }

    @SpeedTarget(min = 0.5)
    @SpeedTarget(min = 1.0, against = "bulk_socket")
    public Sample bulk_channelStream() throws IOException {
        return transfer(channel, true, Compression.NONE);
    }

    public Sample bulk_channelMessagesLz4() throws IOException {
        return transfer(channel, false, Compression.LZ4);
    }

    public Sample bulk_channelStreamLz4() throws IOException {
        return transfer(channel, true, Compression.LZ4);
    }

    public Sample bulk_channelMessagesDeflate() throws IOException {
        return transfer(channel, false, Compression.DEFLATE);
    }

    public Sample bulk_channelStreamDeflate() throws IOException {
        return transfer(channel, true, Compression.DEFLATE);
    }

    private Sample transfer(Link link, boolean stream, Compression compression) throws IOException {
        ChannelHarness.Exchange exchange = link.exchange("bulk", data.kind + " " + TOTAL + " " + stream + " "
                + compression, () -> link.transport.receiveBulk(destination, TOTAL, stream));
        destination.checkAndClear(link.transport.getClass().getSimpleName() + (stream ? " stream" : " messages")
                + " " + compression, data, stream ? Form.ARRAY : Form.DIRECT);
        return Sample.of(TOTAL / (double) exchange.nanos());
    }

    @Override
    public void close() {
        destination.close();
        source.close();
    }
}
