package org.jmmap.ipc;

import java.nio.ByteBuffer;

/**
 * LZ4 through lz4-java, an optional dependency: nothing here names an lz4-java type, so this class loads without
 * it; {@link Impl} does, and is loaded only once {@link #available()} found the library.
 */
final class Lz4Codec {

    private static final boolean AVAILABLE = probe();

    private Lz4Codec() {
    }

    private static boolean probe() {
        try {
            Class.forName("net.jpountz.lz4.LZ4Factory", false, Lz4Codec.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Whether lz4-java is on the class path. */
    static boolean available() {
        return AVAILABLE;
    }

    static void require() {
        if (!AVAILABLE) {
            throw new IllegalStateException("Compression.LZ4 needs lz4-java on the class path "
                    + "(Maven: at.yawk.lz4:lz4-java:1.14.0); it is an optional dependency of jmmap");
        }
    }

    /** The largest LZ4 block {@code rawLength} bytes can become. */
    static int maxCompressedLength(int rawLength) {
        // LZ4_compressBound: what lz4-java's maxCompressedLength returns, without loading it.
        return rawLength + rawLength / 255 + 16;
    }

    /** Compresses {@code src[srcOffset, +length)} into {@code dst} at {@code dstOffset}; returns the block's length. */
    static int compress(ByteBuffer src, int srcOffset, int length, ByteBuffer dst, int dstOffset, int maxLength) {
        require();
        return Impl.COMPRESSOR.compress(src, srcOffset, length, dst, dstOffset, maxLength);
    }

    /**
     * Decompresses the block {@code src[srcOffset, +length)} into {@code dst} at {@code dstOffset}, writing at most
     * {@code maxLength} bytes; returns how many it wrote.
     *
     * @throws IllegalArgumentException if the block is malformed
     */
    static int decompress(ByteBuffer src, int srcOffset, int length, ByteBuffer dst, int dstOffset, int maxLength) {
        require();
        try {
            return Impl.DECOMPRESSOR.decompress(src, srcOffset, length, dst, dstOffset, maxLength);
        } catch (RuntimeException malformed) { // net.jpountz.lz4.LZ4Exception
            throw new IllegalArgumentException("malformed LZ4 block: " + malformed.getMessage(), malformed);
        }
    }

    private static final class Impl {
        static final net.jpountz.lz4.LZ4Compressor COMPRESSOR =
                net.jpountz.lz4.LZ4Factory.fastestInstance().fastCompressor();
        static final net.jpountz.lz4.LZ4SafeDecompressor DECOMPRESSOR =
                net.jpountz.lz4.LZ4Factory.fastestInstance().safeDecompressor();
    }
}
