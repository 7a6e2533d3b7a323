package org.jmmap.arrow;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.flatbuf.BodyCompression;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.CompressionType;
import org.apache.arrow.flatbuf.FieldNode;
import org.jmmap.Mapping;
import org.jmmap.array.ByteArray;
import org.jmmap.array.MappedArrays;
import org.jmmap.array.TypedArray;

/**
 * Turns a {@code RecordBatch} message into columns over its body: walks the schema's fields depth first, taking
 * one field node and the type's buffers for each (Arrow columnar format, V5), and checks every one before making a
 * view: nodes and buffers as many as the schema needs, each buffer within the body, each buffer large enough for
 * its node's length, children long enough for their parents. Nothing is read outside the body.
 */
final class BatchLoader {

    /** The dictionaries of the file, by id, for dictionary-encoded fields. */
    interface Dictionaries {
        ArrowColumn get(long id) throws ArrowFormatException;
    }

    private final Mapping mapping;
    private final long body;
    private final long bodyLength;
    private final org.apache.arrow.flatbuf.RecordBatch batch;
    private final Dictionaries dictionaries;
    private final String where;
    private int node;
    private int buffer;
    private int variadic;

    BatchLoader(Mapping mapping, long body, long bodyLength, org.apache.arrow.flatbuf.RecordBatch batch,
                Dictionaries dictionaries, String where) {
        this.mapping = mapping;
        this.body = body;
        this.bodyLength = bodyLength;
        this.batch = batch;
        this.dictionaries = dictionaries;
        this.where = where;
    }

    /**
     * The columns of {@code fields}, each of the batch's length.
     *
     * @throws ArrowFormatException if the batch is compressed, or disagrees with the fields or its body
     */
    List<ArrowColumn> load(List<ArrowField> fields) throws ArrowFormatException {
        long length;
        int nodes;
        int buffers;
        try {
            BodyCompression compression = batch.compression();
            if (compression != null) {
                byte codec = compression.codec();
                throw new ArrowFormatException(where + ": the buffers are compressed with "
                        + (codec == CompressionType.LZ4_FRAME ? "LZ4_FRAME" : codec == CompressionType.ZSTD ? "ZSTD"
                        : "codec " + codec) + ", which cannot be mapped in place; write the file uncompressed "
                        + "(pyarrow: ipc.new_file(sink, schema, options=ipc.IpcWriteOptions(compression=None)))");
            }
            length = batch.length();
            nodes = batch.nodesLength();
            buffers = batch.buffersLength();
        } catch (RuntimeException e) {
            throw new ArrowFormatException(where + ": not a valid record batch flatbuffer (" + e + ")", e);
        }
        if (length < 0) {
            throw new ArrowFormatException(where + ": length=" + length + " rows");
        }
        int[] expected = new int[2];
        for (ArrowField field : fields) {
            count(field, expected);
        }
        if (nodes != expected[0] || (expected[1] >= 0 && buffers != expected[1])) {
            throw new ArrowFormatException(where + ": " + nodes + " field nodes and " + buffers + " buffers, but the "
                    + "schema's " + fields.size() + " fields need " + expected[0] + " and "
                    + (expected[1] < 0 ? "a number given by the batch" : expected[1])
                    + " (the batch does not belong to this schema)");
        }
        List<ArrowColumn> columns = new ArrayList<>();
        for (ArrowField field : fields) {
            ArrowColumn column = column(field, where + ", column '" + field.name() + "'");
            if (column.length() != length) {
                throw new ArrowFormatException(where + ": column '" + field.name() + "' has length="
                        + column.length() + ", the batch length=" + length);
            }
            columns.add(column);
        }
        if (node != nodes || buffer != buffers) {
            throw new ArrowFormatException(where + ": " + (nodes - node) + " field nodes and " + (buffers - buffer)
                    + " buffers are left over (the batch does not belong to this schema)");
        }
        return columns;
    }

    /** Adds the nodes and buffers {@code field} takes to {@code counts}; buffers -1 when the batch says. */
    private static void count(ArrowField field, int[] counts) {
        counts[0]++;
        int buffers = Metadata.bufferCount(field);
        counts[1] = buffers < 0 || counts[1] < 0 ? -1 : counts[1] + buffers;
        if (Metadata.childrenInBatch(field)) {
            for (ArrowField child : field.children()) {
                count(child, counts);
            }
        }
    }

    /** The next buffer: its mapping offset and length, checked against the body. */
    private long[] nextBuffer(String at) throws ArrowFormatException {
        Buffer b;
        long offset;
        long length;
        try {
            b = batch.buffers(buffer++);
            offset = b.offset();
            length = b.length();
        } catch (RuntimeException e) {
            throw new ArrowFormatException(at + ": buffer " + (buffer - 1) + " cannot be read (" + e + ")", e);
        }
        if (offset < 0 || length < 0 || offset > bodyLength || length > bodyLength - offset) {
            throw new ArrowFormatException(at + ": buffer " + (buffer - 1) + " offset=" + offset + " length="
                    + length + " is not within the body of bodyLength=" + bodyLength);
        }
        return new long[] {body + offset, length};
    }

    private ArrowColumn column(ArrowField field, String at) throws ArrowFormatException {
        FieldNode n;
        long length;
        long nullCount;
        try {
            n = batch.nodes(node++);
            length = n.length();
            nullCount = n.nullCount();
        } catch (RuntimeException e) {
            throw new ArrowFormatException(at + ": field node " + (node - 1) + " cannot be read (" + e + ")", e);
        }
        if (length < 0 || nullCount < 0 || nullCount > length) {
            throw new ArrowFormatException(at + ": length=" + length + " nullCount=" + nullCount);
        }
        ArrowType type = field.type();
        if (field.dictionary().isPresent()) {
            Bitmap validity = validity(at, length, nullCount);
            DictionaryEncoding encoding = field.dictionary().get();
            TypedArray indices = fixedWidth(at, length, encoding.indexType().descr().orElseThrow());
            return DictionaryColumn.of(field, length, nullCount, validity, indices, dictionaries.get(encoding.id()));
        }
        Optional<String> numpyType = type.descr();
        if (numpyType.isPresent()) { // first: the commonest, and testing for the others loads their types' classes
            Bitmap validity = validity(at, length, nullCount);
            String descr = numpyType.get();
            if (descr.startsWith("|S")) { // fixed-size binary and decimal: rows of bytes
                return FixedSizeBinaryColumn.of(field, length, nullCount, validity,
                        (ByteArray) fixedWidth(at, length, descr));
            }
            return FixedWidthColumn.of(field, length, nullCount, validity, fixedWidth(at, length, descr), descr);
        }
        if (type instanceof ArrowType.Null) {
            return NullColumn.of(field, length);
        }
        if (type instanceof ArrowType.Unsupported) {
            int buffers = Metadata.bufferCount(field);
            if (buffers < 0) { // the view layouts: validity, views, and as many data buffers as the batch says
                long count;
                try {
                    count = batch.variadicBufferCounts(variadic++);
                } catch (RuntimeException e) {
                    throw new ArrowFormatException(at + ": no variadic buffer count for " + type, e);
                }
                if (count < 0 || count > batch.buffersLength()) {
                    throw new ArrowFormatException(at + ": variadic buffer count " + count);
                }
                buffers = 2 + (int) count;
            }
            for (int i = 0; i < buffers; i++) {
                nextBuffer(at);
            }
            for (ArrowField child : field.children()) {
                column(child, at + "." + child.name());
            }
            return UnsupportedColumn.of(field, length, nullCount);
        }
        Bitmap validity = validity(at, length, nullCount);
        if (type instanceof ArrowType.Bool) {
            long[] values = nextBuffer(at);
            checkSize(at, "values", values[1], bitmapBytes(length));
            return BoolColumn.of(field, length, nullCount, validity, new Bitmap(mapping, values[0], 0, length));
        }
        if (type instanceof ArrowType.Utf8 || type instanceof ArrowType.Binary || type instanceof ArrowType.LargeUtf8
                || type instanceof ArrowType.LargeBinary) {
            boolean large = type instanceof ArrowType.LargeUtf8 || type instanceof ArrowType.LargeBinary;
            long[] offsetsBuffer = nextBuffer(at);
            long[] data = nextBuffer(at);
            ByteArray bytes = (ByteArray) MappedArrays.view(mapping, data[0], "|u1", data[1]);
            Offsets offsets = offsets(at, length, offsetsBuffer, large, data[1], "data bytes");
            return BinaryColumn.of(field, length, nullCount, validity, offsets, bytes);
        }
        if (type instanceof ArrowType.List || type instanceof ArrowType.LargeList || type instanceof ArrowType.Map) {
            long[] offsetsBuffer = nextBuffer(at);
            ArrowField childField = field.children().get(0);
            ArrowColumn child = column(childField, at + "." + childField.name());
            Offsets offsets = offsets(at, length, offsetsBuffer, type instanceof ArrowType.LargeList, child.length(),
                    "child rows");
            return ListColumn.of(field, length, nullCount, validity, offsets, child);
        }
        if (type instanceof ArrowType.FixedSizeList) {
            ArrowField childField = field.children().get(0);
            ArrowColumn child = column(childField, at + "." + childField.name());
            long listSize = ((ArrowType.FixedSizeList) type).listSize();
            if (listSize > 0 && length > child.length() / listSize) {
                throw new ArrowFormatException(at + ": " + length + " lists of " + listSize + " items need "
                        + "more than the child's length=" + child.length());
            }
            ArrowColumn items = child.length() == length * listSize ? child : child.slice(0, length * listSize);
            return FixedSizeListColumn.of(field, length, nullCount, validity, items);
        }
        if (type instanceof ArrowType.Struct) {
            List<ArrowColumn> children = new ArrayList<>();
            for (ArrowField childField : field.children()) {
                ArrowColumn child = column(childField, at + "." + childField.name());
                if (child.length() < length) {
                    throw new ArrowFormatException(at + ": child '" + childField.name() + "' has length="
                            + child.length() + ", the struct length=" + length);
                }
                children.add(child.length() == length ? child : child.slice(0, length));
            }
            return StructColumn.of(field, length, nullCount, validity, children);
        }
        throw new ArrowFormatException(at + ": type " + type + " has no reader");
    }

    private static long bitmapBytes(long bits) {
        return (bits + 7) / 8;
    }

    private static void checkSize(String at, String what, long size, long needed) throws ArrowFormatException {
        if (size < needed) {
            throw new ArrowFormatException(at + ": the " + what + " buffer has " + size + " bytes, " + needed
                    + " are needed");
        }
    }

    /** The validity bitmap (its buffer is taken in any case), or null when no row is null. */
    private Bitmap validity(String at, long length, long nullCount) throws ArrowFormatException {
        long[] bits = nextBuffer(at);
        if (nullCount == 0) {
            return null; // as Arrow's own readers: a bitmap of a column without nulls says nothing
        }
        if (bits[1] == 0) {
            throw new ArrowFormatException(at + ": nullCount=" + nullCount + " but no validity buffer");
        }
        checkSize(at, "validity", bits[1], bitmapBytes(length));
        return new Bitmap(mapping, bits[0], 0, length);
    }

    private TypedArray fixedWidth(String at, long length, String descr) throws ArrowFormatException {
        long[] values = nextBuffer(at);
        int bracket = descr.indexOf('[');
        long width = Long.parseLong(descr.substring(2, bracket < 0 ? descr.length() : bracket)); // "<f8", "|S16"
        if (length > values[1] / width) {
            throw new ArrowFormatException(at + ": the values buffer has " + values[1] + " bytes, " + length
                    + " values of " + width + " bytes need more");
        }
        return MappedArrays.view(mapping, values[0], descr, length);
    }

    /** The offsets of {@code length} rows, whose first and last entries are checked against {@code limit}. */
    private Offsets offsets(String at, long length, long[] buffer, boolean large, long limit, String what)
            throws ArrowFormatException {
        int width = large ? 8 : 4;
        String descr = large ? "<i8" : "<i4";
        if (length == 0 && buffer[1] < width) { // an empty column may omit its offsets
            return new Offsets(MappedArrays.view(mapping, buffer[0], descr, 0), limit, at);
        }
        if (length >= bodyLength / width || buffer[1] < (length + 1) * width) {
            throw new ArrowFormatException(at + ": the offsets buffer has " + buffer[1] + " bytes, " + (length + 1)
                    + " offsets of " + width + " bytes need more");
        }
        Offsets offsets = new Offsets(MappedArrays.view(mapping, buffer[0], descr, length + 1), limit, at);
        long first = offsets.get(0);
        long last = offsets.get(length);
        if (first < 0 || first > last || last > limit) {
            throw new ArrowFormatException(at + ": offsets " + first + ".." + last + " are not within the " + limit
                    + " " + what);
        }
        return offsets;
    }
}
