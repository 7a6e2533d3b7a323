package org.jmmap.gzip;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads of one operation, and the waiting for their results. */
final class Workers {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private Workers() {
    }

    /** {@code threads} daemon threads named {@code jmmap-gzip-P-N}. */
    static ExecutorService start(int threads) {
        int pool = POOLS.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "jmmap-gzip-" + pool + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Lets the tasks of {@code pool} that are running finish, without interrupting them, and waits for them: for
     * tasks that write to a {@code FileChannel}, which an interrupt would close for every other user. Cancel the
     * queued tasks first ({@code Future.cancel(false)}) to keep them from starting.
     */
    static void drain(ExecutorService pool) {
        pool.shutdown();
        awaitTermination(pool);
    }

    /**
     * Stops {@code pool}: interrupts its threads and waits until every task has returned, even if the calling
     * thread is interrupted (its interrupt status is kept), so that the resources the tasks used can be freed.
     */
    static void stop(ExecutorService pool) {
        pool.shutdownNow();
        awaitTermination(pool);
    }

    /** Waits until every task of the shut-down {@code pool} has returned, keeping the caller's interrupt status. */
    private static void awaitTermination(ExecutorService pool) {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The result of {@code task}, waiting for it; its failure rethrown as it was thrown (an
     * {@link UncheckedIOException} as its cause).
     *
     * @throws InterruptedIOException if the calling thread is interrupted while waiting (its interrupt status is
     *                                kept)
     */
    static <T> T await(Future<T> task) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a gzip thread");
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /**
     * Waits until {@code task} is done, whatever its outcome: its failure is left to {@link #await} to report when
     * its turn comes.
     *
     * @throws InterruptedIOException if the calling thread is interrupted while waiting (its interrupt status is
     *                                kept)
     */
    static void awaitQuietly(Future<?> task) throws IOException {
        try {
            task.get();
        } catch (ExecutionException | CancellationException reportedByAwait) {
            // await() rethrows it when the caller gets to this task
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a gzip thread");
        }
    }

    /** {@code failure} as an IOException to throw, or thrown at once if it is unchecked. */
    static IOException rethrow(Throwable failure) {
        if (failure instanceof UncheckedIOException) {
            return ((UncheckedIOException) failure).getCause();
        }
        if (failure instanceof IOException) {
            return (IOException) failure;
        }
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
        if (failure instanceof Error) {
            throw (Error) failure;
        }
        return new IOException(failure);
    }
}
