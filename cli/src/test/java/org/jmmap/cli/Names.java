package org.jmmap.cli;

import java.util.concurrent.ThreadLocalRandom;

/** Shared memory names no other test, process or engineer uses at the same time. */
final class Names {

    private Names() {
    }

    static String unique(String what) {
        return "jmmap-cli-" + what + "-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    }
}
