package org.jmmap.ipc;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeoutException;
import org.jmmap.ErrnoException;
import org.jmmap.Errors;
import org.jmmap.internal.Backends;

/**
 * The one wait loop of the channel: spin, yield, then sleep on a futex word after announcing it in a waiters word
 * (see {@link WaitStrategy}), checking the peer every {@link #CHECK_NANOS}.
 *
 * <p>Why the short first sleep and the re-checks after the announcement: the side that makes progress (a commit,
 * a consumed batch) reads the waiters word with a plain load, without the full fence that would make the
 * announcement and its own store visible in a fixed order; a fence per message would serialise the sender on its
 * stores. So a waiter that announces itself while the other side's store is still in flight can miss both the
 * store and the wake-up. The waiter therefore checks again for a moment after announcing (a store in flight lands
 * within nanoseconds), and its first sleep after each announcement lasts at most {@link #FIRST_SLEEP_NANOS}: in the
 * worst case a message waits that long, it is never lost.
 */
final class Waits {

    /** How often a waiting side checks whether its peer still runs: 100 ms. */
    static final long CHECK_NANOS = 100_000_000L;
    /** The longest first sleep after announcing a wait: 1 ms. */
    static final long FIRST_SLEEP_NANOS = 1_000_000L;
    /** Checks made after announcing a wait, before sleeping. */
    private static final int RECHECKS = 64;
    /** A deadline that never comes (a quarter of the nanoTime range ahead). */
    static final long FOREVER = Long.MAX_VALUE / 4;
    private static final int ETIMEDOUT = Backends.get().errno().number("ETIMEDOUT")
            .orElseThrow(() -> new IllegalStateException("no errno ETIMEDOUT"));

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
        long start = System.nanoTime();
        long nextCheck = start + CHECK_NANOS;
        while (true) {
            if (ready.ready()) {
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
            if (waited < strategy.spinNanos() || !strategy.sleeps()) {
                Thread.onSpinWait();
                continue;
            }
            if (waited - strategy.spinNanos() < strategy.yieldNanos()) {
                Thread.yield();
                continue;
            }
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
            // Sleep again (longer) while nothing happens; each sleep starts with a fresh announcement.
            while (!woken && !ready.ready()) {
                now = System.nanoTime();
                if (now - deadline >= 0 || now - nextCheck >= 0 || Thread.currentThread().isInterrupted()) {
                    break;
                }
                ring.checkOpen();
                value = ring.getIntVolatile(signal);
                ring.setIntVolatile(waiters, 1);
                if (ready.ready()) {
                    return true;
                }
                slice = Math.min(deadline - now, nextCheck - now);
                woken = ring.sleep(signal, value, Math.max(slice, 1));
            }
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
