package org.jmmap.ipc;

import java.io.IOException;

/**
 * The process on the other side of a {@link ShmChannel} died (it ended without closing its side, for example by
 * SIGKILL): thrown to a receiver waiting for messages from a dead producer, or reading a message whose producer
 * died before finishing it, and to a sender waiting for space that a dead receiver will never free. The channel
 * stays usable: a new producer or receiver can attach and carry on, and the waiting side then continues.
 */
public class PeerDiedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int pid;

    /**
     * @param pid     the dead peer's process id
     * @param message the whole message
     */
    public PeerDiedException(int pid, String message) {
        super(message);
        this.pid = pid;
    }

    /** The process id of the peer that died. */
    public int pid() {
        return pid;
    }
}
