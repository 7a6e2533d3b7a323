package org.jmmap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jmmap.SharedMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** channel send and recv as two processes: byte-identical transfers whichever starts first, and a dying sender. */
class ChannelIT {

    private final String name = Names.unique("channel");
    private Path dir;

    @BeforeEach
    void createDirectory() throws Exception {
        dir = JmmapProcess.directory("channel");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (SharedMemory.exists(name)) {
            SharedMemory.unlink(name);
        }
        JmmapProcess.delete(dir);
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    /** Waits until the channel exists (the side started first created it); a bound, not a timing. */
    private void awaitChannel() throws Exception {
        for (int i = 0; i < 6000 && !SharedMemory.exists(name); i++) {
            Thread.sleep(10);
        }
        assertTrue(SharedMemory.exists(name), "the first side never created the channel");
    }

    /** The receiver starts first and writes a file; the sender sends a file; the channel is gone afterwards. */
    @Test
    void receiverFirstIntoAFile() throws Exception {
        byte[] content = random(40 << 20, 1);
        Path input = Files.write(dir.resolve("input.bin"), content);
        Path output = dir.resolve("output.bin");
        Path err = dir.resolve("recv.err");
        Process receiver = JmmapProcess.start(err, "channel", "recv", name, output.toString(), "--capacity", "1M");
        awaitChannel();
        JmmapProcess.Result ls = JmmapProcess.run("shm", "ls", "--json");
        boolean listed = false;
        for (JsonNode segment : Json.MAPPER.readTree(ls.stdout())) {
            listed |= segment.get("name").asText().equals(name) && segment.get("kind").asText().equals("channel");
        }
        assertTrue(listed, "shm ls shows the channel: " + ls.out());
        JmmapProcess.Result send = JmmapProcess.run("channel", "send", name, input.toString());
        assertEquals(0, send.status(), send.toString());
        assertTrue(send.stderr().startsWith("sent 40.0 MiB in "), send.stderr());
        assertTrue(receiver.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, receiver.exitValue(), Files.readString(err));
        assertTrue(Files.readString(err).startsWith("received 40.0 MiB in "), Files.readString(err));
        assertArrayEquals(sha256(content), sha256(Files.readAllBytes(output)));
        assertFalse(SharedMemory.exists(name), "the receiver removes the channel");
        assertEquals(List.of("input.bin", "output.bin", "recv.err"), files());
    }

    /** The sender starts first from standard input; the receiver writes to standard output. */
    @Test
    void senderFirstThroughStandardStreams() throws Exception {
        byte[] content = random(25 << 20, 2);
        Path err = dir.resolve("send.err");
        Process sender = JmmapProcess.start(err, "channel", "send", name);
        OutputStream stdin = sender.getOutputStream();
        stdin.write(content, 0, 1 << 20);
        stdin.flush();
        awaitChannel();
        Thread feeder = new Thread(() -> { // the rest, then end of input
            try (stdin) {
                stdin.write(content, 1 << 20, content.length - (1 << 20));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        feeder.start();
        JmmapProcess.Result received = JmmapProcess.run("channel", "recv", name);
        feeder.join();
        assertEquals(0, received.status(), received.stderr());
        assertArrayEquals(sha256(content), sha256(received.stdout()));
        assertTrue(sender.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, sender.exitValue(), Files.readString(err));
    }

    /** A sender killed in the middle: the receiver exits 1 with one line, and leaves no output file. */
    @Test
    void aDeadSenderEndsTheReceiver() throws Exception {
        Path output = dir.resolve("output.bin");
        Path recvErr = dir.resolve("recv.err");
        Process receiver = JmmapProcess.start(recvErr, "channel", "recv", name, output.toString());
        awaitChannel();
        Path sendErr = dir.resolve("send.err");
        Process sender = JmmapProcess.start(sendErr, "channel", "send", name);
        OutputStream stdin = sender.getOutputStream();
        stdin.write(random(8 << 20, 3)); // then nothing: the stream stays open, unfinished
        stdin.flush();
        for (int i = 0; i < 6000 && files().stream().noneMatch(file -> file.endsWith(".tmp")); i++) {
            Thread.sleep(10); // until the receiver is writing its temporary file
        }
        sender.destroyForcibly(); // SIGKILL
        assertTrue(receiver.waitFor(60, TimeUnit.SECONDS), "the receiver must notice the dead sender");
        assertEquals(1, receiver.exitValue());
        List<String> lines = Files.readAllLines(recvErr);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("jmmap channel recv: " + name + ": the sender \\(pid \\d+\\) died before the "
                + "end of the stream \\(ECONNRESET\\)"), lines.get(0));
        assertEquals(List.of("recv.err", "send.err"), files(), "no output, no temporary file");
        stdin.close();
    }

    private List<String> files() throws Exception {
        try (var list = Files.list(dir)) {
            return list.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
