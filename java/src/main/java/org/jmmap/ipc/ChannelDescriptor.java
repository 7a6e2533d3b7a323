package org.jmmap.ipc;

/**
 * The layout of a {@link ShmChannel} file, as named byte offsets, for programs in any language that join a channel.
 * {@code docs/channel.md} describes the protocol over it step by step. Every field is little-endian; longs are
 * 8-byte and ints 4-byte aligned; positions are byte counts since the channel was created (they never wrap), and
 * the ring index of position {@code p} is {@code p & (capacity - 1)}.
 *
 * <pre>
 * file offset 0: the header page (HEADER_LENGTH bytes)
 *   0    int   MAGIC ("JMCH"), written last when the channel is created
 *   4    int   VERSION
 *   8    long  CAPACITY: bytes of the ring, a power of two
 *   16   long  DATA_OFFSET: file offset of the ring (= HEADER_LENGTH)
 *   24   long  MAX_MESSAGE_SIZE: the largest message offer/send accept and poll/receive reassemble
 *   32   int   PRODUCERS: 1 = one producer at a time, 2 = several (claims by atomic add on TAIL)
 *   36   int   SLOT_COUNT   40 int SLOTS_OFFSET   44 int SLOT_LENGTH
 *   48   int   FRAGMENT_LENGTH: the payload bytes of one fragment of a long message (a sender's choice)
 *   52   int   DEFAULT_CODEC: the compression senders use unless told otherwise (0 none, 1 deflate, 2 lz4)
 *   56   long  CREATED: creation time, milliseconds since the epoch
 *   128  long  TAIL: the end of the last claimed record (producers)
 *   256  long  HEAD: the end of the last consumed record (the consumer)
 *   264  long  FREE: the end of the space producers may reuse (the consumer; = HEAD once the consumed records are
 *              zeroed in MULTI)
 *   384  int   DATA_SIGNAL: futex word the consumer sleeps on; 388 int DATA_WAITERS: 1 while it may sleep
 *   512  int   SPACE_SIGNAL: futex word producers sleep on; 516 int SPACE_WAITERS: 1 while some may sleep
 *   640  int   STREAM_OWNER: MULTI: 0, or the producer writing a message of several fragments (slot + 1 in bits
 *              0-15, slot generation in bits 16-31)
 *   768  the consumer: long IDENTITY (0 = none), int NAMESPACE, int GENERATION, long HEARTBEAT,
 *        long MESSAGES_RECEIVED, long BYTES_RECEIVED, long SLEEPS, long MESSAGES_ABANDONED, long RECORDS_SEALED
 * file offset SLOTS_OFFSET: SLOT_COUNT producer slots of SLOT_LENGTH bytes each
 *   0    long  IDENTITY (0 = free)    8 int NAMESPACE    12 int GENERATION
 *   16   long  CLAIM: the position of the slot's latest claim; CLAIMING (-1) while claiming, NONE (-2) before any
 *   24   long  HEARTBEAT   32 long MESSAGES_SENT   40 long BYTES_SENT   48 long SLEEPS
 * file offset DATA_OFFSET: the ring, CAPACITY bytes of 8-byte-aligned records
 *   record: int LENGTH (header and payload, unaligned; negative while being written; 0 = not written yet),
 *           int TYPE (kind | flags | codec | slot | generation, see the TYPE_ constants), then the payload;
 *           the next record starts at the next multiple of 8
 * </pre>
 *
 * Identities are {@link org.jmmap.sync.ProcessIdentity process identities}: {@code (startTime << 22) | pid}.
 */
public final class ChannelDescriptor {

    private ChannelDescriptor() {
    }

    /** {@code "JMCH"}: the bytes J, M, C, H read as a little-endian int. */
    public static final int MAGIC = 0x48434D4A;
    /** The layout version this class describes. */
    public static final int VERSION = 1;

    /** int: {@link #MAGIC}, written last (release) by the creator: a reader that sees it sees the whole header. */
    public static final int MAGIC_OFFSET = 0;
    /** int: {@link #VERSION}. */
    public static final int VERSION_OFFSET = 4;
    /** long: the ring's size in bytes, a power of two in [{@link #MIN_CAPACITY}, {@link #MAX_CAPACITY}]. */
    public static final int CAPACITY_OFFSET = 8;
    /** long: file offset of the ring's first byte. */
    public static final int DATA_OFFSET_OFFSET = 16;
    /** long: the largest message (payload bytes) that offer and send accept and that poll reassembles. */
    public static final int MAX_MESSAGE_SIZE_OFFSET = 24;
    /** int: {@link #PRODUCERS_SINGLE} or {@link #PRODUCERS_MULTI}. */
    public static final int PRODUCERS_OFFSET = 32;
    /** int: how many producer slots follow the header. */
    public static final int SLOT_COUNT_OFFSET = 36;
    /** int: file offset of producer slot 0. */
    public static final int SLOTS_OFFSET_OFFSET = 40;
    /** int: bytes of one producer slot. */
    public static final int SLOT_LENGTH_OFFSET = 44;
    /** int: the payload bytes of a full fragment of a long or streamed message. */
    public static final int FRAGMENT_LENGTH_OFFSET = 48;
    /** int: the codec senders use by default ({@link #CODEC_NONE}, {@link #CODEC_DEFLATE}, {@link #CODEC_LZ4}). */
    public static final int DEFAULT_CODEC_OFFSET = 52;
    /** long: when the channel was created, milliseconds since the epoch. */
    public static final int CREATED_OFFSET = 56;

    /** long, its own cache lines: the end position of the last claimed record; producers advance it. */
    public static final int TAIL_OFFSET = 128;
    /** long, its own cache lines: the end position of the last consumed record; written by the consumer only. */
    public static final int HEAD_OFFSET = 256;
    /**
     * long, beside HEAD: producers may write below {@code FREE + CAPACITY}. The consumer sets it to HEAD after
     * zeroing the consumed records (MULTI) or together with HEAD (SINGLE).
     */
    public static final int FREE_OFFSET = 264;
    /** int futex word: the consumer sleeps on it; a producer that finds DATA_WAITERS set adds 1 and wakes. */
    public static final int DATA_SIGNAL_OFFSET = 384;
    /** int: 1 while the consumer may be asleep on DATA_SIGNAL; cleared by the producer that wakes it. */
    public static final int DATA_WAITERS_OFFSET = 388;
    /** int futex word: producers sleep on it for space (or for STREAM_OWNER); the consumer adds 1 and wakes. */
    public static final int SPACE_SIGNAL_OFFSET = 512;
    /** int: 1 while a producer may be asleep on SPACE_SIGNAL; cleared by whoever wakes them. */
    public static final int SPACE_WAITERS_OFFSET = 516;
    /**
     * int, MULTI only: 0, or {@code (slot + 1) | (generation & 0xFFFF) << 16} of the producer sending a message of
     * several fragments; no other producer's record lands between that message's fragments.
     */
    public static final int STREAM_OWNER_OFFSET = 640;

    /** long: the consumer's process identity; 0 while no consumer is attached. */
    public static final int CONSUMER_IDENTITY_OFFSET = 768;
    /** int: the consumer's pid namespace. */
    public static final int CONSUMER_NAMESPACE_OFFSET = 776;
    /** int: incremented by every consumer that attaches. */
    public static final int CONSUMER_GENERATION_OFFSET = 780;
    /** long: when the consumer attached or last waited, milliseconds since the epoch (informational). */
    public static final int CONSUMER_HEARTBEAT_OFFSET = 784;
    /** long: messages delivered to receivers. */
    public static final int MESSAGES_RECEIVED_OFFSET = 792;
    /** long: payload bytes (uncompressed) delivered to receivers. */
    public static final int BYTES_RECEIVED_OFFSET = 800;
    /** long: times a receiver went to sleep in the kernel. */
    public static final int RECEIVER_SLEEPS_OFFSET = 808;
    /** long: messages dropped incomplete (their producer died or aborted them, or a receiver resumed inside). */
    public static final int MESSAGES_ABANDONED_OFFSET = 816;
    /** long: records of dead producers the consumer turned into padding. */
    public static final int RECORDS_SEALED_OFFSET = 824;

    /** Bytes of the header page; the producer slots start here. */
    public static final int HEADER_LENGTH = 4096;
    /** Producer slots in a channel of this version. */
    public static final int SLOT_COUNT = 64;
    /** Bytes of one producer slot: a cache line. */
    public static final int SLOT_LENGTH = 64;
    /** File offset of producer slot 0. */
    public static final int SLOTS_OFFSET = HEADER_LENGTH;
    /** File offset of the ring in a channel of this version: after the header page and the slots. */
    public static final int DATA_OFFSET = SLOTS_OFFSET + SLOT_COUNT * SLOT_LENGTH;

    /** long, from a slot's start: the producer's process identity; 0 while the slot is free. */
    public static final int SLOT_IDENTITY = 0;
    /** int, from a slot's start: the producer's pid namespace. */
    public static final int SLOT_NAMESPACE = 8;
    /** int, from a slot's start: incremented by every producer that takes the slot; records carry its low 8 bits. */
    public static final int SLOT_GENERATION = 12;
    /** long, from a slot's start, MULTI only: the latest claim's position, {@link #CLAIMING} or {@link #CLAIM_NONE}. */
    public static final int SLOT_CLAIM = 16;
    /** long, from a slot's start: when the producer attached or last waited, ms since the epoch (informational). */
    public static final int SLOT_HEARTBEAT = 24;
    /** long, from a slot's start: messages this slot's producers sent. */
    public static final int SLOT_MESSAGES_SENT = 32;
    /** long, from a slot's start: payload bytes (uncompressed) this slot's producers sent. */
    public static final int SLOT_BYTES_SENT = 40;
    /** long, from a slot's start: times this slot's producers went to sleep in the kernel. */
    public static final int SLOT_SLEEPS = 48;
    /** {@link #SLOT_CLAIM} while a producer is between announcing a claim and recording its position. */
    public static final long CLAIMING = -1;
    /** {@link #SLOT_CLAIM} of a producer that has not claimed anything yet. */
    public static final long CLAIM_NONE = -2;

    /** {@link #PRODUCERS_OFFSET}: one producer at a time. */
    public static final int PRODUCERS_SINGLE = 1;
    /** {@link #PRODUCERS_OFFSET}: any number of producers (up to {@link #SLOT_COUNT} at once). */
    public static final int PRODUCERS_MULTI = 2;

    /** The smallest ring. */
    public static final int MIN_CAPACITY = 4096;
    /** The largest ring: 1 GiB. */
    public static final int MAX_CAPACITY = 1 << 30;

    /** Bytes of a record header: LENGTH and TYPE. */
    public static final int RECORD_HEADER_LENGTH = 8;
    /** Records start at multiples of this. */
    public static final int RECORD_ALIGNMENT = 8;
    /** int, from a record's start: its length (see the class comment). */
    public static final int RECORD_LENGTH = 0;
    /** int, from a record's start: its type word. */
    public static final int RECORD_TYPE = 4;

    /** Type word bits 0-3: the record's kind. */
    public static final int TYPE_KIND_MASK = 0xF;
    /** Kind: (part of) a message. */
    public static final int KIND_MESSAGE = 1;
    /** Kind: nothing; skip it (the end of the ring, the rest of a shrunk claim, a dead producer's record). */
    public static final int KIND_PADDING = 2;
    /** Kind: the producer gave up the message it had started; drop what was received of it. */
    public static final int KIND_ABORT = 3;
    /** Type word bit: the first fragment of a message. */
    public static final int TYPE_FIRST = 0x10;
    /** Type word bit: the last fragment of a message (a message of one record has FIRST and LAST). */
    public static final int TYPE_LAST = 0x20;
    /** Type word bit, with FIRST: the message was streamed (its length was not known when it started). */
    public static final int TYPE_STREAMED = 0x40;
    /** Type word bits 8-11: the payload's codec. */
    public static final int TYPE_CODEC_SHIFT = 8;
    /** Codec: the payload is the message bytes. */
    public static final int CODEC_NONE = 0;
    /** Codec: int uncompressed length, then a zlib stream (RFC 1950) of those bytes. */
    public static final int CODEC_DEFLATE = 1;
    /** Codec: int uncompressed length, then an LZ4 block of those bytes. */
    public static final int CODEC_LZ4 = 2;
    /** Type word bits 16-23: the producer's slot. */
    public static final int TYPE_SLOT_SHIFT = 16;
    /** Type word bits 24-31: the low 8 bits of the slot's generation when the record was claimed. */
    public static final int TYPE_GENERATION_SHIFT = 24;

    /** Bytes before the compressed data in a compressed record's payload: the uncompressed length. */
    public static final int COMPRESSED_PREFIX = 4;

    /** File offset of producer slot {@code slot}. */
    public static int slotOffset(int slot) {
        return SLOTS_OFFSET + slot * SLOT_LENGTH;
    }

    /** The bytes a channel file of {@code capacity} occupies. */
    public static long fileLength(int capacity) {
        return (long) DATA_OFFSET + capacity;
    }

    /** {@code length} rounded up to {@link #RECORD_ALIGNMENT}. */
    public static int align(int length) {
        return (length + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
    }

    /** The type word of a record. */
    public static int type(int kind, int flags, int codec, int slot, int generation) {
        return kind | flags | codec << TYPE_CODEC_SHIFT | slot << TYPE_SLOT_SHIFT
                | (generation & 0xFF) << TYPE_GENERATION_SHIFT;
    }
}
