package org.jmmap.gzip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.jmmap.MapMode;
import org.jmmap.Mapping;

/**
 * An input file mapped read-only, read in ranges through {@link Mapping#getBytes(long, ByteBuffer)}: a copy in C
 * under jmmap's SIGBUS guard. zlib (behind {@code Deflater} and {@code Inflater}) and the {@code CRC32} intrinsic
 * read memory without that guard, and end the JVM with SIGBUS when they touch a page of a file that another process
 * truncated meanwhile; so they are given copies, never views of the mapping, and a truncated input fails with an
 * {@link org.jmmap.ErrnoException} ({@code EFAULT}) instead. The copy costs one memcpy of the input, at memory
 * speed, against compression or decompression one to two orders of magnitude slower.
 *
 * <p>An empty file cannot be mapped: it is represented without a mapping. Thread-safe.
 */
final class MappedInput implements AutoCloseable {

    private final Path file;
    private final Mapping mapping;
    private final long size;
    private final BasicFileAttributes attributes;

    private MappedInput(Path file, Mapping mapping, long size, BasicFileAttributes attributes) {
        this.file = file;
        this.mapping = mapping;
        this.size = size;
        this.attributes = attributes;
    }

    /**
     * Maps {@code file}.
     *
     * @throws java.nio.file.NoSuchFileException if it does not exist
     * @throws IOException                       if it is not a regular file, or cannot be mapped
     */
    static MappedInput open(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new IOException("file=" + file + ": not a regular file");
        }
        if (attributes.size() == 0) {
            return new MappedInput(file, null, 0, attributes);
        }
        Mapping mapping = Mapping.map(file, MapMode.READ_ONLY);
        return new MappedInput(file, mapping, mapping.length(), attributes);
    }

    Path file() {
        return file;
    }

    long size() {
        return size;
    }

    /** The attributes read when the file was opened (modification time, for the gzip header). */
    BasicFileAttributes attributes() {
        return attributes;
    }

    /**
     * Copies {@code destination.remaining()} bytes from {@code offset} into {@code destination}, advancing its
     * position.
     *
     * @throws org.jmmap.ErrnoException ({@code EFAULT}) if the file was truncated underneath the range
     */
    void read(long offset, ByteBuffer destination) throws IOException {
        if (!destination.hasRemaining()) {
            return;
        }
        try {
            mapping.getBytes(offset, destination);
        } catch (UncheckedIOException truncated) {
            throw truncated.getCause();
        }
    }

    /** Copies {@code length} bytes from {@code offset} into a new array. */
    byte[] read(long offset, int length) throws IOException {
        byte[] bytes = new byte[length];
        if (length > 0) {
            try {
                mapping.getBytes(offset, bytes, 0, length);
            } catch (UncheckedIOException truncated) {
                throw truncated.getCause();
            }
        }
        return bytes;
    }

    /**
     * The offset of the first {@code needle} in {@code [from, to)}, or -1: C's {@code memmem} under the SIGBUS
     * guard.
     */
    long indexOf(byte[] needle, long from, long to) throws IOException {
        if (to - from < needle.length) {
            return -1;
        }
        try {
            return mapping.indexOf(needle, from, to);
        } catch (UncheckedIOException truncated) {
            throw truncated.getCause();
        }
    }

    /** The little-endian unsigned 32-bit value at {@code offset}. */
    long readUnsignedInt(long offset) throws IOException {
        byte[] bytes = read(offset, 4);
        return (bytes[0] & 0xff) | (bytes[1] & 0xff) << 8 | (bytes[2] & 0xff) << 16 | (bytes[3] & 0xffL) << 24;
    }

    /** The bytes from {@code offset} on, one at a time, for parsing a header; copied 256 at a time. */
    Cursor cursor(long offset) {
        return new Cursor(offset);
    }

    /** Reads bytes from a position on, through small guarded copies. */
    final class Cursor implements GzipHeader.ByteSource {
        private final byte[] buffer = new byte[256];
        private long bufferStart;
        private int bufferLength;
        private long position;

        Cursor(long position) {
            this.position = position;
        }

        @Override
        public int next() throws IOException {
            if (position >= size) {
                return -1;
            }
            if (position < bufferStart || position >= bufferStart + bufferLength) {
                bufferStart = position;
                bufferLength = (int) Math.min(buffer.length, size - position);
                try {
                    mapping.getBytes(position, buffer, 0, bufferLength);
                } catch (UncheckedIOException truncated) {
                    throw truncated.getCause();
                }
            }
            return buffer[(int) (position++ - bufferStart)] & 0xff;
        }

        long position() {
            return position;
        }
    }

    /** Whether {@code path} names this file (so that it is never overwritten by its own output). */
    boolean isSameFile(Path path) throws IOException {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS) && Files.isSameFile(file, path);
    }

    @Override
    public void close() {
        if (mapping != null) {
            mapping.close();
        }
    }
}
