package org.jmmap.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ShmChannel} in one JVM: messages of every size, in order, intact; wrap-around; claims. */
class ShmChannelTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void offerAndPollWrapTheRingManyTimes() throws Exception {
        ChannelOptions options = ChannelOptions.defaults().withCapacity(4096);
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), options);
             ChannelSender sender = channel.sender();
             ChannelReceiver receiver = channel.receiver()) {
            Random random = new Random(1);
            List<byte[]> received = new ArrayList<>();
            int sent = 0;
            while (sent < 5000) {
                byte[] m = ChannelFiles.message(0, sent, 16 + random.nextInt(sender.maxClaimLength() - 16));
                if (sender.offer(m)) {
                    sent++;
                } else {
                    receiver.poll(message -> {
                        byte[] copy = new byte[message.remaining()];
                        message.get(copy);
                        received.add(copy);
                    }, 3);
                }
            }
            while (receiver.poll(message -> {
                byte[] copy = new byte[message.remaining()];
                message.get(copy);
                received.add(copy);
            }, 100) > 0) {
                // drain
            }
            assertEquals(5000, received.size());
            for (int i = 0; i < received.size(); i++) {
                assertTrue(ChannelFiles.intact(received.get(i)), "message " + i);
                assertEquals(i, ChannelFiles.sequence(received.get(i)));
            }
            ChannelStats stats = channel.stats();
            assertEquals(5000, stats.messagesSent());
            assertEquals(5000, stats.messagesReceived());
            assertEquals(0, stats.bytesInRing());
        }
    }

    @Test
    void sendAndReceiveAcrossThreadsWithFragments() throws Exception {
        ChannelOptions options = ChannelOptions.defaults().withCapacity(1 << 16).withMaxMessageSize(1 << 20);
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), options)) {
            int count = 2000;
            Thread producer = new Thread(() -> {
                try (ChannelSender sender = channel.sender()) {
                    Random random = new Random(2);
                    for (int i = 0; i < count; i++) {
                        int length = random.nextInt(10) == 0 ? random.nextInt(1 << 20) : random.nextInt(3000);
                        sender.send(ChannelFiles.message(0, i, length), LONG);
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            producer.start();
            try (ChannelReceiver receiver = channel.receiver()) {
                for (int i = 0; i < count; i++) {
                    byte[] m = receiver.receive(LONG);
                    assertTrue(ChannelFiles.intact(m), "message " + i);
                    assertEquals(i, ChannelFiles.sequence(m));
                }
                assertNull(receiver.receive(Duration.ofMillis(20)));
            }
            producer.join();
        }
    }

    @Test
    void claimWritesInPlace() throws Exception {
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), ChannelOptions.defaults());
             ChannelSender sender = channel.sender();
             ChannelReceiver receiver = channel.receiver()) {
            try (Claim claim = sender.claim(100)) {
                claim.buffer().putLong(0, 42).putLong(8, 43);
                claim.commit(16);
            }
            try (Claim claim = sender.claim(100)) {
                claim.buffer().putLong(0, 99); // dropped by close
            }
            Claim claim = sender.tryClaim(8);
            claim.buffer().putLong(0, 7);
            claim.commit();
            List<ByteBuffer> got = new ArrayList<>();
            receiver.poll(m -> got.add(ByteBuffer.allocate(m.remaining()).put(m).flip()), 10);
            assertEquals(2, got.size());
            assertEquals(16, got.get(0).remaining());
            assertEquals(42, got.get(0).getLong(0));
            assertEquals(43, got.get(0).getLong(8));
            assertEquals(7, got.get(1).getLong(0));
            assertFalse(receiver.receive(m -> { }, Duration.ZERO));
            assertArrayEquals(new byte[0], new byte[0]);
        }
    }
}
