package org.jmmap.array;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import org.jmmap.MapMode;
import org.jmmap.Mapping;

/**
 * Typed arrays over files without a header and over anonymous memory: numpy's {@code np.memmap(file, dtype, mode,
 * offset, shape)} and {@code np.empty}. The array owns its mapping: close it with {@code array.mapping().close()}
 * (or leave it to the garbage collector).
 */
public final class MappedArrays {

    private MappedArrays() {
    }

    /**
     * Maps the elements of a raw file: {@code shape} elements of {@code dtype} in {@code order}, C order, from
     * byte {@code offset} of {@code file}. {@link MapMode#READ_WRITE} creates a missing file and extends a short one
     * (as {@code np.memmap} with {@code 'w+'} and {@code 'r+'}); the other modes need the file to hold the data.
     *
     * <p>A file that starts with the {@code .npy} magic is refused when the range starts within its header:
     * mapping a {@code .npy} file as raw data reads its header as elements, the classic {@code np.memmap} mistake.
     * Open it with {@link NpyFile#open(Path, MapMode)}, which finds the data after the header.
     *
     * @throws IllegalArgumentException if {@code dtype} has no fixed size ({@link DType#BYTES},
     *                                  {@link DType#UNICODE}, {@link DType#STRUCT}: use an {@link NpyFile}), the
     *                                  shape is invalid or empty (nothing to map), {@code offset} is negative, or
     *                                  the file is a {@code .npy} file (see above)
     * @throws IOException              as {@link Mapping#map(Path, MapMode, long, long, org.jmmap.MapOption...)}
     */
    public static TypedArray map(Path file, DType dtype, ByteOrder order, MapMode mode, long offset, long... shape)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(mode, "mode");
        Descr type = scalar(dtype, order);
        long[] dimensions = checkShape(shape);
        long length = Descr.multiply(NpyHeader.product(dimensions, "shape"), type.itemSize, "shape "
                + NpyHeader.shapeText(dimensions));
        if (length == 0) {
            throw new IllegalArgumentException("shape=" + NpyHeader.shapeText(dimensions) + ": an empty array has "
                    + "nothing to map");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset=" + offset + ": must be >= 0");
        }
        refuseNpy(file, offset);
        Mapping mapping = Mapping.map(file, mode, offset, length);
        return Views.of(mapping, file, offset, type, 0, dimensions,
                Layout.contiguousStrides(dimensions, type.itemSize, false));
    }

    /**
     * A new zero-filled array of {@code dtype} and {@code shape} in anonymous memory, C order, this machine's byte
     * order: numpy's {@code np.zeros}, mapped rather than on the heap (so it may be larger than the heap).
     *
     * @throws IllegalArgumentException if {@code dtype} has no fixed size or the shape is invalid
     * @throws org.jmmap.ErrnoException if the memory cannot be mapped ({@code ENOMEM})
     */
    public static TypedArray allocate(DType dtype, long... shape) throws IOException {
        return allocate(scalar(dtype, ByteOrder.nativeOrder()), checkShape(shape));
    }

    /** A new zero-filled C-order array of {@code type} in anonymous memory. */
    static TypedArray allocate(Descr type, long[] shape) {
        long length = Descr.multiply(NpyHeader.product(shape, "shape"), type.itemSize, "shape "
                + NpyHeader.shapeText(shape));
        Mapping mapping;
        try {
            mapping = Mapping.anonymous(Math.max(length, 1));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Views.of(mapping, null, 0, type, 0, shape, Layout.contiguousStrides(shape, type.itemSize, false));
    }

    /** A fixed-size scalar type; datetimes get numpy's generic unit. */
    static Descr scalar(DType dtype, ByteOrder order) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(order, "order");
        if (dtype == DType.DATETIME64 || dtype == DType.TIMEDELTA64) {
            return Descr.typeString((order == ByteOrder.LITTLE_ENDIAN ? "<" : ">") + dtype.kind() + "8");
        }
        return Descr.scalar(dtype, order);
    }

    private static long[] checkShape(long[] shape) {
        Objects.requireNonNull(shape, "shape");
        for (long dimension : shape) {
            if (dimension < 0) {
                throw new IllegalArgumentException("shape=" + NpyHeader.shapeText(shape) + ": dimensions must be "
                        + ">= 0");
            }
        }
        return shape.clone();
    }

    /** Refuses to map a range starting within the header of a {@code .npy} file. */
    private static void refuseNpy(Path file, long offset) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        ByteBuffer prefix = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (prefix.hasRemaining() && channel.read(prefix) >= 0) {
                // read up to 12 bytes
            }
        }
        prefix.flip();
        if (prefix.remaining() < NpyHeader.MAGIC.length) {
            return;
        }
        byte[] magic = new byte[NpyHeader.MAGIC.length];
        prefix.get(magic);
        if (!Arrays.equals(magic, NpyHeader.MAGIC)) {
            return;
        }
        long headerEnd = Long.MAX_VALUE;
        if (prefix.remaining() >= 6) {
            int major = prefix.get() & 0xff;
            prefix.get();
            headerEnd = major == 1 ? 10 + (prefix.getShort() & 0xffff) : 12 + (prefix.getInt() & 0xffffffffL);
        }
        if (offset < headerEnd) {
            throw new IllegalArgumentException("file=" + file + " is a .npy file (it starts with the magic "
                    + "\\x93NUMPY): mapped as raw data from offset=" + offset + ", its header would be read as "
                    + "elements. Open it with NpyFile.open(file, mode), which maps the data after the header"
                    + (headerEnd == Long.MAX_VALUE ? "" : " (at offset " + headerEnd + ")"));
        }
    }
}
