package org.jmmap.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.jmmap.Mapping;

/**
 * The {@link #SIZE} bytes a bulk transfer goes round (1 GiB is 16 times round), the same in every process: either
 * pseudo-random bytes, which no codec shrinks, or text like an application log (timestamped order events), which
 * LZ4 shrinks about 3x and Deflate about 5x. Held twice, as an array for the stream APIs and as a direct buffer for
 * the others (a socket reads and writes direct buffers without a copy of its own).
 */
final class BulkData {

    /** 64 MiB: twice the last-level cache here, so that the transfers run from and to memory, not cache. */
    static final int SIZE = 64 << 20;
    static final String RANDOM = "random";
    static final String TEXT = "text";
    private static final byte[] ZEROS = new byte[1 << 20];

    final String kind;
    final byte[] array;
    final ByteBuffer direct;
    /** CRC32C of the bytes. */
    final int crc;

    private BulkData(String kind, byte[] array) {
        this.kind = kind;
        this.array = array;
        this.direct = ByteBuffer.allocateDirect(SIZE).put(array).clear();
        this.crc = crc(ByteBuffer.wrap(array));
    }

    /** The data of {@code kind} ({@link #RANDOM} or {@link #TEXT}). */
    static BulkData of(String kind) {
        byte[] bytes = new byte[SIZE];
        switch (kind) {
            case RANDOM -> random(bytes);
            case TEXT -> text(bytes);
            default -> throw new IllegalArgumentException("data=" + kind + " (random or text)");
        }
        return new BulkData(kind, bytes);
    }

    private static void random(byte[] out) {
        SplittableRandom random = new SplittableRandom(11);
        ByteBuffer b = ByteBuffer.wrap(out);
        while (b.hasRemaining()) {
            b.putLong(random.nextLong());
        }
    }

    private static void text(byte[] out) {
        SplittableRandom random = new SplittableRandom(7);
        String[] levels = {"INFO ", "INFO ", "INFO ", "DEBUG", "WARN "};
        String[] states = {"NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED"};
        StringBuilder line = new StringBuilder(160);
        long millis = 1_795_000_000_000L;
        int at = 0;
        while (at < out.length) {
            millis += random.nextInt(50);
            line.setLength(0);
            line.append(Instant.ofEpochMilli(millis)).append(' ').append(levels[random.nextInt(levels.length)])
                    .append(" [worker-").append(random.nextInt(16)).append("] order=")
                    .append(100_000_000 + random.nextInt(1_000_000)).append(" side=")
                    .append(random.nextBoolean() ? "BUY" : "SELL").append(" price=").append(95 + random.nextInt(10))
                    .append('.').append(10 + random.nextInt(90)).append(" qty=").append(100 * (1 + random.nextInt(50)))
                    .append(" status=").append(states[random.nextInt(states.length)]).append('\n');
            byte[] bytes = line.toString().getBytes(StandardCharsets.US_ASCII);
            int n = Math.min(bytes.length, out.length - at);
            System.arraycopy(bytes, 0, out, at, n);
            at += n;
        }
    }

    static int crc(ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate());
        return (int) crc.getValue();
    }

    /** Where a bulk transfer goes, in the benchmark's process: the same three forms as the source. */
    static final class Destination implements AutoCloseable {
        final byte[] array = new byte[SIZE];
        final ByteBuffer direct = ByteBuffer.allocateDirect(SIZE);
        /** For the C {@code memcpy}: memory it can address. */
        final Mapping memory;

        Destination() throws IOException {
            memory = Mapping.anonymous(SIZE);
            memory.fill(0, SIZE, (byte) 0); // faulted in, as the others are
        }

        /**
         * Checks that {@code what} left {@code data}'s bytes in the form it wrote and clears them for the next.
         *
         * @throws IllegalStateException if they differ: the transfer lost or corrupted data
         */
        void checkAndClear(String what, BulkData data, Form form) {
            int found = switch (form) {
                case ARRAY -> crc(ByteBuffer.wrap(array));
                case DIRECT -> crc(direct);
                case MEMORY -> crc(memory.asByteBuffer(0, SIZE));
            };
            if (found != data.crc) {
                throw new IllegalStateException(what + " (data=" + data.kind + "): the destination's CRC32C is "
                        + Integer.toHexString(found) + ", the data's " + Integer.toHexString(data.crc));
            }
            switch (form) {
                case ARRAY -> java.util.Arrays.fill(array, (byte) 0);
                case DIRECT -> {
                    for (int at = 0; at < SIZE; at += ZEROS.length) {
                        direct.put(at, ZEROS);
                    }
                }
                case MEMORY -> memory.fill(0, SIZE, (byte) 0);
            }
        }

        @Override
        public void close() {
            memory.close();
        }

        /** Which of the destination's forms a transfer wrote. */
        enum Form { ARRAY, DIRECT, MEMORY }
    }
}
