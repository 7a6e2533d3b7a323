package org.jmmap.array;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

/**
 * The element values the interop tests write on one side and check on the other: element {@code i} (flat, C
 * order) of every dtype, computed the same way here and in {@link #PYTHON}.
 */
final class Values {

    private Values() {
    }

    /** numpy's side: {@code values(dtype, n)}, the first n elements as a 1-d array. */
    static final String PYTHON = String.join("\n",
            "def values(dt, n):",
            "    i = np.arange(n, dtype=np.int64)",
            "    k = dt.kind",
            "    if k == 'b': return i % 3 == 0",
            "    if k in 'iu': return (i * 2654435761 - (1 << 40)).astype(dt)",
            "    if k == 'f': return ((i - 7) * 0.25).astype(dt)",
            "    if k == 'c': return ((i - 7) * 0.25 + 1j * (i * 0.5)).astype(dt)",
            "    if k in 'Mm': return (i * 2654435761 - (1 << 40)).astype(dt)",
            "    if k == 'S': return np.array([b'x%d' % v for v in i], dtype=dt)",
            "    if k == 'U': return np.array(['\\u00e9\\u6e29%d' % (v % 10) for v in i], dtype=dt)",
            "    raise ValueError(dt)",
            "");

    static long integer(long i) {
        return i * 2654435761L - (1L << 40);
    }

    static double real(long i) {
        return (i - 7) * 0.25;
    }

    static double imaginary(long i) {
        return i * 0.5;
    }

    static byte[] bytes(long i, int width) {
        byte[] value = new byte[width];
        byte[] text = ("x" + i).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, value, 0, Math.min(width, text.length));
        return value;
    }

    static int[] codePoints(long i, int width) {
        int[] value = new int[width];
        int[] text = ("\u00e9\u6e29" + (i % 10)).codePoints().toArray();
        System.arraycopy(text, 0, value, 0, Math.min(width, text.length));
        return value;
    }

    /** How many view elements one array element of {@code header}'s dtype takes (2 for complex, n for strings). */
    static int width(NpyHeader header) {
        switch (header.dtype()) {
            case COMPLEX64:
            case COMPLEX128:
                return 2;
            case BYTES:
                return (int) header.itemSize();
            case UNICODE:
                return (int) header.itemSize() / 4;
            default:
                return 1;
        }
    }

    /** Writes element {@code i}'s value through the view of an array of {@code dtype}. */
    static void write(TypedArray view, DType dtype, long i, int width) {
        switch (dtype) {
            case BOOL:
                ((ByteArray) view).setBoolean(i, i % 3 == 0);
                break;
            case INT8:
            case UINT8:
                ((ByteArray) view).set(i, (byte) integer(i));
                break;
            case INT16:
            case UINT16:
                ((ShortArray) view).set(i, (short) integer(i));
                break;
            case INT32:
            case UINT32:
                ((IntArray) view).set(i, (int) integer(i));
                break;
            case INT64:
            case UINT64:
            case DATETIME64:
            case TIMEDELTA64:
                ((LongArray) view).set(i, integer(i));
                break;
            case FLOAT16:
            case FLOAT32:
                ((FloatArray) view).set(i, (float) real(i));
                break;
            case FLOAT64:
                ((DoubleArray) view).set(i, real(i));
                break;
            case COMPLEX64:
                ((FloatArray) view).set(2 * i, (float) real(i));
                ((FloatArray) view).set(2 * i + 1, (float) imaginary(i));
                break;
            case COMPLEX128:
                ((DoubleArray) view).set(2 * i, real(i));
                ((DoubleArray) view).set(2 * i + 1, imaginary(i));
                break;
            case BYTES:
                byte[] b = bytes(i, width);
                for (int n = 0; n < width; n++) {
                    ((ByteArray) view).set(i * width + n, b[n]);
                }
                break;
            case UNICODE:
                int[] u = codePoints(i, width);
                for (int n = 0; n < width; n++) {
                    ((IntArray) view).set(i * width + n, u[n]);
                }
                break;
            default:
                throw new AssertionError(dtype);
        }
    }

    /** Checks element {@code i} of an array of {@code dtype} through its view. */
    static void check(TypedArray view, DType dtype, long i, int width, String what) {
        switch (dtype) {
            case BOOL:
                assertEquals(i % 3 == 0, ((ByteArray) view).getBoolean(i), what);
                break;
            case INT8:
                assertEquals((byte) integer(i), ((ByteArray) view).get(i), what);
                break;
            case UINT8:
                assertEquals(Byte.toUnsignedInt((byte) integer(i)), ((ByteArray) view).getUnsigned(i), what);
                break;
            case INT16:
                assertEquals((short) integer(i), ((ShortArray) view).get(i), what);
                break;
            case UINT16:
                assertEquals(Short.toUnsignedInt((short) integer(i)), ((ShortArray) view).getUnsigned(i), what);
                break;
            case INT32:
                assertEquals((int) integer(i), ((IntArray) view).get(i), what);
                break;
            case UINT32:
                assertEquals(Integer.toUnsignedLong((int) integer(i)), ((IntArray) view).getUnsigned(i), what);
                break;
            case INT64:
            case UINT64:
            case DATETIME64:
            case TIMEDELTA64:
                assertEquals(integer(i), ((LongArray) view).get(i), what);
                break;
            case FLOAT16:
            case FLOAT32:
                assertEquals((float) real(i), ((FloatArray) view).get(i), what);
                break;
            case FLOAT64:
                assertEquals(real(i), ((DoubleArray) view).get(i), what);
                break;
            case COMPLEX64:
                assertEquals((float) real(i), ((FloatArray) view).get(2 * i), what);
                assertEquals((float) imaginary(i), ((FloatArray) view).get(2 * i + 1), what);
                break;
            case COMPLEX128:
                assertEquals(real(i), ((DoubleArray) view).get(2 * i), what);
                assertEquals(imaginary(i), ((DoubleArray) view).get(2 * i + 1), what);
                break;
            case BYTES:
                byte[] b = bytes(i, width);
                for (int n = 0; n < width; n++) {
                    assertEquals(b[n], ((ByteArray) view).get(i * width + n), what);
                }
                break;
            case UNICODE:
                int[] u = codePoints(i, width);
                for (int n = 0; n < width; n++) {
                    assertEquals(u[n], ((IntArray) view).get(i * width + n), what);
                }
                break;
            default:
                throw new AssertionError(dtype);
        }
    }
}
