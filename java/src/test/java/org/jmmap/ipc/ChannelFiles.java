package org.jmmap.ipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/** Unique channel names and paths for tests, and message bodies a receiver can check on its own. */
final class ChannelFiles {

    private ChannelFiles() {
    }

    /** A path in {@code directory} that does not exist yet. */
    static Path path(Path directory) {
        return directory.resolve("channel-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    }

    /** A shared memory name unique to this process and call. */
    static String sharedName() {
        return "jmmap-channel-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    /**
     * A message of {@code length} bytes (at least 16) that says who sent it and checks itself: producer (int),
     * sequence (int), then pseudo-random bytes from them, and a CRC32C of everything before it in the last 4 bytes.
     */
    static byte[] message(int producer, int sequence, int length) {
        byte[] m = new byte[Math.max(length, 16)];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(m);
        b.putInt(0, producer).putInt(4, sequence);
        long x = (long) producer << 32 ^ sequence ^ 0x9E3779B97F4A7C15L;
        int i = 8;
        for (; i + 8 <= m.length - 4; i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b.putLong(i, x);
        }
        for (; i < m.length - 4; i++) {
            m[i] = (byte) (x >>> (i & 7) * 8);
        }
        CRC32C crc = new CRC32C();
        crc.update(m, 0, m.length - 4);
        b.putInt(m.length - 4, (int) crc.getValue());
        return m;
    }

    /** Whether {@code m} is intact: its CRC matches. */
    static boolean intact(byte[] m) {
        if (m.length < 16) {
            return false;
        }
        CRC32C crc = new CRC32C();
        crc.update(m, 0, m.length - 4);
        return java.nio.ByteBuffer.wrap(m).getInt(m.length - 4) == (int) crc.getValue();
    }

    static int producer(byte[] m) {
        return java.nio.ByteBuffer.wrap(m).getInt(0);
    }

    static int sequence(byte[] m) {
        return java.nio.ByteBuffer.wrap(m).getInt(4);
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a test's leftovers in its temporary directory
        }
    }
}
