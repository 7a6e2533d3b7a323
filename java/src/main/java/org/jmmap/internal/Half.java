package org.jmmap.internal;

/**
 * IEEE 754 half precision ({@code float16}, numpy's {@code np.float16}) to and from {@code float}, for JDK 17
 * ({@code Float.float16ToFloat} came in JDK 20). Widening is exact; narrowing rounds to the nearest value, ties to
 * even, overflows to infinity and keeps NaN a NaN, as numpy does. Used by the typed arrays of {@code org.jmmap.array}
 * and by the JNA backend's reductions.
 */
public final class Half {

    private Half() {
    }

    /** The {@code float} value of the half-precision {@code bits}. */
    public static float toFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) { // infinity, or NaN with its payload
            return Float.intBitsToFloat(sign | 0x7f80_0000 | mantissa << 13);
        }
        if (exponent == 0) { // zero or subnormal: mantissa × 2^-24, exact in float
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
    }

    /** The half-precision bits nearest to {@code value}. */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7fff_ffff;
        if (magnitude >= 0x7f80_0000) { // infinity or NaN (a NaN stays a NaN: keep the quiet bit set)
            return (short) (sign | 0x7c00 | (magnitude > 0x7f80_0000 ? 0x200 | (magnitude >>> 13) & 0x3ff : 0));
        }
        if (magnitude >= 0x4780_0000) { // 2^16 and beyond
            return (short) (sign | 0x7c00);
        }
        if (magnitude < 0x3880_0000) { // below 2^-14: a subnormal half; × 2^24 is exact, rint ties to even
            return (short) (sign | (int) Math.rint(Float.intBitsToFloat(magnitude) * 0x1p24f));
        }
        int h = ((magnitude >>> 23) - 112) << 10 | (magnitude >>> 13) & 0x3ff;
        int dropped = magnitude & 0x1fff;
        if (dropped > 0x1000 || dropped == 0x1000 && (h & 1) != 0) {
            h++; // may carry into the exponent, up to infinity: both correct
        }
        return (short) (sign | h);
    }
}
