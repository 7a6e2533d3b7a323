package org.jmmap.testing;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.jmmap.Mapping;

/** File helpers for tests that look at what the kernel did to a file: page cache, allocated blocks, content. */
public final class FileProbes {

    private FileProbes() {
    }

    /** {@code length} bytes that differ from their neighbours and from other seeds, and are never all zero. */
    public static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (1 + (i * 31 + seed * 7) % 251);
        }
        return bytes;
    }

    /** Writes {@code content} to a new file {@code file} and returns it. */
    public static Path write(Path file, byte[] content) throws IOException {
        return Files.write(file, content);
    }

    /**
     * Drops the file's pages from the page cache: {@code fsync} (dirty pages cannot be dropped), then
     * {@code posix_fadvise(POSIX_FADV_DONTNEED)} over the whole file, through {@code dd iflag=nocache count=0},
     * which does exactly that (a real tool, independent of jmmap's own {@link org.jmmap.PageCache}).
     */
    public static void evictFromPageCache(Path file) throws IOException, InterruptedException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
        run("dd", "if=" + file, "iflag=nocache", "count=0", "status=none");
    }

    /** Number of 512-byte blocks the file system has allocated for the file ({@code st_blocks}). */
    public static long allocatedBlocks(Path file) throws IOException, InterruptedException {
        return Long.parseLong(run("stat", "--format=%b", file.toString()).trim());
    }

    /** The bytes read(2) returns for {@code [position, position + length)} of the file. */
    /** {@code length} bytes of {@code mapping} from {@code offset}, through {@link Mapping#getBytes}. */
    public static byte[] read(Mapping mapping, long offset, int length) {
        byte[] bytes = new byte[length];
        mapping.getBytes(offset, bytes, 0, length);
        return bytes;
    }

    public static byte[] read(Path file, long position, int length) throws IOException {
        byte[] bytes = new byte[length];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new EOFException(file + " ends before byte " + (position + buffer.position()));
                }
            }
        }
        return bytes;
    }

    /** write(2) of {@code bytes} at {@code position}, as another program would change the file. */
    public static void writeAt(Path file, long position, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer, position + buffer.position());
            }
        }
    }

    /** Runs a command to completion; its standard output, or an {@link IOException} if it fails. */
    public static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": did not finish");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": exit status " + process.exitValue() + ": " + text);
        }
        return text;
    }
}
