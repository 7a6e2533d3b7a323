package org.jmmap.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams of any length and compression, in one JVM. */
class ShmChannelStreamTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    /** A stream 256 times the ring's size goes through, the receiver never holding it whole. */
    @ParameterizedTest
    @EnumSource(Compression.class)
    void aStreamMuchLongerThanTheRing(Compression compression) throws Exception {
        ChannelOptions options = ChannelOptions.defaults().withCapacity(1 << 16).withCompression(compression);
        long length = 256L << 16;
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), options);
             ChannelReceiver receiver = channel.receiver()) {
            CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
                try (ChannelSender sender = channel.sender(); OutputStream out = sender.openStream()) {
                    return writePattern(out, length, 7);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            long crc;
            try (InputStream in = receiver.openStream(LONG)) {
                crc = readAll(in, length);
            }
            assertEquals(sent.get(), crc);
            assertNull(receiver.openStream(Duration.ofMillis(10)));
            assertEquals(1, channel.stats().messagesReceived());
            assertEquals(length, channel.stats().bytesReceived());
        }
    }

    /** Writes {@code length} pseudo-random (but compressible half of the time) bytes; returns their CRC32C. */
    static long writePattern(OutputStream out, long length, int seed) throws IOException {
        Random random = new Random(seed);
        CRC32C crc = new CRC32C();
        byte[] chunk = new byte[12_345];
        for (long written = 0; written < length; ) {
            int n = (int) Math.min(chunk.length, length - written);
            if (random.nextBoolean()) {
                random.nextBytes(chunk);
            } else {
                java.util.Arrays.fill(chunk, (byte) random.nextInt());
            }
            out.write(chunk, 0, n);
            crc.update(chunk, 0, n);
            written += n;
        }
        return crc.getValue();
    }

    static long readAll(InputStream in, long expected) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[65_536];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            crc.update(buffer, 0, n);
            total += n;
        }
        assertEquals(expected, total, "bytes read");
        return crc.getValue();
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void compressedMessagesOfEverySizeRoundTrip(Compression compression) throws Exception {
        ChannelOptions options = ChannelOptions.defaults().withCapacity(1 << 16).withMaxMessageSize(1 << 20);
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), options);
             ChannelReceiver receiver = channel.receiver()) {
            int[] lengths = {16, 17, 1000, 16_000, 16_377, 100_000, 1 << 20};
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try (ChannelSender sender = channel.sender(compression)) {
                    for (int i = 0; i < lengths.length; i++) {
                        sender.send(ChannelFiles.message(1, i, lengths[i]), LONG);
                        byte[] zeros = new byte[lengths[i]];
                        assertTrue(i > 2 || sender.offer(zeros) || true);
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            for (int i = 0; i < lengths.length; i++) {
                byte[] m = receiver.receive(LONG);
                assertEquals(lengths[i], m.length);
                assertTrue(ChannelFiles.intact(m));
                assertEquals(i, ChannelFiles.sequence(m));
                if (i <= 2) {
                    byte[] zeros = receiver.receive(LONG);
                    assertArrayEquals(new byte[lengths[i]], zeros);
                }
            }
            sending.get();
        }
    }

    /**
     * A record that compression would not shrink goes as it is (codec none): random bytes take the room they take
     * without compression, compressible ones less, and both arrive intact, by offer, send and stream.
     */
    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"DEFLATE", "LZ4"})
    void incompressibleRecordsTravelUncompressed(Compression compression) throws Exception {
        for (ChannelOptions.Producers producers : ChannelOptions.Producers.values()) {
            ChannelOptions options = ChannelOptions.defaults().withCapacity(1 << 16).withProducers(producers);
            try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), options);
                 ChannelReceiver receiver = channel.receiver();
                 ChannelSender sender = channel.sender(compression)) {
                byte[] random = new byte[1000];
                new Random(11).nextBytes(random);
                byte[] zeros = new byte[1000];

                long before = channel.stats().tail();
                assertTrue(sender.offer(random));
                long randomRoom = channel.stats().tail() - before;
                before = channel.stats().tail();
                sender.send(zeros, LONG);
                long zerosRoom = channel.stats().tail() - before;
                if (producers == ChannelOptions.Producers.SINGLE) { // MULTI's TAIL counts the worst-case claims
                    assertEquals(ChannelDescriptor.align(ChannelDescriptor.RECORD_HEADER_LENGTH + random.length),
                            randomRoom, "room of a random record");
                    assertTrue(zerosRoom < 100, "room of a compressed record: " + zerosRoom);
                }
                assertArrayEquals(random, receiver.receive(LONG));
                assertArrayEquals(zeros, receiver.receive(LONG));

                // A streamed message of random and compressible fragments: the records mix codecs.
                byte[] mixed = new byte[3 * sender.maxClaimLength() / 2];
                new Random(12).nextBytes(mixed);
                java.util.Arrays.fill(mixed, mixed.length / 2, mixed.length, (byte) 7);
                CompletableFuture<Void> streaming = CompletableFuture.runAsync(() -> {
                    try (OutputStream out = sender.openStream()) {
                        out.write(mixed);
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
                assertArrayEquals(mixed, receiver.receive(LONG));
                streaming.get();
                assertEquals(3, channel.stats().messagesReceived());
                assertEquals(2000L + mixed.length, channel.stats().bytesReceived());
            }
        }
    }

    @Test
    void anyMessageCanBeReadAsAStreamAndAStreamedOneByReceive() throws Exception {
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), ChannelOptions.defaults());
             ChannelSender sender = channel.sender();
             ChannelReceiver receiver = channel.receiver()) {
            sender.send(ChannelFiles.message(0, 0, 1000), LONG);
            try (OutputStream out = sender.openStream()) {
                out.write(ChannelFiles.message(0, 1, 5000));
            }
            try (InputStream in = receiver.openStream(LONG)) {
                assertTrue(ChannelFiles.intact(in.readAllBytes()));
            }
            byte[] streamed = receiver.receive(LONG);
            assertTrue(ChannelFiles.intact(streamed));
            assertEquals(1, ChannelFiles.sequence(streamed));
            try (OutputStream out = sender.openStream()) {
                out.flush(); // nothing yet
            }
            assertEquals(0, receiver.receive(LONG).length, "an empty stream is an empty message");
        }
    }

    @Test
    void anAbortedStreamIsDroppedAndItsReaderTold() throws Exception {
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory),
                ChannelOptions.defaults().withCapacity(1 << 16));
             ChannelSender sender = channel.sender();
             ChannelReceiver receiver = channel.receiver()) {
            ChannelOutputStream out = sender.openStream();
            out.write(new byte[30_000]);
            out.flush();
            InputStream in = receiver.openStream(LONG);
            assertEquals(30_000, in.readNBytes(30_000).length);
            out.abort();
            IOException aborted = assertThrows(IOException.class, in::read);
            assertTrue(aborted.getMessage().contains("aborted"), aborted.getMessage());
            in.close();
            sender.send(ChannelFiles.message(0, 5, 100), LONG);
            assertEquals(5, ChannelFiles.sequence(receiver.receive(LONG)));
            assertEquals(1, channel.stats().messagesAbandoned());
        }
    }

    @Test
    void closingAStreamEarlySkipsTheRestOfItsMessage() throws Exception {
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory),
                ChannelOptions.defaults().withCapacity(1 << 16));
             ChannelReceiver receiver = channel.receiver()) {
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try (ChannelSender sender = channel.sender()) {
                    try (OutputStream out = sender.openStream()) {
                        out.write(new byte[1 << 20]);
                    }
                    sender.send(ChannelFiles.message(0, 9, 50), LONG);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            try (InputStream in = receiver.openStream(LONG)) {
                assertEquals(10, in.readNBytes(10).length);
            }
            assertEquals(9, ChannelFiles.sequence(receiver.receive(LONG)));
            sending.get();
        }
    }

    /**
     * A stream of {@code jmmap.channel.stream.bytes} bytes (10 GiB by default, about 8 s here) through a 64 MiB
     * ring, checked by CRC32C on both sides.
     */
    @Test
    void gigabytesThroughA64MiBRing() throws Exception {
        long length = Long.getLong("jmmap.channel.stream.bytes", 10L << 30);
        ChannelOptions options = ChannelOptions.defaults().withCapacity(64 << 20);
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), options);
             ChannelReceiver receiver = channel.receiver()) {
            CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
                byte[] block = new byte[1 << 20];
                new Random(11).nextBytes(block);
                CRC32C crc = new CRC32C();
                try (ChannelSender sender = channel.sender(); OutputStream out = sender.openStream()) {
                    for (long written = 0; written < length; written += block.length) {
                        int n = (int) Math.min(block.length, length - written);
                        block[0] = (byte) (written >>> 20); // every block differs
                        out.write(block, 0, n);
                        crc.update(block, 0, n);
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                return crc.getValue();
            });
            long received;
            try (InputStream in = receiver.openStream(LONG)) {
                received = readAll(in, length);
            }
            assertEquals(sent.get(), received);
        }
    }
}
