package org.jmmap.gzip;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An output file written under a temporary name in the target's directory and renamed over the target only by
 * {@link #commit}: whatever fails or interrupts the writing, the target is never half written. {@link #close()}
 * without a commit deletes the temporary file. (A process killed outright leaves the temporary file, a hidden
 * {@code .NAME.PID-RANDOM.tmp}, never a partial target.)
 */
final class AtomicOutput implements AutoCloseable {

    private final Path target;
    private final Path temporary;
    private final FileChannel channel;
    private long written;
    private boolean done;

    private AtomicOutput(Path target, Path temporary, FileChannel channel) {
        this.target = target;
        this.temporary = temporary;
        this.channel = channel;
    }

    /**
     * Creates the temporary file for {@code target}.
     *
     * @throws FileSystemException               if {@code target} is a directory
     * @throws java.nio.file.NoSuchFileException if its directory does not exist
     */
    static AtomicOutput create(Path target) throws IOException {
        if (Files.isDirectory(target)) {
            throw new FileSystemException(target.toString(), null, "is a directory");
        }
        Path absolute = target.toAbsolutePath();
        Path temporary = absolute.resolveSibling("." + absolute.getFileName() + "." + ProcessHandle.current().pid()
                + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16) + ".tmp");
        FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new AtomicOutput(target, temporary, channel);
    }

    Path target() {
        return target;
    }

    /** The bytes written so far. */
    long written() {
        return written;
    }

    /**
     * Writes all of {@code bytes}' remaining bytes.
     *
     * @throws InterruptedIOException if the thread is interrupted (before or while writing; the file is closed)
     */
    void write(ByteBuffer bytes) throws IOException {
        checkInterrupt();
        try {
            while (bytes.hasRemaining()) {
                written += channel.write(bytes);
            }
        } catch (ClosedByInterruptException e) {
            throw interrupted(e);
        }
    }

    /** Writes {@code bytes} at {@code position} (after the end, or over bytes written before). */
    void writeAt(ByteBuffer bytes, long position) throws IOException {
        checkInterrupt();
        try {
            while (bytes.hasRemaining()) {
                position += channel.write(bytes, position);
            }
        } catch (ClosedByInterruptException e) {
            throw interrupted(e);
        }
    }

    /** Moves the position where {@link #write} writes next. */
    void seek(long position) throws IOException {
        channel.position(position);
    }

    /** Cuts the file to {@code size} bytes (nothing if it is not longer). */
    void truncate(long size) throws IOException {
        channel.truncate(size);
    }

    /**
     * An interrupt is reported the same way wherever it finds the writing thread: as an
     * {@link InterruptedIOException}, with the thread's interrupt status kept (NIO would close the channel and
     * throw {@link ClosedByInterruptException}).
     */
    private static void checkInterrupt() throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    private static InterruptedIOException interrupted(ClosedByInterruptException e) {
        InterruptedIOException interrupted = new InterruptedIOException("interrupted while writing");
        interrupted.initCause(e);
        return interrupted;
    }

    /**
     * Closes the file, gives it {@code modified} as its modification time and {@code permissions} (either may be
     * null to leave it as created), and renames it over the target, replacing any file there.
     */
    void commit(FileTime modified, Set<PosixFilePermission> permissions) throws IOException {
        channel.close();
        if (modified != null) {
            Files.setLastModifiedTime(temporary, modified);
        }
        if (permissions != null) {
            Files.setPosixFilePermissions(temporary, permissions);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        done = true;
    }

    /** Without a commit: closes and deletes the temporary file. */
    @Override
    public void close() throws IOException {
        if (!done) {
            done = true;
            try {
                channel.close();
            } finally {
                Files.deleteIfExists(temporary);
            }
        }
    }
}
