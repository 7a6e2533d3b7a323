package org.jmmap.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.HdrHistogram.Histogram;
import org.jmmap.bench.BulkData.Destination.Form;
import org.jmmap.bench.ChannelHarness.Exchange;
import org.jmmap.bench.ChannelHarness.Link;
import org.jmmap.bench.ChannelHarness.Rig;
import org.jmmap.ipc.ChannelOptions;
import org.jmmap.ipc.Compression;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The channel benchmarks' transports work across processes, with real peers ({@link ChannelPeer}): every message
 * arrives in order, round trips come back, bulk transfers arrive intact; in small sizes, timing nothing.
 */
class ChannelTransportsTest {

    private static Rig rig;

    @BeforeAll
    static void startPeers() throws IOException {
        rig = new Rig();
    }

    @AfterAll
    static void stopPeers() throws IOException {
        rig.close();
    }

    private static void messagesAndRoundTrips(Link link) throws IOException {
        for (int payload : new int[] {32, 4096}) {
            Exchange exchange = link.exchange("send", payload + " 20000", () -> link.transport.receiveMessages(20_000));
            assertTrue(exchange.nanos() > 0 && exchange.cpuPeer() >= 0);
        }
        Histogram histogram = new Histogram(3);
        long[] count = new long[1];
        link.exchange("echo", "", () -> count[0] = link.transport.ping(32, 20_000_000L, histogram));
        assertTrue(count[0] > 0);
        assertEquals(count[0], histogram.getTotalCount());
    }

    @Test
    void socket() throws IOException {
        messagesAndRoundTrips(rig.open(rig.plain, StreamTransport.socket()));
    }

    @Test
    void pipe() throws IOException {
        messagesAndRoundTrips(rig.open(rig.plain, StreamTransport.pipe()));
    }

    @Test
    void agrona() throws IOException {
        messagesAndRoundTrips(rig.open(rig.plain, AgronaTransport.create(1 << 16, false, "busySpin")));
        messagesAndRoundTrips(rig.open(rig.plain, AgronaTransport.create(1 << 16, true, "backoff")));
    }

    @Test
    void channel() throws IOException {
        ChannelOptions options = ChannelOptions.defaults().withCapacity(1 << 16);
        messagesAndRoundTrips(rig.open(rig.plain, ChannelTransport.create(options, "sleep")));
        messagesAndRoundTrips(rig.open(rig.plain, ChannelTransport.create(options, "default")));
        messagesAndRoundTrips(rig.open(rig.plain, ChannelTransport.create(options, "spin20Yield100")));
        messagesAndRoundTrips(rig.open(rig.plain, ChannelTransport.create(options, "yield20")));
        messagesAndRoundTrips(rig.open(rig.fenced, ChannelTransport.create(
                options.withProducers(ChannelOptions.Producers.MULTI), "busySpin")));
    }

    /** Bulk transfers once round the data (64 MiB), checked by CRC32C; a corrupted destination is noticed. */
    @Test
    void bulk() throws IOException {
        BulkData data = BulkData.of(BulkData.TEXT);
        try (BulkData.Destination destination = new BulkData.Destination()) {
            Link socket = rig.open(rig.plain, StreamTransport.socket());
            socket.exchange("bulk", "text " + BulkData.SIZE + " false NONE",
                    () -> socket.transport.receiveBulk(destination, BulkData.SIZE, false));
            destination.checkAndClear("socket", data, Form.DIRECT);
            Link channel = rig.open(rig.plain, ChannelTransport.create(
                    ChannelOptions.defaults().withCapacity(ChannelBulkBenchmark.RING), "default"));
            for (Compression compression : Compression.values()) {
                channel.exchange("bulk", "text " + BulkData.SIZE + " false " + compression,
                        () -> channel.transport.receiveBulk(destination, BulkData.SIZE, false));
                destination.checkAndClear("channel messages", data, Form.DIRECT);
                channel.exchange("bulk", "text " + BulkData.SIZE + " true " + compression,
                        () -> channel.transport.receiveBulk(destination, BulkData.SIZE, true));
                destination.checkAndClear("channel stream", data, Form.ARRAY);
            }
            destination.array[12345] = 1;
            assertThrows(IllegalStateException.class, () -> destination.checkAndClear("corrupt", data, Form.ARRAY));
        }
    }
}
