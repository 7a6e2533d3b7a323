package org.jmmap.bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.HdrHistogram.Histogram;
import org.jmmap.ipc.Compression;

/**
 * A byte stream between the processes, carrying messages as {@code [int length][payload]} frames, each written
 * with one system call: a Unix domain socket ({@link SocketChannel} with a {@link UnixDomainSocketAddress}, JDK 16+)
 * or a pair of named pipes ({@code mkfifo}), through {@link FileChannel}s. Both block in the kernel while they
 * wait. The reader reads whatever has arrived (up to 256 KiB at a time) and takes the frames out of it; buffers
 * are direct, so the JDK copies nothing besides the kernel's copies.
 */
final class StreamTransport extends Transport {

    static final String SOCKET = "socket";
    static final String PIPE = "pipe";

    private final String kind;
    private final Path upPath;
    private final Path downPath;
    private final boolean creator;
    private ServerSocketChannel server;
    private ReadableByteChannel in;
    private WritableByteChannel out;
    /** Bytes read and not yet taken out as frames, in read mode. */
    private final ByteBuffer pending = ByteBuffer.allocateDirect(256 << 10).flip();

    private StreamTransport(String kind, Path upPath, Path downPath, boolean creator) {
        this.kind = kind;
        this.upPath = upPath;
        this.downPath = downPath;
        this.creator = creator;
    }

    /** Benchmark: binds a Unix domain socket in /dev/shm; the peer connects, {@link #connect()} accepts. */
    static StreamTransport socket() throws IOException {
        StreamTransport transport = new StreamTransport(SOCKET, shmPath("socket"), null, true);
        transport.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        transport.server.bind(UnixDomainSocketAddress.of(transport.upPath));
        return transport;
    }

    /** Benchmark: makes two named pipes in /dev/shm, one up and one down. */
    static StreamTransport pipe() throws IOException {
        StreamTransport transport = new StreamTransport(PIPE, shmPath("fifo-up"), shmPath("fifo-down"), true);
        Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", transport.upPath.toString(),
                transport.downPath.toString()).inheritIO().start();
        try {
            if (mkfifo.waitFor() != 0) {
                throw new IOException("mkfifo failed with exit status " + mkfifo.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for mkfifo", e);
        }
        return transport;
    }

    static StreamTransport open(String[] words) throws IOException {
        if (words[0].equals(SOCKET)) {
            StreamTransport transport = new StreamTransport(SOCKET, Path.of(words[1]), null, false);
            SocketChannel socket = SocketChannel.open(UnixDomainSocketAddress.of(transport.upPath));
            transport.in = socket;
            transport.out = socket;
            return transport;
        }
        StreamTransport transport = new StreamTransport(PIPE, Path.of(words[1]), Path.of(words[2]), false);
        // Opening a FIFO waits for the other end: up first, as the benchmark's process does.
        transport.out = FileChannel.open(transport.upPath, StandardOpenOption.WRITE);
        transport.in = FileChannel.open(transport.downPath, StandardOpenOption.READ);
        return transport;
    }

    @Override
    String peerArguments() {
        return kind + " " + upPath + (downPath == null ? "" : " " + downPath);
    }

    @Override
    void connect() throws IOException {
        if (kind.equals(SOCKET)) {
            ByteChannel socket = server.accept();
            server.close();
            in = socket;
            out = socket;
            deleteQuietly(upPath);
        } else {
            in = FileChannel.open(upPath, StandardOpenOption.READ);
            out = FileChannel.open(downPath, StandardOpenOption.WRITE);
            deleteQuietly(upPath, downPath);
        }
    }

    @Override
    void sendMessages(int payload, long count) throws IOException {
        ByteBuffer frame = ByteBuffer.allocateDirect(4 + payload);
        frame.putInt(0, payload);
        for (long i = 0; i < count; i++) {
            frame.putLong(4, i).clear();
            writeFully(frame);
        }
    }

    @Override
    void receiveMessages(long count) throws IOException {
        for (long expected = 0; expected < count; expected++) {
            long sequence = nextSequence();
            if (sequence != expected) {
                throw outOfOrder(sequence, expected);
            }
        }
    }

    @Override
    long echo() throws IOException {
        ByteBuffer frame = ByteBuffer.allocateDirect(4 + 32);
        frame.putInt(0, 32);
        long count = 0;
        while (true) {
            long sequence = nextSequence();
            if (sequence == STOP) {
                return count;
            }
            frame.putLong(4, sequence).clear();
            writeFully(frame);
            count++;
        }
    }

    @Override
    long ping(int payload, long nanos, Histogram histogram) throws IOException {
        ByteBuffer frame = ByteBuffer.allocateDirect(4 + payload);
        frame.putInt(0, payload);
        long end = System.nanoTime() + nanos;
        long count = 0;
        while (true) {
            long start = System.nanoTime();
            frame.putLong(4, count).clear();
            writeFully(frame);
            long sequence = nextSequence();
            if (sequence != count) {
                throw outOfOrder(sequence, count);
            }
            long now = System.nanoTime();
            histogram.recordValue(now - start);
            count++;
            if (now - end >= 0) {
                break;
            }
        }
        frame.putLong(4, STOP).clear();
        writeFully(frame);
        return count;
    }

    /** The sequence number of the next frame, reading more when no whole frame is pending. */
    private long nextSequence() throws IOException {
        while (true) {
            int available = pending.remaining();
            if (available >= 4) {
                int length = pending.getInt(pending.position());
                if (available - 4 >= length) {
                    long sequence = pending.getLong(pending.position() + 4);
                    pending.position(pending.position() + 4 + length);
                    return sequence;
                }
            }
            pending.compact();
            int n = in.read(pending);
            pending.flip();
            if (n < 0) {
                throw new EOFException(kind + " closed by the peer");
            }
        }
    }

    @Override
    void sendBulk(BulkData data, long total, boolean stream, Compression compression) throws IOException {
        if (compression != Compression.NONE) {
            throw new IllegalArgumentException("compression=" + compression + ": a " + kind + " carries bytes as "
                    + "they are");
        }
        GatheringByteChannel gathering = (GatheringByteChannel) out;
        ByteBuffer header = ByteBuffer.allocateDirect(4);
        ByteBuffer[] frame = new ByteBuffer[2];
        frame[0] = header;
        for (long sent = 0; sent < total; sent += BULK_MESSAGE) {
            header.putInt(0, BULK_MESSAGE).clear();
            frame[1] = data.direct.slice((int) (sent % BulkData.SIZE), BULK_MESSAGE);
            while (frame[1].hasRemaining()) {
                gathering.write(frame);
            }
        }
    }

    @Override
    void receiveBulk(BulkData.Destination destination, long total, boolean stream) throws IOException {
        if (pending.hasRemaining()) {
            throw new IllegalStateException("frames left over from an earlier exchange");
        }
        ByteBuffer header = ByteBuffer.allocateDirect(4);
        for (long got = 0; got < total; ) {
            readFully(header.clear());
            int length = header.getInt(0);
            readFully(destination.direct.slice((int) (got % BulkData.SIZE), length));
            got += length;
        }
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private void readFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (in.read(buffer) < 0) {
                throw new EOFException(kind + " closed by the peer");
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (server != null) {
                server.close();
            }
            if (in != null) {
                in.close();
            }
            if (out != null && out != in) {
                out.close();
            }
        } finally {
            if (creator) {
                deleteQuietly(upPath);
                if (downPath != null) {
                    deleteQuietly(downPath);
                }
            }
        }
    }
}
