package org.jmmap.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interop with a Python peer that knows nothing of jmmap: {@code channel_peer.py} uses {@code mmap} and
 * {@code struct} only, written from {@code docs/channel.md}. Messages go both ways, whole and in fragments,
 * compressed (deflate) and not.
 */
class ShmChannelPythonTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    private static Path script() throws Exception {
        return Path.of(ShmChannelPythonTest.class.getResource("channel_peer.py").toURI());
    }

    private static Process python(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", script().toString()));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    @ParameterizedTest
    @EnumSource(ChannelOptions.Producers.class)
    void javaSendsPythonReceives(ChannelOptions.Producers producers) throws Exception {
        Path file = ChannelFiles.path(directory);
        int count = 300;
        try (ShmChannel channel = ShmChannel.create(file, ChannelOptions.defaults().withCapacity(1 << 16)
                .withProducers(producers))) {
            Process reader = python("read", file.toString(), Integer.toString(count));
            List<String> expected = new ArrayList<>();
            Random random = new Random(3);
            try (ChannelSender plain = channel.sender()) {
                for (int i = 0; i < count - 10; i++) {
                    int length = i % 50 == 0 ? 100_000 + random.nextInt(100_000) : random.nextInt(3000);
                    byte[] m = ChannelFiles.message(0, i, length);
                    plain.send(m, LONG);
                    expected.add(line(m));
                }
            }
            try (ChannelSender deflate = channel.sender(Compression.DEFLATE)) {
                for (int i = count - 10; i < count; i++) {
                    byte[] m = new byte[i % 2 == 0 ? 70_000 : 300]; // compressible, fragmented or not
                    m[i % m.length] = (byte) i;
                    deflate.send(m, LONG);
                    expected.add(line(m));
                }
            }
            List<String> got = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(reader.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = out.readLine()) != null; ) {
                    got.add(l);
                }
            }
            assertTrue(reader.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, reader.exitValue());
            assertEquals(expected, got);
        }
    }

    private static String line(byte[] m) {
        CRC32 crc = new CRC32();
        crc.update(m);
        return m.length + " " + crc.getValue();
    }

    @Test
    void pythonSendsJavaReceives() throws Exception {
        Path file = ChannelFiles.path(directory);
        int count = 500;
        int size = 20_000;
        try (ShmChannel channel = ShmChannel.create(file, ChannelOptions.defaults().withCapacity(1 << 16));
             ChannelReceiver receiver = channel.receiver()) {
            Process writer = python("write", file.toString(), Integer.toString(count), Integer.toString(size));
            for (int i = 0; i < count; i++) {
                assertArrayEquals(body(i, (i * 37) % size), receiver.receive(LONG), "message " + i);
            }
            assertArrayEquals(body(count, 50_000), receiver.receive(LONG), "the deflate message");
            assertArrayEquals(body(count + 1, 5 * channel.fragmentLength() + 123), receiver.receive(LONG),
                    "the fragmented message");
            assertTrue(writer.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, writer.exitValue());
            assertEquals(0, channel.stats().producers(), "the Python writer detached");
        }
    }

    /** {@code body(i, n)} of channel_peer.py. */
    private static byte[] body(int i, int n) {
        byte[] b = new byte[n];
        for (int j = 0; j < n; j++) {
            b[j] = (byte) (i * 7 + (j & 0xFF));
        }
        return b;
    }
}
