package org.jmmap.array;

import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One NumPy dtype as a {@code .npy} header describes it ({@code descr}): a scalar type string such as {@code '<f8'}
 * or {@code '<M8[ns]'}, or a structured type, the list numpy's {@code dtype.descr} gives (fields with their types,
 * sub-array shapes and titles, padding as {@code ('', '|Vn')} entries). {@link #parse} reads what numpy's
 * {@code descr_to_dtype} accepts (and, for {@link NpyHeader#of(String, boolean, long...)} only, the
 * {@code {'names': .., 'formats': .., 'offsets': .., 'itemsize': ..}} form); {@link #toPython} gives what
 * {@code dtype_to_descr} writes. Bad descriptions throw {@link IllegalArgumentException}.
 */
final class Descr {

    private static final Set<String> UNITS =
            Set.of("Y", "M", "W", "D", "h", "m", "s", "ms", "us", "\u03bcs", "ns", "ps", "fs", "as");
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("bool", "?"), Map.entry("int8", "i1"), Map.entry("uint8", "u1"), Map.entry("int16", "i2"),
            Map.entry("uint16", "u2"), Map.entry("int32", "i4"), Map.entry("uint32", "u4"),
            Map.entry("int64", "i8"), Map.entry("uint64", "u8"), Map.entry("float16", "f2"),
            Map.entry("float32", "f4"), Map.entry("float64", "f8"), Map.entry("complex64", "c8"),
            Map.entry("complex128", "c16"));
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    final DType dtype;
    /** The byte order, or null where it does not apply (one-byte types, BYTES, STRUCT): numpy's '|'. */
    final ByteOrder order;
    final long itemSize;
    /** The datetime unit with its multiplier ({@code "ns"}, {@code "10ms"}), "" for generic; null otherwise. */
    final String unit;
    /** The named fields of a STRUCT, by increasing offset, without padding; empty otherwise. */
    final List<NpyHeader.Field> fields;
    /** Whether this is a structured type (a list of fields, maybe none), not raw bytes ({@code |Vn}). */
    final boolean structured;

    private Descr(DType dtype, ByteOrder order, long itemSize, String unit, List<NpyHeader.Field> fields) {
        this(dtype, order, itemSize, unit, fields, false);
    }

    private Descr(DType dtype, ByteOrder order, long itemSize, String unit, List<NpyHeader.Field> fields,
                  boolean structured) {
        this.dtype = dtype;
        this.order = order;
        this.itemSize = itemSize;
        this.unit = unit;
        this.fields = fields;
        this.structured = structured;
    }

    /** A fixed-size scalar type in {@code order}. */
    static Descr scalar(DType dtype, ByteOrder order) {
        return typeString(dtype.descr(order));
    }

    /** Whether the data is in the other byte order than this machine's (never for types without an order). */
    boolean swapped() {
        return order != null && order != NATIVE;
    }

    /**
     * A dtype from its description: a type string, a list of fields, and with {@code dictForm} also numpy's dict
     * form (which a {@code .npy} header never holds: numpy cannot read it back).
     */
    static Descr parse(Object value, boolean dictForm) {
        if (value instanceof String) {
            return typeString((String) value);
        }
        if (value instanceof List) {
            return struct((List<?>) value);
        }
        if (value instanceof Map && dictForm) {
            return dict((Map<?, ?>) value);
        }
        if (value instanceof PythonLiteral.Tuple) {
            throw new IllegalArgumentException("descr=" + PythonLiteral.repr(value)
                    + ": a sub-array dtype at the top level is not supported (numpy folds it into the shape)");
        }
        throw new IllegalArgumentException("descr=" + PythonLiteral.repr(value)
                + " is not a valid dtype descriptor: a type string such as '<f8' or a list of fields");
    }

    /** A scalar type string: {@code '<f8'}, {@code '|b1'}, {@code '<M8[ns]'}, {@code 'S10'}, {@code 'float64'}. */
    static Descr typeString(String text) {
        String spelled = text;
        int bracket = text.indexOf('[');
        String head = bracket < 0 ? text : text.substring(0, bracket);
        if (NAMES.containsKey(head)) {
            spelled = NAMES.get(head) + (bracket < 0 ? "" : text.substring(bracket));
        } else if (head.equals("datetime64") || head.equals("timedelta64")) {
            spelled = (head.charAt(0) == 'd' ? "M8" : "m8") + (bracket < 0 ? "" : text.substring(bracket));
        }
        TypeString m = TypeString.split(spelled);
        if (m == null) {
            throw new IllegalArgumentException("descr='" + text + "' is not a numpy type string such as '<f8', "
                    + "'|u1', '<M8[ns]' or '|S10'");
        }
        String prefix = m.prefix;
        char code = m.code;
        String digits = m.digits;
        boolean sized = !digits.isEmpty();
        long size;
        try {
            size = sized ? Long.parseLong(digits) : -1;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("descr='" + text + "': size " + digits + " is too large");
        }
        if (m.unitName != null && code != 'M' && code != 'm') {
            throw new IllegalArgumentException("descr='" + text + "': only datetime64 (M8) and timedelta64 (m8) "
                    + "take a [unit]");
        }
        ByteOrder order = prefix.equals("<") ? ByteOrder.LITTLE_ENDIAN
                : prefix.equals(">") ? ByteOrder.BIG_ENDIAN : NATIVE; // '=', '|' and none: native
        DType dtype;
        if (sized) {
            dtype = sizedKind(text, code, size);
        } else {
            dtype = characterCode(text, code);
            size = dtype.itemSize();
        }
        switch (dtype) {
            case BYTES:
            case STRUCT:
                return new Descr(dtype, null, size, null, List.of());
            case UNICODE:
                if (size > Long.MAX_VALUE / 4) {
                    throw new IllegalArgumentException("descr='" + text + "': size " + size + " is too large");
                }
                return new Descr(dtype, order, 4 * size, null, List.of());
            case DATETIME64:
            case TIMEDELTA64:
                return new Descr(dtype, order, 8, unit(text, m.unitDigits, m.unitName), List.of());
            default:
                return new Descr(dtype, dtype.itemSize() == 1 ? null : order, dtype.itemSize(), null, List.of());
        }
    }

    /**
     * A type string cut into its parts: byte order prefix ({@code <>|=} or none), kind or character code (a letter
     * or {@code ?}), size digits, and a datetime unit in brackets with its multiplier ({@code [10ms]}). A loop
     * rather than a regular expression: reading the first {@code .npy} of a JVM then loads no regex classes.
     */
    private static final class TypeString {
        final String prefix;
        final char code;
        final String digits;
        /** The unit's multiplier digits and name, or null without a bracket. */
        final String unitDigits;
        final String unitName;

        private TypeString(String prefix, char code, String digits, String unitDigits, String unitName) {
            this.prefix = prefix;
            this.code = code;
            this.digits = digits;
            this.unitDigits = unitDigits;
            this.unitName = unitName;
        }

        /** The parts of {@code text}, or null if it is not of that form. */
        static TypeString split(String text) {
            int n = text.length();
            int i = 0;
            String prefix = "";
            if (i < n && "<>|=".indexOf(text.charAt(i)) >= 0) {
                prefix = text.substring(0, 1);
                i++;
            }
            if (i == n || !isCode(text.charAt(i))) {
                return null;
            }
            char code = text.charAt(i++);
            int digitsStart = i;
            i = skipDigits(text, i);
            String digits = text.substring(digitsStart, i);
            if (i == n) {
                return new TypeString(prefix, code, digits, null, null);
            }
            if (text.charAt(i) != '[' || text.charAt(n - 1) != ']') {
                return null;
            }
            int unitStart = ++i;
            i = skipDigits(text, i);
            int nameStart = i;
            while (i < n - 1 && (isAsciiLetter(text.charAt(i)) || text.charAt(i) == '\u03bc')) {
                i++;
            }
            if (i != n - 1 || i == nameStart) {
                return null;
            }
            return new TypeString(prefix, code, digits, text.substring(unitStart, nameStart),
                    text.substring(nameStart, i));
        }

        private static boolean isCode(char c) {
            return isAsciiLetter(c) || c == '?';
        }

        private static boolean isAsciiLetter(char c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
        }

        private static int skipDigits(String text, int i) {
            while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                i++;
            }
            return i;
        }
    }

    /** The type of an array-protocol string: kind and size, such as {@code f8}. */
    private static DType sizedKind(String text, char kind, long size) {
        switch (kind) {
            case 'S':
            case 'a':
                return DType.BYTES;
            case 'U':
                return DType.UNICODE;
            case 'V':
                return DType.STRUCT;
            case 'O':
                throw pickled(text);
            default:
                break;
        }
        for (DType dtype : DType.values()) {
            if (dtype.kind() == (kind == '?' ? 'b' : kind) && dtype.itemSize() == size) {
                return dtype;
            }
        }
        if (kind == 'f' && (size == 12 || size == 16) || kind == 'c' && (size == 24 || size == 32)) {
            throw new IllegalArgumentException("descr='" + text + "': extended precision (np.longdouble) has no "
                    + "Java type");
        }
        throw new IllegalArgumentException("descr='" + text + "': no numpy type of kind '" + kind + "' is "
                + size + " bytes long");
    }

    /** The type of a one-character numpy type code, such as {@code d} or {@code l}. */
    private static DType characterCode(String text, char code) {
        switch (code) {
            case '?':
                return DType.BOOL;
            case 'b':
                return DType.INT8;
            case 'B':
                return DType.UINT8;
            case 'h':
                return DType.INT16;
            case 'H':
                return DType.UINT16;
            case 'i':
                return DType.INT32;
            case 'I':
                return DType.UINT32;
            case 'l':
            case 'q':
            case 'p':
                return DType.INT64;
            case 'L':
            case 'Q':
            case 'P':
                return DType.UINT64;
            case 'e':
                return DType.FLOAT16;
            case 'f':
                return DType.FLOAT32;
            case 'd':
                return DType.FLOAT64;
            case 'F':
                return DType.COMPLEX64;
            case 'D':
                return DType.COMPLEX128;
            case 'M':
                return DType.DATETIME64;
            case 'm':
                return DType.TIMEDELTA64;
            case 'S':
            case 'a':
                return DType.BYTES;
            case 'U':
                return DType.UNICODE;
            case 'V':
                return DType.STRUCT;
            case 'O':
                throw pickled(text);
            case 'g':
            case 'G':
                throw new IllegalArgumentException("descr='" + text + "': extended precision (np.longdouble) has "
                        + "no Java type");
            default:
                throw new IllegalArgumentException("descr='" + text + "': unknown numpy type code '" + code + "'");
        }
    }

    private static IllegalArgumentException pickled(String text) {
        return new IllegalArgumentException("descr='" + text + "': the array holds pickled Python objects, which "
                + "cannot be mapped (numpy itself loads them only with allow_pickle=True)");
    }

    private static String unit(String text, String multiplier, String unit) {
        if (unit == null) {
            return ""; // generic
        }
        if (!UNITS.contains(unit)) {
            throw new IllegalArgumentException("descr='" + text + "': unknown datetime unit '" + unit
                    + "' (one of Y M W D h m s ms us ns ps fs as)");
        }
        String canonical = unit.equals("\u03bcs") ? "us" : unit;
        if (multiplier.isEmpty()) {
            return canonical;
        }
        BigInteger count = new BigInteger(multiplier);
        if (count.signum() == 0 || count.bitLength() > 31) {
            throw new IllegalArgumentException("descr='" + text + "': unit multiplier " + multiplier
                    + " must be between 1 and 2^31 - 1");
        }
        return count.equals(BigInteger.ONE) ? canonical : count + canonical;
    }

    /** numpy's {@code descr_to_dtype} for a list: fields in order, padding ({@code ''} and void) skipped. */
    private static Descr struct(List<?> entries) {
        List<NpyHeader.Field> fields = new ArrayList<>();
        Set<String> names = new HashSet<>();
        long offset = 0;
        for (Object entry : entries) {
            if (!(entry instanceof PythonLiteral.Tuple)
                    || ((PythonLiteral.Tuple) entry).items.size() < 2 || ((PythonLiteral.Tuple) entry).items.size() > 3) {
                throw new IllegalArgumentException("field=" + PythonLiteral.repr(entry)
                        + " is not a (name, type) or (name, type, shape) tuple");
            }
            List<Object> items = ((PythonLiteral.Tuple) entry).items;
            String name;
            String title = null;
            Object nameItem = items.get(0);
            if (nameItem instanceof PythonLiteral.Tuple && ((PythonLiteral.Tuple) nameItem).items.size() == 2
                    && ((PythonLiteral.Tuple) nameItem).items.get(0) instanceof String
                    && ((PythonLiteral.Tuple) nameItem).items.get(1) instanceof String) {
                title = (String) ((PythonLiteral.Tuple) nameItem).items.get(0);
                name = (String) ((PythonLiteral.Tuple) nameItem).items.get(1);
            } else if (nameItem instanceof String) {
                name = (String) nameItem;
            } else {
                throw new IllegalArgumentException("field name=" + PythonLiteral.repr(nameItem)
                        + " is not a str or a (title, name) tuple");
            }
            Object typeItem = items.get(1);
            long[] shape = new long[0];
            Descr type;
            if (typeItem instanceof PythonLiteral.Tuple) { // (type, shape): a sub-array type
                List<Object> pair = ((PythonLiteral.Tuple) typeItem).items;
                if (pair.size() != 2) {
                    throw new IllegalArgumentException("field '" + name + "': type=" + PythonLiteral.repr(typeItem)
                            + " is not a (type, shape) pair");
                }
                type = parse(pair.get(0), false);
                shape = subShape(name, pair.get(1));
            } else {
                type = parse(typeItem, false);
            }
            if (items.size() == 3) {
                shape = concat(shape, subShape(name, items.get(2)));
            }
            long count = NpyHeader.product(shape, "field '" + name + "' shape");
            long size = multiply(type.itemSize, count, "field '" + name + "'");
            boolean padding = name.isEmpty() && type.dtype == DType.STRUCT && !type.structured;
            if (!padding) {
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("field " + PythonLiteral.repr(entry) + ": an empty name is "
                            + "padding, which must have a void type ('|Vn')");
                }
                if (!names.add(name) || title != null && !names.add(title)) {
                    throw new IllegalArgumentException("field name '" + name + "' appears more than once");
                }
                fields.add(new NpyHeader.Field(name, title, offset, type, shape));
            }
            if (offset > Long.MAX_VALUE - size) {
                throw new IllegalArgumentException("struct itemsize overflows a long");
            }
            offset += size;
        }
        return new Descr(DType.STRUCT, null, offset, null, Collections.unmodifiableList(fields), true);
    }

    /** numpy's dict form: {@code {'names': [..], 'formats': [..], 'offsets': [..], 'itemsize': n}}. */
    private static Descr dict(Map<?, ?> dict) {
        for (Object key : dict.keySet()) {
            if (!List.of("names", "formats", "offsets", "itemsize", "titles").contains(key)) {
                throw new IllegalArgumentException("dtype dict key " + PythonLiteral.repr(key) + " is not one of "
                        + "'names', 'formats', 'offsets', 'titles', 'itemsize'");
            }
        }
        List<?> names = listOf(dict, "names");
        List<?> formats = listOf(dict, "formats");
        List<?> offsets = dict.containsKey("offsets") ? listOf(dict, "offsets") : null;
        List<?> titles = dict.containsKey("titles") ? listOf(dict, "titles") : null;
        if (names == null || formats == null || formats.size() != names.size()
                || offsets != null && offsets.size() != names.size() || titles != null && titles.size() != names.size()) {
            throw new IllegalArgumentException("a dtype dict needs 'names' and 'formats' (and 'offsets', 'titles' "
                    + "if given) of the same length");
        }
        List<NpyHeader.Field> fields = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long end = 0;
        for (int i = 0; i < names.size(); i++) {
            if (!(names.get(i) instanceof String)) {
                throw new IllegalArgumentException("field name=" + PythonLiteral.repr(names.get(i)) + " is not a str");
            }
            String name = (String) names.get(i);
            String title = titles == null || titles.get(i) == PythonLiteral.NONE ? null : String.valueOf(titles.get(i));
            Descr type = parse(formats.get(i), false);
            long offset = offsets == null ? end : nonNegative(offsets.get(i), "offset of field '" + name + "'");
            if (offset < end) {
                throw new IllegalArgumentException("field '" + name + "' at offset=" + offset + " overlaps the "
                        + "field before it or comes before it (ends at " + end + "): the .npy format needs fields "
                        + "in increasing, non-overlapping order");
            }
            if (name.isEmpty() || !seen.add(name)) {
                throw new IllegalArgumentException("field name '" + name + "' is empty or repeated");
            }
            fields.add(new NpyHeader.Field(name, title, offset, type, new long[0]));
            end = offset + type.itemSize;
        }
        long itemSize = dict.containsKey("itemsize") ? nonNegative(dict.get("itemsize"), "itemsize") : end;
        if (itemSize < end) {
            throw new IllegalArgumentException("itemsize=" + itemSize + " is smaller than the fields, which end at "
                    + end);
        }
        return new Descr(DType.STRUCT, null, itemSize, null, Collections.unmodifiableList(fields), true);
    }

    private static List<?> listOf(Map<?, ?> dict, String key) {
        Object value = dict.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof List) {
            return (List<?>) value;
        }
        if (value instanceof PythonLiteral.Tuple) {
            return ((PythonLiteral.Tuple) value).items;
        }
        throw new IllegalArgumentException("'" + key + "'=" + PythonLiteral.repr(value) + " is not a list");
    }

    private static long nonNegative(Object value, String what) {
        if (!(value instanceof BigInteger) || ((BigInteger) value).signum() < 0
                || ((BigInteger) value).bitLength() > 62) {
            throw new IllegalArgumentException(what + "=" + PythonLiteral.repr(value) + " is not a non-negative int");
        }
        return ((BigInteger) value).longValue();
    }

    private static long[] subShape(String name, Object value) {
        if (value instanceof BigInteger) {
            return new long[] {nonNegative(value, "field '" + name + "' shape")};
        }
        if (!(value instanceof PythonLiteral.Tuple)) {
            throw new IllegalArgumentException("field '" + name + "': shape=" + PythonLiteral.repr(value)
                    + " is not a tuple of ints");
        }
        List<Object> items = ((PythonLiteral.Tuple) value).items;
        long[] shape = new long[items.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegative(items.get(i), "field '" + name + "' shape");
        }
        return shape;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] joined = new long[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    static long multiply(long a, long b, String what) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(what + ": " + a + " x " + b + " bytes overflows a long");
        }
    }

    /** numpy's {@code dtype.str} of a scalar type: {@code '<f8'}, {@code '|S10'}, {@code '<M8[ns]'}. */
    String typeString() {
        String prefix = order == null ? "|" : order == ByteOrder.LITTLE_ENDIAN ? "<" : ">";
        switch (dtype) {
            case BYTES:
                return prefix + "S" + itemSize;
            case UNICODE:
                return prefix + "U" + itemSize / 4;
            case STRUCT:
                return prefix + "V" + itemSize;
            case DATETIME64:
            case TIMEDELTA64:
                return prefix + dtype.kind() + "8" + (unit.isEmpty() ? "" : "[" + unit + "]");
            default:
                return prefix + dtype.kind() + dtype.itemSize();
        }
    }

    /**
     * What numpy's {@code dtype_to_descr} gives for this type: the type string, or for a struct the list of
     * {@code (name, type)} and {@code (name, type, shape)} tuples with {@code ('', '|Vn')} for every gap, as
     * {@code dtype.descr} writes it.
     */
    Object toPython() {
        if (!structured) {
            return typeString();
        }
        List<Object> entries = new ArrayList<>();
        long offset = 0;
        for (NpyHeader.Field field : fields) {
            if (field.offset() > offset) {
                entries.add(new PythonLiteral.Tuple(List.of("", "|V" + (field.offset() - offset))));
                offset = field.offset();
            }
            Object name = field.title().isPresent()
                    ? new PythonLiteral.Tuple(List.of(field.title().get(), field.name())) : field.name();
            List<Object> entry = new ArrayList<>(List.of(name, field.type().toPython()));
            if (field.shape().length > 0) {
                List<Object> dims = new ArrayList<>();
                for (long dim : field.shape()) {
                    dims.add(BigInteger.valueOf(dim));
                }
                entry.add(new PythonLiteral.Tuple(dims));
            }
            entries.add(new PythonLiteral.Tuple(entry));
            offset += field.byteSize();
        }
        if (itemSize > offset) {
            entries.add(new PythonLiteral.Tuple(List.of("", "|V" + (itemSize - offset))));
        }
        return entries;
    }

    /** The type in numpy's notation: the type string, or the repr of the field list. */
    String text() {
        Object python = toPython();
        return python instanceof String ? (String) python : PythonLiteral.repr(python);
    }
}
