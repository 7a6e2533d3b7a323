package org.jmmap.ipc;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** The compressors and decompressors of one sender or receiver, created when first needed. */
final class Codecs {

    private Deflater deflater;
    private Inflater inflater;

    /** The largest payload (prefix included) {@code rawLength} bytes can become with {@code c}. */
    static int maxPayload(Compression c, int rawLength) {
        return ChannelDescriptor.COMPRESSED_PREFIX + switch (c) {
            case NONE -> rawLength;
            // zlib's compressBound: the zlib header and trailer included.
            case DEFLATE -> rawLength + (rawLength >> 12) + (rawLength >> 14) + (rawLength >> 25) + 13;
            case LZ4 -> Lz4Codec.maxCompressedLength(rawLength);
        };
    }

    /** The largest raw chunk whose compressed payload fits in {@code maxPayload} bytes. */
    static int maxRawChunk(Compression c, int maxPayload) {
        int raw = maxPayload - ChannelDescriptor.COMPRESSED_PREFIX;
        while (raw > 0 && maxPayload(c, raw) > maxPayload) {
            raw -= Math.max(1, (maxPayload(c, raw) - maxPayload));
        }
        return Math.max(raw, 0);
    }

    /**
     * Compresses {@code src}'s bytes between position and limit into {@code dst} at {@code dstIndex} (absolute),
     * writing at most {@code maxLength} bytes: the uncompressed length as an int, then the compressed data.
     *
     * @return the payload's length, prefix included
     */
    int compress(Compression c, ByteBuffer src, ByteBuffer dst, int dstIndex, int maxLength) {
        int rawLength = src.remaining();
        dst.putInt(dstIndex, rawLength);
        int dataIndex = dstIndex + ChannelDescriptor.COMPRESSED_PREFIX;
        int room = maxLength - ChannelDescriptor.COMPRESSED_PREFIX;
        int written;
        if (c == Compression.DEFLATE) {
            Deflater d = deflater();
            d.reset();
            d.setInput(src.duplicate());
            d.finish();
            ByteBuffer out = dst.duplicate().limit(dataIndex + room).position(dataIndex);
            while (!d.finished()) {
                if (d.deflate(out, Deflater.NO_FLUSH) == 0 && !out.hasRemaining()) {
                    throw new IllegalStateException("deflate output exceeded its bound: rawLength=" + rawLength);
                }
            }
            written = out.position() - dataIndex;
        } else {
            written = Lz4Codec.compress(src, src.position(), rawLength, dst, dataIndex, room);
        }
        return ChannelDescriptor.COMPRESSED_PREFIX + written;
    }

    /**
     * Decompresses the payload {@code src[srcIndex, +length)} (prefix included) into {@code dst} at
     * {@code dstIndex}.
     *
     * @return the uncompressed length
     * @throws IllegalArgumentException if the payload is malformed or its uncompressed length is not the declared
     *                                  one
     */
    int decompress(int codec, ByteBuffer src, int srcIndex, int length, ByteBuffer dst, int dstIndex) {
        int rawLength = src.getInt(srcIndex);
        int dataIndex = srcIndex + ChannelDescriptor.COMPRESSED_PREFIX;
        int dataLength = length - ChannelDescriptor.COMPRESSED_PREFIX;
        int produced;
        if (codec == ChannelDescriptor.CODEC_DEFLATE) {
            Inflater i = inflater();
            i.reset();
            i.setInput(src.duplicate().limit(dataIndex + dataLength).position(dataIndex));
            ByteBuffer out = dst.duplicate().limit(dstIndex + rawLength).position(dstIndex);
            try {
                while (!i.finished()) {
                    if (i.inflate(out) == 0 && (i.needsInput() || i.needsDictionary() || !out.hasRemaining())) {
                        break;
                    }
                }
            } catch (DataFormatException e) {
                throw new IllegalArgumentException("malformed deflate payload: " + e.getMessage(), e);
            }
            if (!i.finished()) {
                throw new IllegalArgumentException("deflate payload does not end within rawLength=" + rawLength);
            }
            produced = out.position() - dstIndex;
        } else if (codec == ChannelDescriptor.CODEC_LZ4) {
            produced = Lz4Codec.decompress(src, dataIndex, dataLength, dst, dstIndex, rawLength);
        } else {
            throw new IllegalArgumentException("codec=" + codec + ": unknown");
        }
        if (produced != rawLength) {
            throw new IllegalArgumentException("compressed payload decodes to " + produced
                    + " bytes, declared rawLength=" + rawLength);
        }
        return rawLength;
    }

    private Deflater deflater() {
        if (deflater == null) {
            deflater = new Deflater(1);
        }
        return deflater;
    }

    private Inflater inflater() {
        if (inflater == null) {
            inflater = new Inflater();
        }
        return inflater;
    }

    void close() {
        if (deflater != null) {
            deflater.end();
        }
        if (inflater != null) {
            inflater.end();
        }
    }
}
