package org.jmmap.testing;

/**
 * Iteration counts of the stress and crash-safety tests, shortened where JVMs are slow: under an emulator,
 * {@code -Djmmap.test.stress.divisor=N} (in {@code jmmap.test.jvm.flags}, so that child JVMs see it too) divides
 * them by N. The tests still assert the same outcomes, over fewer rounds.
 */
public final class Stress {

    /** The divisor, 1 unless set. */
    public static final int DIVISOR = Math.max(1, Integer.getInteger("jmmap.test.stress.divisor", 1));

    private Stress() {
    }

    /** {@code count} divided by the divisor, at least 1. */
    public static int scaled(int count) {
        return Math.max(1, count / DIVISOR);
    }
}
