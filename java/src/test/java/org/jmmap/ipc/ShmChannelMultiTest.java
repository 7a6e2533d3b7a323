package org.jmmap.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MULTI: several sending threads, each one's order kept, streams kept whole. */
class ShmChannelMultiTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void threadsSendConcurrentlyAndEachOnesOrderIsKept() throws Exception {
        ChannelOptions options = ChannelOptions.defaults().withCapacity(1 << 16)
                .withProducers(ChannelOptions.Producers.MULTI).withMaxMessageSize(1 << 18);
        int producers = 4;
        int perProducer = 5000;
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), options);
             ChannelReceiver receiver = channel.receiver()) {
            List<Future<?>> sending = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int id = p;
                sending.add(pool.submit(() -> {
                    Random random = new Random(id);
                    try (ChannelSender sender = channel.sender()) {
                        for (int i = 0; i < perProducer; i++) {
                            int length = random.nextInt(100) == 0 ? random.nextInt(1 << 18) : random.nextInt(500);
                            byte[] m = ChannelFiles.message(id, i, length);
                            if (id == 0 && i % 500 == 0) {
                                try (OutputStream out = sender.openStream()) {
                                    out.write(m, 0, m.length / 2);
                                    out.flush();
                                    out.write(m, m.length / 2, m.length - m.length / 2);
                                }
                            } else if (random.nextBoolean() && m.length <= sender.maxClaimLength()) {
                                while (!sender.offer(m)) {
                                    Thread.onSpinWait();
                                }
                            } else {
                                sender.send(m, LONG);
                            }
                        }
                    }
                    return null;
                }));
            }
            int[] next = new int[producers];
            for (int n = 0; n < producers * perProducer; n++) {
                byte[] m = receiver.receive(LONG);
                assertTrue(m != null && ChannelFiles.intact(m), "message " + n);
                int p = ChannelFiles.producer(m);
                assertEquals(next[p]++, ChannelFiles.sequence(m), "order of producer " + p);
            }
            for (Future<?> f : sending) {
                f.get();
            }
            ChannelStats stats = channel.stats();
            assertEquals(producers * perProducer, stats.messagesReceived());
            assertEquals(0, stats.messagesAbandoned());
            assertEquals(0, stats.recordsSealed());
        } finally {
            pool.shutdownNow();
        }
    }
}
