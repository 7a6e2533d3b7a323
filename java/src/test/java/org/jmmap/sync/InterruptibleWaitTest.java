package org.jmmap.sync;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jmmap.Mapping;
import org.junit.jupiter.api.Test;

/**
 * The interruptible waits of {@link Futex}, {@link SharedMutex} and {@link SharedValue}: an interrupt ends them with
 * {@link InterruptedException} and a cleared interrupt status, they sleep rather than spin meanwhile, and the shared
 * state (the mutex's waiters bit, the value's waiter count) is intact afterwards, so the next unlock or publish
 * still wakes the others. The uninterruptible forms wait on through an interrupt.
 */
class InterruptibleWaitTest {

    private static final int WORD = 64;
    private static final int MUTEX = 128;
    private static final int VALUE = 256;
    /** Generous bound on how soon an interrupt ends a wait (the waits check every 20 ms; the machine may be busy). */
    private static final long INTERRUPT_BOUND_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** CPU a waiter may use while asleep for {@link #SLEEP_MILLIS}: sleeping, not spinning. */
    private static final long CPU_BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long SLEEP_MILLIS = 500;

    /** What a waiting thread saw: its outcome, how long the interrupt took to end it, its CPU time. */
    private static final class Outcome {
        volatile Throwable thrown;
        volatile boolean interruptedAfter;
        volatile long endedAtNanos;
        volatile long cpuNanos;
    }

    private interface Wait {
        void run() throws Exception;
    }

    /**
     * Runs {@code wait} on a new thread, waits until {@code asleep} holds and then {@link #SLEEP_MILLIS} more,
     * interrupts it, and returns what it saw.
     */
    private static Outcome interruptWhileAsleep(Wait wait, BooleanSupplier asleep) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Outcome outcome = new Outcome();
        Thread waiter = new Thread(() -> {
            long cpuBefore = threads.getCurrentThreadCpuTime();
            try {
                wait.run();
            } catch (Throwable t) {
                outcome.thrown = t;
            }
            outcome.endedAtNanos = System.nanoTime();
            outcome.interruptedAfter = Thread.currentThread().isInterrupted();
            outcome.cpuNanos = threads.getCurrentThreadCpuTime() - cpuBefore;
        }, "interruptible-waiter");
        waiter.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!asleep.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline && waiter.isAlive(), "the waiter never went to sleep");
            Thread.sleep(1);
        }
        Thread.sleep(SLEEP_MILLIS);
        assertTrue(waiter.isAlive(), "the wait ended without an interrupt: " + outcome.thrown);
        long interruptedAt = System.nanoTime();
        waiter.interrupt();
        waiter.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(waiter.isAlive(), "the interrupt did not end the wait");
        long took = outcome.endedAtNanos - interruptedAt;
        assertTrue(took < INTERRUPT_BOUND_NANOS, "the interrupt took " + took / 1_000_000 + " ms to end the wait");
        return outcome;
    }

    private static void assertInterrupted(Outcome outcome) {
        assertTrue(outcome.thrown instanceof InterruptedException, "threw " + outcome.thrown);
        assertFalse(outcome.interruptedAfter, "the interrupt status is cleared, as java.util.concurrent does");
        assertTrue(outcome.cpuNanos < CPU_BOUND_NANOS,
                "a sleeping waiter used " + outcome.cpuNanos / 1_000_000 + " ms of CPU");
    }

    @Test
    void futexAwaitInterruptiblyEndsOnInterrupt() throws Exception {
        try (Mapping m = SyncFiles.shm(4096)) {
            Outcome untimed = interruptWhileAsleep(() -> Futex.awaitInterruptibly(m, WORD, 0), () -> true);
            assertInterrupted(untimed);
            Outcome timed = interruptWhileAsleep(
                    () -> Futex.awaitInterruptibly(m, WORD, 0, Duration.ofMinutes(10)), () -> true);
            assertInterrupted(timed);
        }
    }

    @Test
    void futexAwaitInterruptiblyKeepsTheAwaitContract() throws Exception {
        try (Mapping m = SyncFiles.shm(4096)) {
            assertFalse(Futex.awaitInterruptibly(m, WORD, 0, Duration.ofMillis(70)), "times out across slices");
            assertFalse(Futex.awaitInterruptibly(m, WORD, 0, Duration.ZERO), "zero checks without sleeping");
            assertTrue(Futex.awaitInterruptibly(m, WORD, 1, Duration.ofDays(1)), "the word differs: at once");
            CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    while (m.getIntVolatile(WORD) == 0) {
                        Futex.awaitInterruptibly(m, WORD, 0);
                    }
                    return true;
                } catch (InterruptedException e) {
                    return false;
                }
            });
            Thread.sleep(100); // most likely asleep by now; a change before it sleeps is seen all the same
            m.putIntVolatile(WORD, 1);
            Futex.wake(m, WORD, Integer.MAX_VALUE);
            assertTrue(waiter.get(60, TimeUnit.SECONDS), "a change and a wake end the wait");
        }
    }

    @Test
    void anInterruptBeforeTheCallThrowsAtOnce() throws Exception {
        try (Mapping m = SyncFiles.shm(4096)) {
            SharedMutex mutex = SharedMutex.at(m, MUTEX);
            SharedValue value = SharedValue.create(m, VALUE, 64);
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> Futex.awaitInterruptibly(m, WORD, 1, Duration.ZERO));
            assertFalse(Thread.interrupted(), "status cleared");
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, mutex::lockInterruptibly, "even when the mutex is free");
            assertFalse(mutex.isLocked());
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> mutex.tryLock(Duration.ofSeconds(1)));
            assertFalse(mutex.isLocked());
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> value.awaitChangeInterruptibly(0, Duration.ofSeconds(1)));
            assertFalse(Thread.interrupted());
        }
    }

    @Test
    void lockInterruptiblyEndsOnInterruptAndLeavesTheMutexWorking() throws Exception {
        try (Mapping m = SyncFiles.shm(4096)) {
            SharedMutex holder = SharedMutex.at(m, MUTEX);
            SharedMutex waiter = SharedMutex.at(m, MUTEX);
            holder.lock();
            // A second waiter, uninterruptible, asleep before and after the first one gives up.
            CompletableFuture<Boolean> patient = CompletableFuture.supplyAsync(() -> {
                SharedMutex.at(m, MUTEX).lock();
                boolean ok = m.getLongVolatile(WORD) == 42;
                return ok;
            }, runnable -> new Thread(runnable, "patient-waiter").start());
            Outcome outcome = interruptWhileAsleep(waiter::lockInterruptibly, () -> (m.getIntVolatile(MUTEX) < 0));
            assertInterrupted(outcome);
            assertTrue(holder.isHeldByCurrentThread(), "still held by its holder");
            assertTrue(m.getIntVolatile(MUTEX) < 0, "the waiters bit is still set: the unlock will wake the sleeper");
            m.putLongVolatile(WORD, 42);
            holder.unlock();
            assertTrue(patient.get(60, TimeUnit.SECONDS), "the remaining waiter was woken and saw the holder's write");
        }
    }

    @Test
    void timedTryLockEndsOnInterrupt() throws Exception {
        try (Mapping m = SyncFiles.shm(4096)) {
            SharedMutex holder = SharedMutex.at(m, MUTEX);
            holder.lock();
            Outcome outcome = interruptWhileAsleep(() -> SharedMutex.at(m, MUTEX).tryLock(Duration.ofMinutes(10)),
                    () -> (m.getIntVolatile(MUTEX) < 0));
            assertInterrupted(outcome);
            holder.unlock();
            SharedMutex next = SharedMutex.at(m, MUTEX);
            assertTrue(next.tryLock(Duration.ofSeconds(1)), "free again after the unlock");
            next.unlock();
        }
    }

    @Test
    void lockIgnoresAnInterruptAndKeepsTheStatus() throws Exception {
        try (Mapping m = SyncFiles.shm(4096)) {
            SharedMutex holder = SharedMutex.at(m, MUTEX);
            holder.lock();
            Outcome outcome = new Outcome();
            Thread waiter = new Thread(() -> {
                SharedMutex mutex = SharedMutex.at(m, MUTEX);
                mutex.lock();
                outcome.interruptedAfter = Thread.currentThread().isInterrupted();
                mutex.unlock();
            });
            waiter.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (m.getIntVolatile(MUTEX) >= 0) {
                assertTrue(System.nanoTime() < deadline, "the waiter never went to sleep");
                Thread.sleep(1);
            }
            waiter.interrupt();
            Thread.sleep(200);
            assertTrue(waiter.isAlive(), "lock() goes on waiting through an interrupt");
            holder.unlock();
            waiter.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(waiter.isAlive());
            assertTrue(outcome.interruptedAfter, "and leaves the interrupt status set");
        }
    }

    @Test
    void awaitChangeInterruptiblyEndsOnInterruptAndRestoresTheWaiterCount() throws Exception {
        try (Mapping m = SyncFiles.shm(64 * 1024)) {
            SharedValue value = SharedValue.create(m, VALUE, 64);
            long waiters = VALUE + SharedValueDescriptor.WAITERS_OFFSET;
            Outcome outcome = interruptWhileAsleep(() -> value.awaitChangeInterruptibly(0, Duration.ofMinutes(10)),
                    () -> m.getIntVolatile(waiters) == 1);
            assertInterrupted(outcome);
            assertEquals(0, m.getIntVolatile(waiters), "the waiter count is back to zero");

            CompletableFuture<Long> next = CompletableFuture.supplyAsync(() -> {
                try {
                    return SharedValue.at(m, VALUE).awaitChangeInterruptibly(0, Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    return -1L;
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (m.getIntVolatile(waiters) != 1) {
                assertTrue(System.nanoTime() < deadline, "the second waiter never went to sleep");
                Thread.sleep(1);
            }
            assertEquals(1, value.publish("v1".getBytes(UTF_8)));
            assertEquals(1L, next.get(60, TimeUnit.SECONDS), "the next publish wakes the next waiter");
            assertEquals(0, m.getIntVolatile(waiters));
        }
    }

    @Test
    void awaitChangeInterruptiblyReturnsTheNewVersionOrTimesOut() throws IOException, InterruptedException {
        try (Mapping m = SyncFiles.shm(64 * 1024)) {
            SharedValue value = SharedValue.create(m, VALUE, 64);
            assertEquals(0, value.awaitChangeInterruptibly(0, Duration.ofMillis(70)), "timed out: still 0");
            value.publish(new byte[] {1});
            assertEquals(1, value.awaitChangeInterruptibly(0, Duration.ofDays(1)), "already changed: at once");
        }
    }
}
