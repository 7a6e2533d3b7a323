package org.jmmap.arrow;

import java.io.IOException;

/**
 * A file that is not a valid Arrow IPC file, or holds something jmmap does not read: bad magic, a footer or a
 * message that is not where its lengths say or not a valid flatbuffer, a block or a buffer outside the file or its
 * body, a record batch that disagrees with the schema, compressed buffers, a big-endian file. The message names the
 * file, the value found and the limit. Nothing outside the file's mapping is ever read before it is thrown.
 */
public class ArrowFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public ArrowFormatException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the {@code cause} behind it. */
    public ArrowFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
