package org.jmmap.ipc;

/**
 * How a sender compresses the messages it sends. The codec is recorded in each record, so a receiver decompresses
 * whatever arrives without being told; senders of one channel may use different codecs.
 */
public enum Compression {
    /** The payload is the message bytes: no work, and what every other language reads most easily. */
    NONE(ChannelDescriptor.CODEC_NONE),
    /**
     * zlib (RFC 1950) at level 1, through the JDK's {@link java.util.zip.Deflater}: pays on compressible data when
     * the channel is slower than the compressor (rarely in shared memory; see the README's table).
     */
    DEFLATE(ChannelDescriptor.CODEC_DEFLATE),
    /**
     * LZ4 blocks through lz4-java ({@code at.yawk.lz4:lz4-java}), an optional dependency: sending or receiving an
     * LZ4 record without it on the class path throws {@link IllegalStateException} naming the artifact.
     */
    LZ4(ChannelDescriptor.CODEC_LZ4);

    private final int code;

    Compression(int code) {
        this.code = code;
    }

    /** The codec number records carry ({@link ChannelDescriptor#CODEC_NONE} ...). */
    public int code() {
        return code;
    }

    /** Whether this process can use the codec: always for NONE and DEFLATE; for LZ4, whether lz4-java loads. */
    public boolean isAvailable() {
        return this != LZ4 || Lz4Codec.available();
    }

    /** The codec numbered {@code code} in a record; {@code null} if there is none. */
    static Compression of(int code) {
        for (Compression c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
