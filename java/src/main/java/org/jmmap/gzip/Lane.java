package org.jmmap.gzip;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Tasks that run one after the other in the order given: on a thread of their own (so that, as in {@code pigz -d},
 * checking and writing run beside inflating), or at once on the caller's thread. After a task fails, the later
 * tasks of the lane are still run (they must release what they hold) but told so; the first failure is rethrown by
 * {@link #check()} and {@link #await()}.
 */
final class Lane implements AutoCloseable {

    /** A task of a lane. */
    interface Task {
        /** Runs the task; {@code failed} says whether an earlier task of the lane failed. */
        void run(boolean failed) throws IOException;
    }

    private final ExecutorService thread;
    private volatile Throwable failure;

    private Lane(ExecutorService thread) {
        this.thread = thread;
    }

    /** A lane with a thread of its own, a daemon named {@code jmmap-gzip-NAME}. */
    static Lane onThread(String name) {
        return new Lane(Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "jmmap-gzip-" + name);
            thread.setDaemon(true);
            return thread;
        }));
    }

    /** A lane whose tasks run at once, on the thread that submits them. */
    static Lane inline() {
        return new Lane(null);
    }

    /** Runs {@code task} after the tasks submitted before it. */
    void submit(Task task) throws IOException {
        if (thread == null) {
            run(task);
            check();
        } else {
            thread.execute(() -> run(task));
        }
    }

    private void run(Task task) {
        try {
            task.run(failure != null);
        } catch (Throwable e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    /** Rethrows the first failure of a task so far, if any, without waiting. */
    void check() throws IOException {
        Throwable failed = failure;
        if (failed != null) {
            throw Workers.rethrow(failed);
        }
    }

    /** Waits until every task submitted so far has run, then rethrows the first failure, if any. */
    void await() throws IOException {
        if (thread != null) {
            Future<?> done = thread.submit(() -> { });
            Workers.await(done);
        }
        check();
    }

    /** Stops the lane's thread, waiting for the task it runs; tasks not started are dropped. */
    @Override
    public void close() {
        if (thread != null) {
            Workers.stop(thread);
        }
    }
}
