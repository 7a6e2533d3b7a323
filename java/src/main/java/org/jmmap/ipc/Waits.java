package org.jmmap.ipc;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeoutException;
import org.jmmap.ErrnoException;
import org.jmmap.internal.Errors;

/**
 * The one wait loop of the channel: spin, yield, then sleep on a futex word after announcing it in a waiters word
 * (see {@link WaitStrategy}), checking the peer every {@link #CHECK_NANOS}.
 *
 * <h2>Why a wake-up may come late, and by how much at most</h2>
 * The side that makes progress (a producer's commit, the consumer's publication of free space) stores its progress
 * {@code S}, then reads the waiters word {@code W} with a plain load and wakes only if it reads 1. The waiter reads
 * the futex word ({@code v}), stores {@code W = 1} with a full fence (a volatile store), checks the condition again,
 * then sleeps on {@code v}. Without a fence between its store and its load, the progress side may read {@code W = 0}
 * while {@code S} still sits in its core's store buffer, and the waiter's check may miss {@code S} (the "store
 * buffering" outcome that x86-TSO and weaker models allow): neither sees the other, nobody wakes the waiter. A full
 * fence on every commit would forbid that outcome, at a cost the channel benchmark measures
 * ({@code jmmap.channel.storeLoadFence}); instead:
 * <ol>
 *   <li>a progress side that read {@code W = 0} read it before the waiter's announcement, or after another waker
 *       cleared it; a waker clears {@code W} only before adding 1 to the futex word;</li>
 *   <li>its store {@code S} becomes visible to every core within microseconds of that load (the time a store buffer
 *       takes to drain: a store waits there for nothing but its cache line);</li>
 *   <li>after every announcement the waiter checks {@link #RECHECKS} times, then sleeps at most
 *       {@link #FIRST_SLEEP_NANOS} (1 ms) and checks again; later sleeps of the same wait sleep on the same {@code v}
 *       without announcing again, so that when a waker clears {@code W} (and changes the futex word) they return at
 *       once and the waiter announces again, with a first sleep of at most 1 ms.</li>
 * </ol>
 * So a message (or free space) that a missed wake-up leaves unseen is seen when the first sleep after the
 * announcement ends: at most 1 ms and a few microseconds after it was committed, plus the kernel's timer slack
 * (50 µs by default) and the time the waiter needs to get a CPU back. It is never lost, and a waiter that announced
 * before the progress side's load of {@code W} is always woken at once.
 */
final class Waits {

    /** How often a waiting side checks whether its peer still runs: 100 ms. */
    static final long CHECK_NANOS = 100_000_000L;
    /** The longest first sleep after announcing a wait: 1 ms. */
    static final long FIRST_SLEEP_NANOS = 1_000_000L;
    /**
     * Checks made after announcing a wait, before sleeping: a few, well under a microsecond. They catch a store
     * that was on its way when the waiter announced; more would cost the round trip they are meant to save, since
     * a side usually announces right after waking its peer, and the kernel often queues the woken peer on the
     * waker's own core, where it runs only once the waker sleeps (64 checks, about 5 µs, made a ping-pong of
     * {@link WaitStrategy#SLEEP} take 19 µs instead of 8 on 2 cores).
     */
    private static final int RECHECKS = 4;
    /** A deadline that never comes (a quarter of the nanoTime range ahead). */
    static final long FOREVER = Long.MAX_VALUE / 4;
    private static final int ETIMEDOUT = Errors.ETIMEDOUT;

    private Waits() {
    }

    @FunctionalInterface
    interface Ready {
        boolean ready() throws IOException;
    }

    @FunctionalInterface
    interface Check {
        void check() throws IOException;
    }

    /** The deadline, in {@link System#nanoTime()} terms, of a wait of {@code timeoutNanos} starting now. */
    static long deadline(long timeoutNanos) {
        return System.nanoTime() + Math.min(Math.max(timeoutNanos, 0), FOREVER);
    }

    /**
     * Waits until {@code ready} holds or {@code deadline} passes.
     *
     * @param signal  the futex word to sleep on
     * @param waiters the word announcing a sleeper
     * @param sleeps  the counter of sleeps to add to
     * @return whether {@code ready} held ({@code false}: the deadline passed)
     * @throws IOException what {@code check} throws; {@link InterruptedIOException} if the thread is interrupted
     */
    static boolean await(Ring ring, int signal, int waiters, int sleeps, long deadline, Ready ready, Check check)
            throws IOException {
        WaitStrategy strategy = ring.waitStrategy;
        Spin learned = !strategy.adaptive() ? null
                : signal == ChannelDescriptor.DATA_SIGNAL_OFFSET ? ring.dataSpin : ring.spaceSpin;
        long spinNanos = learned == null ? strategy.spinNanos() : learned.next(strategy.spinNanos());
        boolean spinning = spinNanos > 0;
        long start = System.nanoTime();
        long nextCheck = start + CHECK_NANOS;
        while (true) {
            if (ready.ready()) {
                if (spinning && learned != null) {
                    learned.paid(strategy.spinNanos());
                }
                return true;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return false;
            }
            if (now - nextCheck >= 0) {
                check.check();
                nextCheck = now + CHECK_NANOS;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while waiting on the channel");
            }
            ring.checkOpen();
            long waited = now - start;
            if (waited < spinNanos || !strategy.sleeps()) {
                Thread.onSpinWait();
                continue;
            }
            if (spinning) {
                spinning = false;
                if (learned != null) {
                    learned.wasted();
                }
            }
            if (waited - spinNanos < strategy.yieldNanos()) {
                Thread.yield();
                continue;
            }
            // Announce, check again, then sleep at most FIRST_SLEEP_NANOS (see the class comment).
            int value = ring.getIntVolatile(signal);
            ring.setIntVolatile(waiters, 1);
            for (int i = 0; i < RECHECKS; i++) {
                if (ready.ready()) {
                    return true;
                }
                Thread.onSpinWait();
            }
            long slice = Math.min(FIRST_SLEEP_NANOS, Math.min(deadline - now, nextCheck - now));
            ring.addCounter(sleeps, 1);
            boolean woken = ring.sleep(signal, value, Math.max(slice, 1));
            // Sleep on, longer, while nothing happens. Same futex value, no new announcement: whoever clears W adds
            // 1 to the futex word afterwards, which ends these sleeps at once; the outer loop then announces again.
            while (!woken && !ready.ready()) {
                now = System.nanoTime();
                if (now - deadline >= 0 || now - nextCheck >= 0 || Thread.currentThread().isInterrupted()) {
                    break;
                }
                ring.checkOpen();
                slice = Math.min(deadline - now, nextCheck - now);
                woken = ring.sleep(signal, value, Math.max(slice, 1));
            }
        }
    }

    /**
     * How long one side of a channel in this process spins before it yields, learned from its last waits (for
     * {@link WaitStrategy#DEFAULT}): spinning pays only while the peer runs on another core; when the peer waits for
     * this side's core, the spin only delays it. A spin that ended with the condition met doubles the next one (up
     * to the strategy's spin time); one that ran out halves it, down to none; while it is none, every
     * {@link #PROBE_EVERY}th wait spins {@link #PROBE_NANOS} to find out whether spinning pays again. Threads of one
     * process waiting on the same word share it; a lost update only changes the next guess.
     */
    static final class Spin {

        /** The shortest spin, and the length of a probe: 1 µs. */
        static final long PROBE_NANOS = 1_000;
        /** While not spinning, every this many waits spin once for {@link #PROBE_NANOS}. */
        static final int PROBE_EVERY = 64;

        private long nanos = PROBE_NANOS;
        private int skipped;

        /** The spin of the next wait, at most {@code max} nanoseconds. */
        long next(long max) {
            if (nanos > 0) {
                return Math.min(nanos, max);
            }
            if (++skipped < PROBE_EVERY) {
                return 0;
            }
            skipped = 0;
            return Math.min(PROBE_NANOS, max);
        }

        /** The condition was met while spinning. */
        void paid(long max) {
            nanos = Math.min(max, Math.max(PROBE_NANOS, nanos * 2));
        }

        /** The spin ran out. */
        void wasted() {
            nanos = nanos / 2 >= PROBE_NANOS ? nanos / 2 : 0;
        }
    }

    /** The exception for a wait that ran out: {@code ETIMEDOUT} with a {@link TimeoutException} cause. */
    static ErrnoException timedOut(String call, String detail, long timeoutNanos) {
        ErrnoException e = Errors.errno(call, -ETIMEDOUT, detail, "nothing happened within timeout="
                + java.time.Duration.ofNanos(timeoutNanos));
        e.initCause(new TimeoutException(call + " timed out"));
        return e;
    }
}
