package org.jmmap.arrow;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.jmmap.Mapping;

/**
 * The framing of the Arrow IPC formats: the file's magic, the encapsulated message (a continuation marker, the
 * metadata length, the flatbuffer {@code Message} padded to 8 bytes, then the body), the end-of-stream marker.
 * Offsets and lengths read from a file are checked here before anything is read at them.
 */
final class IpcFormat {

    /** "ARROW1": the first six and the last six bytes of a file. */
    static final byte[] MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);
    /** The magic padded to 8 bytes, where the file's first message starts. */
    static final int HEADER_LENGTH = 8;
    /** The footer's length (int32) and the magic after the footer. */
    static final int TRAILER_LENGTH = 4 + 6;
    /** The smallest file: the header, a footer of at least 4 bytes, the trailer. */
    static final int MIN_FILE_LENGTH = HEADER_LENGTH + 4 + TRAILER_LENGTH;
    /** The marker before the metadata length (since Arrow 0.15). */
    static final int CONTINUATION = 0xFFFFFFFF;
    /** Buffers and messages are padded to this many bytes here (the format asks for 8; 64 suits SIMD). */
    static final int ALIGNMENT = 64;

    private IpcFormat() {
    }

    /** {@code value} rounded up to a multiple of {@code alignment} (a power of two). */
    static long align(long value, int alignment) {
        return (value + alignment - 1) & -(long) alignment;
    }

    /**
     * The flatbuffer message of the encapsulated message at {@code offset} of {@code mapping}, whose metadata
     * (prefix, flatbuffer and padding) takes {@code metadataLength} bytes and whose body {@code bodyLength} more,
     * all before {@code limit}.
     *
     * @throws ArrowFormatException if the lengths do not fit, the flatbuffer is invalid, its version is older than
     *                              V4 or newer than V5, or its body length disagrees; {@code where} starts the message
     */
    static Message message(Mapping mapping, long offset, long metadataLength, long bodyLength, long limit,
                           String where) throws ArrowFormatException {
        if (offset < HEADER_LENGTH || metadataLength < 8 || bodyLength < 0 || offset > limit
                || metadataLength > limit - offset || bodyLength > limit - offset - metadataLength) {
            throw new ArrowFormatException(where + ": offset=" + offset + " metaDataLength=" + metadataLength
                    + " bodyLength=" + bodyLength + " do not lie within the file's messages [" + HEADER_LENGTH + ", "
                    + limit + ")");
        }
        int first = mapping.getInt(offset, ByteOrder.LITTLE_ENDIAN);
        long prefix = first == CONTINUATION ? 8 : 4; // before 0.15: the length alone
        long flatbufferLength = first == CONTINUATION ? mapping.getInt(offset + 4, ByteOrder.LITTLE_ENDIAN) : first;
        if (flatbufferLength <= 0 || flatbufferLength > metadataLength - prefix) {
            throw new ArrowFormatException(where + ": message length=" + flatbufferLength + " at offset=" + offset
                    + " does not fit its block's metaDataLength=" + metadataLength);
        }
        Message message;
        try {
            ByteBuffer bytes = mapping.asByteBuffer(offset + prefix, (int) flatbufferLength)
                    .order(ByteOrder.LITTLE_ENDIAN);
            message = Message.getRootAsMessage(bytes);
            message.headerType(); // touch the fields read later, so that a bad table fails here
            message.version();
        } catch (RuntimeException e) {
            throw new ArrowFormatException(where + ": the message at offset=" + offset + " is not a valid flatbuffer ("
                    + e + ")", e);
        }
        checkVersion(message.version(), where);
        if (message.bodyLength() != bodyLength) {
            throw new ArrowFormatException(where + ": the message's bodyLength=" + message.bodyLength()
                    + " differs from its block's bodyLength=" + bodyLength);
        }
        return message;
    }

    /**
     * @throws ArrowFormatException unless {@code version} is V4 or V5 (V1 to V3 predate Arrow 0.8 and have another
     *                              layout; a newer one is unknown)
     */
    static void checkVersion(short version, String where) throws ArrowFormatException {
        if (version != MetadataVersion.V4 && version != MetadataVersion.V5) {
            throw new ArrowFormatException(where + ": metadata version V" + (version + 1) + " (version=" + version
                    + "): jmmap reads V4 and V5 (Arrow 0.8 and later)");
        }
    }
}
