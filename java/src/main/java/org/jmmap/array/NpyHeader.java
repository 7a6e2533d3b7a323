package org.jmmap.array;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The header of a {@code .npy} file: element type ({@link #dtype()}, {@link #descr()}, {@link #order()}, and the
 * {@link #fields()} of a structured type or the {@link #unit()} of a datetime), {@link #shape()}, memory order
 * ({@link #fortranOrder()}), and where the data starts ({@link #dataOffset()}). Immutable.
 *
 * <h2>Format</h2>
 * As numpy's {@code numpy/lib/format.py} reads and writes it: the magic {@code \x93NUMPY}, the version (1.0, 2.0
 * or 3.0), the header's length (2 bytes little-endian in 1.0, 4 in 2.0 and 3.0), then the repr of a dict with
 * exactly the keys {@code 'descr'}, {@code 'fortran_order'} and {@code 'shape'}, padded with spaces and a final
 * {@code \n}. {@link #toBytes()} writes exactly what {@code np.save} and {@code np.lib.format.open_memmap} write
 * for the same dtype and shape: keys sorted, {@code repr} values, the trailing {@code ", }"}, numpy's spare growth
 * spaces (so that the first axis, or the last one of a Fortran-order array, can grow to 21 digits in place), and
 * padding to a multiple of 64 bytes; the oldest version that can hold the header (2.0 beyond 65535 bytes, 3.0 for
 * field names outside Latin-1). Reading follows numpy's checks, and accepts headers of any alignment.
 */
public final class NpyHeader {

    /** {@code \x93NUMPY}: the first six bytes of every {@code .npy} file. */
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /**
     * The longest header, in characters, read by default: numpy's {@code max_header_size}. A header this long can
     * only come from a huge structured type; parsing it is safe here, but numpy refuses it without
     * {@code max_header_size} or {@code allow_pickle}, and so does jmmap unless asked.
     */
    public static final int DEFAULT_MAX_HEADER_SIZE = 10000;

    private static final int ARRAY_ALIGN = 64;
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    private final Descr type;
    private final boolean fortranOrder;
    private final long[] shape;
    private final long size;
    private final int version;
    private final long dataOffset;

    private NpyHeader(Descr type, boolean fortranOrder, long[] shape, int version, long dataOffset) {
        this.type = type;
        this.fortranOrder = fortranOrder;
        this.shape = shape;
        this.size = product(shape, "shape");
        Descr.multiply(size, type.itemSize, "shape " + shapeText(shape) + " of " + type.text());
        this.version = version;
        this.dataOffset = dataOffset;
    }

    /** A header as numpy writes it for {@code type}, {@code shape} and order: the version and offset follow. */
    private static NpyHeader canonical(Descr type, boolean fortranOrder, long[] shape) {
        NpyHeader draft = new NpyHeader(type, fortranOrder, shape, 1, 0);
        String text = draft.dictText();
        int version = versionFor(text);
        return new NpyHeader(type, fortranOrder, shape, version, wrappedLength(text, version));
    }

    /**
     * A C-order, little-endian header for a fixed-size {@code dtype} (as {@code open_memmap(f, 'w+', dtype, shape)}
     * writes).
     *
     * @throws IllegalArgumentException if {@code dtype} has no fixed size or needs a unit (give a descr to
     *                                  {@link #of(String, boolean, long...)}), if a dimension is negative, or if
     *                                  the data would be longer than {@code Long.MAX_VALUE} bytes
     */
    public static NpyHeader of(DType dtype, long... shape) {
        Objects.requireNonNull(dtype, "dtype");
        return canonical(Descr.scalar(dtype, ByteOrder.LITTLE_ENDIAN), false, checkShape(shape));
    }

    /**
     * A header for the dtype {@code descr}, in numpy's notation: a type string ({@code "<f8"}, {@code ">i4"},
     * {@code "|b1"}, {@code "<M8[ns]"}, {@code "|S16"}, {@code "<U8"}, or names such as {@code "float32"}, which
     * mean this machine's byte order), a list of fields as {@code dtype.descr} writes it
     * ({@code "[('t', '<i8'), ('', '|V4'), ('v', '<f4', (3,))]"}, {@code ('', '|Vn')} being padding), or the dict
     * form ({@code "{'names': ['a', 'b'], 'formats': ['<i2', '<f8'], 'offsets': [0, 8], 'itemsize': 24}"}), which
     * is stored as the equivalent list.
     *
     * @throws IllegalArgumentException if {@code descr} is not valid or has no Java view (pickled objects,
     *                                  {@code float128}), or the shape is invalid
     */
    public static NpyHeader of(String descr, boolean fortranOrder, long... shape) {
        Objects.requireNonNull(descr, "descr");
        Object value;
        try {
            value = descr.startsWith("[") || descr.startsWith("{") || descr.startsWith("(")
                    || descr.startsWith("'") || descr.startsWith("\"") ? PythonLiteral.parse(descr, false) : descr;
        } catch (PythonLiteral.SyntaxError e) {
            throw new IllegalArgumentException("descr=" + descr + " is not a Python literal: " + e.getMessage(), e);
        }
        return canonical(Descr.parse(value, true), fortranOrder, checkShape(shape));
    }

    /** This header with another shape: same type and order, numpy's layout for it (version and offset). */
    public NpyHeader withShape(long... shape) {
        return canonical(type, fortranOrder, checkShape(shape));
    }

    private static long[] checkShape(long[] shape) {
        Objects.requireNonNull(shape, "shape");
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("shape=" + shapeText(shape) + ": dimension " + i + " is "
                        + shape[i] + ", must be >= 0");
            }
        }
        return shape.clone();
    }

    /** The number of elements of {@code shape}, overflow-checked; 1 for {@code ()}. */
    static long product(long[] shape, String what) {
        long count = 1;
        for (long dimension : shape) {
            try {
                count = Math.multiplyExact(count, dimension);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(what + "=" + shapeText(shape) + ": more than Long.MAX_VALUE "
                        + "elements");
            }
        }
        return count;
    }

    // -----------------------------------------------------------------------------------------------------------
    // Reading

    /**
     * Reads the header of the {@code .npy} file {@code file}, checking it as numpy does and that the file holds
     * all the data it promises.
     *
     * @throws NpyFormatException             if the file is not a {@code .npy} file jmmap can map, or is shorter
     *                                        than its header says (the message names both sizes)
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException                    if it cannot be read
     */
    public static NpyHeader read(Path file) throws IOException {
        return read(file, DEFAULT_MAX_HEADER_SIZE);
    }

    /**
     * {@link #read(Path)} accepting headers of up to {@code maxHeaderSize} characters (numpy's
     * {@code max_header_size}) instead of {@link #DEFAULT_MAX_HEADER_SIZE}.
     */
    public static NpyHeader read(Path file, int maxHeaderSize) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            // A class rather than a lambda: the first header a JVM reads then links no lambda (about 15 ms).
            Source source = new Source() {
                @Override
                public void read(long position, ByteBuffer into) throws IOException {
                    while (into.hasRemaining()) {
                        if (channel.read(into, position + into.position()) < 0) {
                            throw new NpyFormatException(file + " ended while its header was read");
                        }
                    }
                }
            };
            NpyHeader header = read(source, fileSize, file.toString(), maxHeaderSize);
            header.checkLength(fileSize, file.toString());
            return header;
        }
    }

    /**
     * Parses the header at the start of {@code bytes} (which must hold the whole header; the data after it need
     * not be there), as numpy checks it.
     *
     * @throws NpyFormatException if it is not a valid header, or longer than {@code maxHeaderSize} characters
     */
    public static NpyHeader parse(ByteBuffer bytes, int maxHeaderSize) throws NpyFormatException {
        ByteBuffer source = bytes.duplicate();
        try {
            return read((position, into) -> {
                ByteBuffer slice = source.duplicate();
                slice.position((int) (source.position() + position));
                slice.limit(slice.position() + into.remaining());
                into.put(slice);
            }, source.remaining(), "header", maxHeaderSize);
        } catch (NpyFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new NpyFormatException(e.getMessage(), e);
        }
    }

    /** Reads {@code into.remaining()} bytes from {@code position}. */
    @FunctionalInterface
    interface Source {
        void read(long position, ByteBuffer into) throws IOException;
    }

    /** Reads and checks a header from {@code source} of {@code size} bytes named {@code name} in messages. */
    static NpyHeader read(Source source, long size, String name, int maxHeaderSize) throws IOException {
        if (maxHeaderSize < 0) {
            throw new IllegalArgumentException("maxHeaderSize=" + maxHeaderSize + ": must be >= 0");
        }
        ByteBuffer prefix = ByteBuffer.allocate((int) Math.min(size, 12)).order(ByteOrder.LITTLE_ENDIAN);
        source.read(0, prefix);
        prefix.flip();
        for (int i = 0; i < MAGIC.length; i++) {
            if (i >= prefix.limit()) {
                throw new NpyFormatException(name + " is " + size + " bytes long, too short for a .npy file (the "
                        + "magic and header length alone take 10 bytes)");
            }
            if (prefix.get(i) != MAGIC[i]) {
                throw new NpyFormatException(name + " is not a .npy file: it starts with " + hex(prefix)
                        + ", not the magic \\x93NUMPY");
            }
        }
        if (size < 10) {
            throw new NpyFormatException(name + " is " + size + " bytes long, too short for a .npy file (the magic "
                    + "and header length alone take 10 bytes)");
        }
        int major = prefix.get(6) & 0xff;
        int minor = prefix.get(7) & 0xff;
        if (minor != 0 || major < 1 || major > 3) {
            throw new NpyFormatException(name + ": version=" + major + "." + minor + " is not a .npy format version "
                    + "jmmap reads (1.0, 2.0 and 3.0, as numpy)");
        }
        int prefixLength = major == 1 ? 10 : 12;
        if (size < prefixLength) {
            throw new NpyFormatException(name + " is " + size + " bytes long, too short for the header length of a "
                    + "version " + major + ".0 file (" + prefixLength + " bytes)");
        }
        long headerLength = major == 1 ? prefix.getShort(8) & 0xffff : prefix.getInt(8) & 0xffffffffL;
        long dataOffset = prefixLength + headerLength;
        if (size < dataOffset) {
            throw new NpyFormatException(name + " is " + size + " bytes long, but its header length=" + headerLength
                    + " says the header ends at byte " + dataOffset);
        }
        // A character takes at least one byte: a longer header has more characters than allowed.
        if (headerLength > 4L * maxHeaderSize) {
            throw tooLong(name, headerLength + " bytes", maxHeaderSize);
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        source.read(prefixLength, headerBytes);
        headerBytes.flip();
        String text;
        try {
            text = (major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBytes).toString();
        } catch (CharacterCodingException e) {
            throw new NpyFormatException(name + ": the header of a version 3.0 file is not valid UTF-8", e);
        }
        int characters = text.codePointCount(0, text.length());
        if (characters > maxHeaderSize) {
            throw tooLong(name, characters + " characters", maxHeaderSize);
        }
        return fromText(text, major, dataOffset, name);
    }

    private static NpyFormatException tooLong(String name, String length, int maxHeaderSize) {
        return new NpyFormatException(name + ": the header is " + length + " long, more than maxHeaderSize="
                + maxHeaderSize + " characters (numpy's max_header_size; open the file with a larger limit if you "
                + "trust it)");
    }

    private static String hex(ByteBuffer bytes) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.limit(), 8); i++) {
            out.append(String.format("\\x%02x", bytes.get(i) & 0xff));
        }
        return out.length() == 0 ? "nothing" : out.toString();
    }

    private static NpyHeader fromText(String text, int version, long dataOffset, String name)
            throws NpyFormatException {
        Object value;
        try {
            value = PythonLiteral.parse(text, version <= 2);
        } catch (PythonLiteral.SyntaxError e) {
            throw new NpyFormatException(name + ": cannot parse the header " + abbreviate(text) + ": "
                    + e.getMessage(), e);
        }
        if (!(value instanceof Map)) {
            throw new NpyFormatException(name + ": the header is not a dict: " + abbreviate(text));
        }
        Map<?, ?> dict = (Map<?, ?>) value;
        if (!dict.keySet().equals(KEYS)) {
            List<String> keys = new ArrayList<>();
            for (Object key : dict.keySet()) {
                keys.add(PythonLiteral.repr(key));
            }
            keys.sort(null);
            throw new NpyFormatException(name + ": the header has the keys " + keys + ", not exactly 'descr', "
                    + "'fortran_order' and 'shape'");
        }
        Object shapeValue = dict.get("shape");
        if (!(shapeValue instanceof PythonLiteral.Tuple)) {
            throw new NpyFormatException(name + ": shape=" + PythonLiteral.repr(shapeValue) + " is not a tuple of ints");
        }
        List<Object> dims = ((PythonLiteral.Tuple) shapeValue).items;
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            Object dim = dims.get(i);
            if (dim instanceof Boolean) { // a bool is an int in Python, and numpy takes it as one
                dim = (Boolean) dim ? BigInteger.ONE : BigInteger.ZERO;
            }
            if (!(dim instanceof BigInteger)) {
                throw new NpyFormatException(name + ": shape=" + PythonLiteral.repr(shapeValue)
                        + " is not a tuple of ints");
            }
            BigInteger big = (BigInteger) dim;
            if (big.signum() < 0 || big.bitLength() > 63) {
                throw new NpyFormatException(name + ": shape=" + PythonLiteral.repr(shapeValue) + ": dimension " + i
                        + " must be between 0 and Long.MAX_VALUE");
            }
            shape[i] = big.longValue();
        }
        Object fortran = dict.get("fortran_order");
        if (!(fortran instanceof Boolean)) {
            throw new NpyFormatException(name + ": fortran_order=" + PythonLiteral.repr(fortran) + " is not a bool");
        }
        try {
            Descr type = Descr.parse(dict.get("descr"), false);
            return new NpyHeader(type, (Boolean) fortran, shape, version, dataOffset);
        } catch (IllegalArgumentException e) {
            throw new NpyFormatException(name + ": " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String text) {
        String trimmed = text.strip();
        return trimmed.length() <= 200 ? trimmed : trimmed.substring(0, 200) + "...";
    }

    /**
     * Checks that {@code length} bytes (a file's, or an {@code .npz} member's) hold the whole array.
     *
     * @throws NpyFormatException naming both sizes if they do not
     */
    void checkLength(long length, String name) throws NpyFormatException {
        long end = dataOffset + dataLength();
        if (length < end) {
            throw new NpyFormatException(name + " is " + length + " bytes long, but its header promises "
                    + dataOffset + " + " + size + " elements of " + type.itemSize + " bytes (shape "
                    + shapeText(shape) + ") = " + end + " bytes: was it truncated, or not fully written?");
        }
    }

    // -----------------------------------------------------------------------------------------------------------
    // Writing

    /** The dict, as {@code _write_array_header} builds it before padding, with numpy's growth spaces. */
    private String dictText() {
        StringBuilder text = new StringBuilder("{'descr': ")
                .append(PythonLiteral.repr(type.toPython()))
                .append(", 'fortran_order': ").append(fortranOrder ? "True" : "False")
                .append(", 'shape': ").append(shapeText(shape)).append(", }");
        if (shape.length > 0) {
            int digits = Long.toString(shape[fortranOrder ? shape.length - 1 : 0]).length();
            text.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - digits)));
        }
        return text.toString();
    }

    /** Python's repr of a shape tuple: {@code ()}, {@code (3,)}, {@code (2, 3)}. */
    static String shapeText(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            out.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return out.append(')').toString();
    }

    private static boolean isLatin1(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xff) {
                return false;
            }
        }
        return true;
    }

    private static byte[] encode(String text, int version) {
        if (version == 3) {
            if (!StandardCharsets.UTF_8.newEncoder().canEncode(text)) {
                throw new IllegalArgumentException("the header holds a lone surrogate, which UTF-8 cannot encode");
            }
            return text.getBytes(StandardCharsets.UTF_8);
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** numpy's {@code _wrap_header_guess_version}: 1.0 if it fits, else 2.0, and 3.0 for non-Latin-1 text. */
    private static int versionFor(String text) {
        if (!isLatin1(text)) {
            return 3;
        }
        return wrappedLength(text, 1) - 10 <= 0xffff ? 1 : 2;
    }

    /** The length of the wrapped header: prefix, text, spaces and '\n', padded to a multiple of 64. */
    private static int wrappedLength(String text, int version) {
        int prefix = version == 1 ? 10 : 12;
        long textLength = version == 3 ? encode(text, 3).length : text.length();
        long hlen = textLength + 1;
        long padding = ARRAY_ALIGN - (prefix + hlen) % ARRAY_ALIGN;
        long total = prefix + hlen + padding;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the header would be " + total + " bytes long: too long");
        }
        return (int) total;
    }

    /**
     * The header bytes as {@code np.save} writes them for this dtype, shape and order: {@link #dataOffset()} bytes
     * long for headers made by {@link #of}, {@link #withShape} and {@link NpyFile#create}.
     */
    public byte[] toBytes() {
        String text = dictText();
        int version = versionFor(text);
        return wrap(text, version, wrappedLength(text, version));
    }

    /**
     * This header's bytes padded to exactly {@code length} bytes in {@code version}'s layout (for rewriting a
     * header in place without moving the data), or null if they do not fit.
     */
    byte[] toBytes(int version, long length) {
        String text = dictText().stripTrailing(); // the growth spaces are padding like the rest: they may go
        if (version != 3 && !isLatin1(text)) {
            return null;
        }
        int prefix = version == 1 ? 10 : 12;
        long minimum = prefix + encode(text, version).length + 1L;
        if (length < minimum || length - prefix > (version == 1 ? 0xffff : 0xffffffffL) || length > Integer.MAX_VALUE) {
            return null;
        }
        return wrap(text, version, (int) length);
    }

    private static byte[] wrap(String text, int version, int total) {
        byte[] encoded = encode(text, version);
        int prefix = version == 1 ? 10 : 12;
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) {
            out.putShort((short) (total - prefix));
        } else {
            out.putInt(total - prefix);
        }
        out.put(encoded);
        while (out.position() < total - 1) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        return out.array();
    }

    // -----------------------------------------------------------------------------------------------------------
    // Properties

    /** The element type ({@link DType#STRUCT} for a structured type, and for raw bytes {@code |Vn}). */
    public DType dtype() {
        return type.dtype;
    }

    /**
     * The dtype in numpy's notation, as {@code np.save} writes it: a type string such as {@code <f8},
     * {@code |u1}, {@code <M8[ns]}, {@code |S16}, or for a structured type the repr of its field list, such as
     * {@code [('t', '<i8'), ('', '|V4'), ('v', '<f4', (3,))]}.
     */
    public String descr() {
        return type.text();
    }

    /**
     * The byte order of the elements. For the types where it does not apply (one byte, {@link DType#BYTES},
     * {@link DType#STRUCT}, numpy's {@code '|'}) this machine's order; a structured type's fields have their own.
     */
    public ByteOrder order() {
        return type.order == null ? ByteOrder.nativeOrder() : type.order;
    }

    /** Whether the elements are stored in Fortran order (first index varying fastest). */
    public boolean fortranOrder() {
        return fortranOrder;
    }

    /** The shape: {@code {}} for a 0-d array (one element). A copy. */
    public long[] shape() {
        return shape.clone();
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** The number of elements: the product of the shape, 1 for a 0-d array. */
    public long size() {
        return size;
    }

    /** The size of one element in bytes (numpy's {@code itemsize}; 4n for {@code <Un}). */
    public long itemSize() {
        return type.itemSize;
    }

    /** The length of the data in bytes: {@link #size()} × {@link #itemSize()}. */
    public long dataLength() {
        return size * type.itemSize;
    }

    /**
     * Where the data starts in the file: the length of the header. A multiple of 64 for headers numpy writes (and
     * {@link #toBytes()} writes); files written by old numpy versions may have other offsets.
     */
    public long dataOffset() {
        return dataOffset;
    }

    /** The format version: 1, 2 or 3 (for 1.0, 2.0, 3.0). */
    public int version() {
        return version;
    }

    /**
     * The unit of a {@link DType#DATETIME64} or {@link DType#TIMEDELTA64}, with its multiplier: {@code "ns"},
     * {@code "D"}, {@code "10ms"}; {@code ""} for numpy's generic unit; empty for other types.
     */
    public Optional<String> unit() {
        return Optional.ofNullable(type.unit);
    }

    /** The fields of a structured type, by offset, without padding; empty for every other type. */
    public List<Field> fields() {
        return type.fields;
    }

    /**
     * The field {@code name} of a structured type; a dotted path ({@code "position.x"}) names a field of a nested
     * structured field. A field's title names it too.
     */
    public Optional<Field> field(String name) {
        return findField(type.fields, Objects.requireNonNull(name, "name"));
    }

    static Optional<Field> findField(List<Field> fields, String name) {
        for (Field field : fields) {
            if (field.name.equals(name) || name.equals(field.title)) {
                return Optional.of(field);
            }
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
            for (Field field : fields) {
                if (field.name.equals(name.substring(0, dot)) && field.shape.length == 0) {
                    return findField(field.type.fields, name.substring(dot + 1))
                            .map(inner -> new Field(inner.name, inner.title, field.offset + inner.offset, inner.type,
                                    inner.shape));
                }
            }
        }
        return Optional.empty();
    }

    /** The parsed element type. */
    Descr type() {
        return type;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof NpyHeader)) {
            return false;
        }
        NpyHeader that = (NpyHeader) other;
        return descr().equals(that.descr()) && fortranOrder == that.fortranOrder && Arrays.equals(shape, that.shape)
                && version == that.version && dataOffset == that.dataOffset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(descr(), fortranOrder, Arrays.hashCode(shape), version, dataOffset);
    }

    /** The header dict as numpy writes it, followed by the version and data offset. */
    @Override
    public String toString() {
        return dictText().strip() + " (version " + version + ".0, data at byte " + dataOffset + ")";
    }

    /**
     * One field of a structured type: its name (and title), byte offset within an element, type and sub-array
     * shape. A field of a structured type has {@link #fields()} of its own.
     */
    public static final class Field {
        private final String name;
        private final String title;
        private final long offset;
        private final Descr type;
        private final long[] shape;

        Field(String name, String title, long offset, Descr type, long[] shape) {
            this.name = name;
            this.title = title;
            this.offset = offset;
            this.type = type;
            this.shape = shape;
        }

        /** The field's name. */
        public String name() {
            return name;
        }

        /** The field's title, if it has one (numpy's {@code (title, name)} field names). */
        public Optional<String> title() {
            return Optional.ofNullable(title);
        }

        /** The byte offset of the field within one element of the structured type. */
        public long offset() {
            return offset;
        }

        /** The field's element type. */
        public DType dtype() {
            return type.dtype;
        }

        /** The field's type in numpy's notation ({@code <f4}, or the field list of a nested structured type). */
        public String descr() {
            return type.text();
        }

        /** The byte order of the field's elements; this machine's where it does not apply. */
        public ByteOrder order() {
            return type.order == null ? ByteOrder.nativeOrder() : type.order;
        }

        /** The size in bytes of one element of the field's type (of one sub-array item for a sub-array field). */
        public long itemSize() {
            return type.itemSize;
        }

        /** The size in bytes of the whole field: {@link #itemSize()} times the number of sub-array items. */
        public long byteSize() {
            return type.itemSize * product(shape, "shape");
        }

        /** The sub-array shape ({@code ('v', '<f4', (3,))} has {@code {3}}), {@code {}} for a scalar field. A copy. */
        public long[] shape() {
            return shape.clone();
        }

        /** The unit of a datetime field, as {@link NpyHeader#unit()}. */
        public Optional<String> unit() {
            return Optional.ofNullable(type.unit);
        }

        /** The fields of a nested structured field; empty otherwise. */
        public List<Field> fields() {
            return type.fields;
        }

        Descr type() {
            return type;
        }

        @Override
        public String toString() {
            return "Field[" + (title == null ? "" : title + "/") + name + ", offset=" + offset + ", " + descr()
                    + (shape.length == 0 ? "" : ", shape=" + shapeText(shape)) + "]";
        }
    }
}
