package org.jmmap.ipc;

import java.util.Random;

/** The stress test's message sizes: 99% up to 256 B, 0.99% up to 16 KiB, 0.01% up to 1 MiB, and rare huge ones. */
final class StressSizes {

    /** The length of the huge messages. */
    static final int HUGE = 100 << 20;

    private StressSizes() {
    }

    static int length(Random random, long sequence, long hugeEvery) {
        if (hugeEvery > 0 && sequence % hugeEvery == hugeEvery - 1) {
            return HUGE;
        }
        int dice = random.nextInt(10_000);
        if (dice < 9_900) {
            return 16 + random.nextInt(241);
        }
        if (dice < 9_999) {
            return 16 + random.nextInt(16 << 10);
        }
        return 16 + random.nextInt(1 << 20);
    }
}
