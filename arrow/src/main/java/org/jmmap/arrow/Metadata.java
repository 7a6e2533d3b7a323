package org.jmmap.arrow;

import com.google.flatbuffers.FlatBufferBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flatbuf.DateUnit;
import org.apache.arrow.flatbuf.Endianness;
import org.apache.arrow.flatbuf.Field;
import org.apache.arrow.flatbuf.KeyValue;
import org.apache.arrow.flatbuf.Precision;
import org.apache.arrow.flatbuf.Schema;
import org.apache.arrow.flatbuf.Type;

/**
 * Arrow schemas to and from their flatbuffers ({@code Schema.fbs}, through Arrow's generated classes). Reading
 * bounds the work any input can cause: fields nest at most {@link #MAX_DEPTH} deep, and a schema has at most as
 * many fields as its flatbuffer has room for (a field referenced twice, or from itself, cannot multiply them).
 */
final class Metadata {

    /** The deepest nesting of fields accepted (Arrow C++ accepts 64 as well). */
    static final int MAX_DEPTH = 64;

    private Metadata() {
    }

    // -----------------------------------------------------------------------------------------------------------
    // Reading

    /** A budget of fields for one schema: its flatbuffer's size over the 4 bytes each field needs at least. */
    private static final class Budget {
        long fields;

        Budget(long bytes) {
            this.fields = bytes / 4;
        }
    }

    /**
     * The schema {@code schema} describes, read from a flatbuffer of {@code bytes} bytes.
     *
     * @throws ArrowFormatException if it is big-endian, nests too deep, names an unknown type or holds a field
     *                              whose parameters are invalid; {@code where} starts the message
     */
    static ArrowSchema schema(Schema schema, long bytes, String where) throws ArrowFormatException {
        if (schema.endianness() != Endianness.Little) {
            throw new ArrowFormatException(where + ": the data is big-endian (endianness=" + schema.endianness()
                    + "); jmmap maps little-endian files only (pyarrow writes them on every common machine)");
        }
        Budget budget = new Budget(bytes);
        int count = schema.fieldsLength();
        List<ArrowField> fields = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            fields.add(field(schema.fields(i), 1, budget, where + ": field " + i));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < schema.customMetadataLength(); i++) {
            KeyValue entry = schema.customMetadata(i);
            metadata.put(nonNull(entry.key()), nonNull(entry.value()));
        }
        return new ArrowSchema(fields, metadata);
    }

    private static String nonNull(String text) {
        return text == null ? "" : text;
    }

    private static ArrowField field(Field field, int depth, Budget budget, String where) throws ArrowFormatException {
        if (field == null) {
            throw new ArrowFormatException(where + ": missing");
        }
        if (depth > MAX_DEPTH) {
            throw new ArrowFormatException(where + ": fields nested more than " + MAX_DEPTH + " deep");
        }
        if (--budget.fields < 0) {
            throw new ArrowFormatException(where + ": more fields than the schema's flatbuffer holds (a field that "
                    + "contains itself)");
        }
        String name = nonNull(field.name());
        String at = where + " '" + name + "'";
        List<ArrowField> children = new ArrayList<>();
        for (int i = 0; i < field.childrenLength(); i++) {
            children.add(field(field.children(i), depth + 1, budget, at + " child " + i));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < field.customMetadataLength(); i++) {
            KeyValue entry = field.customMetadata(i);
            metadata.put(nonNull(entry.key()), nonNull(entry.value()));
        }
        DictionaryEncoding dictionary = null;
        org.apache.arrow.flatbuf.DictionaryEncoding encoding = field.dictionary();
        try {
            if (encoding != null) {
                org.apache.arrow.flatbuf.Int index = encoding.indexType();
                // an absent index type is int32 (Schema.fbs)
                dictionary = new DictionaryEncoding(encoding.id(), index == null ? new ArrowType.Int(32, true)
                        : new ArrowType.Int(index.bitWidth(), index.isSigned()), encoding.isOrdered());
            }
            return new ArrowField(name, type(field, at), field.nullable(), children, metadata, dictionary);
        } catch (IllegalArgumentException e) {
            throw new ArrowFormatException(at + ": " + e.getMessage(), e);
        }
    }

    private static ArrowType.TimeUnit unit(short unit, String where) throws ArrowFormatException {
        ArrowType.TimeUnit[] units = ArrowType.TimeUnit.values();
        if (unit < 0 || unit >= units.length) {
            throw new ArrowFormatException(where + ": unknown time unit " + unit);
        }
        return units[unit];
    }

    private static ArrowType type(Field field, String where) throws ArrowFormatException {
        byte id = field.typeType();
        switch (id) {
            case Type.Null:
                return new ArrowType.Null();
            case Type.Int: {
                org.apache.arrow.flatbuf.Int t = (org.apache.arrow.flatbuf.Int) table(field,
                        new org.apache.arrow.flatbuf.Int(), where);
                return new ArrowType.Int(t.bitWidth(), t.isSigned());
            }
            case Type.FloatingPoint: {
                short precision = ((org.apache.arrow.flatbuf.FloatingPoint) table(field,
                        new org.apache.arrow.flatbuf.FloatingPoint(), where)).precision();
                if (precision < Precision.HALF || precision > Precision.DOUBLE) {
                    throw new ArrowFormatException(where + ": unknown floating point precision " + precision);
                }
                return new ArrowType.FloatingPoint(16 << precision);
            }
            case Type.Binary:
                return new ArrowType.Binary();
            case Type.Utf8:
                return new ArrowType.Utf8();
            case Type.LargeBinary:
                return new ArrowType.LargeBinary();
            case Type.LargeUtf8:
                return new ArrowType.LargeUtf8();
            case Type.Bool:
                return new ArrowType.Bool();
            case Type.Decimal: {
                org.apache.arrow.flatbuf.Decimal t = (org.apache.arrow.flatbuf.Decimal) table(field,
                        new org.apache.arrow.flatbuf.Decimal(), where);
                return new ArrowType.Decimal(t.precision(), t.scale(), t.bitWidth());
            }
            case Type.Date: {
                short unit = ((org.apache.arrow.flatbuf.Date) table(field, new org.apache.arrow.flatbuf.Date(),
                        where)).unit();
                if (unit != DateUnit.DAY && unit != DateUnit.MILLISECOND) {
                    throw new ArrowFormatException(where + ": unknown date unit " + unit);
                }
                return new ArrowType.Date(unit == DateUnit.DAY);
            }
            case Type.Time: {
                org.apache.arrow.flatbuf.Time t = (org.apache.arrow.flatbuf.Time) table(field,
                        new org.apache.arrow.flatbuf.Time(), where);
                ArrowType.Time time = new ArrowType.Time(unit(t.unit(), where));
                if (t.bitWidth() != time.bitWidth()) {
                    throw new ArrowFormatException(where + ": time in " + time.unit().symbol() + " of bitWidth="
                            + t.bitWidth() + " (must be " + time.bitWidth() + ")");
                }
                return time;
            }
            case Type.Timestamp: {
                org.apache.arrow.flatbuf.Timestamp t = (org.apache.arrow.flatbuf.Timestamp) table(field,
                        new org.apache.arrow.flatbuf.Timestamp(), where);
                return new ArrowType.Timestamp(unit(t.unit(), where), t.timezone());
            }
            case Type.Duration:
                return new ArrowType.Duration(unit(((org.apache.arrow.flatbuf.Duration) table(field,
                        new org.apache.arrow.flatbuf.Duration(), where)).unit(), where));
            case Type.FixedSizeBinary:
                return new ArrowType.FixedSizeBinary(((org.apache.arrow.flatbuf.FixedSizeBinary) table(field,
                        new org.apache.arrow.flatbuf.FixedSizeBinary(), where)).byteWidth());
            case Type.List:
                return new ArrowType.List();
            case Type.LargeList:
                return new ArrowType.LargeList();
            case Type.FixedSizeList:
                return new ArrowType.FixedSizeList(((org.apache.arrow.flatbuf.FixedSizeList) table(field,
                        new org.apache.arrow.flatbuf.FixedSizeList(), where)).listSize());
            case Type.Map:
                return new ArrowType.Map(((org.apache.arrow.flatbuf.Map) table(field, new org.apache.arrow.flatbuf.Map(),
                        where)).keysSorted());
            case Type.Struct_:
                return new ArrowType.Struct();
            case Type.Union: {
                short mode = ((org.apache.arrow.flatbuf.Union) table(field, new org.apache.arrow.flatbuf.Union(),
                        where)).mode();
                return new ArrowType.Unsupported(mode == org.apache.arrow.flatbuf.UnionMode.Dense ? "dense_union"
                        : "sparse_union");
            }
            case Type.Interval: {
                short unit = ((org.apache.arrow.flatbuf.Interval) table(field,
                        new org.apache.arrow.flatbuf.Interval(), where)).unit();
                return new ArrowType.Unsupported("interval[" + (unit == 0 ? "year_month" : unit == 1 ? "day_time"
                        : "month_day_nano") + "]");
            }
            case Type.RunEndEncoded:
                return new ArrowType.Unsupported("run_end_encoded");
            case Type.BinaryView:
                return new ArrowType.Unsupported("binary_view");
            case Type.Utf8View:
                return new ArrowType.Unsupported("string_view");
            case Type.ListView:
                return new ArrowType.Unsupported("list_view");
            case Type.LargeListView:
                return new ArrowType.Unsupported("large_list_view");
            default:
                throw new ArrowFormatException(where + ": unknown type id " + id);
        }
    }

    /**
     * Reads the type's parameters into {@code into}, a table of the generated class of the type. Declared as
     * {@code Object}, not {@code Table}: the bytecode verifier would otherwise load the class of every type that
     * {@link #type} names, on the first schema a JVM reads, to check that it is a {@code Table}.
     */
    private static Object table(Field field, Object into, String where) throws ArrowFormatException {
        if (field.type((com.google.flatbuffers.Table) into) == null) {
            throw new ArrowFormatException(where + ": the type's parameters are missing");
        }
        return into;
    }

    /**
     * The buffers a record batch holds for one field of {@code type} (Arrow columnar format, metadata V5), not
     * counting its children's; -1 for the view types, whose count the batch gives.
     */
    static int bufferCount(ArrowField field) {
        if (field.dictionary().isPresent()) {
            return 2;
        }
        ArrowType type = field.type();
        if (type.descr().isPresent()) { // validity and values; tested first, as loading the classes below costs time
            return 2;
        }
        if (type instanceof ArrowType.Null) {
            return 0;
        }
        if (type instanceof ArrowType.Utf8 || type instanceof ArrowType.LargeUtf8 || type instanceof ArrowType.Binary
                || type instanceof ArrowType.LargeBinary) {
            return 3;
        }
        if (type instanceof ArrowType.Struct || type instanceof ArrowType.FixedSizeList) {
            return 1;
        }
        if (type instanceof ArrowType.Unsupported) {
            switch (((ArrowType.Unsupported) type).name()) {
                case "sparse_union":
                    return 1;
                case "run_end_encoded":
                    return 0;
                case "list_view":
                case "large_list_view":
                    return 3;
                case "binary_view":
                case "string_view":
                    return -1;
                default:
                    return 2; // dense unions, intervals
            }
        }
        return 2; // validity and values, offsets or indexes
    }

    /** Whether the record batch holds nodes for the children of {@code field} (not for a dictionary's values). */
    static boolean childrenInBatch(ArrowField field) {
        return field.dictionary().isEmpty();
    }

    // -----------------------------------------------------------------------------------------------------------
    // Writing

    /** Builds {@code schema} into {@code builder} and returns its offset. */
    static int write(FlatBufferBuilder builder, ArrowSchema schema) {
        List<ArrowField> fields = schema.fields();
        int[] offsets = new int[fields.size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = write(builder, fields.get(i));
        }
        int fieldVector = Schema.createFieldsVector(builder, offsets);
        int metadata = schema.metadata().isEmpty() ? 0 : Schema.createCustomMetadataVector(builder,
                keyValues(builder, schema.metadata()));
        Schema.startSchema(builder);
        Schema.addEndianness(builder, Endianness.Little);
        Schema.addFields(builder, fieldVector);
        if (metadata != 0) {
            Schema.addCustomMetadata(builder, metadata);
        }
        return Schema.endSchema(builder);
    }

    private static int[] keyValues(FlatBufferBuilder builder, Map<String, String> metadata) {
        int[] entries = new int[metadata.size()];
        int i = 0;
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            int key = builder.createString(entry.getKey());
            int value = builder.createString(entry.getValue());
            entries[i++] = KeyValue.createKeyValue(builder, key, value);
        }
        return entries;
    }

    private static int write(FlatBufferBuilder builder, ArrowField field) {
        if (field.dictionary().isPresent()) {
            throw new IllegalArgumentException("field '" + field.name() + "' is dictionary-encoded: jmmap writes "
                    + "the values themselves, declare it without a dictionary");
        }
        int name = builder.createString(field.name());
        int type = type(builder, field.type(), field.name());
        int[] childOffsets = new int[field.children().size()];
        for (int i = 0; i < childOffsets.length; i++) {
            childOffsets[i] = write(builder, field.children().get(i));
        }
        int children = Field.createChildrenVector(builder, childOffsets);
        int metadata = field.metadata().isEmpty() ? 0 : Field.createCustomMetadataVector(builder,
                keyValues(builder, field.metadata()));
        Field.startField(builder);
        Field.addName(builder, name);
        Field.addNullable(builder, field.isNullable());
        Field.addTypeType(builder, typeId(field.type()));
        Field.addType(builder, type);
        Field.addChildren(builder, children);
        if (metadata != 0) {
            Field.addCustomMetadata(builder, metadata);
        }
        return Field.endField(builder);
    }

    private static short unit(ArrowType.TimeUnit unit) {
        return (short) unit.ordinal();
    }

    private static byte typeId(ArrowType type) {
        if (type instanceof ArrowType.Null) {
            return Type.Null;
        } else if (type instanceof ArrowType.Bool) {
            return Type.Bool;
        } else if (type instanceof ArrowType.Int) {
            return Type.Int;
        } else if (type instanceof ArrowType.FloatingPoint) {
            return Type.FloatingPoint;
        } else if (type instanceof ArrowType.Utf8) {
            return Type.Utf8;
        } else if (type instanceof ArrowType.LargeUtf8) {
            return Type.LargeUtf8;
        } else if (type instanceof ArrowType.Binary) {
            return Type.Binary;
        } else if (type instanceof ArrowType.LargeBinary) {
            return Type.LargeBinary;
        } else if (type instanceof ArrowType.FixedSizeBinary) {
            return Type.FixedSizeBinary;
        } else if (type instanceof ArrowType.Decimal) {
            return Type.Decimal;
        } else if (type instanceof ArrowType.Date) {
            return Type.Date;
        } else if (type instanceof ArrowType.Time) {
            return Type.Time;
        } else if (type instanceof ArrowType.Timestamp) {
            return Type.Timestamp;
        } else if (type instanceof ArrowType.Duration) {
            return Type.Duration;
        } else if (type instanceof ArrowType.List) {
            return Type.List;
        } else if (type instanceof ArrowType.LargeList) {
            return Type.LargeList;
        } else if (type instanceof ArrowType.FixedSizeList) {
            return Type.FixedSizeList;
        } else if (type instanceof ArrowType.Map) {
            return Type.Map;
        } else if (type instanceof ArrowType.Struct) {
            return Type.Struct_;
        }
        throw new IllegalArgumentException("type " + type + " cannot be written");
    }

    private static int type(FlatBufferBuilder builder, ArrowType type, String name) {
        if (type instanceof ArrowType.Int) {
            ArrowType.Int t = (ArrowType.Int) type;
            return org.apache.arrow.flatbuf.Int.createInt(builder, t.bitWidth(), t.signed());
        } else if (type instanceof ArrowType.FloatingPoint) {
            int bits = ((ArrowType.FloatingPoint) type).bitWidth();
            return org.apache.arrow.flatbuf.FloatingPoint.createFloatingPoint(builder,
                    bits == 16 ? Precision.HALF : bits == 32 ? Precision.SINGLE : Precision.DOUBLE);
        } else if (type instanceof ArrowType.FixedSizeBinary) {
            return org.apache.arrow.flatbuf.FixedSizeBinary.createFixedSizeBinary(builder,
                    ((ArrowType.FixedSizeBinary) type).byteWidth());
        } else if (type instanceof ArrowType.Decimal) {
            ArrowType.Decimal t = (ArrowType.Decimal) type;
            return org.apache.arrow.flatbuf.Decimal.createDecimal(builder, t.precision(), t.scale(), t.bitWidth());
        } else if (type instanceof ArrowType.Date) {
            return org.apache.arrow.flatbuf.Date.createDate(builder, ((ArrowType.Date) type).days() ? DateUnit.DAY
                    : DateUnit.MILLISECOND);
        } else if (type instanceof ArrowType.Time) {
            ArrowType.Time t = (ArrowType.Time) type;
            return org.apache.arrow.flatbuf.Time.createTime(builder, unit(t.unit()), t.bitWidth());
        } else if (type instanceof ArrowType.Timestamp) {
            ArrowType.Timestamp t = (ArrowType.Timestamp) type;
            int zone = t.timezone() == null ? 0 : builder.createString(t.timezone());
            return org.apache.arrow.flatbuf.Timestamp.createTimestamp(builder, unit(t.unit()), zone);
        } else if (type instanceof ArrowType.Duration) {
            return org.apache.arrow.flatbuf.Duration.createDuration(builder,
                    unit(((ArrowType.Duration) type).unit()));
        } else if (type instanceof ArrowType.FixedSizeList) {
            return org.apache.arrow.flatbuf.FixedSizeList.createFixedSizeList(builder,
                    ((ArrowType.FixedSizeList) type).listSize());
        } else if (type instanceof ArrowType.Map) {
            return org.apache.arrow.flatbuf.Map.createMap(builder, ((ArrowType.Map) type).keysSorted());
        } else if (type instanceof ArrowType.Unsupported) {
            throw new IllegalArgumentException("field '" + name + "' of type " + type + ": jmmap does not write it");
        }
        // the types without parameters: an empty table
        builder.startTable(0);
        return builder.endTable();
    }
}
