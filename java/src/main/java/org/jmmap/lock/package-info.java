/**
 * File locks that work between any processes on the host, JVMs or not: {@link org.jmmap.lock.Flock} ({@code flock(2)},
 * whole files, as util-linux {@code flock(1)} and Python's {@code fcntl.flock}) and {@link org.jmmap.lock.RangeLock}
 * ({@code fcntl(2)} open-file-description byte-range locks, which, unlike the POSIX record locks behind
 * {@code FileChannel.lock}, are not dropped when some other descriptor of the file is closed).
 *
 * <p>Both are advisory: they bind only processes that ask for them. Each lock owns an open file description of its
 * own, so two locks of one JVM, even of one thread, conflict exactly as locks of two processes do. A process that
 * dies, however it dies (also by {@code SIGKILL}), releases its locks.
 *
 * <h2>Waiting</h2>
 * {@code acquire} waits until the lock is granted; the forms with a {@link java.time.Duration} give up after it.
 * A waiting acquire retries the non-blocking call ({@code LOCK_NB}, {@code F_OFD_SETLK}), pausing between attempts
 * for 50 µs at first, doubling up to 10 ms, so it sees a released lock within about 10 ms and never holds a thread
 * inside the kernel where an interrupt cannot reach it. (Waiters blocked in the kernel, such as {@code flock(1)}
 * without {@code -n}, are woken at once instead, so under contention they tend to get the lock first.)
 * <ul>
 *   <li>On expiry, the timed forms throw an {@link org.jmmap.ErrnoException} whose {@code errnoName()} is
 *       {@code "ETIMEDOUT"} (the POSIX convention of timed locks, as {@code pthread_mutex_timedlock}) and whose
 *       cause is a {@link java.util.concurrent.TimeoutException}.</li>
 *   <li>If the waiting thread is interrupted (also when it was interrupted before it had to wait), the acquire
 *       gives up and throws {@link java.nio.channels.FileLockInterruptionException}, with the thread's interrupt
 *       status still set, as {@code FileChannel.lock} does.</li>
 *   <li>{@code tryAcquire} never waits and ignores interrupts: it returns {@link java.util.Optional#empty()} when
 *       the lock is held elsewhere (the kernel's {@code EWOULDBLOCK}, which is {@code EAGAIN} on Linux).</li>
 * </ul>
 * In every case nothing is left locked or open when an acquire throws.
 */
package org.jmmap.lock;
