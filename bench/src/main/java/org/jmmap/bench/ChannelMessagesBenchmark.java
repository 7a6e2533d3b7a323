package org.jmmap.bench;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jmmap.bench.ChannelHarness.Link;
import org.jmmap.bench.ChannelHarness.Rig;
import org.jmmap.bench.ChannelHarness.Sample;
import org.jmmap.ipc.ChannelOptions;

/**
 * Messages per second from a peer process to this one, sent one at a time as fast as the transport takes them,
 * each carrying a sequence number that the receiver checks. Rings are 1 MiB files in /dev/shm for jmmap's channel
 * and for Agrona's ring buffers alike, driven by the same loops ({@code offer}/{@code poll}, {@code write}/
 * {@code read}, the receiver taking up to 1024 messages a call) that spin, then yield, when the ring is full or
 * empty ({@link Transport.SpinThenYield}). MULTI and many-to-one are measured with one producer: the price of
 * claiming by an atomic instruction. The {@code Fenced} methods run the channel's sender with a full fence after
 * each commit ({@code -Djmmap.channel.storeLoadFence=true}): what a wake-up protocol that cannot miss would cost.
 * Each round sends about half a second's worth of messages.
 */
@Description("Messages per second to another process, one at a time (payload bytes each, sequence-checked): "
        + "jmmap's ShmChannel against Agrona's ring buffers on the same kind of mapped file (1 MiB in /dev/shm), a "
        + "Unix domain socket and a pipe; Fenced: the channel's sender with a full fence after each commit")
@ChannelHarness.Unit("msg/s")
public final class ChannelMessagesBenchmark implements ChannelHarness.Rounds {

    static final int CAPACITY = 1 << 20;
    private static final double ROUND_SECONDS = 0.5;
    private static final long FIRST_COUNT = 20_000;

    private final Link socket;
    private final Link pipe;
    private final Link agronaOneToOne;
    private final Link agronaManyToOne;
    private final Link channelSingle;
    private final Link channelMulti;
    private final Link channelSingleFenced;
    private final Link channelMultiFenced;
    private int payload;
    /** Messages per round by method, from the rate of its last round. */
    private final Map<Link, Long> counts = new HashMap<>();

    ChannelMessagesBenchmark(Rig rig) throws IOException {
        ChannelOptions single = ChannelOptions.defaults().withCapacity(CAPACITY);
        ChannelOptions multi = single.withProducers(ChannelOptions.Producers.MULTI);
        socket = rig.open(rig.plain, StreamTransport.socket());
        pipe = rig.open(rig.plain, StreamTransport.pipe());
        agronaOneToOne = rig.open(rig.plain, AgronaTransport.create(CAPACITY, false, "busySpin"));
        agronaManyToOne = rig.open(rig.plain, AgronaTransport.create(CAPACITY, true, "busySpin"));
        channelSingle = rig.open(rig.plain, ChannelTransport.create(single, "default"));
        channelMulti = rig.open(rig.plain, ChannelTransport.create(multi, "default"));
        channelSingleFenced = rig.open(rig.fenced, ChannelTransport.create(single, "default"));
        channelMultiFenced = rig.open(rig.fenced, ChannelTransport.create(multi, "default"));
    }

    @Override
    public String round() {
        return "about 0.5 s";
    }

    @Override
    public String parameter() {
        return "payload";
    }

    @Override
    public List<String> values(boolean quick) {
        return List.of("32", "256", "4096");
    }

    @Override
    public void set(String value) {
        payload = Integer.parseInt(value);
        counts.clear();
    }

    @Override
    public List<String> peerOptions(String method) {
        return method.endsWith("Fenced") ? List.of(Rig.FENCE) : List.of();
    }

    @Baseline
    public Sample messages_socket() throws IOException {
        return rate(socket);
    }

    public Sample messages_pipe() throws IOException {
        return rate(pipe);
    }

    public Sample messages_agronaOneToOne() throws IOException {
        return rate(agronaOneToOne);
    }

    public Sample messages_agronaManyToOne() throws IOException {
        return rate(agronaManyToOne);
    }

    @SpeedTarget(min = 5.0)
    @SpeedTarget(min = 1.0, against = "messages_agronaOneToOne")
    public Sample messages_channelSingle() throws IOException {
        return rate(channelSingle);
    }

    @SpeedTarget(min = 5.0)
    @SpeedTarget(min = 1.0, against = "messages_agronaManyToOne")
    public Sample messages_channelMulti() throws IOException {
        return rate(channelMulti);
    }

    /** The fence would be worth having if it cost under 5%: the target reads "met" then. */
    @SpeedTarget(min = 0.95, against = "messages_channelSingle")
    public Sample messages_channelSingleFenced() throws IOException {
        return rate(channelSingleFenced);
    }

    @SpeedTarget(min = 0.95, against = "messages_channelMulti")
    public Sample messages_channelMultiFenced() throws IOException {
        return rate(channelMultiFenced);
    }

    private Sample rate(Link link) throws IOException {
        long count = counts.getOrDefault(link, FIRST_COUNT);
        ChannelHarness.Exchange exchange = link.exchange("send", payload + " " + count,
                () -> link.transport.receiveMessages(count));
        double rate = count / (exchange.nanos() / 1e9);
        counts.put(link, Math.max(FIRST_COUNT, (long) (rate * ROUND_SECONDS)));
        return Sample.of(rate);
    }
}
