package org.jmmap.ipc;

import java.time.Duration;
import java.util.Objects;

/**
 * How a side of a {@link ShmChannel} waits: for a message (a receiver) or for space in the ring (a sender). It
 * checks continuously for a while ({@link Thread#onSpinWait()}), then yields its core between checks for a while,
 * then sleeps in the kernel ({@code FUTEX_WAIT}) until the other side wakes it. The other side enters the kernel
 * to wake it only when the waiter has announced its sleep, so a side that never sleeps costs its peer nothing.
 *
 * <p>Spinning gives the lowest latency and burns a core while idle; sleeping costs a few microseconds of wake-up
 * latency and no CPU. Whatever the strategy, a waiting side checks every 100 ms whether its peer process still
 * runs.
 */
public final class WaitStrategy {

    /**
     * Yield the core between checks for 20 µs, then sleep: a few microseconds of latency whether the peer runs on
     * another core or waits for this one, and no CPU while idle.
     *
     * <p>Why it does not spin: a side waits for an answer right after waking its peer, and on a machine with few
     * cores, or busy ones, the kernel often queues the woken peer on the waker's own core; spinning there only keeps
     * the peer from running, while a yield hands it the core. A ping-pong between two processes on 2 busy cores
     * (bench/results/20261130-051257-jdk17-channel-latency-ab.md) took 3.3 µs a round trip at the median, 5.9 µs
     * at the 99th percentile, with 1.8 µs of CPU per side, less than a pipe (5.9 µs); the former default (spin
     * 20 µs, yield 100 µs, then sleep) took 43 µs (two spins), or 0.3–0.6 µs in the rounds where the sides happened
     * to run on different cores, with 22 µs of CPU per side. On two free cores a spin answers in 0.4 µs, a yield
     * loop in 0.9 µs. Past 20 µs the answer is not coming soon: sleeping then costs one wake-up, and a side waiting
     * for messages that come rarely spends at most 20 µs of CPU on each. {@link #backoff} sets other phases, e.g. a
     * spin for dedicated cores.
     */
    public static final WaitStrategy DEFAULT = new WaitStrategy(0, 20_000, true);
    /** Never sleep, never yield: the lowest latency, a whole core while waiting. */
    public static final WaitStrategy BUSY_SPIN = new WaitStrategy(Long.MAX_VALUE, 0, false);
    /** Sleep in the kernel at once (after a handful of checks): the least CPU. */
    public static final WaitStrategy SLEEP = new WaitStrategy(0, 0, true);

    private final long spinNanos;
    private final long yieldNanos;
    private final boolean sleeps;

    private WaitStrategy(long spinNanos, long yieldNanos, boolean sleeps) {
        this.spinNanos = spinNanos;
        this.yieldNanos = yieldNanos;
        this.sleeps = sleeps;
    }

    /**
     * Spin for {@code spin}, then yield for {@code yield}, then sleep in the kernel.
     *
     * @throws IllegalArgumentException if either is negative
     */
    public static WaitStrategy backoff(Duration spin, Duration yield) {
        Objects.requireNonNull(spin, "spin");
        Objects.requireNonNull(yield, "yield");
        if (spin.isNegative() || yield.isNegative()) {
            throw new IllegalArgumentException("spin=" + spin + " yield=" + yield + ": must not be negative");
        }
        return new WaitStrategy(saturatedNanos(spin), saturatedNanos(yield), true);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /** How long a waiter checks continuously, in nanoseconds. */
    public long spinNanos() {
        return spinNanos;
    }

    /** How long a waiter then yields between checks, in nanoseconds. */
    public long yieldNanos() {
        return yieldNanos;
    }

    /** Whether a waiter finally sleeps in the kernel ({@code false} only for {@link #BUSY_SPIN}). */
    public boolean sleeps() {
        return sleeps;
    }

    @Override
    public String toString() {
        if (!sleeps) {
            return "WaitStrategy[busy spin]";
        }
        return "WaitStrategy[spin " + spinNanos + " ns, yield " + yieldNanos + " ns, then sleep]";
    }
}
