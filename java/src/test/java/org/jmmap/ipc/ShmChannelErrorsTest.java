package org.jmmap.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.jmmap.ErrnoException;
import org.jmmap.SharedMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad options, bad files, misuse: clear exceptions naming the values, and the ring left intact. */
class ShmChannelErrorsTest {

    @TempDir
    Path directory;

    @Test
    void optionsOutOfRangeNameTheValue() {
        ChannelOptions o = ChannelOptions.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.withCapacity(1000));
        assertTrue(e.getMessage().startsWith("capacity=1000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> o.withCapacity(2048));
        assertThrows(IllegalArgumentException.class, () -> o.withCapacity(Integer.MIN_VALUE));
        assertThrows(IllegalArgumentException.class, () -> o.withMaxMessageSize(-1));
        assertThrows(IllegalArgumentException.class, () -> o.withMaxMessageSize(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> o.withFragmentLength(100));
        IllegalArgumentException fragment = assertThrows(IllegalArgumentException.class,
                () -> ShmChannel.create(ChannelFiles.path(directory), o.withCapacity(4096).withFragmentLength(4096)));
        assertTrue(fragment.getMessage().startsWith("fragmentLength=4096"), fragment.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WaitStrategy.backoff(Duration.ofSeconds(-1), Duration.ZERO));
    }

    @Test
    void createRefusesAnExistingFileAndOpenAMissingOne() throws IOException {
        Path existing = Files.createFile(ChannelFiles.path(directory));
        assertThrows(FileAlreadyExistsException.class, () -> ShmChannel.create(existing, ChannelOptions.defaults()));
        assertEquals(0, Files.size(existing), "left as it was");
        assertThrows(NoSuchFileException.class, () -> ShmChannel.open(ChannelFiles.path(directory)));
        assertThrows(NoSuchFileException.class, () -> ShmChannel.openShared(ChannelFiles.sharedName()));
    }

    @Test
    void openRejectsFilesThatAreNotChannels() throws IOException {
        Path small = ChannelFiles.path(directory);
        Files.write(small, new byte[100]);
        ChannelFormatException tooSmall = assertThrows(ChannelFormatException.class, () -> ShmChannel.open(small));
        assertTrue(tooSmall.getMessage().contains("size=100"), tooSmall.getMessage());

        Path zeros = ChannelFiles.path(directory);
        Files.write(zeros, new byte[ChannelDescriptor.DATA_OFFSET + 4096]);
        ChannelFormatException magic = assertThrows(ChannelFormatException.class, () -> ShmChannel.open(zeros));
        assertTrue(magic.getMessage().contains("magic=0x0"), magic.getMessage());

        Path channelFile = ChannelFiles.path(directory);
        ShmChannel.create(channelFile, ChannelOptions.defaults().withCapacity(4096)).close();
        patchInt(channelFile, ChannelDescriptor.VERSION_OFFSET, 7);
        ChannelFormatException version = assertThrows(ChannelFormatException.class, () -> ShmChannel.open(channelFile));
        assertTrue(version.getMessage().contains("version=7"), version.getMessage());
        patchInt(channelFile, ChannelDescriptor.VERSION_OFFSET, ChannelDescriptor.VERSION);
        patchLong(channelFile, ChannelDescriptor.CAPACITY_OFFSET, 5000);
        ChannelFormatException capacity = assertThrows(ChannelFormatException.class, () -> ShmChannel.open(channelFile));
        assertTrue(capacity.getMessage().contains("capacity=5000"), capacity.getMessage());
        patchLong(channelFile, ChannelDescriptor.CAPACITY_OFFSET, 1 << 20);
        ChannelFormatException truncated = assertThrows(ChannelFormatException.class,
                () -> ShmChannel.open(channelFile));
        assertTrue(truncated.getMessage().contains("capacity=1048576"), truncated.getMessage());
        patchLong(channelFile, ChannelDescriptor.CAPACITY_OFFSET, 4096);
        patchInt(channelFile, ChannelDescriptor.PRODUCERS_OFFSET, 3);
        ChannelFormatException producers = assertThrows(ChannelFormatException.class,
                () -> ShmChannel.open(channelFile));
        assertTrue(producers.getMessage().contains("producers=3"), producers.getMessage());
        patchInt(channelFile, ChannelDescriptor.PRODUCERS_OFFSET, 1);
        ShmChannel.open(channelFile).close(); // repaired
    }

    private static void patchInt(Path file, int offset, int value) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value), offset);
        }
    }

    private static void patchLong(Path file, int offset, long value) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value), offset);
        }
    }

    @Test
    void messagesOverTheLimitsAreRefusedBeforeTouchingTheRing() throws IOException {
        ChannelOptions options = ChannelOptions.defaults().withCapacity(4096).withMaxMessageSize(10_000);
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), options);
             ChannelSender sender = channel.sender();
             ChannelReceiver receiver = channel.receiver()) {
            assertEquals(1016, sender.maxClaimLength());
            IllegalArgumentException offer = assertThrows(IllegalArgumentException.class,
                    () -> sender.offer(new byte[1017]));
            assertTrue(offer.getMessage().startsWith("length=1017"), offer.getMessage());
            IllegalArgumentException send = assertThrows(IllegalArgumentException.class,
                    () -> sender.send(new byte[10_001], Duration.ofSeconds(1)));
            assertTrue(send.getMessage().contains("maxMessageSize=10000"), send.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sender.claim(1017));
            assertThrows(IllegalArgumentException.class, () -> sender.claim(-1));
            assertEquals(0, channel.stats().tail(), "nothing claimed");
            // The limit itself goes, in fragments, as the receiver makes room.
            java.util.concurrent.CompletableFuture<byte[]> got = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return receiver.receive(Duration.ofSeconds(60));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            sender.send(new byte[10_000], Duration.ofSeconds(60));
            assertEquals(10_000, got.join().length);
        }
    }

    @Test
    void aFullRingTimesOutWithEtimedout() throws IOException {
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory),
                ChannelOptions.defaults().withCapacity(4096));
             ChannelSender sender = channel.sender()) {
            while (sender.offer(new byte[900])) {
                // fill it
            }
            assertFalse(sender.offer(new byte[900]));
            assertTrue(sender.tryClaim(900) == null);
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> sender.send(new byte[900], Duration.ofMillis(50)));
            assertEquals("ETIMEDOUT", e.errnoName());
            assertInstanceOf(TimeoutException.class, e.getCause());
            ErrnoException claim = assertThrows(ErrnoException.class,
                    () -> sender.claim(900, Duration.ofMillis(50)));
            assertEquals("ETIMEDOUT", claim.errnoName());
        }
    }

    @Test
    void oneReceiverAndOneSingleSenderAtATime() throws IOException {
        try (ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), ChannelOptions.defaults());
             ShmChannel again = ShmChannel.open(channel.file().orElseThrow())) {
            ChannelSender sender = channel.sender();
            IllegalStateException second = assertThrows(IllegalStateException.class, again::sender);
            assertTrue(second.getMessage().contains("pid=" + ProcessHandle.current().pid()), second.getMessage());
            sender.close();
            again.sender().close(); // free again
            ChannelReceiver receiver = channel.receiver();
            assertThrows(IllegalStateException.class, again::receiver);
            receiver.close();
            again.receiver().close();
        }
    }

    @Test
    void misuseIsAnIllegalStateException() throws IOException {
        ShmChannel channel = ShmChannel.create(ChannelFiles.path(directory), ChannelOptions.defaults());
        ChannelSender sender = channel.sender();
        ChannelReceiver receiver = channel.receiver();
        Claim claim = sender.claim(10);
        assertThrows(IllegalStateException.class, () -> sender.offer(new byte[1]));
        claim.commit();
        assertThrows(IllegalStateException.class, claim::commit);
        assertThrows(IllegalStateException.class, claim::abort);
        assertThrows(IllegalArgumentException.class, () -> receiver.poll(m -> { }, 0));
        ChannelOutputStream out = sender.openStream();
        assertThrows(IllegalStateException.class, () -> sender.send(new byte[1], Duration.ZERO));
        out.close();
        channel.close();
        assertTrue(channel.isClosed());
        assertThrows(IllegalStateException.class, () -> sender.offer(new byte[1]));
        assertThrows(IllegalStateException.class, () -> receiver.poll(m -> { }, 1));
        assertThrows(IllegalStateException.class, channel::stats);
        assertThrows(IllegalStateException.class, channel::sender);
        channel.close(); // idempotent
    }

    @Test
    void sharedMemoryChannelsAreCreatedOnceAndUnlinked() throws IOException {
        String name = ChannelFiles.sharedName();
        try (ShmChannel channel = ShmChannel.createShared(name, ChannelOptions.defaults().withCapacity(8192))) {
            assertThrows(FileAlreadyExistsException.class,
                    () -> ShmChannel.createShared(name, ChannelOptions.defaults()));
            try (ShmChannel other = ShmChannel.openShared(name)) {
                assertEquals(8192, other.capacity());
                assertEquals(name, other.sharedName().orElseThrow());
            }
        } finally {
            SharedMemory.unlink(name);
        }
        assertFalse(SharedMemory.exists(name));
    }

    /** The core jar needs no lz4-java: without it everything but LZ4 works, and LZ4 says what is missing. */
    @Test
    void withoutLz4JavaOnlyLz4IsMissing() throws Exception {
        String classPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !entry.contains("lz4-java"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath));
        String flags = System.getProperty("jmmap.test.jvm.flags", "").trim();
        if (!flags.isEmpty()) {
            command.addAll(java.util.List.of(flags.split("\\s+")));
        }
        for (String property : new String[] {"jmmap.backend", "jmmap.library.path", "jna.tmpdir"}) {
            if (System.getProperty(property) != null) {
                command.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        command.add(Lz4Absent.class.getName());
        command.add(ChannelFiles.path(directory).toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        assertTrue(output.contains("OK"), output);
    }
}
