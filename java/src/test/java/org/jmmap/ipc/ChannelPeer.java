package org.jmmap.ipc;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

/**
 * The other process of the cross-process tests: {@code main(mode, file, ...)} attaches to the channel in
 * {@code file} and plays one part, printing {@code READY} when it reaches the point where a test kills it.
 */
public final class ChannelPeer {

    private static final Duration LONG = Duration.ofSeconds(120);

    private ChannelPeer() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path file = Path.of(args[1]);
        try (ShmChannel channel = ShmChannel.open(file)) {
            switch (mode) {
                case "send" -> send(channel, Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                        Integer.parseInt(args[4]));
                case "send-then-idle" -> sendThenIdle(channel, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                case "send-then-die-mid-record" -> sendThenDieMidRecord(channel, Integer.parseInt(args[2]),
                        Integer.parseInt(args[3]));
                case "stream-then-die" -> streamThenDie(channel, Integer.parseInt(args[2]));
                case "receive-then-die" -> receiveThenDie(channel, Integer.parseInt(args[2]));
                case "read-stream-then-die" -> readStreamThenDie(channel, Integer.parseInt(args[2]));
                case "stress-send" -> stressSend(channel, Integer.parseInt(args[2]), Long.parseLong(args[3]),
                        Long.parseLong(args[4]));
                default -> throw new IllegalArgumentException("mode=" + mode);
            }
        }
    }

    /** Sends {@code count} self-checking messages of up to {@code maxLength} bytes as producer {@code id}. */
    private static void send(ShmChannel channel, int id, int count, int maxLength) throws Exception {
        Random random = new Random(id);
        try (ChannelSender sender = channel.sender()) {
            for (int i = 0; i < count; i++) {
                sender.send(ChannelFiles.message(id, i, 16 + random.nextInt(maxLength - 15)), LONG);
            }
        }
        System.out.println("DONE");
    }

    /** Sends {@code count} messages, then waits to be killed with its sender still open. */
    private static void sendThenIdle(ShmChannel channel, int id, int count) throws Exception {
        ChannelSender sender = channel.sender();
        for (int i = 0; i < count; i++) {
            sender.send(ChannelFiles.message(id, i, 100), LONG);
        }
        ready();
    }

    /** Sends {@code count} messages, then claims a record, half writes it and waits to be killed. */
    private static void sendThenDieMidRecord(ShmChannel channel, int id, int count) throws Exception {
        ChannelSender sender = channel.sender();
        for (int i = 0; i < count; i++) {
            sender.send(ChannelFiles.message(id, i, 100), LONG);
        }
        Claim claim = sender.claim(1000);
        claim.buffer().put(ChannelFiles.message(id, count, 500));
        ready();
    }

    /** Starts a stream, writes and flushes {@code bytes}, claims the next fragment and waits to be killed. */
    private static void streamThenDie(ShmChannel channel, int bytes) throws Exception {
        ChannelSender sender = channel.sender();
        OutputStream out = sender.openStream();
        out.write(new byte[bytes]);
        out.flush();
        out.write(1); // claims a fragment that never commits
        ready();
    }

    /** Receives {@code count} messages (consumed: the receiver publishes them) and waits to be killed. */
    private static void receiveThenDie(ShmChannel channel, int count) throws Exception {
        ChannelReceiver receiver = channel.receiver();
        for (int i = 0; i < count; i++) {
            if (receiver.receive(LONG) == null) {
                throw new AssertionError("no message " + i);
            }
        }
        ready();
    }

    /** Opens the next message as a stream, reads {@code bytes} of it and waits to be killed. */
    private static void readStreamThenDie(ShmChannel channel, int bytes) throws Exception {
        ChannelReceiver receiver = channel.receiver();
        InputStream in = receiver.openStream(LONG);
        if (in.readNBytes(bytes).length != bytes) {
            throw new AssertionError("short stream");
        }
        ready();
    }

    /**
     * The stress test's producer: {@code count} messages, mostly small, some up to 1 MiB, and every
     * {@code hugeEvery}-th one {@code hugeLength} bytes, each self-checking with producer id and sequence.
     */
    private static void stressSend(ShmChannel channel, int id, long count, long hugeEvery) throws Exception {
        Random random = new Random(id * 31L + 7);
        try (ChannelSender sender = channel.sender()) {
            for (long i = 0; i < count; i++) {
                byte[] m = ChannelFiles.message(id, (int) i, StressSizes.length(random, i, hugeEvery));
                if (m.length <= sender.maxClaimLength() && sender.offer(m)) {
                    continue;
                }
                sender.send(m, LONG);
            }
        }
        System.out.println("DONE");
    }

    private static void ready() throws InterruptedException {
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
