package org.jmmap.ipc;

import java.io.IOException;

/**
 * A file or shared memory object is not a {@link ShmChannel} this version can open: wrong magic or version, too
 * small for its header or for the ring it declares, or header fields out of range. The message names the field,
 * the value found and what was expected.
 */
public class ChannelFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message the whole message */
    public ChannelFormatException(String message) {
        super(message);
    }
}
