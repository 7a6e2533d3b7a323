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
     * Spin while spinning pays (learned from the last waits, up to 20 µs), then yield the core between checks for
     * 20 µs, then sleep: sub-microsecond answers when the peer runs on another core, a few microseconds when it waits
     * for this one, and no CPU while idle.
     *
     * <p>Why the spin is learned: a side waits for an answer right after waking its peer, and on a machine with few
     * cores, or busy ones, the kernel often queues the woken peer on the waker's own core; spinning there only keeps
     * the peer from running, while a yield hands it the core. When the peer runs on another core, a spin sees the
     * answer sooner than a loop of yields. So a spin that ended with the answer doubles the next one (up to 20 µs),
     * one that ran out halves it, down to none, and while there is none, one wait in 64 spins 1 µs to find out
     * whether spinning pays again. A ping-pong between two processes on 2 busy cores
     * (bench/results/20261130-051257-jdk17-channel-latency-ab.md), both processes on one core: 3.7 µs a round trip
     * at the median with this default, 3.7 µs yielding without spinning, 44 µs with the former default (spin 20 µs,
     * yield 100 µs, then sleep: two spins per round trip), 5.9 µs through a pipe; on two cores: 0.37 µs, 0.85–1.1 µs
     * and 0.37 µs. Past the yield phase the answer is not coming soon: sleeping then costs one wake-up, and a side
     * waiting for messages that come rarely spends at most 40 µs of CPU on each (20 µs once its spins stop
     * paying). {@link #backoff} sets fixed phases.
     */
    public static final WaitStrategy DEFAULT = new WaitStrategy(20_000, 20_000, true, true);
    /** Never sleep, never yield: the lowest latency, a whole core while waiting. */
    public static final WaitStrategy BUSY_SPIN = new WaitStrategy(Long.MAX_VALUE, 0, false, false);
    /** Sleep in the kernel at once (after a handful of checks): the least CPU. */
    public static final WaitStrategy SLEEP = new WaitStrategy(0, 0, true, false);

    private final long spinNanos;
    private final long yieldNanos;
    private final boolean sleeps;
    private final boolean adaptive;

    private WaitStrategy(long spinNanos, long yieldNanos, boolean sleeps, boolean adaptive) {
        this.spinNanos = spinNanos;
        this.yieldNanos = yieldNanos;
        this.sleeps = sleeps;
        this.adaptive = adaptive;
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
        return new WaitStrategy(saturatedNanos(spin), saturatedNanos(yield), true, false);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /** How long a waiter checks continuously, in nanoseconds ({@link #DEFAULT}: at most). */
    public long spinNanos() {
        return spinNanos;
    }

    /** Whether the spin is learned from the last waits, up to {@link #spinNanos()} (only {@link #DEFAULT}). */
    boolean adaptive() {
        return adaptive;
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
        String spin = adaptive ? "up to " + spinNanos + " ns while it pays" : spinNanos + " ns";
        return "WaitStrategy[spin " + spin + ", yield " + yieldNanos + " ns, then sleep]";
    }
}
