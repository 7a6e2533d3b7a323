package org.jmmap.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.jmmap.bench.ChannelHarness.Link;
import org.jmmap.bench.ChannelHarness.Rig;
import org.jmmap.bench.ChannelHarness.Sample;
import org.jmmap.ipc.ChannelOptions;

/**
 * Ping-pong with a peer process: a 32-byte message down, the peer answers with one up, the next goes when the answer
 * is in; one second of round trips per round, each timed into an HdrHistogram. Measures (parameter {@code measure}):
 * the 50th, 99th and 99.9th percentile of the round trip, the mean, and the CPU time per round trip of the thread on
 * each side ({@code pingerCpu} here, {@code pongerCpu} in the peer; divided by the mean it is the share of a core
 * that side keeps busy). Waiting: jmmap's channel busy-spinning ({@code WaitStrategy.BUSY_SPIN}), sleeping in the
 * kernel at once ({@code SLEEP}), spinning while spinning pays (learned, up to 20 µs), yielding 20 µs, then
 * sleeping ({@code DEFAULT}), the same without the spin ({@code yield20}), or spinning 20 µs, yielding 100 µs, then
 * sleeping (the default before; both with {@code WaitStrategy.backoff}); Agrona's one-to-one ring busy-spinning or
 * backing off (spin, yield, then {@code parkNanos} from 1 µs to 1 ms); a Unix domain socket and a pair of pipes, which
 * sleep in the kernel. The machine's floor, in C ({@link NativeReference#pingPong}, with a forked child instead of the peer
 * JVM): a futex word in a /dev/shm mapping, sleeping without a time limit ({@code cFutex}) or at most 1 ms at a time
 * as a channel's first sleep does ({@code cFutexTimed}), and two pipes ({@code cPipe}).
 */
@Description("Round trip of a 32-byte message to another process and back, one at a time: percentiles (HdrHistogram) "
        + "and mean in µs, and CPU µs per round trip of each side's thread; busy-spinning against sleeping in the "
        + "kernel")
@ChannelHarness.Unit("us/op")
public final class ChannelLatencyBenchmark implements ChannelHarness.Rounds {

    private static final int PAYLOAD = 32;
    private static final long ROUND_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Link socket;
    private final Link pipe;
    private final Link agronaBusySpin;
    private final Link agronaBackoff;
    private final Link channelBusySpin;
    private final Link channelSleep;
    private final Link channelDefault;
    private final Link channelSpinYield;
    private final Link channelYield;
    private final long[] latencies = new long[1 << 21];

    ChannelLatencyBenchmark(Rig rig) throws IOException {
        ChannelOptions options = ChannelOptions.defaults().withCapacity(64 << 10);
        int ring = 64 << 10;
        socket = rig.open(rig.plain, StreamTransport.socket());
        pipe = rig.open(rig.plain, StreamTransport.pipe());
        agronaBusySpin = rig.open(rig.plain, AgronaTransport.create(ring, false, "busySpin"));
        agronaBackoff = rig.open(rig.plain, AgronaTransport.create(ring, false, "backoff"));
        channelBusySpin = rig.open(rig.plain, ChannelTransport.create(options, "busySpin"));
        channelSleep = rig.open(rig.plain, ChannelTransport.create(options, "sleep"));
        channelDefault = rig.open(rig.plain, ChannelTransport.create(options, "default"));
        channelSpinYield = rig.open(rig.plain, ChannelTransport.create(options, "spin20Yield100"));
        channelYield = rig.open(rig.plain, ChannelTransport.create(options, "yield20"));
    }

    @Override
    public String round() {
        return "1 s";
    }

    @Override
    public String parameter() {
        return "";
    }

    @Override
    public List<String> values(boolean quick) {
        return List.of("");
    }

    @Override
    public void set(String value) {
    }

    @Baseline
    public Sample roundTrip_socket() throws IOException {
        return roundTrips(socket);
    }

    public Sample roundTrip_pipe() throws IOException {
        return roundTrips(pipe);
    }

    public Sample roundTrip_agronaBusySpin() throws IOException {
        return roundTrips(agronaBusySpin);
    }

    public Sample roundTrip_agronaBackoff() throws IOException {
        return roundTrips(agronaBackoff);
    }

    public Sample roundTrip_channelBusySpin() throws IOException {
        return roundTrips(channelBusySpin);
    }

    public Sample roundTrip_channelSleep() throws IOException {
        return roundTrips(channelSleep);
    }

    public Sample roundTrip_channelDefault() throws IOException {
        return roundTrips(channelDefault);
    }

    public Sample roundTrip_channelSpin20Yield100() throws IOException {
        return roundTrips(channelSpinYield);
    }

    public Sample roundTrip_channelYield20() throws IOException {
        return roundTrips(channelYield);
    }

    public Sample roundTrip_cFutex() {
        return nativeRoundTrips(NativeReference.PING_FUTEX);
    }

    public Sample roundTrip_cFutexTimed() {
        return nativeRoundTrips(NativeReference.PING_FUTEX_TIMED);
    }

    public Sample roundTrip_cPipe() {
        return nativeRoundTrips(NativeReference.PING_PIPE);
    }

    private Sample nativeRoundTrips(int kind) {
        long[] cpu = new long[2];
        int count = NativeReference.pingPong(kind, ROUND_NANOS, latencies, cpu);
        Histogram histogram = new Histogram(TimeUnit.MINUTES.toNanos(2), 3);
        for (int i = 0; i < count; i++) {
            histogram.recordValue(latencies[i]);
        }
        return sample(histogram, count, cpu[0], cpu[1]);
    }

    private Sample roundTrips(Link link) throws IOException {
        Histogram histogram = new Histogram(TimeUnit.MINUTES.toNanos(2), 3);
        long[] count = new long[1];
        ChannelHarness.Exchange exchange = link.exchange("echo", "",
                () -> count[0] = link.transport.ping(PAYLOAD, ROUND_NANOS, histogram));
        return sample(histogram, count[0], exchange.cpuHere(), exchange.cpuPeer());
    }

    private static Sample sample(Histogram histogram, long count, long pingerCpu, long pongerCpu) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("p50", histogram.getValueAtPercentile(50) / 1e3);
        values.put("p99", histogram.getValueAtPercentile(99) / 1e3);
        values.put("p99.9", histogram.getValueAtPercentile(99.9) / 1e3);
        values.put("mean", histogram.getMean() / 1e3);
        values.put("pingerCpu", pingerCpu / 1e3 / count);
        values.put("pongerCpu", pongerCpu / 1e3 / count);
        return new Sample(values);
    }
}
