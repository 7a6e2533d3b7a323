package org.jmmap.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interrupted waits: every blocking call throws {@link InterruptedIOException} with the thread's interrupt status
 * kept, delivers nothing of what it was sending, and leaves the channel consistent: the same sender and receiver
 * carry on, every message sent before and after arrives once, intact and in order, and the counters agree.
 */
class ShmChannelInterruptTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    /** What a blocking call in another thread threw, and whether its interrupt status was still set then. */
    private record Outcome(Throwable thrown, boolean interruptStatus) {
    }

    @FunctionalInterface
    private interface Blocking {
        void run() throws Exception;
    }

    /**
     * Runs {@code call} in a new thread, waits until {@code sleeps} grows (the call sleeps in the kernel, waiting),
     * interrupts the thread and returns how the call ended.
     */
    private static Outcome interruptWhileAsleep(Blocking call, LongSupplier sleeps) throws Exception {
        long before = sleeps.getAsLong();
        Outcome[] outcome = new Outcome[1];
        Thread thread = new Thread(() -> {
            try {
                call.run();
                outcome[0] = new Outcome(null, Thread.currentThread().isInterrupted());
            } catch (Throwable e) {
                outcome[0] = new Outcome(e, Thread.currentThread().isInterrupted());
            }
        }, "blocked-in-channel");
        thread.start();
        while (sleeps.getAsLong() == before && thread.isAlive()) {
            Thread.sleep(1);
        }
        thread.interrupt();
        thread.join(LONG.toMillis());
        assertFalse(thread.isAlive(), "the interrupted call did not return");
        return outcome[0];
    }

    private static void assertInterrupted(Outcome outcome) {
        assertNotNull(outcome.thrown(), "the call returned normally");
        assertInstanceOf(InterruptedIOException.class, outcome.thrown());
        assertTrue(outcome.interruptStatus(), "interrupt status kept");
    }

    private static ChannelOptions small(ChannelOptions.Producers producers) {
        return ChannelOptions.defaults().withCapacity(4096).withProducers(producers).withMaxMessageSize(1 << 20);
    }

    @ParameterizedTest
    @EnumSource(ChannelOptions.Producers.class)
    void anInterruptedReceiveThrowsAndTheReceiverCarriesOn(ChannelOptions.Producers producers) throws Exception {
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), small(producers));
             ChannelSender sender = channel.sender();
             ChannelReceiver receiver = channel.receiver()) {
            assertInterrupted(interruptWhileAsleep(() -> receiver.receive(m -> { }, LONG),
                    () -> channel.stats().receiverSleeps()));
            for (int i = 0; i < 3; i++) {
                sender.send(ChannelFiles.message(0, i, 100), LONG);
            }
            for (int i = 0; i < 3; i++) {
                byte[] m = receiver.receive(LONG);
                assertTrue(ChannelFiles.intact(m));
                assertEquals(i, ChannelFiles.sequence(m));
            }
            assertNull(receiver.receive(Duration.ofMillis(5)));
            assertConsistent(channel.stats(), 3, 3, 0);
        }
    }

    /** An interrupt that is already pending throws as soon as the call would wait, never before. */
    @Test
    void aPendingInterruptThrowsOnlyWhenTheCallMustWait() throws Exception {
        ChannelOptions options = small(ChannelOptions.Producers.SINGLE);
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), options);
             ChannelSender sender = channel.sender();
             ChannelReceiver receiver = channel.receiver()) {
            sender.send(ChannelFiles.message(0, 0, 64), LONG);
            Thread.currentThread().interrupt();
            try {
                assertTrue(ChannelFiles.intact(receiver.receive(LONG)), "a message that is there is received");
                assertThrows(InterruptedIOException.class, () -> receiver.receive(LONG));
                assertTrue(Thread.currentThread().isInterrupted());
            } finally {
                Thread.interrupted();
            }
            assertConsistent(channel.stats(), 1, 1, 0);
        }
    }

    /**
     * A send waiting for room (SINGLE: before claiming; MULTI: after its atomic add claimed the space) delivers
     * nothing when interrupted; MULTI's abandoned claim is skipped by the receiver.
     */
    @ParameterizedTest
    @EnumSource(ChannelOptions.Producers.class)
    void anInterruptedSendDeliversNothingOfItsMessage(ChannelOptions.Producers producers) throws Exception {
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), small(producers));
             ChannelSender sender = channel.sender();
             ChannelReceiver receiver = channel.receiver()) {
            int offered = 0;
            while (sender.offer(ChannelFiles.message(0, offered, 200))) {
                offered++;
            }
            int sent = offered;
            assertInterrupted(interruptWhileAsleep(() -> sender.send(ChannelFiles.message(0, sent, 200), LONG),
                    () -> channel.stats().senderSleeps()));
            assertInterrupted(interruptWhileAsleep(() -> sender.claim(200),
                    () -> channel.stats().senderSleeps()));
            List<byte[]> received = drain(receiver);
            assertEquals(offered, received.size());
            for (int i = 0; i < offered; i++) {
                assertEquals(i, ChannelFiles.sequence(received.get(i)));
            }
            // The same sender goes on: the next message, then one more through a claim.
            sender.send(ChannelFiles.message(0, offered, 200), LONG);
            try (Claim claim = sender.claim(16)) {
                claim.buffer().put(ChannelFiles.message(0, offered + 1, 16));
                claim.commit();
            }
            for (int i = offered; i < offered + 2; i++) {
                byte[] m = receiver.receive(LONG);
                assertTrue(ChannelFiles.intact(m), "message " + i);
                assertEquals(i, ChannelFiles.sequence(m));
            }
            assertNull(receiver.receive(Duration.ofMillis(20)));
            assertConsistent(channel.stats(), offered + 2, offered + 2, 0);
        }
    }

    /**
     * A message of many fragments interrupted half-way (the ring full, no room left for an ABORT record): the
     * receiver drops what it got of it and receives the next one; a MULTI channel's other senders are not held up.
     */
    @ParameterizedTest
    @EnumSource(ChannelOptions.Producers.class)
    void aMessageInterruptedBetweenFragmentsIsDropped(ChannelOptions.Producers producers) throws Exception {
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), small(producers));
             ChannelSender sender = channel.sender();
             ChannelReceiver receiver = channel.receiver()) {
            assertInterrupted(interruptWhileAsleep(() -> sender.send(ChannelFiles.message(0, 0, 100_000), LONG),
                    () -> channel.stats().senderSleeps()));
            assertTrue(channel.stats().bytesInRing() > 0, "fragments were sent");
            CompletableFuture<List<byte[]>> received = CompletableFuture.supplyAsync(() -> receive(receiver, 2));
            sender.send(ChannelFiles.message(0, 1, 20_000), LONG);
            if (producers == ChannelOptions.Producers.MULTI) {
                try (ChannelSender other = channel.sender()) {
                    other.send(ChannelFiles.message(1, 0, 20_000), LONG);
                }
            } else {
                sender.send(ChannelFiles.message(0, 2, 300), LONG);
            }
            List<byte[]> messages = received.get();
            assertEquals(1, ChannelFiles.sequence(messages.get(0)));
            assertTrue(ChannelFiles.intact(messages.get(0)));
            assertTrue(ChannelFiles.intact(messages.get(1)));
            assertNull(receiver.receive(Duration.ofMillis(20)));
            assertConsistent(channel.stats(), 2, 2, 1);
        }
    }

    /**
     * A stream whose write is interrupted breaks, with no room left for an ABORT record: the receiver's read of it
     * fails (not as if the sender had died: it is alive), and the next message arrives.
     */
    @Test
    void anInterruptedStreamWriteBreaksOnlyThatMessage() throws Exception {
        ChannelOptions options = small(ChannelOptions.Producers.SINGLE);
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), options);
             ChannelSender sender = channel.sender();
             ChannelReceiver receiver = channel.receiver()) {
            // 1016 bytes of record, then three fragment records of 1024: 8 bytes of the ring stay free.
            byte[] before = ChannelFiles.message(0, 0, 1008);
            assertTrue(sender.offer(before));
            OutputStream[] out = new OutputStream[1];
            assertInterrupted(interruptWhileAsleep(() -> {
                out[0] = sender.openStream();
                out[0].write(new byte[64 << 10]);
            }, () -> channel.stats().senderSleeps()));
            assertEquals(4088, channel.stats().bytesInRing());
            IOException broken = assertThrows(IOException.class, () -> out[0].write(1));
            assertTrue(broken.getMessage().contains("broken"), broken.getMessage());
            out[0].close(); // would abort, but there is no room for an ABORT record
            CompletableFuture<List<byte[]>> reader = CompletableFuture.supplyAsync(() -> {
                List<byte[]> got = receive(receiver, 1);
                try (InputStream in = receiver.openStream(LONG)) {
                    IOException e = assertThrows(IOException.class, in::readAllBytes);
                    assertFalse(e instanceof PeerDiedException, "the sender is alive: " + e);
                    assertTrue(e.getMessage().contains("gave up"), e.getMessage());
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                got.addAll(receive(receiver, 1));
                return got;
            });
            byte[] next = ChannelFiles.message(0, 1, 3000);
            sender.send(next, LONG);
            List<byte[]> got = reader.get();
            assertArrayEquals(before, got.get(0));
            assertArrayEquals(next, got.get(1));
            assertConsistent(channel.stats(), 2, 2, 1);
        }
    }

    /**
     * A stream read interrupted while waiting for the next fragment fails; the rest of that message is skipped
     * (and counted once as dropped) and the next message arrives.
     */
    @Test
    void anInterruptedStreamReadSkipsTheRestOfThatMessage() throws Exception {
        ChannelOptions options = small(ChannelOptions.Producers.SINGLE);
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), options);
             ChannelSender sender = channel.sender();
             ChannelReceiver receiver = channel.receiver()) {
            OutputStream out = sender.openStream();
            out.write(new byte[500]);
            out.flush();
            InputStream in = receiver.openStream(LONG);
            assertEquals(500, in.readNBytes(500).length);
            assertInterrupted(interruptWhileAsleep(in::read, () -> channel.stats().receiverSleeps()));
            assertThrows(IOException.class, in::read, "the stream stays broken");
            in.close();
            CompletableFuture<List<byte[]>> received = CompletableFuture.supplyAsync(() -> receive(receiver, 1));
            out.write(new byte[20_000]); // the rest of the broken message: skipped
            out.close();
            byte[] next = ChannelFiles.message(0, 1, 100);
            sender.send(next, LONG);
            assertArrayEquals(next, received.get().get(0));
            assertNull(receiver.receive(Duration.ofMillis(20)));
            assertConsistent(channel.stats(), 2, 1, 1); // the broken stream was sent whole, and skipped
        }
    }

    /** The counters: messages committed whole, handed over, and dropped unfinished; the ring is empty. */
    private static void assertConsistent(ChannelStats stats, long sent, long received, long dropped) {
        assertEquals(sent, stats.messagesSent(), "sent");
        assertEquals(received, stats.messagesReceived(), "received");
        assertEquals(dropped, stats.messagesAbandoned(), "dropped");
        assertEquals(0, stats.bytesInRing(), "bytes left in the ring");
    }

    private static List<byte[]> drain(ChannelReceiver receiver) {
        List<byte[]> all = new ArrayList<>();
        while (receiver.poll(m -> {
            byte[] copy = new byte[m.remaining()];
            m.get(copy);
            all.add(copy);
        }, 100) > 0) {
            // until the ring is empty
        }
        return all;
    }

    private static List<byte[]> receive(ChannelReceiver receiver, int count) {
        List<byte[]> all = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                byte[] m = receiver.receive(LONG);
                assertNotNull(m, "message " + i);
                all.add(m);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return all;
    }
}
