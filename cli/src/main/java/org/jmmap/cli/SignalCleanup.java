package org.jmmap.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets an operation clean up when SIGINT (Ctrl-C) or SIGTERM ends the JVM: the JVM's shutdown interrupts the
 * thread that runs the operation and waits (at most ten seconds) until the operation has unwound, so that jmmap's
 * file operations, which delete their half-written output when interrupted, get to do so before the JVM exits.
 */
final class SignalCleanup implements AutoCloseable {

    static final long MAX_WAIT_SECONDS = 10;

    private final CountDownLatch unwound = new CountDownLatch(1);
    private final Thread hook;

    private SignalCleanup(Thread worker) {
        this.hook = new Thread(() -> {
            worker.interrupt();
            try {
                unwound.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "jmmap-signal-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Guards the calling thread until {@link #close()}. */
    static SignalCleanup guard() {
        return new SignalCleanup(Thread.currentThread());
    }

    /** The operation has unwound (normally or not): the JVM may exit. */
    @Override
    public void close() {
        unwound.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook is running and now returns
        }
    }
}
