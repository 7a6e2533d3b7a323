package org.jmmap.gzip;

/**
 * CRC-32 (the gzip polynomial) of a concatenation from the CRCs of its parts, as zlib's {@code crc32_combine}
 * (the method of zlib 1.2.12 and later: multiplying by x^(8n) modulo the polynomial, with x^(2^k) from a table,
 * about 32 cheap steps per call whatever the lengths). This is what lets threads compute the CRC of their own
 * blocks and the writer combine them in order. The JDK has no such function.
 */
final class Crc32Combine {

    /** The CRC-32 polynomial, reflected. */
    private static final int POLYNOMIAL = 0xedb88320;
    /** {@code X2N[k]} = x^(2^k) modulo the polynomial for k = 0..31; the powers repeat after that. */
    private static final int[] X2N = new int[32];

    static {
        int p = 1 << 30; // x^1, in the reflected representation where bit 31 is x^0
        X2N[0] = p;
        for (int k = 1; k < 32; k++) {
            p = multiply(p, p);
            X2N[k] = p;
        }
    }

    private Crc32Combine() {
    }

    /**
     * The CRC-32 of {@code A + B} from {@code crcA}, the CRC-32 of A, and {@code crcB}, that of B, which is
     * {@code lengthB} bytes long.
     *
     * @throws IllegalArgumentException if {@code lengthB < 0}
     */
    static int combine(int crcA, int crcB, long lengthB) {
        if (lengthB < 0) {
            throw new IllegalArgumentException("lengthB=" + lengthB + ": must be >= 0");
        }
        return multiply(powerOfX(lengthB, 3), crcA) ^ crcB;
    }

    /** x^(n * 2^k) modulo the polynomial: x^(8 * lengthB) for k = 3. */
    private static int powerOfX(long n, int k) {
        int p = 1 << 31; // x^0
        while (n != 0) {
            if ((n & 1) != 0) {
                p = multiply(X2N[k & 31], p);
            }
            n >>>= 1;
            k++;
        }
        return p;
    }

    /** a * b modulo the polynomial, both reflected (bit 31 is x^0). */
    private static int multiply(int a, int b) {
        int product = 0;
        for (int bit = 1 << 31; bit != 0; bit >>>= 1) {
            if ((a & bit) != 0) {
                product ^= b;
            }
            b = (b & 1) != 0 ? (b >>> 1) ^ POLYNOMIAL : b >>> 1;
        }
        return product;
    }
}
