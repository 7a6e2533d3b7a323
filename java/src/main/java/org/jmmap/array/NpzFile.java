package org.jmmap.array;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jmmap.MapMode;
import org.jmmap.Mapping;

/**
 * A {@code .npz} archive ({@code np.savez}, {@code np.savez_compressed}): a zip file of {@code .npy} members, each
 * opened as an {@link NpyFile}. Members stored without compression ({@code np.savez}) are mapped in place, straight
 * from the archive, which numpy never does (it reads every member into memory); compressed members
 * ({@code np.savez_compressed}) are inflated into anonymous memory, with their CRC-32 checked.
 * {@link NpyFile#isMappedInPlace()} tells which.
 *
 * <pre>{@code
 * try (NpzFile npz = NpzFile.open(Path.of("run.npz"), MapMode.READ_ONLY)) {
 *     DoubleArray t = npz.get("temperature").doubles();     // np.load("run.npz")["temperature"]
 * }
 * }</pre>
 *
 * <p>Modes: {@link MapMode#READ_ONLY}, or {@link MapMode#PRIVATE} (copy-on-write: writes stay in this process).
 * {@link MapMode#READ_WRITE} is refused: a write into a stored member would not update its CRC-32, and numpy
 * would then refuse the archive. The members returned by {@link #get(String)} are closed with the archive. Thread
 * safe. ZIP64 archives (members or archives beyond 4 GiB) are read; encrypted members and compression methods
 * other than stored and deflated are refused.
 */
public final class NpzFile implements AutoCloseable {

    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int END = 0x06054b50;
    private static final int END64 = 0x06064b50;
    private static final int END64_LOCATOR = 0x07064b50;
    private static final int STORED = 0;
    private static final int DEFLATED = 8;
    private static final int INFLATE_CHUNK = 1 << 20;

    private final Path file;
    private final MapMode mode;
    private final int maxHeaderSize;
    /** Members by name (without {@code .npy}), in archive order. */
    private final Map<String, Member> members;
    private final Map<String, NpyFile> opened = new LinkedHashMap<>();
    private boolean closed;

    /** Where a member is and how it is stored. */
    private static final class Member {
        final String entry;
        final int method;
        final long crc;
        final long compressedSize;
        final long size;
        final long localHeader;

        Member(String entry, int method, long crc, long compressedSize, long size, long localHeader) {
            this.entry = entry;
            this.method = method;
            this.crc = crc;
            this.compressedSize = compressedSize;
            this.size = size;
            this.localHeader = localHeader;
        }
    }

    private NpzFile(Path file, MapMode mode, int maxHeaderSize, Map<String, Member> members) {
        this.file = file;
        this.mode = mode;
        this.maxHeaderSize = maxHeaderSize;
        this.members = members;
    }

    /**
     * Opens the {@code .npz} archive {@code file} and reads its directory; members are opened by
     * {@link #get(String)}.
     *
     * @throws UnsupportedOperationException for {@link MapMode#READ_WRITE}
     * @throws NpyFormatException            if the file is not a zip archive jmmap reads (the message says why)
     * @throws java.nio.file.NoSuchFileException if it does not exist
     */
    public static NpzFile open(Path file, MapMode mode) throws IOException {
        return open(file, mode, NpyHeader.DEFAULT_MAX_HEADER_SIZE);
    }

    /** {@link #open(Path, MapMode)}, accepting member headers of up to {@code maxHeaderSize} characters. */
    public static NpzFile open(Path file, MapMode mode, int maxHeaderSize) throws IOException {
        Objects.requireNonNull(file, "file");
        if (Objects.requireNonNull(mode, "mode") == MapMode.READ_WRITE) {
            throw new UnsupportedOperationException("an .npz archive cannot be mapped READ_WRITE: writes into a "
                    + "member would leave its CRC-32 stale, and numpy refuses such an archive; use READ_ONLY or "
                    + "PRIVATE (copy-on-write)");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return new NpzFile(file, mode, maxHeaderSize, directory(channel, file));
        }
    }

    private static NpyFormatException bad(Path file, String message) {
        return new NpyFormatException(file + ": " + message);
    }

    private static ByteBuffer read(FileChannel channel, long position, int length, Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw bad(file, "the archive ends at byte " + (position + buffer.position()) + ", inside a "
                        + "record that needs " + length + " bytes from " + position + " (truncated?)");
            }
        }
        return buffer.flip();
    }

    /** The members of the archive: its central directory, found from its end record. */
    private static Map<String, Member> directory(FileChannel channel, Path file) throws IOException {
        long size = channel.size();
        int tail = (int) Math.min(size, 22 + 0xffff);
        if (size < 22) {
            throw bad(file, "not a zip archive: " + size + " bytes long, shorter than the end record (22 bytes)");
        }
        ByteBuffer end = read(channel, size - tail, tail, file);
        int at = -1;
        for (int i = tail - 22; i >= 0; i--) {
            if (end.getInt(i) == END && i + 22 + (end.getShort(i + 20) & 0xffff) == tail) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            throw bad(file, "not a zip archive: no end of central directory record (a .npz file is a zip file)");
        }
        long endOffset = size - tail + at;
        long entries = end.getShort(at + 10) & 0xffff;
        long directorySize = end.getInt(at + 12) & 0xffffffffL;
        long directoryOffset = end.getInt(at + 16) & 0xffffffffL;
        if (endOffset >= 20) {
            ByteBuffer locator = read(channel, endOffset - 20, 20, file);
            if (locator.getInt(0) == END64_LOCATOR) {
                long end64 = locator.getLong(8);
                ByteBuffer record = read(channel, end64, 56, file);
                if (record.getInt(0) != END64) {
                    throw bad(file, "the ZIP64 end record is not at offset " + end64);
                }
                entries = record.getLong(32);
                directorySize = record.getLong(40);
                directoryOffset = record.getLong(48);
            }
        }
        if (directoryOffset > size || directorySize > size - directoryOffset || directorySize > Integer.MAX_VALUE) {
            throw bad(file, "the central directory at offset " + directoryOffset + " of " + directorySize
                    + " bytes does not lie within the " + size + " bytes of the archive");
        }
        ByteBuffer directory = read(channel, directoryOffset, (int) directorySize, file);
        Map<String, Member> members = new LinkedHashMap<>();
        int position = 0;
        for (long n = 0; n < entries; n++) {
            if (position + 46 > directory.limit() || directory.getInt(position) != CENTRAL_HEADER) {
                throw bad(file, "central directory entry " + n + " at offset " + (directoryOffset + position)
                        + " is not a zip central directory header");
            }
            int flags = directory.getShort(position + 8) & 0xffff;
            int method = directory.getShort(position + 10) & 0xffff;
            long crc = directory.getInt(position + 16) & 0xffffffffL;
            long compressed = directory.getInt(position + 20) & 0xffffffffL;
            long uncompressed = directory.getInt(position + 24) & 0xffffffffL;
            int nameLength = directory.getShort(position + 28) & 0xffff;
            int extraLength = directory.getShort(position + 30) & 0xffff;
            int commentLength = directory.getShort(position + 32) & 0xffff;
            long local = directory.getInt(position + 42) & 0xffffffffL;
            int next = position + 46 + nameLength + extraLength + commentLength;
            if (next > directory.limit()) {
                throw bad(file, "central directory entry " + n + " runs past the end of the directory");
            }
            byte[] nameBytes = new byte[nameLength];
            directory.get(position + 46, nameBytes);
            Charset charset = (flags & 0x800) != 0 ? StandardCharsets.UTF_8 : cp437();
            String name = new String(nameBytes, charset);
            // ZIP64: the sizes and offset that do not fit in 32 bits are in the extra field 0x0001, in this order
            for (int e = position + 46 + nameLength; e + 4 <= position + 46 + nameLength + extraLength; ) {
                int id = directory.getShort(e) & 0xffff;
                int length = directory.getShort(e + 2) & 0xffff;
                if (id == 1) {
                    int field = e + 4;
                    if (uncompressed == 0xffffffffL && field + 8 <= e + 4 + length) {
                        uncompressed = directory.getLong(field);
                        field += 8;
                    }
                    if (compressed == 0xffffffffL && field + 8 <= e + 4 + length) {
                        compressed = directory.getLong(field);
                        field += 8;
                    }
                    if (local == 0xffffffffL && field + 8 <= e + 4 + length) {
                        local = directory.getLong(field);
                    }
                }
                e += 4 + length;
            }
            if (name.endsWith(".npy")) {
                if ((flags & 1) != 0) {
                    throw bad(file, "member " + name + " is encrypted");
                }
                members.put(name.substring(0, name.length() - 4),
                        new Member(name, method, crc, compressed, uncompressed, local));
            }
            position = next;
        }
        return Collections.unmodifiableMap(members);
    }

    private static Charset cp437() {
        return Charset.isSupported("IBM437") ? Charset.forName("IBM437") : StandardCharsets.ISO_8859_1;
    }

    /** The names of the {@code .npy} members, without {@code .npy}, in archive order: numpy's {@code npz.files}. */
    public Set<String> names() {
        return members.keySet();
    }

    /** The archive. */
    public Path file() {
        return file;
    }

    /** Whether {@code name} is stored without compression, and so mapped in place by {@link #get(String)}. */
    public boolean isMappedInPlace(String name) {
        return member(name).method == STORED;
    }

    private Member member(String name) {
        Member member = members.get(Objects.requireNonNull(name, "name"));
        if (member == null) {
            throw new IllegalArgumentException("no member '" + name + "' in " + file + " (members: "
                    + String.join(", ", members.keySet()) + ")");
        }
        return member;
    }

    /**
     * The member {@code name} ({@code np.load(file)[name]}): mapped in place if stored, inflated into anonymous
     * memory if compressed. The same {@link NpyFile} for every call; closed with the archive.
     *
     * @throws IllegalArgumentException if there is no such member
     * @throws NpyFormatException       if the member is not a valid {@code .npy} file, is compressed by a method
     *                                  other than deflate, or fails its CRC-32 check
     * @throws IllegalStateException    if the archive is closed
     */
    public synchronized NpyFile get(String name) throws IOException {
        if (closed) {
            throw new IllegalStateException(file + " is closed");
        }
        Member member = member(name);
        NpyFile npy = opened.get(name);
        if (npy == null) {
            npy = open(name, member);
            opened.put(name, npy);
        }
        return npy;
    }

    private NpyFile open(String name, Member member) throws IOException {
        String label = file + "[" + name + "]";
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer local = read(channel, member.localHeader, 30, file);
            if (local.getInt(0) != LOCAL_HEADER) {
                throw bad(file, "member " + member.entry + ": no local header at offset " + member.localHeader);
            }
            long data = member.localHeader + 30 + (local.getShort(26) & 0xffff) + (local.getShort(28) & 0xffff);
            if (data > channel.size() || member.compressedSize > channel.size() - data) {
                throw bad(file, "member " + member.entry + " of " + member.compressedSize + " bytes at offset " + data
                        + " runs past the end of the archive (" + channel.size() + " bytes)");
            }
            if (member.method == STORED) {
                NpyHeader header = NpyHeader.read((position, into) -> {
                    while (into.hasRemaining()) {
                        if (channel.read(into, data + position + into.position()) < 0) {
                            throw new NpyFormatException(label + " ended while its header was read");
                        }
                    }
                }, member.size, label, maxHeaderSize);
                header.checkLength(member.size, label);
                Mapping mapping = Mapping.map(file, mode, data, Math.max(1, header.dataOffset() + header.dataLength()));
                return new NpyFile(file, label, data, true, mode, mapping, header);
            }
            if (member.method != DEFLATED) {
                throw bad(file, "member " + member.entry + " is compressed with method " + member.method
                        + "; numpy writes stored (0) and deflated (8) members");
            }
            Mapping mapping = Mapping.anonymous(Math.max(1, member.size));
            try {
                inflate(channel, data, member, mapping, label);
                NpyHeader header = NpyHeader.read((position, into) -> {
                    int length = into.remaining();
                    byte[] bytes = new byte[length];
                    mapping.getBytes(position, bytes, 0, length);
                    into.put(bytes);
                }, member.size, label, maxHeaderSize);
                header.checkLength(member.size, label);
                return new NpyFile(file, label, 0, false, MapMode.PRIVATE, mapping, header);
            } catch (IOException | RuntimeException | Error e) {
                mapping.close();
                throw e;
            }
        }
    }

    /** Inflates the member's deflate stream into {@code mapping}, checking its length and CRC-32. */
    private void inflate(FileChannel channel, long data, Member member, Mapping mapping, String label)
            throws IOException {
        Inflater inflater = new Inflater(true);
        CRC32 crc = new CRC32();
        try {
            ByteBuffer input = ByteBuffer.allocate(INFLATE_CHUNK);
            byte[] output = new byte[INFLATE_CHUNK];
            long read = 0;
            long written = 0;
            while (!inflater.finished()) {
                if (inflater.needsInput()) {
                    if (read == member.compressedSize) {
                        throw new NpyFormatException(label + ": the deflate stream ends early, after " + written
                                + " of " + member.size + " bytes");
                    }
                    input.clear().limit((int) Math.min(INFLATE_CHUNK, member.compressedSize - read));
                    while (input.hasRemaining()) {
                        if (channel.read(input, data + read + input.position()) < 0) {
                            throw new NpyFormatException(label + ": the archive ends inside the member");
                        }
                    }
                    input.flip();
                    read += input.remaining();
                    inflater.setInput(input.array(), 0, input.remaining());
                }
                int count = inflater.inflate(output);
                if (count > 0) {
                    if (count > member.size - written) {
                        throw new NpyFormatException(label + ": inflates to more than the " + member.size
                                + " bytes its directory entry says");
                    }
                    mapping.putBytes(written, output, 0, count);
                    crc.update(output, 0, count);
                    written += count;
                } else if (inflater.needsDictionary()) {
                    throw new NpyFormatException(label + ": the deflate stream needs a preset dictionary");
                }
            }
            if (written != member.size) {
                throw new NpyFormatException(label + ": inflates to " + written + " bytes, its directory entry says "
                        + member.size);
            }
            if (crc.getValue() != member.crc) {
                throw new NpyFormatException(label + ": CRC-32 is " + Long.toHexString(crc.getValue())
                        + ", the archive says " + Long.toHexString(member.crc) + " (a corrupt archive)");
            }
        } catch (DataFormatException e) {
            throw new NpyFormatException(label + ": not a valid deflate stream: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            inflater.end();
        }
    }

    /** Closes every member opened with {@link #get(String)}. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        for (NpyFile npy : opened.values()) {
            npy.close();
        }
        opened.clear();
    }

    @Override
    public String toString() {
        return "NpzFile[" + file + ", " + mode + ", members " + members.keySet() + "]";
    }
}
