package org.jmmap.ipc;

import static org.jmmap.ipc.ChannelDescriptor.KIND_ABORT;
import static org.jmmap.ipc.ChannelDescriptor.KIND_MESSAGE;
import static org.jmmap.ipc.ChannelDescriptor.RECORD_HEADER_LENGTH;
import static org.jmmap.ipc.ChannelDescriptor.TYPE_CODEC_SHIFT;
import static org.jmmap.ipc.ChannelDescriptor.TYPE_FIRST;
import static org.jmmap.ipc.ChannelDescriptor.TYPE_LAST;
import static org.jmmap.ipc.ChannelDescriptor.TYPE_STREAMED;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One message of any length, written as a stream ({@link ChannelSender#openStream()}). Without compression the
 * bytes are written straight into the ring, one fragment of {@link ChannelOptions#fragmentLength()} bytes at a
 * time; with compression each fragment is compressed as it fills. A full fragment goes to the receiver at once;
 * {@link #flush()} sends a partial one; {@link #close()} ends the message; {@link #abort()} drops it (the receiver
 * discards what it read of it and its stream's read throws).
 *
 * <p>Writes wait for room in the ring as long as it takes. If the receiver's process dies meanwhile, the write throws
 * {@link PeerDiedException} and the stream is broken: later writes throw, and {@code close()} aborts the message.
 */
public final class ChannelOutputStream extends OutputStream {

    private static final int HDR = RECORD_HEADER_LENGTH;

    private final Producer producer;
    private final Ring ring;
    private final Compression compression;
    /** Without compression: the fragment being filled in the ring ({@code -1}: none) and how much is in it. */
    private long position = -1;
    private int filled;
    private int fragmentPayload;
    private int fragmentKind;
    /** With compression: the raw bytes of the fragment being filled. */
    private final byte[] raw;
    private int buffered;
    private boolean first = true;
    private boolean ownsStream;
    private IOException broken;
    private boolean closed;

    ChannelOutputStream(Producer producer) {
        this.producer = producer;
        this.ring = producer.ring();
        this.compression = producer.compression();
        this.raw = compression == Compression.NONE ? null : new byte[producer.rawFragment()];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        checkWritable();
        try {
            while (len > 0) {
                int n;
                if (raw != null) {
                    n = Math.min(len, raw.length - buffered);
                    System.arraycopy(b, off, raw, buffered, n);
                    buffered += n;
                    if (buffered == raw.length) {
                        emitCompressed(false);
                    }
                } else {
                    if (position < 0) {
                        claimFragment(ring.fragmentLength, 0);
                    }
                    n = Math.min(len, fragmentPayload - filled);
                    ring.data.put(((int) position & ring.mask) + HDR + filled, b, off, n);
                    filled += n;
                    if (filled == fragmentPayload) {
                        commitFragment(false);
                    }
                }
                off += n;
                len -= n;
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
            throw e;
        }
    }

    /** Sends what was written since the last fragment went, so that the receiver can read it now. */
    @Override
    public void flush() throws IOException {
        checkWritable();
        try {
            if (raw != null && buffered > 0) {
                emitCompressed(false);
            } else if (position >= 0 && filled > 0) {
                commitFragment(false);
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
            throw e;
        }
    }

    /** Ends the message (or aborts it, if the stream broke). Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        if (broken != null) {
            abortQuietly();
            return;
        }
        try {
            if (raw != null) {
                emitCompressed(true);
            } else {
                if (position < 0) {
                    claimFragment(0, 0);
                }
                commitFragment(true);
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
            abortQuietly();
            throw e;
        } finally {
            finish();
        }
    }

    /**
     * Drops the message: the receiver discards what it received of it. Waits for room for the abort record if
     * the ring is full.
     *
     * @throws PeerDiedException if the receiver died while waiting for room (the message is dropped anyway)
     */
    public void abort() throws IOException {
        if (closed) {
            return;
        }
        try {
            abortNow(true);
        } finally {
            finish();
        }
    }

    /** Aborts without waiting for room (when the sender closes, or after a failure). */
    void abortQuietly() {
        if (closed) {
            return;
        }
        try {
            abortNow(false);
        } catch (IOException | RuntimeException ignored) {
            // best effort: the receiver drops the message anyway when this sender's next message starts
        } finally {
            finish();
        }
    }

    private void abortNow(boolean wait) throws IOException {
        if (ring.isClosed()) {
            return;
        }
        if (position >= 0) {
            producer.abortClaim(position, HDR + fragmentPayload);
            position = -1;
        }
        if (!first) {
            long p = producer.claim(HDR, KIND_ABORT, wait, Waits.deadline(Waits.FOREVER), Waits.FOREVER);
            if (p >= 0) {
                producer.commit(p, HDR, 0, false);
            }
        }
    }

    private void finish() {
        closed = true;
        if (ownsStream && !ring.isClosed()) {
            producer.releaseStream();
        }
        ownsStream = false;
        producer.streamClosed(this);
    }

    private void fail(Exception e) {
        if (broken == null) {
            broken = e instanceof IOException io ? io : new IOException(e);
        }
    }

    private void checkWritable() throws IOException {
        if (closed) {
            throw new IOException("the stream is closed");
        }
        if (broken != null) {
            throw new IOException("the stream is broken by an earlier failure; close() aborts the message", broken);
        }
        ring.checkOpen();
    }

    private int flags(boolean last) {
        return (first ? TYPE_FIRST | TYPE_STREAMED : 0) | (last ? TYPE_LAST : 0);
    }

    private void takeStream() throws IOException {
        if (ring.multi && !ownsStream) {
            producer.acquireStream(Waits.deadline(Waits.FOREVER), Waits.FOREVER);
            ownsStream = true;
        }
    }

    private void claimFragment(int payload, int codecBits) throws IOException {
        takeStream();
        fragmentKind = KIND_MESSAGE | flags(false) | codecBits;
        position = producer.claim(HDR + payload, fragmentKind, true, Waits.deadline(Waits.FOREVER),
                Waits.FOREVER);
        fragmentPayload = payload;
        filled = 0;
    }

    private void commitFragment(boolean last) {
        producer.commit(position, HDR + filled, fragmentKind | (last ? TYPE_LAST : 0), filled, last);
        position = -1;
        first = false;
    }

    private void emitCompressed(boolean last) throws IOException {
        takeStream();
        int kind = KIND_MESSAGE | flags(last);
        int recordLength = HDR + Codecs.maxPayload(compression, buffered);
        long p = producer.claim(recordLength, kind | compression.code() << TYPE_CODEC_SHIFT, true,
                Waits.deadline(Waits.FOREVER), Waits.FOREVER);
        producer.commitCompressed(p, recordLength, kind, ByteBuffer.wrap(raw, 0, buffered), last);
        buffered = 0;
        first = false;
    }
}
