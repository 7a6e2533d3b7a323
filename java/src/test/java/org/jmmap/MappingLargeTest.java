package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One mapping over a sparse 5 GiB file: element access, bulk operations, searches and views at the 1, 2, 3 and
 * 4 GiB boundaries, where the mapping's 1 GiB windows meet (and where int arithmetic on offsets would overflow).
 */
class MappingLargeTest {

    private static final long GIB = 1L << 30;
    private static final long FILE_LENGTH = 5 * GIB;
    /** Window boundaries; 2 GiB is also where an int offset overflows and 4 GiB where an unsigned int does. */
    private static final long[] BOUNDARIES = {GIB, 2 * GIB, 3 * GIB, 4 * GIB};
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** {@code null} stands for the overloads without a ByteOrder (native order). */
    private static final ByteOrder[] ORDERS = {null, ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN};
    private static final byte SENTINEL = (byte) 0xA5;

    @TempDir
    Path directory;

    private Path file;
    private Mapping mapping;
    private FileChannel channel;

    @BeforeEach
    void mapSparseFile() throws IOException {
        file = directory.resolve("large.bin");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(FILE_LENGTH);
        }
        mapping = Mapping.map(file, MapMode.READ_WRITE);
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @AfterEach
    void deleteFile() throws IOException {
        if (channel != null) {
            channel.close();
        }
        if (mapping != null) {
            mapping.close();
        }
        Files.deleteIfExists(file);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Element access

    /** The primitive types, with how each is written and read through a Mapping and decoded from a ByteBuffer. */
    enum Kind {
        BYTE(1) {
            @Override
            void put(Mapping m, long offset, long bits, ByteOrder order) {
                m.putByte(offset, (byte) bits);
            }

            @Override
            long get(Mapping m, long offset, ByteOrder order) {
                return m.getByte(offset) & 0xFFL;
            }

            @Override
            long decode(ByteBuffer b) {
                return b.get(0) & 0xFFL;
            }
        },
        SHORT(2) {
            @Override
            void put(Mapping m, long offset, long bits, ByteOrder order) {
                if (order == null) {
                    m.putShort(offset, (short) bits);
                } else {
                    m.putShort(offset, (short) bits, order);
                }
            }

            @Override
            long get(Mapping m, long offset, ByteOrder order) {
                return (order == null ? m.getShort(offset) : m.getShort(offset, order)) & 0xFFFFL;
            }

            @Override
            long decode(ByteBuffer b) {
                return b.getShort(0) & 0xFFFFL;
            }
        },
        INT(4) {
            @Override
            void put(Mapping m, long offset, long bits, ByteOrder order) {
                if (order == null) {
                    m.putInt(offset, (int) bits);
                } else {
                    m.putInt(offset, (int) bits, order);
                }
            }

            @Override
            long get(Mapping m, long offset, ByteOrder order) {
                return (order == null ? m.getInt(offset) : m.getInt(offset, order)) & 0xFFFFFFFFL;
            }

            @Override
            long decode(ByteBuffer b) {
                return b.getInt(0) & 0xFFFFFFFFL;
            }
        },
        LONG(8) {
            @Override
            void put(Mapping m, long offset, long bits, ByteOrder order) {
                if (order == null) {
                    m.putLong(offset, bits);
                } else {
                    m.putLong(offset, bits, order);
                }
            }

            @Override
            long get(Mapping m, long offset, ByteOrder order) {
                return order == null ? m.getLong(offset) : m.getLong(offset, order);
            }

            @Override
            long decode(ByteBuffer b) {
                return b.getLong(0);
            }
        },
        FLOAT(4) {
            @Override
            void put(Mapping m, long offset, long bits, ByteOrder order) {
                float value = Float.intBitsToFloat((int) bits);
                if (order == null) {
                    m.putFloat(offset, value);
                } else {
                    m.putFloat(offset, value, order);
                }
            }

            @Override
            long get(Mapping m, long offset, ByteOrder order) {
                float value = order == null ? m.getFloat(offset) : m.getFloat(offset, order);
                return Float.floatToRawIntBits(value) & 0xFFFFFFFFL;
            }

            @Override
            long decode(ByteBuffer b) {
                return Float.floatToRawIntBits(b.getFloat(0)) & 0xFFFFFFFFL;
            }

            @Override
            long bits(long seed) {
                return super.bits(seed) & ~(1L << 23); // an exponent never all ones: no NaN, whose bits may change
            }
        },
        DOUBLE(8) {
            @Override
            void put(Mapping m, long offset, long bits, ByteOrder order) {
                double value = Double.longBitsToDouble(bits);
                if (order == null) {
                    m.putDouble(offset, value);
                } else {
                    m.putDouble(offset, value, order);
                }
            }

            @Override
            long get(Mapping m, long offset, ByteOrder order) {
                double value = order == null ? m.getDouble(offset) : m.getDouble(offset, order);
                return Double.doubleToRawLongBits(value);
            }

            @Override
            long decode(ByteBuffer b) {
                return Double.doubleToRawLongBits(b.getDouble(0));
            }

            @Override
            long bits(long seed) {
                return super.bits(seed) & ~(1L << 52);
            }
        };

        final int size;

        Kind(int size) {
            this.size = size;
        }

        abstract void put(Mapping m, long offset, long bits, ByteOrder order);

        abstract long get(Mapping m, long offset, ByteOrder order);

        /** The value at index 0 of {@code b}, in {@code b}'s order. */
        abstract long decode(ByteBuffer b);

        /** A value of this type's width whose bytes differ from one seed to the next (and are rarely symmetric). */
        long bits(long seed) {
            long z = seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E5F5L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            return size == 8 ? z : z & ((1L << (8 * size)) - 1);
        }

        /** The bytes a ByteBuffer in {@code order} holds after putting {@code bits}. */
        byte[] encode(long bits, ByteOrder order) {
            ByteBuffer b = ByteBuffer.allocate(8).order(order);
            b.putLong(0, order == ByteOrder.BIG_ENDIAN ? bits << (64 - 8 * size) : bits);
            return Arrays.copyOf(b.array(), size);
        }

        ByteOrder[] orders() {
            return this == BYTE ? new ByteOrder[] {null} : ORDERS;
        }
    }

    private static ByteOrder effective(ByteOrder order) {
        return order == null ? NATIVE : order;
    }

    private byte[] bytesOf(long offset, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = mapping.getByte(offset + i);
        }
        return bytes;
    }

    private ByteBuffer readFile(long position, int length) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, position + bytes.position()) < 0) {
                throw new EOFException("position=" + position + " length=" + length);
            }
        }
        return bytes.flip();
    }

    private void writeFile(long position, byte[] content) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(content);
        while (bytes.hasRemaining()) {
            channel.write(bytes, position + bytes.position());
        }
    }

    /**
     * Every type, in native order and in both explicit orders, round-trips at every offset from 8 before to 8 after
     * each GiB boundary, lands in memory byte for byte as a ByteBuffer of that order would lay it out, and leaves
     * the bytes on either side alone (an element across a window boundary is read and written whole).
     */
    @Test
    void everyPrimitiveRoundTripsAtEveryOffsetAroundTheBoundaries() {
        assertEquals(FILE_LENGTH, mapping.length());
        for (long boundary : BOUNDARIES) {
            for (long offset = boundary - 8; offset <= boundary + 8; offset++) {
                for (Kind kind : Kind.values()) {
                    for (int o = 0; o < kind.orders().length; o++) {
                        ByteOrder order = kind.orders()[o];
                        String where = kind + " order=" + effective(order) + (order == null ? " (native overload)" : "")
                                + " offset=" + offset;
                        mapping.putByte(offset - 1, SENTINEL);
                        mapping.putByte(offset + kind.size, SENTINEL);
                        long bits = kind.bits(offset * 31 + kind.ordinal() * 7 + o);
                        kind.put(mapping, offset, bits, order);

                        assertEquals(bits, kind.get(mapping, offset, order), where);
                        assertArrayEquals(kind.encode(bits, effective(order)), bytesOf(offset, kind.size), where);
                        assertEquals(SENTINEL, mapping.getByte(offset - 1), where);
                        assertEquals(SENTINEL, mapping.getByte(offset + kind.size), where);
                    }
                }
            }
        }
        // The explicitly named cases: both sides of Integer.MAX_VALUE and of 2^32.
        mapping.putLong(Integer.MAX_VALUE - 3L, 0x1122334455667788L, ByteOrder.BIG_ENDIAN);
        assertEquals((byte) 0x44, mapping.getByte(Integer.MAX_VALUE));
        assertEquals((byte) 0x55, mapping.getByte(1L << 31));
        mapping.putInt((1L << 32) - 2, 0xCAFEBABE, ByteOrder.LITTLE_ENDIAN);
        assertEquals((byte) 0xBA, mapping.getByte((1L << 32) - 1));
        assertEquals((byte) 0xFE, mapping.getByte(1L << 32));
    }

    /**
     * A value written through the mapping is, after sync(), in the file at the same position, in the byte order
     * that was asked for (a FileChannel read decodes it in that order, and the neighbouring bytes are untouched).
     */
    @Test
    void valuesWrittenAroundTheBoundariesReachTheFileInTheRequestedOrder() throws IOException {
        for (int delta = -8; delta <= 8; delta++) {
            for (Kind kind : Kind.values()) {
                for (int o = 0; o < kind.orders().length; o++) {
                    ByteOrder order = kind.orders()[o];
                    long[] written = new long[BOUNDARIES.length];
                    for (int i = 0; i < BOUNDARIES.length; i++) {
                        long offset = BOUNDARIES[i] + delta;
                        mapping.putByte(offset - 1, SENTINEL);
                        mapping.putByte(offset + kind.size, SENTINEL);
                        written[i] = kind.bits(offset * 17 + kind.ordinal() * 5 + o);
                        kind.put(mapping, offset, written[i], order);
                    }
                    mapping.sync();
                    for (int i = 0; i < BOUNDARIES.length; i++) {
                        long offset = BOUNDARIES[i] + delta;
                        String where = kind + " order=" + effective(order) + " offset=" + offset;
                        ByteBuffer inFile = readFile(offset - 1, kind.size + 2);
                        assertEquals(SENTINEL, inFile.get(0), where);
                        assertEquals(SENTINEL, inFile.get(kind.size + 1), where);
                        ByteBuffer element = inFile.slice(1, kind.size).order(effective(order));
                        assertEquals(written[i], kind.decode(element), where);
                        byte[] bytes = new byte[kind.size];
                        element.get(0, bytes);
                        assertArrayEquals(kind.encode(written[i], effective(order)), bytes, where);
                    }
                }
            }
        }
    }

    /** Bytes the file gets through a FileChannel are what the mapping reads at the same offsets, also past 4 GiB. */
    @Test
    void fileWritesAreVisibleThroughTheMapping() throws IOException {
        for (long boundary : BOUNDARIES) {
            ByteBuffer value = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(0, boundary ^ 0x0123456789ABCDEFL);
            writeFile(boundary - 4, value.array());
            assertEquals(boundary ^ 0x0123456789ABCDEFL, mapping.getLong(boundary - 4, ByteOrder.BIG_ENDIAN));
            assertEquals(Long.reverseBytes(boundary ^ 0x0123456789ABCDEFL),
                    mapping.getLong(boundary - 4, ByteOrder.LITTLE_ENDIAN));
        }
        writeFile(FILE_LENGTH - 1, new byte[] {42});
        assertEquals(42, mapping.getByte(FILE_LENGTH - 1));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Bulk operations

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * getBytes/putBytes of ranges crossing each boundary, with byte arrays and with heap, direct and read-only
     * ByteBuffers, move exactly the bytes asked for, to the file positions they belong at.
     */
    @Test
    void getBytesAndPutBytesCrossTheBoundaries() throws IOException {
        for (long boundary : BOUNDARIES) {
            long start = boundary - 5003;
            byte[] content = random(10_007, boundary);
            mapping.putBytes(start - 1, new byte[] {SENTINEL}, 0, 1);
            mapping.putBytes(start + content.length, new byte[] {SENTINEL}, 0, 1);
            // A sub-range of the array: only content[3 .. length - 3) goes to start + 3.
            mapping.putBytes(start, content, 0, 3);
            mapping.putBytes(start + 3, content, 3, content.length - 6);
            mapping.putBytes(start + content.length - 3, content, content.length - 3, 3);

            byte[] read = new byte[content.length + 2];
            mapping.getBytes(start - 1, read, 0, read.length);
            assertEquals(SENTINEL, read[0]);
            assertEquals(SENTINEL, read[read.length - 1]);
            assertArrayEquals(content, Arrays.copyOfRange(read, 1, read.length - 1));
            byte[] middle = new byte[20];
            mapping.getBytes(boundary - 10, middle, 0, 20);
            assertArrayEquals(Arrays.copyOfRange(content, 5003 - 10, 5003 + 10), middle);

            mapping.sync();
            assertEquals(ByteBuffer.wrap(content), readFile(start, content.length));

            // ByteBuffer flavours: heap, direct, read-only heap as the source; heap and direct as the destination.
            byte[] other = random(4099, boundary + 1);
            long at = boundary - 2048;
            ByteBuffer heap = ByteBuffer.allocate(other.length + 10).position(5);
            heap.put(other).flip().position(5);
            mapping.putBytes(at, heap);
            assertEquals(heap.limit(), heap.position());
            assertArrayEquals(other, bytesOf(at, other.length));

            byte[] third = random(4099, boundary + 2);
            ByteBuffer direct = ByteBuffer.allocateDirect(third.length).put(third).flip();
            mapping.putBytes(at + 1, direct);
            assertArrayEquals(third, bytesOf(at + 1, third.length));

            byte[] fourth = random(4099, boundary + 3);
            mapping.putBytes(at + 2, ByteBuffer.wrap(fourth).asReadOnlyBuffer());
            assertArrayEquals(fourth, bytesOf(at + 2, fourth.length));

            ByteBuffer intoHeap = ByteBuffer.allocate(fourth.length + 4).position(4);
            mapping.getBytes(at + 2, intoHeap);
            assertFalse(intoHeap.hasRemaining());
            assertEquals(ByteBuffer.wrap(fourth), intoHeap.position(4));
            ByteBuffer intoDirect = ByteBuffer.allocateDirect(fourth.length);
            mapping.getBytes(at + 2, intoDirect);
            assertEquals(ByteBuffer.wrap(fourth), intoDirect.flip());
        }
        // One range across two boundaries at once (3 GiB and 4 GiB are 1 GiB apart: 1 GiB + 2 MiB).
        byte[] head = random(1 << 20, 99);
        byte[] tail = random(1 << 20, 100);
        mapping.putBytes(3 * GIB - head.length, head, 0, head.length);
        mapping.putBytes(4 * GIB, tail, 0, tail.length);
        byte[] headBack = new byte[head.length];
        byte[] tailBack = new byte[tail.length];
        byte[] across = new byte[(int) GIB + head.length + tail.length];
        mapping.getBytes(3 * GIB - head.length, across, 0, across.length);
        System.arraycopy(across, 0, headBack, 0, head.length);
        System.arraycopy(across, across.length - tail.length, tailBack, 0, tail.length);
        assertArrayEquals(head, headBack);
        assertArrayEquals(tail, tailBack);
        assertEquals(0, across[head.length + 100_000]); // untouched sparse bytes between the two
        assertEquals(0, across[across.length - tail.length - 100_000]);
    }

    /**
     * copy() of ranges crossing the boundaries has memmove semantics: overlapping forward (destination after the
     * source) and backward (destination before it) both produce the source's original bytes, and nothing outside
     * the destination changes. Also a copy from the first GiB to across the 4 GiB boundary.
     */
    @Test
    void copyCrossesTheBoundariesForwardAndBackward() throws IOException {
        for (long boundary : BOUNDARIES) {
            byte[] content = random(6001, boundary);
            long source = boundary - 3000;

            // Forward: destination 7 bytes after the source, so a naive front-to-back copy would smear.
            mapping.putBytes(source, content, 0, content.length);
            mapping.putBytes(source + 7 + content.length, new byte[] {SENTINEL}, 0, 1);
            mapping.copy(source, source + 7, content.length);
            byte[] copied = new byte[content.length];
            mapping.getBytes(source + 7, copied, 0, copied.length);
            assertArrayEquals(content, copied, "forward boundary=" + boundary);
            assertArrayEquals(Arrays.copyOf(content, 7), bytesOf(source, 7), "forward prefix boundary=" + boundary);
            assertEquals(SENTINEL, mapping.getByte(source + 7 + content.length));

            // Backward: destination 4097 bytes before the source (more than a page, crossing the boundary too).
            mapping.putBytes(source, content, 0, content.length);
            mapping.putBytes(source - 4097 - 1, new byte[] {SENTINEL}, 0, 1);
            mapping.copy(source, source - 4097, content.length);
            mapping.getBytes(source - 4097, copied, 0, copied.length);
            assertArrayEquals(content, copied, "backward boundary=" + boundary);
            assertEquals(SENTINEL, mapping.getByte(source - 4097 - 1));
            assertArrayEquals(Arrays.copyOfRange(content, content.length - 4097, content.length),
                    bytesOf(source + content.length - 4097, 4097), "backward tail boundary=" + boundary);
        }
        // From low memory to across 4 GiB, and back from past 4 GiB to across 2 GiB.
        byte[] low = random(65_536, 1);
        mapping.putBytes(12_345, low, 0, low.length);
        mapping.copy(12_345, 4 * GIB - 30_000, low.length);
        mapping.copy(4 * GIB - 30_000, 2 * GIB - 1, low.length);
        mapping.sync();
        assertEquals(ByteBuffer.wrap(low), readFile(4 * GIB - 30_000, low.length));
        assertEquals(ByteBuffer.wrap(low), readFile(2 * GIB - 1, low.length));
    }

    /** fill() across each boundary sets exactly the range: the bytes on either side keep their values. */
    @Test
    void fillCrossesTheBoundaries() throws IOException {
        for (long boundary : BOUNDARIES) {
            long start = boundary - 4099;
            int length = 8200;
            mapping.putByte(start - 1, SENTINEL);
            mapping.putByte(start + length, SENTINEL);
            mapping.fill(start, length, (byte) 0x5A);
            byte[] expected = new byte[length + 2];
            Arrays.fill(expected, (byte) 0x5A);
            expected[0] = SENTINEL;
            expected[length + 1] = SENTINEL;
            byte[] actual = new byte[length + 2];
            mapping.getBytes(start - 1, actual, 0, actual.length);
            assertArrayEquals(expected, actual, "boundary=" + boundary);
            mapping.sync();
            assertEquals(ByteBuffer.wrap(expected), readFile(start - 1, expected.length), "boundary=" + boundary);
        }
        // A fill of more than a whole window: 2 GiB - 8 .. 3 GiB + 8, then the edges and the middle.
        mapping.putByte(2 * GIB - 9, SENTINEL);
        mapping.putByte(3 * GIB + 8, SENTINEL);
        mapping.fill(2 * GIB - 8, GIB + 16, (byte) -1);
        assertEquals(SENTINEL, mapping.getByte(2 * GIB - 9));
        assertEquals(-1L, mapping.getLong(2 * GIB - 8));
        assertEquals(-1L, mapping.getLong(2 * GIB + GIB / 2));
        assertEquals(-1L, mapping.getLong(3 * GIB));
        assertEquals(SENTINEL, mapping.getByte(3 * GIB + 8));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Search

    private static final byte[] NEEDLE = {
        (byte) 0x91, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88,
        (byte) 0x99, (byte) 0xAA, (byte) 0xBB, (byte) 0xCC, (byte) 0xDD, (byte) 0xEE, 0x10, 0x20};

    /**
     * indexOf/lastIndexOf find a needle straddling the 2 GiB and 4 GiB boundaries and one ending at the very last
     * byte of the file; from/to restrict the search, a needle crossing {@code to} (or starting before {@code from})
     * is not found, and a decoy holding all but the last needle byte is skipped.
     */
    @Test
    void searchesFindNeedlesAcrossTheBoundariesAndAtTheEnd() {
        long at2 = 2 * GIB - 7;
        long at4 = 4 * GIB - 9;
        long atEnd = FILE_LENGTH - NEEDLE.length;
        for (long at : new long[] {at2, at4, atEnd}) {
            mapping.putBytes(at, NEEDLE, 0, NEEDLE.length);
            mapping.putBytes(at - 40, NEEDLE, 0, NEEDLE.length - 1); // decoy: the last byte is missing
        }
        for (long at : new long[] {at2, at4, atEnd}) {
            String where = "needle at " + at;
            assertEquals(at, mapping.indexOf(NEEDLE, at - 4096, Math.min(at + 4096, FILE_LENGTH)), where);
            assertEquals(at, mapping.lastIndexOf(NEEDLE, at - 4096, Math.min(at + 4096, FILE_LENGTH)), where);
            // The tightest range that holds it, and the ranges one byte too short at either end.
            assertEquals(at, mapping.indexOf(NEEDLE, at, at + NEEDLE.length), where);
            assertEquals(at, mapping.lastIndexOf(NEEDLE, at, at + NEEDLE.length), where);
            assertEquals(-1, mapping.indexOf(NEEDLE, at - 4096, at + NEEDLE.length - 1), where + ", crossing to");
            assertEquals(-1, mapping.lastIndexOf(NEEDLE, at - 4096, at + NEEDLE.length - 1), where + ", crossing to");
            assertEquals(-1, mapping.indexOf(NEEDLE, at + 1, Math.min(at + 4096, FILE_LENGTH)), where + ", from");
            assertEquals(-1, mapping.lastIndexOf(NEEDLE, at + 1, Math.min(at + 4096, FILE_LENGTH)), where + ", from");
            // The decoy's bytes are found by a needle one byte shorter.
            byte[] shorter = Arrays.copyOf(NEEDLE, NEEDLE.length - 1);
            assertEquals(at - 40, mapping.indexOf(shorter, at - 4096, Math.min(at + 4096, FILE_LENGTH)));
            assertEquals(at, mapping.lastIndexOf(shorter, at - 4096, Math.min(at + 4096, FILE_LENGTH)));
        }
        // A search range ending exactly on the boundary cuts the needle that straddles it.
        assertEquals(-1, mapping.indexOf(NEEDLE, 4 * GIB - 4096, 4 * GIB));
        assertEquals(-1, mapping.lastIndexOf(NEEDLE, 4 * GIB - 4096, 4 * GIB));
        assertEquals(-1, mapping.indexOf(NEEDLE, 2 * GIB, 2 * GIB + 4096));
        // Ranges spanning several windows: first and last occurrence.
        assertEquals(at2, mapping.indexOf(NEEDLE, at2 - 100, FILE_LENGTH));
        assertEquals(atEnd, mapping.lastIndexOf(NEEDLE, at2 - 100, FILE_LENGTH));
        // Searches that must cross 1 GiB of (sparse) bytes to the next needle, which straddles the point 1 GiB into
        // the search from its start (indexOf) or from its end (lastIndexOf), where a search done in 1 GiB pieces
        // (the JNA backend's) changes piece.
        long from = at4 - GIB + 7;
        assertEquals(at4, mapping.indexOf(NEEDLE, from, FILE_LENGTH));
        long to = at2 + 7 + GIB + NEEDLE.length - 1;
        assertEquals(at2, mapping.lastIndexOf(NEEDLE, at2 - 100, to));
        // One-byte needles (a different search routine): 0x20, the byte the decoys lack, is at at + 15 of every needle.
        byte[] one = {0x20};
        assertEquals(at2 + 15, mapping.indexOf(one, at2 - 4096, at2 + 4096));
        assertEquals(atEnd + 15, mapping.lastIndexOf(one, 4 * GIB, FILE_LENGTH));
        assertEquals(FILE_LENGTH - 1, mapping.lastIndexOf(one, FILE_LENGTH - 1, FILE_LENGTH));
        assertEquals(-1, mapping.indexOf(one, atEnd, FILE_LENGTH - 1));
        // Empty needles, and the bounds.
        assertEquals(4 * GIB, mapping.indexOf(new byte[0], 4 * GIB, FILE_LENGTH));
        assertEquals(FILE_LENGTH, mapping.lastIndexOf(new byte[0], 4 * GIB, FILE_LENGTH));
        assertThrows(IndexOutOfBoundsException.class, () -> mapping.indexOf(NEEDLE, 0, FILE_LENGTH + 1));
        assertThrows(IndexOutOfBoundsException.class, () -> mapping.lastIndexOf(NEEDLE, 2 * GIB + 1, 2 * GIB));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Views

    /** Checks that {@code view} is a big-endian view of {@code [offset, offset + length)} sharing its memory. */
    private void assertView(ByteBuffer view, long offset, int length) {
        String where = "view offset=" + offset + " length=" + length;
        assertTrue(view.isDirect(), where);
        assertSame(ByteOrder.BIG_ENDIAN, view.order(), where);
        assertEquals(0, view.position(), where);
        assertEquals(length, view.capacity(), where);
        assertEquals(length, view.limit(), where);
        byte[] content = random(length, offset);
        mapping.putBytes(offset, content, 0, length);
        byte[] seen = new byte[length];
        view.get(0, seen);
        assertArrayEquals(content, seen, where);
        if (length >= 8) {
            assertEquals(mapping.getLong(offset, ByteOrder.BIG_ENDIAN), view.getLong(0), where);
            assertEquals(mapping.getLong(offset + length - 8, ByteOrder.BIG_ENDIAN), view.getLong(length - 8), where);
        }
        // Writes through the view reach the mapping.
        view.put(0, (byte) 0x3C);
        view.put(length - 1, (byte) 0x3D);
        assertEquals(0x3C, mapping.getByte(offset), where);
        assertEquals(0x3D, mapping.getByte(offset + length - 1), where);
    }

    /**
     * asByteBuffer views inside one window (including one reaching exactly to the end of the window's 8-byte
     * overlap) and views crossing a window boundary (from one byte past the overlap up to 2 GiB - 1 bytes across
     * two boundaries) are big-endian, direct, of the asked length, and share the mapping's memory both ways.
     */
    @Test
    void viewsInsideOneWindowAndAcrossWindows() {
        for (long boundary : BOUNDARIES) {
            assertView(mapping.asByteBuffer(boundary - 4096, 4096), boundary - 4096, 4096); // ends at the boundary
            assertView(mapping.asByteBuffer(boundary, 4096), boundary, 4096); // starts a window
            assertView(mapping.asByteBuffer(boundary - 4, 12), boundary - 4, 12); // to the end of the overlap
            assertView(mapping.asByteBuffer(boundary - 4, 13), boundary - 4, 13); // one byte past it
            assertView(mapping.asByteBuffer(boundary - 65_536, 131_072), boundary - 65_536, 131_072);
            assertView(mapping.asByteBuffer(boundary - 1, 2), boundary - 1, 2);
        }
        // Just under 2 GiB, across the 1 GiB and 2 GiB boundaries at once.
        long offset = GIB - 100;
        ByteBuffer huge = mapping.asByteBuffer(offset, Integer.MAX_VALUE);
        assertSame(ByteOrder.BIG_ENDIAN, huge.order());
        assertEquals(Integer.MAX_VALUE, huge.capacity());
        mapping.putLong(GIB - 4, 0x0102030405060708L, ByteOrder.BIG_ENDIAN);
        mapping.putLong(2 * GIB - 4, 0x1112131415161718L, ByteOrder.BIG_ENDIAN);
        mapping.putByte(offset + Integer.MAX_VALUE - 1, (byte) 0x77);
        assertEquals(0x0102030405060708L, huge.getLong(96));
        assertEquals(0x1112131415161718L, huge.getLong((int) (GIB + 96)));
        assertEquals(0x77, huge.get(Integer.MAX_VALUE - 1));
        // The last bytes of the file, in the last window.
        assertView(mapping.asByteBuffer(FILE_LENGTH - 4096, 4096), FILE_LENGTH - 4096, 4096);
    }

    /** Views of a READ_ONLY mapping are read-only on both paths (inside a window and across windows). */
    @Test
    void viewsOfAReadOnlyMappingAreReadOnly() throws IOException {
        mapping.putLong(2 * GIB - 4, 0x2122232425262728L, ByteOrder.BIG_ENDIAN);
        mapping.sync();
        try (Mapping readOnly = Mapping.map(file, MapMode.READ_ONLY)) {
            ByteBuffer inside = readOnly.asByteBuffer(2 * GIB - 4, 12);
            ByteBuffer across = readOnly.asByteBuffer(2 * GIB - 4, 13);
            for (ByteBuffer view : new ByteBuffer[] {inside, across}) {
                assertTrue(view.isReadOnly());
                assertSame(ByteOrder.BIG_ENDIAN, view.order());
                assertEquals(0x2122232425262728L, view.getLong(0));
                assertThrows(ReadOnlyBufferException.class, () -> view.put(0, (byte) 1));
            }
        }
    }

    /**
     * An empty view is allowed anywhere in [0, length], including at length itself, also when the length is a
     * multiple of the window size (there is no window starting at length).
     */
    @Test
    void emptyViewAtTheEndOfTheMapping() {
        assertEquals(0, mapping.asByteBuffer(2 * GIB, 0).capacity());
        assertEquals(0, mapping.asByteBuffer(FILE_LENGTH - 1, 0).capacity());
        ByteBuffer atEnd = mapping.asByteBuffer(FILE_LENGTH, 0);
        assertEquals(0, atEnd.capacity());
        assertSame(ByteOrder.BIG_ENDIAN, atEnd.order());
        assertThrows(IndexOutOfBoundsException.class, () -> mapping.asByteBuffer(FILE_LENGTH + 1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> mapping.asByteBuffer(FILE_LENGTH, 1));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Mapping at a file offset past 4 GiB

    /**
     * A mapping at file offset 4 GiB + 12345 (not page aligned, beyond 32 bits): its offset 0 is file byte
     * 4 GiB + 12345 for reads, writes and views, its address keeps the sub-page remainder, and a long crossing its
     * own first window boundary lands at the right file position.
     */
    @Test
    void mappingAtAnUnalignedOffsetPastFourGiB() throws IOException {
        long fileOffset = 4 * GIB + 12_345;
        byte[] content = random(64, 7);
        writeFile(fileOffset - 1, new byte[] {SENTINEL});
        writeFile(fileOffset, content);
        long length = GIB + 64; // two windows; the file grows to 5 GiB + 12345 + 64
        try (Mapping at = Mapping.map(file, MapMode.READ_WRITE, fileOffset, length)) {
            assertEquals(length, at.length());
            assertEquals(fileOffset + length, Files.size(file));
            assertEquals(fileOffset % Mapping.pageSize(), at.address() % Mapping.pageSize());
            assertEquals(content[0], at.getByte(0));
            byte[] read = new byte[content.length];
            at.getBytes(0, read, 0, read.length);
            assertArrayEquals(content, read);
            assertEquals(ByteBuffer.wrap(content).getLong(0), at.getLong(0, ByteOrder.BIG_ENDIAN));
            assertEquals(ByteBuffer.wrap(content).getLong(0), at.asByteBuffer(0, 8).getLong(0));
            // The same bytes through the whole-file mapping.
            assertEquals(mapping.getLong(fileOffset, ByteOrder.BIG_ENDIAN), at.getLong(0, ByteOrder.BIG_ENDIAN));
            assertThrows(IndexOutOfBoundsException.class, () -> at.getByte(-1));

            at.putLong(100, 0x0A0B0C0D0E0F1011L, ByteOrder.BIG_ENDIAN);
            at.putInt(GIB - 2, 0x31323334, ByteOrder.LITTLE_ENDIAN);
            at.putByte(length - 1, (byte) 0x66);
            at.sync();
            assertEquals(0x0A0B0C0D0E0F1011L, readFile(fileOffset + 100, 8).getLong(0));
            assertEquals(0x31323334, readFile(fileOffset + GIB - 2, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
            assertEquals(0x66, readFile(fileOffset + length - 1, 1).get(0));
            assertEquals(SENTINEL, readFile(fileOffset - 1, 1).get(0));
            assertEquals(0x0A0B0C0D0E0F1011L, mapping.getLong(fileOffset + 100, ByteOrder.BIG_ENDIAN));
        }
        try (Mapping readOnly = Mapping.map(file, MapMode.READ_ONLY, fileOffset, 4096)) {
            assertEquals(content[0], readOnly.getByte(0));
            assertEquals(0x0A0B0C0D0E0F1011L, readOnly.getLong(100, ByteOrder.BIG_ENDIAN));
        }
    }
}
