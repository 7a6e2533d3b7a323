package org.jmmap.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ShmChannel} between JVMs: messages across processes, producers and receivers killed with SIGKILL in the
 * middle of a message, detection within 1 s, recovery; and a blocked receiver's CPU use.
 */
class ShmChannelProcessTest {

    private static final Duration LONG = Duration.ofSeconds(60);
    /** The bound on noticing a dead peer. */
    private static final Duration DETECTION = Duration.ofSeconds(1);

    @TempDir
    Path directory;

    private Process start(String... arguments) throws IOException {
        Path output = Files.createTempFile(directory, "peer-", ".out");
        return ChildJvm.of(ChannelPeer.class, arguments).start(output);
    }

    private static void awaitLine(Process p, Path output, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.readString(output).contains(line)) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("peer ended with status " + p.exitValue() + ":\n" + Files.readString(output));
            }
            Thread.sleep(10);
        }
        throw new AssertionError("peer never printed " + line + ":\n" + Files.readString(output));
    }

    private Process startAndAwait(String line, String... arguments) throws Exception {
        Path output = Files.createTempFile(directory, "peer-", ".out");
        Process p = ChildJvm.of(ChannelPeer.class, arguments).start(output);
        awaitLine(p, output, line);
        return p;
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL
        p.waitFor();
    }

    @ParameterizedTest
    @EnumSource(ChannelOptions.Producers.class)
    void messagesFromAnotherProcessArriveIntactAndInOrder(ChannelOptions.Producers producers) throws Exception {
        Path file = ChannelFiles.path(directory);
        try (ShmChannel channel = ShmChannel.create(file, ChannelOptions.defaults().withCapacity(1 << 16)
                .withProducers(producers));
             ChannelReceiver receiver = channel.receiver()) {
            Process peer = start("send", file.toString(), "3", "2000", "100000");
            for (int i = 0; i < 2000; i++) {
                byte[] m = receiver.receive(LONG);
                assertTrue(ChannelFiles.intact(m), "message " + i);
                assertEquals(3, ChannelFiles.producer(m));
                assertEquals(i, ChannelFiles.sequence(m));
            }
            assertEquals(0, peer.waitFor());
        }
    }

    /**
     * A producer killed with a record half written: the waiting receiver gets PeerDiedException within 1 s, the
     * half-written record is never delivered, and the next producer's messages follow.
     */
    @ParameterizedTest
    @EnumSource(ChannelOptions.Producers.class)
    void aProducerKilledMidRecord(ChannelOptions.Producers producers) throws Exception {
        Path file = ChannelFiles.path(directory);
        try (ShmChannel channel = ShmChannel.create(file, ChannelOptions.defaults().withProducers(producers));
             ChannelReceiver receiver = channel.receiver()) {
            Process peer = startAndAwait("READY", "send-then-die-mid-record", file.toString(), "1", "10");
            for (int i = 0; i < 10; i++) {
                assertEquals(i, ChannelFiles.sequence(receiver.receive(LONG)));
            }
            kill(peer);
            PeerDiedException died = assertThrows(PeerDiedException.class,
                    () -> receiver.receive(m -> { }, DETECTION));
            assertEquals(peer.pid(), died.pid());
            // MULTI: the record's negative header became padding. SINGLE: its header stayed zero (a SINGLE producer
            // writes the header only at commit), so there is nothing to seal; the next producer writes over it.
            assertEquals(producers == ChannelOptions.Producers.MULTI ? 1 : 0, channel.stats().recordsSealed(),
                    "half-written records sealed");

            try (ChannelSender next = channel.sender()) {
                next.send(ChannelFiles.message(2, 0, 300), LONG);
            }
            byte[] m = receiver.receive(LONG);
            assertTrue(ChannelFiles.intact(m));
            assertEquals(2, ChannelFiles.producer(m), "the dead producer's record was skipped");
            assertNull(receiver.receive(Duration.ofMillis(50)));
        }
    }

    /**
     * A receiver blocked on an idle channel whose producer is killed between messages, its sender still open: the
     * wait ends in PeerDiedException within 1 s; a next producer's messages arrive.
     */
    @ParameterizedTest
    @EnumSource(ChannelOptions.Producers.class)
    void aReceiverWaitingOnAProducerKilledBetweenMessages(ChannelOptions.Producers producers) throws Exception {
        Path file = ChannelFiles.path(directory);
        try (ShmChannel channel = ShmChannel.create(file, ChannelOptions.defaults().withProducers(producers));
             ChannelReceiver receiver = channel.receiver()) {
            Process peer = startAndAwait("READY", "send-then-idle", file.toString(), "3", "5");
            for (int i = 0; i < 5; i++) {
                assertEquals(i, ChannelFiles.sequence(receiver.receive(LONG)));
            }
            CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    receiver.receive(m -> { }, LONG);
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            Thread.sleep(200); // past the spin and yield phases: asleep in the kernel
            assertTrue(!waiting.isDone(), "the receiver waits");
            kill(peer);
            Throwable failure = waiting.get(DETECTION.toMillis() + 500, TimeUnit.MILLISECONDS);
            PeerDiedException died = assertInstanceOf(PeerDiedException.class, failure);
            assertEquals(peer.pid(), died.pid());
            assertEquals(0, channel.stats().recordsSealed(), "nothing was half-written");

            try (ChannelSender next = channel.sender()) {
                next.send(ChannelFiles.message(4, 0, 300), LONG);
            }
            assertEquals(4, ChannelFiles.producer(receiver.receive(LONG)));
        }
    }

    /** A producer killed in the middle of a streamed message: the reader's stream throws, the next message comes. */
    @ParameterizedTest
    @EnumSource(ChannelOptions.Producers.class)
    void aProducerKilledMidStream(ChannelOptions.Producers producers) throws Exception {
        Path file = ChannelFiles.path(directory);
        try (ShmChannel channel = ShmChannel.create(file, ChannelOptions.defaults().withCapacity(1 << 20)
                .withProducers(producers));
             ChannelReceiver receiver = channel.receiver()) {
            Process peer = startAndAwait("READY", "stream-then-die", file.toString(), "100000");
            InputStream in = receiver.openStream(LONG);
            assertEquals(100_000, in.readNBytes(100_000).length);
            kill(peer);
            assertThrows(PeerDiedException.class, in::read);
            in.close();
            try (ChannelSender next = channel.sender()) {
                next.send(ChannelFiles.message(5, 0, 100), LONG);
            }
            assertEquals(5, ChannelFiles.producer(receiver.receive(LONG)));
            assertEquals(1, channel.stats().messagesAbandoned());
        }
    }

    /**
     * A receiver killed in the middle of a stream: the sender blocked on the full ring gets PeerDiedException within
     * 1 s; a new receiver resumes after what the dead one consumed, skipping the rest of that message.
     */
    @Test
    void aReceiverKilledMidStream() throws Exception {
        Path file = ChannelFiles.path(directory);
        try (ShmChannel channel = ShmChannel.create(file, ChannelOptions.defaults().withCapacity(1 << 16));
             ChannelSender sender = channel.sender()) {
            Path output = Files.createTempFile(directory, "peer-", ".out");
            Process peer = ChildJvm.of(ChannelPeer.class, "read-stream-then-die", file.toString(), "100000")
                    .start(output);
            ChannelOutputStream out = sender.openStream();
            CompletableFuture<Throwable> writing = CompletableFuture.supplyAsync(() -> {
                try {
                    out.write(new byte[100_000_000]); // much more than the receiver reads
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            awaitLine(peer, output, "READY");
            assertTrue(!writing.isDone(), "the sender waits for room");
            kill(peer);
            Throwable failure = writing.get(DETECTION.toMillis() + 500, TimeUnit.MILLISECONDS);
            PeerDiedException died = assertInstanceOf(PeerDiedException.class, failure);
            assertEquals(peer.pid(), died.pid());
            out.close(); // aborts the broken stream
            try (ChannelReceiver receiver = channel.receiver()) {
                sender.send(ChannelFiles.message(0, 77, 100), LONG);
                byte[] m = receiver.receive(LONG);
                assertEquals(77, ChannelFiles.sequence(m), "the rest of the streamed message was skipped");
            }
        }
    }

    /** A new receiver resumes after the last message a killed one consumed. */
    @Test
    void aNewReceiverResumesWhereAKilledOneStopped() throws Exception {
        Path file = ChannelFiles.path(directory);
        try (ShmChannel channel = ShmChannel.create(file, ChannelOptions.defaults());
             ChannelSender sender = channel.sender()) {
            for (int i = 0; i < 20; i++) {
                sender.send(ChannelFiles.message(0, i, 1000), LONG);
            }
            Process peer = startAndAwait("READY", "receive-then-die", file.toString(), "12");
            kill(peer);
            try (ChannelReceiver receiver = channel.receiver()) {
                for (int i = 12; i < 20; i++) {
                    assertEquals(i, ChannelFiles.sequence(receiver.receive(LONG)));
                }
            }
        }
    }

    /** A sender waiting on a full ring whose receiver is killed gets PeerDiedException within 1 s. */
    @Test
    void aSenderWaitingOnAKilledReceiver() throws Exception {
        Path file = ChannelFiles.path(directory);
        try (ShmChannel channel = ShmChannel.create(file, ChannelOptions.defaults().withCapacity(4096));
             ChannelSender sender = channel.sender()) {
            Path output = Files.createTempFile(directory, "peer-", ".out");
            Process peer = ChildJvm.of(ChannelPeer.class, "receive-then-die", file.toString(), "1").start(output);
            sender.send(ChannelFiles.message(0, 0, 16), LONG);
            awaitLine(peer, output, "READY");
            while (sender.offer(new byte[900])) {
                Thread.onSpinWait();
            }
            kill(peer);
            PeerDiedException died = assertThrows(PeerDiedException.class,
                    () -> sender.send(new byte[900], DETECTION));
            assertEquals(peer.pid(), died.pid());
        }
    }

    /** A receiver blocked on an idle channel uses (almost) no CPU: under 2% of a core over a second. */
    @Test
    void aBlockedReceiverUsesNoCpu() throws Exception {
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), ChannelOptions.defaults());
             ChannelReceiver receiver = channel.receiver()) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long[] cpu = new long[2];
            Thread blocked = new Thread(() -> {
                try {
                    receiver.receive(m -> { }, Duration.ofMillis(1500));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            blocked.start();
            Thread.sleep(250); // past the spin and yield phases
            cpu[0] = threads.getThreadCpuTime(blocked.getId());
            Thread.sleep(1000);
            cpu[1] = threads.getThreadCpuTime(blocked.getId());
            blocked.join();
            long used = cpu[1] - cpu[0];
            assertTrue(used < 20_000_000L, "the blocked receiver used " + used / 1000 + " µs of CPU in 1 s");
        }
    }
}
