package org.jmmap.arrow;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One record batch of an Arrow file: {@link #length()} rows of every field of the schema, one {@link ArrowColumn}
 * per field, in place in the file's mapping. Valid while the file is open. Immutable.
 */
public final class RecordBatch {

    private final ArrowSchema schema;
    private final long length;
    private final List<ArrowColumn> columns;

    RecordBatch(ArrowSchema schema, long length, List<ArrowColumn> columns) {
        this.schema = schema;
        this.length = length;
        this.columns = List.copyOf(columns);
    }

    /** The schema: one field per column. */
    public ArrowSchema schema() {
        return schema;
    }

    /** The number of rows. */
    public long length() {
        return length;
    }

    /** The number of columns. */
    public int columnCount() {
        return columns.size();
    }

    /** The columns, in the schema's order. */
    public List<ArrowColumn> columns() {
        return columns;
    }

    /**
     * The column at {@code index}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < columnCount()}
     */
    public ArrowColumn column(int index) {
        return columns.get(index);
    }

    /**
     * The column of the first field named {@code name}.
     *
     * @throws java.util.NoSuchElementException naming the fields there are, if none is called so
     */
    public ArrowColumn column(String name) {
        return columns.get(schema.indexOf(name));
    }

    /**
     * Rows {@code [from, to)} of every column, as a batch of its own in the same memory.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= from <= to <= length()}
     */
    public RecordBatch slice(long from, long to) {
        Objects.checkFromToIndex(from, to, length);
        return new RecordBatch(schema, to - from, columns.stream().map(c -> c.slice(from, to))
                .collect(Collectors.toList()));
    }

    @Override
    public String toString() {
        return "RecordBatch[" + length + " rows: " + schema.fields().stream().map(ArrowField::toString)
                .collect(Collectors.joining(", ")) + "]";
    }
}
