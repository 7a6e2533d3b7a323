package org.jmmap.ipc;

import static org.jmmap.ipc.ChannelDescriptor.CLAIMING;
import static org.jmmap.ipc.ChannelDescriptor.CLAIM_NONE;
import static org.jmmap.ipc.ChannelDescriptor.CODEC_NONE;
import static org.jmmap.ipc.ChannelDescriptor.DATA_SIGNAL_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.DATA_WAITERS_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.FREE_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.KIND_ABORT;
import static org.jmmap.ipc.ChannelDescriptor.KIND_MESSAGE;
import static org.jmmap.ipc.ChannelDescriptor.KIND_PADDING;
import static org.jmmap.ipc.ChannelDescriptor.RECORD_HEADER_LENGTH;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_BYTES_SENT;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_CLAIM;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_COUNT;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_GENERATION;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_HEARTBEAT;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_IDENTITY;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_MESSAGES_SENT;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_NAMESPACE;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_SLEEPS;
import static org.jmmap.ipc.ChannelDescriptor.SPACE_SIGNAL_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.SPACE_WAITERS_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.STREAM_OWNER_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.TAIL_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.TYPE_FIRST;
import static org.jmmap.ipc.ChannelDescriptor.TYPE_LAST;
import static org.jmmap.ipc.ChannelDescriptor.align;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import org.jmmap.sync.ProcessIdentity;

/**
 * A sender: claims records in the ring (SINGLE: by advancing its own tail; MULTI: by an atomic add on TAIL, or a
 * compare-and-set for {@code offer}), writes them and commits them. {@code docs/channel.md} gives the protocol.
 */
final class Producer implements ChannelSender {

    private static final int HDR = RECORD_HEADER_LENGTH;
    private static final long NO_ROOM = -1;

    final ShmChannel channel;
    private final Ring ring;
    private final int capacity;
    private final int mask;
    private final boolean multi;
    final int slot;
    private final int slotBase;
    /** The slot's generation as this producer set it. */
    private final int generation;
    /** Type word bits common to this producer's records: slot and generation. */
    private final int typeBase;
    /** STREAM_OWNER while this producer holds it. */
    private final int streamTag;
    private final Compression compression;
    private final Codecs codecs = new Codecs();
    /** The largest payload of one record. */
    private final int maxClaim;
    /** Raw bytes per fragment: for compressed fragments, what still fits in a record once compressed. */
    private final int rawFragment;

    /** SINGLE: where the next record goes, and whether its header is zero (every claim zeroes the next one). */
    private long tail;
    private boolean tailHeaderZero;
    /** The last FREE read: producers may write below {@code freeCache + capacity}. */
    private long freeCache;
    /** MULTI: whether the latest claim found another producer's long message under way (see claimMulti). */
    private boolean streamSeen;
    /** The aligned length of the latest claim (its record may shrink at commit), and its type word. */
    private int claimedAligned;
    private int claimedType;
    /** An open {@link Claim} or {@link ChannelOutputStream}, or null. */
    private Object open;
    private boolean closed;
    /** The consumer identity and generation this producer already reported dead. */
    private long reportedConsumer;
    private int reportedConsumerGeneration;
    /** A writable duplicate of the ring for claim buffers and compression output. */
    private final ByteBuffer view;
    /** The slot's counters, which only this producer writes now: kept here, stored (not added) on each commit. */
    private long messagesSent;
    private long bytesSent;

    private Producer(ShmChannel channel, Ring ring, int slot, int generation, Compression compression) {
        this.channel = channel;
        this.ring = ring;
        this.capacity = ring.capacity;
        this.mask = ring.mask;
        this.multi = ring.multi;
        this.slot = slot;
        this.slotBase = ChannelDescriptor.slotOffset(slot);
        this.generation = generation;
        this.typeBase = ChannelDescriptor.type(0, 0, 0, slot, generation);
        this.streamTag = (slot + 1) | (generation & 0xFFFF) << 16;
        this.compression = compression;
        this.maxClaim = ring.maxRecordPayload;
        this.rawFragment = compression == Compression.NONE ? ring.fragmentLength
                : Math.min(ring.fragmentLength, Codecs.maxRawChunk(compression, ring.maxRecordPayload));
        this.view = ring.data.duplicate();
        this.freeCache = ring.getLongAcquire(FREE_OFFSET);
        this.messagesSent = ring.getLongOpaque(slotBase + SLOT_MESSAGES_SENT);
        this.bytesSent = ring.getLongOpaque(slotBase + SLOT_BYTES_SENT);
    }

    /**
     * Attaches a producer: SINGLE takes slot 0 (from a dead producer too, finishing what it left), MULTI the first
     * free slot, or a dead producer's.
     *
     * @throws IllegalStateException if a live producer holds the SINGLE slot, or every MULTI slot is held
     */
    static Producer attach(ShmChannel channel, Ring ring, Compression compression) {
        if (compression == Compression.LZ4) {
            Lz4Codec.require();
        }
        long self = ProcessIdentity.self();
        int slots = ring.multi ? SLOT_COUNT : 1;
        for (int pass = 0; pass < 2; pass++) {
            for (int slot = 0; slot < slots; slot++) {
                int base = ChannelDescriptor.slotOffset(slot);
                long holder = ring.getLongVolatile(base + SLOT_IDENTITY);
                boolean take = pass == 0 ? holder == 0 : holder != 0 && ring.slotProcessDead(slot, holder);
                if (take && ring.compareAndSetLong(base + SLOT_IDENTITY, holder, self)) {
                    ring.setIntRelease(base + SLOT_NAMESPACE, ProcessIdentity.namespace());
                    int generation = ring.getAndAddInt(base + SLOT_GENERATION, 1) + 1;
                    ring.setLongOpaque(base + SLOT_HEARTBEAT, System.currentTimeMillis());
                    Producer p = new Producer(channel, ring, slot, generation, compression);
                    if (ring.multi) {
                        ring.setLongRelease(base + SLOT_CLAIM, CLAIM_NONE);
                    } else {
                        p.recoverSingle();
                    }
                    return p;
                }
            }
        }
        if (!ring.multi) {
            long holder = ring.getLongVolatile(ChannelDescriptor.slotOffset(0) + SLOT_IDENTITY);
            throw new IllegalStateException("a producer is attached to this SINGLE channel: pid="
                    + ProcessIdentity.pid(holder) + " (one sender at a time; close it, or create the channel MULTI)");
        }
        throw new IllegalStateException("all " + SLOT_COUNT + " producer slots of the channel are held by live "
                + "senders");
    }

    /**
     * SINGLE: finds where the previous producer stopped. Records follow one another from FREE up to the zeroed
     * header after the last one (every claim zeroes the header after it before publishing, and a SINGLE consumer
     * leaves consumed records as they are); TAIL, stored after each commit, is a later such boundary unless the
     * consumer went past it first. A record still negative was being written when that producer died and becomes
     * padding, as a consumer would make it.
     */
    private void recoverSingle() {
        long free = ring.getLongAcquire(FREE_OFFSET);
        long storedTail = ring.getLongAcquire(TAIL_OFFSET);
        long p = storedTail - free > 0 ? storedTail : free;
        long limit = free + capacity;
        while (p < limit) {
            int index = (int) p & mask;
            long word = ring.recordAcquire(index);
            int length = Ring.length(word);
            if (length == 0) {
                break;
            }
            if (length < 0) {
                length = -length;
                ring.compareAndSetRecord(index, word, Ring.word(length, KIND_PADDING | typeBase));
            }
            p += align(length);
        }
        tail = p;
        tailHeaderZero = ring.recordAcquire((int) p & mask) == 0;
        ring.setLongRelease(TAIL_OFFSET, p);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Public API

    @Override
    public boolean offer(byte[] message) {
        return offer(message, 0, message.length);
    }

    @Override
    public boolean offer(byte[] message, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, message.length);
        checkUsable();
        checkOfferLength(length);
        if (compression == Compression.NONE) {
            int recordLength = HDR + length;
            long p = claim(recordLength, KIND_MESSAGE | TYPE_FIRST | TYPE_LAST, false, 0);
            if (p == NO_ROOM) {
                return false;
            }
            ring.data.put(((int) p & mask) + HDR, message, offset, length);
            commit(p, recordLength, length, true);
            return true;
        }
        return offerCompressed(ByteBuffer.wrap(message, offset, length));
    }

    @Override
    public boolean offer(ByteBuffer message) {
        checkUsable();
        int length = message.remaining();
        checkOfferLength(length);
        if (compression == Compression.NONE) {
            int recordLength = HDR + length;
            long p = claim(recordLength, KIND_MESSAGE | TYPE_FIRST | TYPE_LAST, false, 0);
            if (p == NO_ROOM) {
                return false;
            }
            ring.data.put(((int) p & mask) + HDR, message, message.position(), length);
            commit(p, recordLength, length, true);
            message.position(message.limit());
            return true;
        }
        if (offerCompressed(message.duplicate())) {
            message.position(message.limit());
            return true;
        }
        return false;
    }

    private boolean offerCompressed(ByteBuffer source) {
        int recordLength = HDR + Codecs.maxPayload(compression, source.remaining());
        long p = claim(recordLength, compressedType(TYPE_FIRST | TYPE_LAST), false, 0);
        if (p == NO_ROOM) {
            return false;
        }
        commitCompressed(p, recordLength, KIND_MESSAGE | TYPE_FIRST | TYPE_LAST, source, true);
        return true;
    }

    @Override
    public void send(byte[] message, Duration timeout) throws IOException {
        send(message, 0, message.length, timeout);
    }

    @Override
    public void send(byte[] message, int offset, int length, Duration timeout) throws IOException {
        Objects.checkFromIndexSize(offset, length, message.length);
        sendMessage(ByteBuffer.wrap(message, offset, length), timeout);
    }

    @Override
    public void send(ByteBuffer message, Duration timeout) throws IOException {
        sendMessage(message.duplicate(), timeout);
        message.position(message.limit());
    }

    private void sendMessage(ByteBuffer source, Duration timeout) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        checkUsable();
        int length = source.remaining();
        if (length > ring.maxMessageSize) {
            throw new IllegalArgumentException("length=" + length + ": over maxMessageSize=" + ring.maxMessageSize
                    + " (ChannelOptions.withMaxMessageSize; openStream sends messages of any length)");
        }
        long timeoutNanos = nanos(timeout);
        long deadline = Waits.deadline(timeoutNanos);
        int perRecord = compression == Compression.NONE ? maxClaim : rawFragment;
        if (length <= perRecord) {
            writeRecord(source, TYPE_FIRST | TYPE_LAST, deadline, timeoutNanos, true);
            return;
        }
        // Several fragments: in MULTI, no other producer's record may land between them.
        if (multi) {
            acquireStream(deadline, timeoutNanos);
        }
        boolean first = true;
        try {
            int end = source.limit();
            while (source.position() < end) {
                int chunk = Math.min(rawFragment, end - source.position());
                boolean last = source.position() + chunk == end;
                ByteBuffer piece = source.duplicate().limit(source.position() + chunk);
                writeRecord(piece, (first ? TYPE_FIRST : 0) | (last ? TYPE_LAST : 0), deadline, timeoutNanos, last);
                source.position(source.position() + chunk);
                first = false;
            }
        } catch (IOException | RuntimeException e) {
            if (!first) {
                abortMessage(e);
            }
            throw e;
        } finally {
            if (multi) {
                releaseStream();
            }
        }
    }

    /** Writes one record of a message (copied, or compressed) from {@code source}'s remaining bytes. */
    private void writeRecord(ByteBuffer source, int flags, long deadline, long timeoutNanos, boolean last)
            throws IOException {
        int length = source.remaining();
        if (compression == Compression.NONE) {
            int recordLength = HDR + length;
            long p = claim(recordLength, KIND_MESSAGE | flags, true, deadline, timeoutNanos);
            ring.data.put(((int) p & mask) + HDR, source, source.position(), length);
            commit(p, recordLength, length, last);
        } else {
            int recordLength = HDR + Codecs.maxPayload(compression, length);
            long p = claim(recordLength, compressedType(flags), true, deadline, timeoutNanos);
            commitCompressed(p, recordLength, KIND_MESSAGE | flags, source, last);
        }
    }

    /**
     * Fills the record claimed at {@code p} ({@code recordLength} bytes, room for the worst case) with
     * {@code source}'s remaining bytes compressed, and commits it. When compression does not make them smaller
     * (random or already compressed data), the record carries the bytes as they are, its codec NONE: such data then
     * takes no more room in the ring than without compression, and the receiver has nothing to decode.
     *
     * @param kindAndFlags the record's kind and flags, without codec bits
     */
    void commitCompressed(long p, int recordLength, int kindAndFlags, ByteBuffer source, boolean endsMessage) {
        int length = source.remaining();
        int payloadIndex = ((int) p & mask) + HDR;
        int payload = codecs.compress(compression, source, ring.data, payloadIndex, recordLength - HDR);
        if (payload < length) {
            commit(p, HDR + payload, length, endsMessage);
        } else {
            ring.data.put(payloadIndex, source, source.position(), length);
            commit(p, HDR + length, kindAndFlags, length, endsMessage);
        }
    }

    private int compressedType(int flags) {
        return KIND_MESSAGE | flags | compression.code() << ChannelDescriptor.TYPE_CODEC_SHIFT;
    }

    /** Best effort after a failure in the middle of a message: an ABORT record, if there is room at once. */
    private void abortMessage(Throwable cause) {
        try {
            long p = claim(HDR, KIND_ABORT, false, 0);
            if (p != NO_ROOM) {
                commit(p, HDR, 0, false);
            }
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public Claim claim(int length) throws IOException {
        return claim(length, Waits.FOREVER);
    }

    @Override
    public Claim claim(int length, Duration timeout) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        return claim(length, nanos(timeout));
    }

    private Claim claim(int length, long timeoutNanos) throws IOException {
        checkUsable();
        checkClaimLength(length);
        long p = claim(HDR + length, KIND_MESSAGE | TYPE_FIRST | TYPE_LAST, true, Waits.deadline(timeoutNanos),
                timeoutNanos);
        return opened(new ClaimImpl(p, length));
    }

    @Override
    public Claim tryClaim(int length) {
        checkUsable();
        checkClaimLength(length);
        long p = claim(HDR + length, KIND_MESSAGE | TYPE_FIRST | TYPE_LAST, false, 0);
        return p == NO_ROOM ? null : opened(new ClaimImpl(p, length));
    }

    private <T> T opened(T claimOrStream) {
        open = claimOrStream;
        return claimOrStream;
    }

    @Override
    public ChannelOutputStream openStream() throws IOException {
        checkUsable();
        return opened(new ChannelOutputStream(this));
    }

    @Override
    public int maxClaimLength() {
        return maxClaim;
    }

    @Override
    public long maxMessageSize() {
        return ring.maxMessageSize;
    }

    @Override
    public Compression compression() {
        return compression;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (open instanceof ClaimImpl c && c.state == ClaimImpl.OPEN) {
                c.abort();
            } else if (open instanceof ChannelOutputStream s) {
                s.abortQuietly();
            }
        } finally {
            closed = true;
            codecs.close();
            channel.detached(this);
            if (!ring.isClosed()) {
                ring.setLongRelease(slotBase + SLOT_IDENTITY, 0);
            }
        }
    }

    @Override
    public String toString() {
        return "ChannelSender[slot=" + slot + ", " + compression + (closed ? ", closed]" : "]");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Claiming and committing

    private void checkUsable() {
        ring.checkOpen();
        if (closed) {
            throw new IllegalStateException("the sender is closed");
        }
        if (open != null) {
            throw new IllegalStateException("a claim or stream of this sender is open: commit, abort or close it "
                    + "first");
        }
    }

    private void checkOfferLength(int length) {
        int limit = compression == Compression.NONE ? maxClaim : rawFragment;
        if (length > limit) {
            throw new IllegalArgumentException("length=" + length + ": over what offer sends in one record ("
                    + limit + " bytes); use send");
        }
    }

    private void checkClaimLength(int length) {
        if (length < 0 || length > maxClaim) {
            throw new IllegalArgumentException("length=" + length + ": must be in [0, " + maxClaim
                    + "] (maxClaimLength)");
        }
    }

    private static long nanos(Duration timeout) {
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Waits.FOREVER;
        }
    }

    /** {@link #claim(int, int, boolean, long, long)} for offers, which never throw checked exceptions. */
    private long claim(int recordLength, int kindAndFlags, boolean wait, long deadline) {
        try {
            return claim(recordLength, kindAndFlags, wait, deadline, 0);
        } catch (IOException cannotHappen) { // only waits throw
            throw new IllegalStateException(cannotHappen);
        }
    }

    /**
     * Claims a record of {@code recordLength} bytes (header included) and writes its header with a negative length
     * (being written); returns its position, or {@link #NO_ROOM} if {@code wait} is false and there is no room.
     */
    long claim(int recordLength, int kindAndFlags, boolean wait, long deadline, long timeoutNanos)
            throws IOException {
        int type = kindAndFlags | typeBase;
        return multi ? claimMulti(recordLength, type, wait, deadline, timeoutNanos)
                : claimSingle(recordLength, type, wait, deadline, timeoutNanos);
    }

    private long claimSingle(int recordLength, int type, boolean wait, long deadline, long timeoutNanos)
            throws IOException {
        int aligned = align(recordLength);
        while (true) {
            long t = tail;
            int index = (int) t & mask;
            int toEnd = capacity - index;
            int pad = aligned > toEnd ? toEnd : 0;
            // The record, the padding before it at the end of the ring, and the header after it, zeroed.
            long end = t + pad + aligned + HDR;
            if (end - freeCache > capacity) {
                freeCache = ring.getLongAcquire(FREE_OFFSET);
                if (end - freeCache > capacity) {
                    if (!wait) {
                        return NO_ROOM;
                    }
                    awaitFree(end, deadline, timeoutNanos);
                    continue;
                }
            }
            int recordIndex = pad > 0 ? 0 : index;
            ring.zeroRecordHeader((recordIndex + aligned) & mask);
            // The record stays invisible until commit writes its whole word: its header is zero, as the previous
            // claim left it. Unless the record goes to the start of the ring, where a record of the previous lap
            // must be hidden before the padding leads the receiver there (or recovery found no zero header).
            if (pad > 0 || !tailHeaderZero) {
                ring.setRecordRelease(recordIndex, Ring.word(-recordLength, type));
                tailHeaderZero = true;
            }
            if (pad > 0) {
                ring.setRecordRelease(index, Ring.word(pad, KIND_PADDING | typeBase));
            }
            claimedAligned = aligned;
            claimedType = type;
            return t + pad;
        }
    }

    private long claimMulti(int recordLength, int type, boolean wait, long deadline, long timeoutNanos)
            throws IOException {
        int aligned = align(recordLength);
        int claimAt = slotBase + SLOT_CLAIM;
        while (true) {
            if (streamSeen) {
                // Another producer's long message was under way at the last claim: wait for its end before
                // claiming, rather than filling the ring with padding while it lasts.
                int owner = ring.getIntVolatile(STREAM_OWNER_OFFSET);
                if (owner != 0 && owner != streamTag) {
                    if (!wait) {
                        return NO_ROOM;
                    }
                    awaitStreamOwner(owner, deadline, timeoutNanos);
                    continue;
                }
                streamSeen = false;
            }
            long t;
            int pad = 0;
            if (!wait) {
                // offer: a compare-and-set that claims only free space, so it never waits after claiming. CLAIM
                // takes the position before the compare-and-set, which can claim nothing else: one store instead
                // of CLAIMING and then the position. Should it fail, CLAIM names a position another producer
                // claimed until the next try stores the next one (or CLAIM_NONE), which only makes a consumer
                // stuck there wait a moment longer before it seals a dead producer's claim.
                t = ring.getLongVolatile(TAIL_OFFSET);
                int index = (int) t & mask;
                int toEnd = capacity - index;
                pad = aligned > toEnd ? toEnd : 0;
                long end = t + pad + aligned;
                if (end - freeCache > capacity) {
                    freeCache = ring.getLongAcquire(FREE_OFFSET);
                    if (end - freeCache > capacity) {
                        ring.setLongRelease(claimAt, CLAIM_NONE);
                        return NO_ROOM;
                    }
                }
                ring.setLongRelease(claimAt, t);
                if (!ring.compareAndSetLong(TAIL_OFFSET, t, end)) {
                    continue;
                }
            } else {
                ring.setLongRelease(claimAt, CLAIMING);
                t = ring.getAndAddLong(TAIL_OFFSET, aligned);
                ring.setLongRelease(claimAt, t);
            }
            int total = pad + aligned;
            // Read after the claim, this is what keeps a record out of another producer's long message: that
            // producer took STREAM_OWNER before claiming its fragments, so either it is seen here or its claims come
            // after this one.
            int owner = ring.getIntVolatile(STREAM_OWNER_OFFSET);
            boolean foreignStream = owner != 0 && owner != streamTag;
            streamSeen = foreignStream;
            boolean crossesEnd = ((int) t & mask) + total > capacity;
            if (foreignStream || crossesEnd && pad == 0) {
                // This space cannot hold the record: the claim may sit between another producer's fragments, or
                // it runs past the end of the ring. Fill it with padding and claim again.
                padRegion(t, total, wait, deadline, timeoutNanos);
                if (!wait) {
                    return NO_ROOM;
                }
                continue;
            }
            if (wait) {
                awaitClaimedSpace(t + total, deadline, timeoutNanos);
            }
            int index = (int) (t + pad) & mask;
            // Headers from the last to the first: while the first is unwritten, this slot's CLAIM covers the region.
            ring.setRecordRelease(index, Ring.word(-recordLength, type));
            if (pad > 0) {
                ring.setRecordRelease((int) t & mask, Ring.word(pad, KIND_PADDING | typeBase));
            }
            claimedAligned = aligned;
            return t + pad;
        }
    }

    /** MULTI: turns the claimed region {@code [t, t + total)} into padding records. */
    private void padRegion(long t, int total, boolean wait, long deadline, long timeoutNanos) throws IOException {
        if (wait) {
            awaitClaimedSpace(t + total, deadline, timeoutNanos);
        }
        int index = (int) t & mask;
        int first = Math.min(total, capacity - index);
        if (first < total) {
            ring.setRecordRelease(0, Ring.word(total - first, KIND_PADDING | typeBase));
        }
        ring.setRecordRelease(index, Ring.word(first, KIND_PADDING | typeBase));
    }

    /**
     * Publishes the record at {@code p}: its length becomes {@code recordLength} (at most what was claimed; the
     * rest is skipped), positive.
     *
     * @param payloadBytes the message bytes it carries, uncompressed, for the counters
     * @param endsMessage  whether it ends a message, for the counters
     */
    void commit(long p, int recordLength, int payloadBytes, boolean endsMessage) {
        commit(p, recordLength, 0, payloadBytes, endsMessage);
    }

    /**
     * {@link #commit(long, int, int, boolean)} that also rewrites the type word: with {@code kindAndFlags} (and
     * this producer's slot and generation) unless it is 0.
     */
    void commit(long p, int recordLength, int kindAndFlags, int payloadBytes, boolean endsMessage) {
        int index = (int) p & mask;
        int aligned = align(recordLength);
        if (multi) {
            if (aligned < claimedAligned) {
                ring.setRecordRelease(index + aligned, Ring.word(claimedAligned - aligned, KIND_PADDING | typeBase));
            }
        } else if (aligned < claimedAligned) {
            ring.zeroRecordHeader((index + aligned) & mask);
        }
        if (kindAndFlags == 0) {
            if (multi) {
                ring.setLengthRelease(index, recordLength); // the claim wrote the type with a negative length
            } else {
                ring.setRecordRelease(index, Ring.word(recordLength, claimedType));
            }
        } else {
            ring.setRecordRelease(index, Ring.word(recordLength, kindAndFlags | typeBase));
        }
        if (!multi) {
            tail = p + aligned;
            ring.setLongPlain(TAIL_OFFSET, tail);
        }
        if (endsMessage) {
            ring.setLongPlain(slotBase + SLOT_MESSAGES_SENT, ++messagesSent);
        }
        if (payloadBytes != 0) {
            ring.setLongPlain(slotBase + SLOT_BYTES_SENT, bytesSent += payloadBytes);
        }
        ring.wakeIfWaiting(DATA_SIGNAL_OFFSET, DATA_WAITERS_OFFSET);
    }

    /** Turns the claimed record at {@code p} into padding: the receiver skips it. */
    void abortClaim(long p, int recordLength) {
        int index = (int) p & mask;
        ring.setRecordRelease(index, Ring.word(claimedAligned, KIND_PADDING | typeBase));
        if (!multi) {
            tail = p + claimedAligned;
            ring.setLongOpaque(TAIL_OFFSET, tail);
        }
        ring.wakeIfWaiting(DATA_SIGNAL_OFFSET, DATA_WAITERS_OFFSET);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Waiting

    /** SINGLE: waits until positions below {@code end} are free. */
    private void awaitFree(long end, long deadline, long timeoutNanos) throws IOException {
        if (!Waits.await(ring, SPACE_SIGNAL_OFFSET, SPACE_WAITERS_OFFSET, slotBase + SLOT_SLEEPS, deadline,
                () -> end - (freeCache = ring.getLongAcquire(FREE_OFFSET)) <= capacity, this::checkConsumer)) {
            throw Waits.timedOut("send", "waiting for " + (end - freeCache - capacity) + " bytes of room in the ring",
                    timeoutNanos);
        }
    }

    /**
     * MULTI: waits until the space this producer claimed below {@code end} is free. Giving up (time out,
     * interrupt, dead consumer) abandons the claim: the consumer skips the unwritten space once it sees that no
     * live producer claims it.
     */
    private void awaitClaimedSpace(long end, long deadline, long timeoutNanos) throws IOException {
        if (end - freeCache <= capacity || end - (freeCache = ring.getLongAcquire(FREE_OFFSET)) <= capacity) {
            return;
        }
        boolean done = false;
        try {
            awaitFree(end, deadline, timeoutNanos);
            done = true;
        } finally {
            if (!done) {
                ring.setLongRelease(slotBase + SLOT_CLAIM, CLAIM_NONE);
            }
        }
    }

    /** Throws {@link PeerDiedException} once per dead consumer. */
    private void checkConsumer() throws PeerDiedException {
        ring.setLongOpaque(slotBase + SLOT_HEARTBEAT, System.currentTimeMillis());
        long consumer = ring.consumerIdentity();
        int consumerGeneration = ring.consumerGeneration();
        if (consumer == 0 || consumer == reportedConsumer && consumerGeneration == reportedConsumerGeneration) {
            return;
        }
        if (ring.consumerDead(consumer)) {
            reportedConsumer = consumer;
            reportedConsumerGeneration = consumerGeneration;
            int pid = ProcessIdentity.pid(consumer);
            throw new PeerDiedException(pid, "the receiver of the channel died (pid=" + pid + ") while the ring "
                    + "was full; a new receiver can attach and resume");
        }
    }

    /** MULTI: takes STREAM_OWNER, so that the fragments of a message follow one another. */
    void acquireStream(long deadline, long timeoutNanos) throws IOException {
        while (!ring.compareAndSetInt(STREAM_OWNER_OFFSET, 0, streamTag)) {
            int owner = ring.getIntVolatile(STREAM_OWNER_OFFSET);
            if (owner != 0 && owner != streamTag) {
                awaitStreamOwner(owner, deadline, timeoutNanos);
            }
        }
    }

    void releaseStream() {
        if (ring.compareAndSetInt(STREAM_OWNER_OFFSET, streamTag, 0)) {
            ring.wakeIfWaiting(SPACE_SIGNAL_OFFSET, SPACE_WAITERS_OFFSET);
        }
    }

    /** MULTI: waits until {@code owner} no longer holds STREAM_OWNER; takes it from a dead owner. */
    private void awaitStreamOwner(int owner, long deadline, long timeoutNanos) throws IOException {
        int ownerSlot = (owner & 0xFFFF) - 1;
        int ownerGeneration = owner >>> 16;
        if (!Waits.await(ring, SPACE_SIGNAL_OFFSET, SPACE_WAITERS_OFFSET, slotBase + SLOT_SLEEPS, deadline,
                () -> ring.getIntVolatile(STREAM_OWNER_OFFSET) != owner, () -> {
                    checkConsumer();
                    int base = ChannelDescriptor.slotOffset(ownerSlot);
                    if ((ring.getIntAcquire(base + SLOT_GENERATION) & 0xFFFF) != ownerGeneration
                            || ring.producerGone(ownerSlot, ownerGeneration)) {
                        ring.compareAndSetInt(STREAM_OWNER_OFFSET, owner, 0);
                    }
                })) {
            throw Waits.timedOut("send", "waiting for another sender's long message to end", timeoutNanos);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // For ChannelOutputStream

    Ring ring() {
        return ring;
    }

    int rawFragment() {
        return rawFragment;
    }

    void streamClosed(ChannelOutputStream stream) {
        if (open == stream) {
            open = null;
        }
    }

    /** An open {@link Claim}. */
    private final class ClaimImpl implements Claim {
        static final int OPEN = 0;
        static final int DONE = 1;

        private final long position;
        private final int length;
        private final ByteBuffer buffer;
        int state = OPEN;

        ClaimImpl(long position, int length) {
            this.position = position;
            this.length = length;
            int at = ((int) position & mask) + HDR;
            this.buffer = view.duplicate().limit(at + length).position(at).slice();
        }

        @Override
        public ByteBuffer buffer() {
            checkOpen();
            return buffer;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public void commit() {
            commit(length);
        }

        @Override
        public void commit(int bytes) {
            if (bytes < 0 || bytes > length) {
                throw new IllegalArgumentException("length=" + bytes + ": must be in [0, " + length + "]");
            }
            checkOpen();
            state = DONE;
            open = null;
            Producer.this.commit(position, HDR + bytes, bytes, true);
        }

        @Override
        public void abort() {
            checkOpen();
            state = DONE;
            open = null;
            abortClaim(position, HDR + length);
        }

        @Override
        public void close() {
            if (state == OPEN && !ring.isClosed()) {
                abort();
            }
        }

        private void checkOpen() {
            if (state != OPEN) {
                throw new IllegalStateException("the claim was already committed or aborted");
            }
            ring.checkOpen();
        }
    }
}
