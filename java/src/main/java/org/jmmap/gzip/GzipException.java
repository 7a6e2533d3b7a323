package org.jmmap.gzip;

import java.util.Objects;
import java.util.zip.ZipException;

/**
 * Compressed input that is not valid gzip: the {@link #reason()} says what is wrong and {@link #offset()} where,
 * in bytes from the start of the compressed file or stream. The message names both, and the file when there is one.
 */
public final class GzipException extends ZipException {

    private static final long serialVersionUID = 1L;

    /** What is wrong with the input. */
    public enum Reason {
        /** The input does not start with a gzip header ({@code 1f 8b}). */
        NOT_GZIP,
        /** The input ends inside a gzip member (header, compressed data or trailer), or is empty. */
        TRUNCATED,
        /**
         * A header field is invalid: a compression method other than deflate, reserved flags set, a BGZF block
         * size out of range.
         */
        BAD_HEADER,
        /** The header's own CRC-16 ({@code FHCRC}) does not match the header. */
        BAD_HEADER_CRC,
        /** The deflate data is corrupt. */
        CORRUPT_DATA,
        /** The CRC-32 in a member's trailer does not match the decompressed data. */
        BAD_CRC,
        /** The length in a member's trailer (ISIZE, the size modulo 2^32) does not match the decompressed data. */
        BAD_LENGTH,
        /** Bytes that are not a gzip member and not zeros follow the last member (only an error when strict). */
        TRAILING_GARBAGE,
        /** The input is gzip but not the BGZF that the operation needs (a {@link GzipIndex}). */
        NOT_BGZF,
        /** A {@code .gzi} index does not fit its BGZF file. */
        BAD_INDEX
    }

    private final Reason reason;
    private final long offset;

    /**
     * @param reason what is wrong
     * @param offset where, in bytes from the start of the compressed input
     * @param detail what was found, in {@code key=value} terms
     */
    public GzipException(Reason reason, long offset, String detail) {
        super(detail + " at offset=" + offset);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.offset = offset;
    }

    /** What is wrong with the input. */
    public Reason reason() {
        return reason;
    }

    /** Where the problem was found, in bytes from the start of the compressed input. */
    public long offset() {
        return offset;
    }

    /** The same problem with the name of the file it is in added to the message. */
    GzipException in(Object file) {
        GzipException named = new GzipException(reason, offset, getMessage() + " in " + file);
        named.initCause(getCause());
        named.setStackTrace(getStackTrace());
        return named;
    }
}
