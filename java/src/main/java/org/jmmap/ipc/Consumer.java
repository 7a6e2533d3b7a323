package org.jmmap.ipc;

import static org.jmmap.ipc.ChannelDescriptor.BYTES_RECEIVED_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.CLAIMING;
import static org.jmmap.ipc.ChannelDescriptor.CODEC_NONE;
import static org.jmmap.ipc.ChannelDescriptor.CONSUMER_GENERATION_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.CONSUMER_HEARTBEAT_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.CONSUMER_IDENTITY_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.CONSUMER_NAMESPACE_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.DATA_SIGNAL_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.DATA_WAITERS_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.FREE_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.HEAD_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.KIND_ABORT;
import static org.jmmap.ipc.ChannelDescriptor.KIND_MESSAGE;
import static org.jmmap.ipc.ChannelDescriptor.KIND_PADDING;
import static org.jmmap.ipc.ChannelDescriptor.MESSAGES_ABANDONED_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.MESSAGES_RECEIVED_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.RECEIVER_SLEEPS_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.RECORDS_SEALED_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.RECORD_HEADER_LENGTH;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_CLAIM;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_COUNT;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_GENERATION;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_IDENTITY;
import static org.jmmap.ipc.ChannelDescriptor.SPACE_SIGNAL_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.SPACE_WAITERS_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.TAIL_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.TYPE_CODEC_SHIFT;
import static org.jmmap.ipc.ChannelDescriptor.TYPE_FIRST;
import static org.jmmap.ipc.ChannelDescriptor.TYPE_KIND_MASK;
import static org.jmmap.ipc.ChannelDescriptor.TYPE_LAST;
import static org.jmmap.ipc.ChannelDescriptor.align;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import org.jmmap.sync.ProcessIdentity;

/**
 * The receiver: reads records from HEAD, hands messages over, publishes HEAD and FREE (zeroing the consumed space
 * first in MULTI), and turns what dead producers left half-written into padding. {@code docs/channel.md} gives the
 * protocol.
 */
final class Consumer implements ChannelReceiver {

    private static final int HDR = RECORD_HEADER_LENGTH;
    /** How long a record must stay unfinished before the receiver asks whether its producer is still there. */
    private static final long STUCK_NANOS = 10_000_000L;
    /** Reassembly buffers up to this size are kept for the next message. */
    private static final int KEEP_ASSEMBLY = 1 << 20;

    final ShmChannel channel;
    private final Ring ring;
    private final int capacity;
    private final int mask;
    private final boolean multi;
    private final long publishEvery;
    private final long self;

    /** The next record's position; {@link #published}: HEAD and FREE as last written. */
    private long head;
    private long published;

    /** A message of several records is being received from {@link #messageOwner} (slot | generation << 8). */
    private boolean inMessage;
    private int messageOwner;
    /** The rest of the current message is to be skipped. */
    private boolean discarding;
    private byte[] assembly = new byte[0];
    private int assembled;
    private byte[] decoded = new byte[0];

    private final ByteBuffer view;
    private final Codecs codecs = new Codecs();
    /** MESSAGES_RECEIVED and BYTES_RECEIVED, which only this receiver writes now: stored after each poll. */
    private long messagesReceived;
    private long bytesReceived;
    private boolean countersChanged;
    private Stream stream;
    private boolean closed;

    /** Producers this receiver already reported dead, by slot. */
    private final long[] reportedIdentity = new long[SLOT_COUNT];
    private final int[] reportedGeneration = new int[SLOT_COUNT];
    /** The unfinished record the receiver is stuck at, since when, and when it last looked into it. */
    private long stuckPosition = -1;
    private long stuckWord;
    private long stuckSince;
    private long lastResolve;
    private final long[] claims = new long[SLOT_COUNT];

    private Consumer(ShmChannel channel, Ring ring, long self) {
        this.channel = channel;
        this.ring = ring;
        this.capacity = ring.capacity;
        this.mask = ring.mask;
        this.multi = ring.multi;
        this.publishEvery = capacity / 4;
        this.self = self;
        this.view = ring.data.asReadOnlyBuffer();
    }

    /**
     * Attaches the receiver, taking over from a dead one; resumes at HEAD.
     *
     * @throws IllegalStateException if a live receiver is attached
     */
    static Consumer attach(ShmChannel channel, Ring ring) {
        long self = ProcessIdentity.self();
        while (true) {
            long holder = ring.getLongVolatile(CONSUMER_IDENTITY_OFFSET);
            if (holder != 0 && !ring.consumerDead(holder)) {
                throw new IllegalStateException("a receiver is attached to the channel: pid="
                        + ProcessIdentity.pid(holder) + " (one receiver at a time)");
            }
            if (ring.compareAndSetLong(CONSUMER_IDENTITY_OFFSET, holder, self)) {
                break;
            }
        }
        ring.setIntRelease(CONSUMER_NAMESPACE_OFFSET, ProcessIdentity.namespace());
        ring.getAndAddInt(CONSUMER_GENERATION_OFFSET, 1);
        ring.setLongOpaque(CONSUMER_HEARTBEAT_OFFSET, System.currentTimeMillis());
        Consumer c = new Consumer(channel, ring, self);
        long head = ring.getLongAcquire(HEAD_OFFSET);
        long free = ring.getLongAcquire(FREE_OFFSET);
        if (free != head) { // the previous receiver died between publishing HEAD and FREE
            if (ring.multi) {
                ring.zero(free, head);
            }
            ring.setLongRelease(FREE_OFFSET, head);
        }
        c.head = head;
        c.published = head;
        c.messagesReceived = ring.getLongOpaque(MESSAGES_RECEIVED_OFFSET);
        c.bytesReceived = ring.getLongOpaque(BYTES_RECEIVED_OFFSET);
        return c;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Public API

    @Override
    public int poll(MessageHandler handler, int limit) {
        Objects.requireNonNull(handler, "handler");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit=" + limit + ": must be > 0");
        }
        checkUsable();
        int delivered = 0;
        try {
            while (delivered < limit) {
                long pos = head;
                int index = (int) pos & mask;
                long word = ring.recordAcquire(index);
                int length = Ring.length(word);
                if (length <= 0) {
                    if (resolveStuck(pos, word)) {
                        continue;
                    }
                    break;
                }
                checkRecord(pos, index, length);
                head = pos + align(length); // consumed even if the handler throws
                delivered += consume(index, length, Ring.type(word), handler);
                if (head - published >= publishEvery) {
                    publish();
                }
            }
        } finally {
            // The counters first: plain stores ahead of FREE's release store share the buffer's checks with HEAD's.
            storeCounters();
            publish();
        }
        return delivered;
    }

    @Override
    public boolean receive(MessageHandler handler, Duration timeout) throws IOException {
        Objects.requireNonNull(handler, "handler");
        long deadline = Waits.deadline(nanos(timeout));
        while (true) {
            if (poll(handler, 1) > 0) {
                return true;
            }
            if (!awaitRecord(deadline)) {
                return false;
            }
        }
    }

    @Override
    public byte[] receive(Duration timeout) throws IOException {
        byte[][] result = new byte[1][];
        MessageHandler copy = message -> {
            byte[] bytes = new byte[message.remaining()];
            message.get(bytes);
            result[0] = bytes;
        };
        return receive(copy, timeout) ? result[0] : null;
    }

    @Override
    public InputStream openStream(Duration timeout) throws IOException {
        checkUsable();
        if (inMessage && !discarding) {
            throw new IllegalStateException("poll left a message half received; poll or receive it first");
        }
        long timeoutNanos = nanos(timeout);
        long deadline = Waits.deadline(timeoutNanos);
        while (true) {
            long pos = head;
            int index = (int) pos & mask;
            long word = ring.recordAcquire(index);
            int length = Ring.length(word);
            if (length > 0) {
                checkRecord(pos, index, length);
                int type = Ring.type(word);
                if ((type & TYPE_KIND_MASK) == KIND_MESSAGE && (type & TYPE_FIRST) != 0) {
                    if (inMessage) {
                        inMessage = false; // the rest of a message this receiver was skipping never came
                    }
                    stream = new Stream(index, length, type, timeoutNanos);
                    return stream;
                }
                head = pos + align(length);
                consume(index, length, type, null); // padding, an abort, the rest of a message begun before
                publish();
                continue;
            }
            if (resolveStuck(pos, word)) {
                continue;
            }
            if (!awaitRecord(deadline)) {
                return null;
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        codecs.close();
        channel.detached(this);
        if (!ring.isClosed()) {
            publish();
            ring.compareAndSetLong(CONSUMER_IDENTITY_OFFSET, self, 0);
        }
    }

    @Override
    public String toString() {
        return "ChannelReceiver[head=" + head + (closed ? ", closed]" : "]");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Records

    private void checkUsable() {
        ring.checkOpen();
        if (closed) {
            throw new IllegalStateException("the receiver is closed");
        }
        if (stream != null) {
            throw new IllegalStateException("a stream of this receiver is open: close it first");
        }
    }

    private void checkRecord(long pos, int index, int length) {
        if (length < HDR || length > capacity - index) {
            throw new IllegalStateException("corrupt record at position=" + pos + ": length=" + length
                    + " (must be in [" + HDR + ", " + (capacity - index) + "])");
        }
    }

    /**
     * Handles the record at {@code index} (already counted as consumed): returns 1 if it completed a message that
     * went to {@code handler}.
     */
    private int consume(int index, int length, int type, MessageHandler handler) {
        int kind = type & TYPE_KIND_MASK;
        int owner = type >>> 16;
        if (kind == KIND_ABORT) {
            if (inMessage && owner == messageOwner) {
                abandon();
            }
            return 0;
        }
        if (kind != KIND_MESSAGE) {
            return 0; // padding (and kinds of later versions)
        }
        boolean first = (type & TYPE_FIRST) != 0;
        boolean last = (type & TYPE_LAST) != 0;
        int codec = (type >>> TYPE_CODEC_SHIFT) & 0xF;
        int payload = index + HDR;
        int payloadLength = length - HDR;
        if (first) {
            if (inMessage) {
                abandon();
            }
            if (last) {
                return deliverRecord(payload, payloadLength, codec, handler);
            }
            inMessage = true;
            messageOwner = owner;
            discarding = false;
            assembled = 0;
            append(payload, payloadLength, codec);
            return 0;
        }
        if (!inMessage || owner != messageOwner) {
            if (last) {
                ring.addCounter(MESSAGES_ABANDONED_OFFSET, 1); // its start was consumed by an earlier receiver
            }
            return 0;
        }
        if (!discarding) {
            append(payload, payloadLength, codec);
        }
        if (!last) {
            return 0;
        }
        inMessage = false;
        if (discarding) {
            discarding = false;
            return 0;
        }
        return deliverAssembly(handler);
    }

    private int deliverRecord(int payload, int payloadLength, int codec, MessageHandler handler) {
        ByteBuffer message;
        int bytes;
        if (codec == CODEC_NONE) {
            bytes = payloadLength;
            message = view.limit(payload + payloadLength).position(payload).order(ByteOrder.BIG_ENDIAN);
        } else {
            bytes = decode(payload, payloadLength, codec);
            message = ByteBuffer.wrap(decoded, 0, bytes).asReadOnlyBuffer();
        }
        countReceived(bytes);
        handler.onMessage(message);
        return 1;
    }

    private int deliverAssembly(MessageHandler handler) {
        int bytes = assembled;
        ByteBuffer message = ByteBuffer.wrap(assembly, 0, bytes).asReadOnlyBuffer();
        if (assembly.length > KEEP_ASSEMBLY) {
            assembly = new byte[0];
        }
        assembled = 0;
        countReceived(bytes);
        handler.onMessage(message);
        return 1;
    }

    private void countReceived(long bytes) {
        messagesReceived++;
        bytesReceived += bytes;
        countersChanged = true;
    }

    /** Stores the counters {@link #countReceived} keeps (once per poll rather than once per message). */
    private void storeCounters() {
        if (countersChanged && !ring.isClosed()) {
            ring.setLongPlain(MESSAGES_RECEIVED_OFFSET, messagesReceived);
            ring.setLongPlain(BYTES_RECEIVED_OFFSET, bytesReceived);
            countersChanged = false;
        }
    }

    /** Appends a fragment to the message being reassembled. */
    private void append(int payload, int payloadLength, int codec) {
        int raw = codec == CODEC_NONE ? payloadLength : ring.data.getInt(payload);
        if (raw < 0 || raw > ring.maxMessageSize - assembled) {
            dropRest();
            throw new IllegalStateException("message dropped: its fragments exceed maxMessageSize="
                    + ring.maxMessageSize + " (read messages that long with openStream)");
        }
        if (assembly.length - assembled < raw) {
            long grown = Math.max((long) assembled + raw, Math.min(2L * assembly.length, ring.maxMessageSize));
            assembly = Arrays.copyOf(assembly, (int) Math.min(grown, ChannelOptions.MAX_MESSAGE_SIZE_LIMIT));
        }
        if (codec == CODEC_NONE) {
            ring.data.get(payload, assembly, assembled, payloadLength);
        } else {
            try {
                codecs.decompress(codec, ring.data, payload, payloadLength, ByteBuffer.wrap(assembly), assembled);
            } catch (RuntimeException e) {
                dropRest();
                throw dropped(e);
            }
        }
        assembled += raw;
    }

    /** Decompresses a whole message record into {@link #decoded}; returns its length. */
    private int decode(int payload, int payloadLength, int codec) {
        int raw = ring.data.getInt(payload);
        if (raw < 0 || raw > Math.max(ring.maxMessageSize, capacity)) {
            ring.addCounter(MESSAGES_ABANDONED_OFFSET, 1);
            throw new IllegalStateException("message dropped: a compressed record declares rawLength=" + raw);
        }
        if (decoded.length < raw || decoded.length > KEEP_ASSEMBLY && raw <= KEEP_ASSEMBLY) {
            decoded = new byte[raw];
        }
        try {
            return codecs.decompress(codec, ring.data, payload, payloadLength, ByteBuffer.wrap(decoded), 0);
        } catch (RuntimeException e) {
            ring.addCounter(MESSAGES_ABANDONED_OFFSET, 1);
            throw dropped(e);
        }
    }

    private static IllegalStateException dropped(RuntimeException e) {
        return e instanceof IllegalStateException ise ? ise
                : new IllegalStateException("message dropped: " + e.getMessage(), e);
    }

    /** Drops the message being received (counted once): its producer died or aborted it, or another one started. */
    private void abandon() {
        if (inMessage && !discarding) {
            ring.addCounter(MESSAGES_ABANDONED_OFFSET, 1);
        }
        inMessage = false;
        discarding = false;
        assembled = 0;
        if (assembly.length > KEEP_ASSEMBLY) {
            assembly = new byte[0];
        }
    }

    /** Drops the message being received (counted once) and skips the rest of it, should it still come. */
    private void dropRest() {
        boolean receiving = inMessage;
        abandon();
        inMessage = receiving;
        discarding = receiving;
    }

    /** Publishes HEAD, then (after zeroing the consumed space in MULTI) FREE, and wakes senders waiting for room. */
    private void publish() {
        long pos = head;
        if (pos == published || ring.isClosed()) {
            return;
        }
        ring.setLongPlain(HEAD_OFFSET, pos); // ordered before FREE by FREE's release store
        if (multi) {
            ring.zero(published, pos);
        }
        ring.setLongRelease(FREE_OFFSET, pos);
        published = pos;
        ring.wakeIfWaiting(SPACE_SIGNAL_OFFSET, SPACE_WAITERS_OFFSET);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Dead producers

    /**
     * Looks into the unfinished record at {@code pos} once it has been stuck for {@link #STUCK_NANOS}: a record
     * being written by a producer that is gone becomes padding; in MULTI, claimed space that no live producer is
     * writing (its producer died, or gave up before writing a header) becomes padding up to the next record.
     *
     * @return whether the record changed (the caller reads it again)
     */
    private boolean resolveStuck(long pos, long word) {
        long now = System.nanoTime();
        if (pos != stuckPosition || word != stuckWord) {
            stuckPosition = pos;
            stuckWord = word;
            stuckSince = now;
            return false;
        }
        if (now - stuckSince < STUCK_NANOS || now - lastResolve < STUCK_NANOS) {
            return false;
        }
        lastResolve = now;
        int index = (int) pos & mask;
        int length = Ring.length(word);
        if (length < 0) {
            int type = Ring.type(word);
            int claimed = align(-length);
            if (claimed < HDR || claimed > capacity - index
                    || !ring.producerGone((type >>> 16) & 0xFF, type >>> 24)) {
                return false;
            }
            if (ring.compareAndSetRecord(index, word, Ring.word(claimed, KIND_PADDING | (type & 0xFFFF0000)))) {
                ring.addCounter(RECORDS_SEALED_OFFSET, 1);
            }
            return true;
        }
        return multi && resolveUnwritten(pos, index);
    }

    /**
     * MULTI: the header at {@code pos} is zero although TAIL is past it. If no live producer claims {@code pos}
     * or is between announcing a claim and recording it, the space was claimed by a producer that died or gave up
     * before writing its header: make it padding up to the next record (the space is zero up to there, because
     * the consumer zeroes what it consumes and producers write headers first).
     */
    private boolean resolveUnwritten(long pos, int index) {
        long tail = ring.getLongVolatile(TAIL_OFFSET);
        if (tail - pos <= 0) {
            return false;
        }
        int known = 0;
        for (int slot = 0; slot < SLOT_COUNT; slot++) {
            int base = ChannelDescriptor.slotOffset(slot);
            long identity = ring.getLongAcquire(base + SLOT_IDENTITY);
            if (identity == 0) {
                continue;
            }
            long claim = ring.getLongAcquire(base + SLOT_CLAIM);
            if (claim == CLAIMING || claim == pos) {
                if (!ring.slotProcessDead(slot, identity)) {
                    return false; // a live producer is about to write it
                }
            } else if (claim > pos) {
                claims[known++] = claim;
            }
        }
        if (ring.recordAcquire(index) != 0) {
            return true;
        }
        long limit = Math.min(Math.min(tail, published + capacity), (pos & ~(long) mask) + capacity);
        long end = pos + HDR;
        while (end < limit && ring.recordAcquire((int) end & mask) == 0 && !contains(claims, known, end)) {
            end += HDR;
        }
        if (ring.compareAndSetRecord(index, 0L, Ring.word((int) (end - pos), KIND_PADDING))) {
            ring.addCounter(RECORDS_SEALED_OFFSET, 1);
        }
        return true;
    }

    private static boolean contains(long[] values, int count, long value) {
        for (int i = 0; i < count; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }

    /** Waits for a record at HEAD to read (or to resolve). */
    private boolean awaitRecord(long deadline) throws IOException {
        return Waits.await(ring, DATA_SIGNAL_OFFSET, DATA_WAITERS_OFFSET, RECEIVER_SLEEPS_OFFSET, deadline,
                this::recordReady, this::checkProducers);
    }

    private boolean recordReady() {
        long pos = head;
        long word = ring.recordAcquire((int) pos & mask);
        return Ring.length(word) > 0 || resolveStuck(pos, word);
    }

    /**
     * While waiting: throws {@link PeerDiedException} if the producer of the message being received died, or
     * once for each producer found dead.
     */
    private void checkProducers() throws PeerDiedException {
        ring.setLongOpaque(CONSUMER_HEARTBEAT_OFFSET, System.currentTimeMillis());
        if (inMessage && !discarding) {
            int slot = messageOwner & 0xFF;
            if (ring.producerGone(slot, messageOwner >>> 8)) {
                long identity = ring.getLongAcquire(ChannelDescriptor.slotOffset(slot) + SLOT_IDENTITY);
                dropRest();
                throw producerDied(slot, identity, "before finishing the message it was sending");
            }
        }
        int slots = multi ? SLOT_COUNT : 1;
        for (int slot = 0; slot < slots; slot++) {
            int base = ChannelDescriptor.slotOffset(slot);
            long identity = ring.getLongAcquire(base + SLOT_IDENTITY);
            int generation = ring.getIntAcquire(base + SLOT_GENERATION);
            if (identity != 0 && (identity != reportedIdentity[slot] || generation != reportedGeneration[slot])
                    && ring.slotProcessDead(slot, identity)) {
                reportedIdentity[slot] = identity;
                reportedGeneration[slot] = generation;
                throw producerDied(slot, identity, "without closing its sender; its unfinished message, if any, "
                        + "is dropped");
            }
        }
    }

    private static PeerDiedException producerDied(int slot, long identity, String what) {
        int pid = identity == 0 ? 0 : ProcessIdentity.pid(identity);
        return new PeerDiedException(pid, "a producer of the channel died (pid=" + pid + ", slot=" + slot + ") "
                + what);
    }

    private static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Waits.FOREVER;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Streams

    /** One message read as it arrives; see {@link ChannelReceiver#openStream}. */
    private final class Stream extends InputStream {

        private final long timeoutNanos;
        private final int owner;
        private final long ownerIdentity;
        /** The current record: its length, whether it ends the message, whether it is still in the ring. */
        private int recordLength;
        private boolean recordLast;
        private boolean recordPending;
        /** Unread bytes: {@code [at, end)} of the ring, or of {@link #decoded} when {@code inRing} is false. */
        private boolean inRing;
        private int at;
        private int end;
        private long bytes;
        private boolean ended;
        private boolean closed;
        private IOException failure;

        Stream(int index, int length, int type, long timeoutNanos) {
            this.timeoutNanos = timeoutNanos;
            this.owner = type >>> 16;
            int base = ChannelDescriptor.slotOffset(owner & 0xFF);
            this.ownerIdentity = ring.getLongAcquire(base + SLOT_IDENTITY);
            inMessage = true;
            messageOwner = owner;
            discarding = false;
            load(index, length, type);
        }

        private void load(int index, int length, int type) {
            recordLength = length;
            recordLast = (type & TYPE_LAST) != 0;
            int codec = (type >>> TYPE_CODEC_SHIFT) & 0xF;
            if (codec == CODEC_NONE) {
                inRing = true;
                at = index + HDR;
                end = index + length;
                recordPending = true;
            } else {
                inRing = false;
                try {
                    end = decode(index + HDR, length - HDR, codec);
                } catch (RuntimeException e) {
                    discarding = true; // decode counted it; the rest of the message is skipped
                    failure = new IOException("the message is corrupt: " + e.getMessage(), e);
                    throw e;
                }
                at = 0;
                consumeRecord();
            }
        }

        private void consumeRecord() {
            head += align(recordLength);
            recordPending = false;
            publish(); // at once: the sender may be waiting for this room to send the next fragment
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new IOException("the stream is closed");
            }
            if (failure != null) {
                throw failure;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                if (at < end) {
                    int n = Math.min(len, end - at);
                    if (inRing) {
                        ring.data.get(at, b, off, n);
                    } else {
                        System.arraycopy(decoded, at, b, off, n);
                    }
                    at += n;
                    bytes += n;
                    return n;
                }
                if (ended) {
                    return -1;
                }
                if (recordPending) {
                    consumeRecord();
                }
                if (recordLast) {
                    ended = true;
                    inMessage = false;
                    countReceived(bytes);
                    storeCounters();
                    return -1;
                }
                try {
                    next();
                } catch (IOException | RuntimeException e) {
                    if (failure == null) {
                        failure = e instanceof IOException io ? io : new IOException(e);
                    }
                    throw e;
                }
            }
        }

        @Override
        public int available() {
            return closed ? 0 : end - at;
        }

        /** Waits for this message's next record and makes it current. */
        private void next() throws IOException {
            long deadline = Waits.deadline(timeoutNanos);
            while (true) {
                ring.checkOpen();
                long pos = head;
                int index = (int) pos & mask;
                long word = ring.recordAcquire(index);
                int length = Ring.length(word);
                if (length > 0) {
                    checkRecord(pos, index, length);
                    int type = Ring.type(word);
                    int kind = type & TYPE_KIND_MASK;
                    int from = type >>> 16;
                    if (kind == KIND_MESSAGE && (type & TYPE_FIRST) == 0 && from == owner) {
                        load(index, length, type);
                        return;
                    }
                    if (kind == KIND_MESSAGE || kind == KIND_ABORT && from == owner) {
                        // Another message starts, or the sender aborted this one: it ends unfinished.
                        abandon();
                        if (kind == KIND_ABORT) {
                            head = pos + align(length);
                            publish();
                            throw new IOException("the sender aborted the message after " + bytes + " bytes");
                        }
                        int pid = ProcessIdentity.pid(ownerIdentity);
                        if (!ring.producerGone(owner & 0xFF, owner >>> 8)) {
                            // Its send timed out or was interrupted when there was no room for an ABORT record.
                            throw new IOException("the sender (pid=" + pid + ") gave up the message after " + bytes
                                    + " bytes");
                        }
                        throw new PeerDiedException(pid, "the message's producer (pid=" + pid + ") stopped "
                                + "after " + bytes + " bytes without finishing it");
                    }
                    head = pos + align(length); // padding, another producer's abort
                    publish();
                    continue;
                }
                if (resolveStuck(pos, word)) {
                    continue;
                }
                if (!awaitRecord(deadline)) {
                    throw Waits.timedOut("read", "waiting for the next fragment of a message after " + bytes
                            + " bytes", timeoutNanos);
                }
            }
        }

        /** Closes the stream; the rest of an unfinished message is skipped. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (!ended && failure == null && !ring.isClosed()) {
                if (recordPending) {
                    consumeRecord();
                }
                if (recordLast) {
                    inMessage = false;
                    countReceived(bytes);
                    storeCounters();
                } else {
                    discarding = true; // inMessage stays: the remaining fragments are skipped
                }
            }
            if (failure != null && inMessage && !discarding) {
                dropRest();
            }
            stream = null;
        }
    }
}
