package org.jmmap.ipc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Run without lz4-java on the class path: everything but LZ4 works, and LZ4 fails clearly. Exits 0 if so. */
public final class Lz4Absent {

    private Lz4Absent() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        if (Compression.LZ4.isAvailable()) {
            throw new AssertionError("lz4-java is on the class path");
        }
        try (ShmChannel channel = ShmChannel.create(file, ChannelOptions.defaults());
             ChannelSender sender = channel.sender(Compression.DEFLATE);
             ChannelReceiver receiver = channel.receiver()) {
            sender.send(new byte[10_000], Duration.ofSeconds(10));
            if (receiver.receive(Duration.ofSeconds(10)).length != 10_000) {
                throw new AssertionError("deflate round trip");
            }
            try {
                channel.sender(Compression.LZ4);
                throw new AssertionError("an LZ4 sender without lz4-java");
            } catch (IllegalStateException expected) {
                if (!expected.getMessage().contains("at.yawk.lz4:lz4-java")) {
                    throw new AssertionError(expected.getMessage());
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        System.out.println("OK");
    }
}
