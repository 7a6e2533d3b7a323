package org.jmmap.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.CRC32C;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two producer JVMs, one receiver (this JVM), a MULTI channel: {@code jmmap.channel.stress.messages} messages in all
 * (default 10^7), 99% of up to 256 bytes, 0.99% up to 16 KiB, 0.01% up to 1 MiB, and one of 100 MiB from each
 * producer; each carries its producer, a sequence number and a CRC32C. Nothing may be lost, duplicated, corrupted or
 * reordered within a producer.
 */
class ShmChannelStressTest {

    @TempDir
    Path directory;

    @Test
    void tenMillionMessagesFromTwoProducerJvms() throws Exception {
        long total = Long.getLong("jmmap.channel.stress.messages", 10_000_000L);
        long perProducer = total / 2;
        Path file = ChannelFiles.path(directory);
        ChannelOptions options = ChannelOptions.defaults().withCapacity(64 << 20)
                .withProducers(ChannelOptions.Producers.MULTI).withMaxMessageSize(StressSizes.HUGE);
        try (ShmChannel channel = ShmChannel.create(file, options);
             ChannelReceiver receiver = channel.receiver()) {
            Process[] producers = new Process[2];
            for (int p = 0; p < 2; p++) {
                producers[p] = ChildJvm.of(ChannelPeer.class, "stress-send", file.toString(), Integer.toString(p),
                        Long.toString(perProducer), Long.toString(perProducer / 2))
                        .jvmOptions("-Xmx512m").start(Files.createTempFile(directory, "producer-", ".out"));
            }
            long[] next = new long[2];
            long[] corrupt = new long[1];
            long[] outOfOrder = new long[1];
            CRC32C crc = new CRC32C();
            MessageHandler check = m -> {
                int length = m.remaining();
                int at = m.position();
                crc.reset();
                crc.update(m.duplicate().limit(at + length - 4));
                if (length < 16 || m.getInt(at + length - 4) != (int) crc.getValue()) {
                    corrupt[0]++;
                    return;
                }
                int producer = m.getInt(at);
                int sequence = m.getInt(at + 4);
                if (producer < 0 || producer > 1 || sequence != (int) next[producer]) {
                    outOfOrder[0]++;
                } else {
                    next[producer]++;
                }
            };
            for (long n = 0; n < 2 * perProducer; n++) {
                if (!receiver.receive(check, Duration.ofSeconds(120))) {
                    throw new AssertionError("no message after " + n + " of " + 2 * perProducer);
                }
            }
            for (Process p : producers) {
                assertEquals(0, p.waitFor());
            }
            assertEquals(0, corrupt[0], "corrupted");
            assertEquals(0, outOfOrder[0], "lost, duplicated or out of order");
            assertEquals(perProducer, next[0]);
            assertEquals(perProducer, next[1]);
            ChannelStats stats = channel.stats();
            assertEquals(2 * perProducer, stats.messagesReceived());
            assertEquals(0, stats.messagesAbandoned());
            assertEquals(0, stats.recordsSealed());
        }
    }
}
