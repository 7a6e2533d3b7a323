package org.jmmap.array;

import java.io.IOException;

/**
 * A file that is not a valid {@code .npy} (or {@code .npz}) file, or one jmmap cannot map: bad magic, unknown
 * format version, a header that is not the dict numpy writes, a dtype without a Java view (pickled objects,
 * {@code float128}), or a file shorter than its header says. The message names the file, the value found and the
 * limit. Nothing is modified when it is thrown.
 */
public class NpyFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public NpyFormatException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the {@code cause} behind it. */
    public NpyFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
