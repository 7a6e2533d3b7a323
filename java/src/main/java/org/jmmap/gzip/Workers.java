package org.jmmap.gzip;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
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
     * Stops {@code pool}: interrupts its threads and waits until every task has returned, even if the calling
     * thread is interrupted (its interrupt status is kept), so that the resources the tasks used can be freed.
     */
    static void stop(ExecutorService pool) {
        pool.shutdownNow();
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
