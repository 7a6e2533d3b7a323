package org.jmmap.ipc;

import static org.jmmap.ipc.ChannelDescriptor.CAPACITY_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.CONSUMER_IDENTITY_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.CREATED_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.DATA_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.DATA_OFFSET_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.DEFAULT_CODEC_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.FRAGMENT_LENGTH_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.HEAD_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.MAGIC;
import static org.jmmap.ipc.ChannelDescriptor.MAGIC_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.MAX_MESSAGE_SIZE_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.PRODUCERS_MULTI;
import static org.jmmap.ipc.ChannelDescriptor.PRODUCERS_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.PRODUCERS_SINGLE;
import static org.jmmap.ipc.ChannelDescriptor.SLOTS_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.SLOTS_OFFSET_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_COUNT;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_COUNT_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_LENGTH;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_LENGTH_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.TAIL_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.VERSION;
import static org.jmmap.ipc.ChannelDescriptor.VERSION_OFFSET;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.SharedMemory;
import org.jmmap.sync.ProcessIdentity;

/**
 * A channel for messages of any size between processes (or threads) of one host, through shared memory: a file
 * (on tmpfs such as {@code /dev/shm} it never touches a disk) or a POSIX shared memory object. One receiver, and
 * one sender or up to {@value ChannelDescriptor#SLOT_COUNT} concurrent senders ({@link ChannelOptions.Producers}).
 *
 * <pre>{@code
 * // process A
 * try (ShmChannel channel = ShmChannel.createShared("orders", ChannelOptions.defaults().withCapacity(64 << 20));
 *      ChannelSender sender = channel.sender()) {
 *     sender.send(bytes, Duration.ofSeconds(5));             // waits for room at most 5 s
 *     try (OutputStream out = sender.openStream()) {          // a message of any length, streamed
 *         Files.copy(Path.of("big.parquet"), out);
 *     }
 * }
 * // process B
 * try (ShmChannel channel = ShmChannel.openShared("orders");
 *      ChannelReceiver receiver = channel.receiver()) {
 *     receiver.receive(message -> handle(message), Duration.ofSeconds(30)); // sleeps in the kernel meanwhile
 *     try (InputStream in = receiver.openStream(Duration.ofSeconds(30))) {
 *         Files.copy(in, Path.of("copy.parquet"));
 *     }
 * }
 * }</pre>
 *
 * <h2>What it does that ring buffers usually do not</h2>
 * <ul>
 *   <li><b>Messages of any size.</b> A message longer than a quarter of the ring is sent in fragments and
 *       reassembled; a stream ({@link ChannelSender#openStream()}, {@link ChannelReceiver#openStream}) carries a
 *       message of any length (10 GiB through a 64 MiB ring) without either side holding it whole.</li>
 *   <li><b>No CPU while idle.</b> A waiting side spins briefly, then sleeps in {@code FUTEX_WAIT}; the other side
 *       enters the kernel to wake it only when it has announced its sleep ({@link WaitStrategy}).</li>
 *   <li><b>Dead peers.</b> Each side records its process identity (pid and start time). A receiver waiting on a
 *       producer that died, or a sender waiting on a receiver that died, gets {@link PeerDiedException} within
 *       about 100 ms; what a dead producer left half-written is never delivered, the receiver skips it, and a new
 *       producer or receiver attaches and carries on.</li>
 *   <li><b>A documented layout.</b> {@link ChannelDescriptor} and {@code docs/channel.md} describe every byte and
 *       every step, so that programs in other languages can send and receive (the tests do it from Python with
 *       nothing but {@code mmap} and {@code struct}).</li>
 *   <li><b>Compression per message</b>, recorded in each record ({@link Compression}).</li>
 * </ul>
 *
 * <h2>Threads and life cycle</h2>
 * The channel object may be shared by threads; each sender and the receiver belong to one thread at a time.
 * {@link #close()} closes this process's senders and receiver and unmaps the channel; the file or shared memory
 * object stays until deleted ({@link SharedMemory#unlink}). A file truncated underneath a channel in use ends the
 * processes that touch it, as for a {@code pthread_mutex_t} in a mapped file (see {@code org.jmmap.sync}).
 */
public final class ShmChannel implements AutoCloseable {

    private final Ring ring;
    private final Path file;
    private final String sharedName;
    private final List<AutoCloseable> endpoints = new ArrayList<>();

    private ShmChannel(Ring ring, Path file, String sharedName) {
        this.ring = ring;
        this.file = file;
        this.sharedName = sharedName;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Creating and opening

    /**
     * Creates a channel in the new file {@code file} ({@link ChannelDescriptor#fileLength(int)} bytes).
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists
     * @throws IllegalArgumentException                 if the fragment length set does not fit the capacity
     * @throws IOException                              if the file cannot be created or mapped
     */
    public static ShmChannel create(Path file, ChannelOptions options) throws IOException {
        Objects.requireNonNull(file, "file");
        checkOptions(options);
        Files.newByteChannel(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        Mapping m = null;
        try {
            m = Mapping.map(file, MapMode.READ_WRITE, 0, ChannelDescriptor.fileLength(options.capacity()));
            return new ShmChannel(initialise(m, options), file, null);
        } catch (IOException | RuntimeException | Error e) {
            if (m != null) {
                m.close();
            }
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * Creates a channel in the new POSIX shared memory object {@code name} (mode 0600; see {@link SharedMemory}
     * for names). Other processes open it with {@link #openShared}; remove it with {@link SharedMemory#unlink}.
     *
     * @throws java.nio.file.FileAlreadyExistsException if an object of that name exists
     * @throws IllegalArgumentException                 if the name is not valid
     */
    public static ShmChannel createShared(String name, ChannelOptions options) throws IOException {
        checkOptions(options);
        Mapping m = SharedMemory.create(name, ChannelDescriptor.fileLength(options.capacity()));
        try {
            return new ShmChannel(initialise(m, options), null, name);
        } catch (RuntimeException | Error e) {
            m.close();
            SharedMemory.unlink(name);
            throw e;
        }
    }

    /** {@link #open(Path, WaitStrategy)} waiting with {@link WaitStrategy#DEFAULT}. */
    public static ShmChannel open(Path file) throws IOException {
        return open(file, WaitStrategy.DEFAULT);
    }

    /**
     * Opens the channel in {@code file}; its senders and receiver wait with {@code waitStrategy}.
     *
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws ChannelFormatException            if the file is not a channel this version can open (too small,
     *                                           wrong magic or version, header values out of range)
     */
    public static ShmChannel open(Path file, WaitStrategy waitStrategy) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(waitStrategy, "waitStrategy");
        long size = Files.size(file);
        if (size < DATA_OFFSET) {
            throw new ChannelFormatException("file=" + file + " size=" + size + ": too small for a channel header ("
                    + DATA_OFFSET + " bytes)");
        }
        Mapping m = Mapping.map(file, MapMode.READ_WRITE);
        try {
            return new ShmChannel(validate(m, waitStrategy, "file=" + file), file, null);
        } catch (IOException | RuntimeException | Error e) {
            m.close();
            throw e;
        }
    }

    /** {@link #openShared(String, WaitStrategy)} waiting with {@link WaitStrategy#DEFAULT}. */
    public static ShmChannel openShared(String name) throws IOException {
        return openShared(name, WaitStrategy.DEFAULT);
    }

    /**
     * Opens the channel in the POSIX shared memory object {@code name}.
     *
     * @throws java.nio.file.NoSuchFileException if there is no such object
     * @throws ChannelFormatException            if it is not a channel this version can open
     */
    public static ShmChannel openShared(String name, WaitStrategy waitStrategy) throws IOException {
        Objects.requireNonNull(waitStrategy, "waitStrategy");
        Mapping m = SharedMemory.open(name);
        try {
            if (m.length() < DATA_OFFSET) {
                throw new ChannelFormatException("shared memory " + name + " size=" + m.length()
                        + ": too small for a channel header (" + DATA_OFFSET + " bytes)");
            }
            return new ShmChannel(validate(m, waitStrategy, "shared memory " + name), null, name);
        } catch (IOException | RuntimeException | Error e) {
            m.close();
            throw e;
        }
    }

    private static void checkOptions(ChannelOptions options) {
        Objects.requireNonNull(options, "options");
        int limit = ChannelOptions.maxRecordPayload(options.capacity());
        if (options.fragmentLength() > limit) {
            throw new IllegalArgumentException("fragmentLength=" + options.fragmentLength() + ": over capacity / 4 - "
                    + ChannelDescriptor.RECORD_HEADER_LENGTH + " = " + limit + " for capacity=" + options.capacity());
        }
        if (options.compression() == Compression.LZ4) {
            Lz4Codec.require();
        }
    }

    private static Ring initialise(Mapping m, ChannelOptions options) {
        ByteBuffer h = m.asByteBuffer(0, DATA_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(VERSION_OFFSET, VERSION);
        h.putLong(CAPACITY_OFFSET, options.capacity());
        h.putLong(DATA_OFFSET_OFFSET, DATA_OFFSET);
        h.putLong(MAX_MESSAGE_SIZE_OFFSET, options.maxMessageSize());
        h.putInt(PRODUCERS_OFFSET, options.producers() == ChannelOptions.Producers.MULTI
                ? PRODUCERS_MULTI : PRODUCERS_SINGLE);
        h.putInt(SLOT_COUNT_OFFSET, SLOT_COUNT);
        h.putInt(SLOTS_OFFSET_OFFSET, SLOTS_OFFSET);
        h.putInt(SLOT_LENGTH_OFFSET, SLOT_LENGTH);
        h.putInt(FRAGMENT_LENGTH_OFFSET, options.fragmentLength());
        h.putInt(DEFAULT_CODEC_OFFSET, options.compression().code());
        h.putLong(CREATED_OFFSET, System.currentTimeMillis());
        Ring.INT.setRelease(h, MAGIC_OFFSET, MAGIC); // last: whoever sees it sees the rest
        return new Ring(m, options.capacity(), options.producers() == ChannelOptions.Producers.MULTI,
                options.maxMessageSize(), options.fragmentLength(), options.compression(), options.waitStrategy());
    }

    private static Ring validate(Mapping m, WaitStrategy waitStrategy, String what) throws ChannelFormatException {
        ByteBuffer h = m.asByteBuffer(0, DATA_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
        int magic = (int) Ring.INT.getAcquire(h, MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new ChannelFormatException(what + ": not a jmmap channel: magic=0x" + Integer.toHexString(magic)
                    + " (expected 0x" + Integer.toHexString(MAGIC) + (magic == 0 ? "; or still being created)" : ")"));
        }
        int version = h.getInt(VERSION_OFFSET);
        if (version != VERSION) {
            throw new ChannelFormatException(what + ": channel layout version=" + version + ", this jmmap reads "
                    + "version " + VERSION);
        }
        long capacity = h.getLong(CAPACITY_OFFSET);
        try {
            ChannelOptions.checkCapacity(capacity);
        } catch (IllegalArgumentException e) {
            throw new ChannelFormatException(what + ": header " + e.getMessage());
        }
        expect(what, "dataOffset", h.getLong(DATA_OFFSET_OFFSET), DATA_OFFSET);
        expect(what, "slotCount", h.getInt(SLOT_COUNT_OFFSET), SLOT_COUNT);
        expect(what, "slotsOffset", h.getInt(SLOTS_OFFSET_OFFSET), SLOTS_OFFSET);
        expect(what, "slotLength", h.getInt(SLOT_LENGTH_OFFSET), SLOT_LENGTH);
        int producers = h.getInt(PRODUCERS_OFFSET);
        if (producers != PRODUCERS_SINGLE && producers != PRODUCERS_MULTI) {
            throw new ChannelFormatException(what + ": producers=" + producers + " (expected 1 or 2)");
        }
        long maxMessageSize = h.getLong(MAX_MESSAGE_SIZE_OFFSET);
        if (maxMessageSize < 0 || maxMessageSize > ChannelOptions.MAX_MESSAGE_SIZE_LIMIT) {
            throw new ChannelFormatException(what + ": maxMessageSize=" + maxMessageSize + " (expected [0, "
                    + ChannelOptions.MAX_MESSAGE_SIZE_LIMIT + "])");
        }
        int fragmentLength = h.getInt(FRAGMENT_LENGTH_OFFSET);
        int maxFragment = ChannelOptions.maxRecordPayload((int) capacity);
        if (fragmentLength < ChannelOptions.MIN_FRAGMENT_LENGTH || fragmentLength > maxFragment
                || fragmentLength % ChannelDescriptor.RECORD_ALIGNMENT != 0) {
            throw new ChannelFormatException(what + ": fragmentLength=" + fragmentLength + " (expected a multiple of "
                    + "8 in [" + ChannelOptions.MIN_FRAGMENT_LENGTH + ", " + maxFragment + "])");
        }
        Compression codec = Compression.of(h.getInt(DEFAULT_CODEC_OFFSET));
        if (codec == null) {
            throw new ChannelFormatException(what + ": defaultCodec=" + h.getInt(DEFAULT_CODEC_OFFSET)
                    + " (expected 0, 1 or 2)");
        }
        long needed = DATA_OFFSET + capacity;
        if (m.length() < needed) {
            throw new ChannelFormatException(what + ": size=" + m.length() + " too small for capacity=" + capacity
                    + " (needs " + needed + " bytes)");
        }
        return new Ring(m, (int) capacity, producers == PRODUCERS_MULTI, maxMessageSize, fragmentLength, codec,
                waitStrategy);
    }

    private static void expect(String what, String field, long found, long expected) throws ChannelFormatException {
        if (found != expected) {
            throw new ChannelFormatException(what + ": " + field + "=" + found + " (expected " + expected + ")");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Endpoints

    /**
     * Attaches a sender that compresses as the channel's default ({@link ChannelOptions#withCompression}).
     *
     * @throws IllegalStateException if the channel is SINGLE and a live sender is attached (in any process), or
     *                               MULTI and all {@value ChannelDescriptor#SLOT_COUNT} slots are held, or the
     *                               channel is closed; also if the default compression is LZ4 and lz4-java is
     *                               missing
     */
    public ChannelSender sender() {
        return sender(ring.defaultCompression);
    }

    /** Attaches a sender that compresses with {@code compression}; see {@link #sender()}. */
    public synchronized ChannelSender sender(Compression compression) {
        Objects.requireNonNull(compression, "compression");
        ring.checkOpen();
        Producer p = Producer.attach(this, ring, compression);
        endpoints.add(p);
        return p;
    }

    /**
     * Attaches the receiver; it resumes after the last message a previous receiver consumed.
     *
     * @throws IllegalStateException if a live receiver is attached (in any process), or the channel is closed
     */
    public synchronized ChannelReceiver receiver() {
        ring.checkOpen();
        Consumer c = Consumer.attach(this, ring);
        endpoints.add(c);
        return c;
    }

    synchronized void detached(AutoCloseable endpoint) {
        endpoints.remove(endpoint);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Information

    /** The ring's size in bytes. */
    public int capacity() {
        return ring.capacity;
    }

    /** Who may send. */
    public ChannelOptions.Producers producers() {
        return ring.multi ? ChannelOptions.Producers.MULTI : ChannelOptions.Producers.SINGLE;
    }

    /** The largest message {@code offer}/{@code send} accept and {@code poll}/{@code receive} reassemble. */
    public long maxMessageSize() {
        return ring.maxMessageSize;
    }

    /** The payload bytes of a full fragment. */
    public int fragmentLength() {
        return ring.fragmentLength;
    }

    /** The file of a channel made by {@link #create}/{@link #open}; empty for shared memory. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The shared memory object's name for {@link #createShared}/{@link #openShared}; empty for a file. */
    public Optional<String> sharedName() {
        return Optional.ofNullable(sharedName);
    }

    /** A snapshot of the channel's counters. */
    public ChannelStats stats() {
        ring.checkOpen();
        long sent = 0;
        long bytesSent = 0;
        long senderSleeps = 0;
        int producers = 0;
        for (int slot = 0; slot < SLOT_COUNT; slot++) {
            int base = ChannelDescriptor.slotOffset(slot);
            sent += ring.getLongOpaque(base + ChannelDescriptor.SLOT_MESSAGES_SENT);
            bytesSent += ring.getLongOpaque(base + ChannelDescriptor.SLOT_BYTES_SENT);
            senderSleeps += ring.getLongOpaque(base + ChannelDescriptor.SLOT_SLEEPS);
            if (ring.getLongOpaque(base + ChannelDescriptor.SLOT_IDENTITY) != 0) {
                producers++;
            }
        }
        long consumer = ring.getLongOpaque(CONSUMER_IDENTITY_OFFSET);
        return new ChannelStats(ring.capacity, ring.getLongVolatile(TAIL_OFFSET), ring.getLongVolatile(HEAD_OFFSET),
                sent, bytesSent, ring.getLongOpaque(ChannelDescriptor.MESSAGES_RECEIVED_OFFSET),
                ring.getLongOpaque(ChannelDescriptor.BYTES_RECEIVED_OFFSET), senderSleeps,
                ring.getLongOpaque(ChannelDescriptor.RECEIVER_SLEEPS_OFFSET),
                ring.getLongOpaque(ChannelDescriptor.MESSAGES_ABANDONED_OFFSET),
                ring.getLongOpaque(ChannelDescriptor.RECORDS_SEALED_OFFSET), producers,
                consumer == 0 ? 0 : ProcessIdentity.pid(consumer));
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return ring.isClosedVolatile();
    }

    /**
     * Closes this process's senders and receiver of the channel (aborting their open claims and streams) and
     * unmaps it. Senders and receivers used afterwards throw {@link IllegalStateException}. Idempotent.
     */
    @Override
    public void close() {
        List<AutoCloseable> open;
        synchronized (this) {
            if (ring.isClosedVolatile()) {
                return;
            }
            open = new ArrayList<>(endpoints);
        }
        for (AutoCloseable endpoint : open) {
            try {
                endpoint.close();
            } catch (Exception ignored) {
                // close() of senders and receivers throws nothing checked; keep closing the others
            }
        }
        ring.markClosed();
        ring.mapping.close();
    }

    @Override
    public String toString() {
        return "ShmChannel[" + (file != null ? "file=" + file : "shared=" + sharedName) + ", capacity="
                + ring.capacity + ", " + producers() + (ring.isClosed() ? ", closed]" : "]");
    }
}
