package org.jmmap.arrow;

import java.util.List;
import java.util.stream.Collectors;

/** A column of {@link ArrowType.Struct}: one child column per field of the struct, each of the same length. */
public final class StructColumn extends ArrowColumn {

    private final List<ArrowColumn> children;

    /**
     * A new column, typed as {@link ArrowColumn}: {@link BatchLoader} creates columns through these factories so
     * that verifying it does not load the class of every kind of column.
     */
    static ArrowColumn of(ArrowField field, long length, long nullCount, Bitmap validity, List<ArrowColumn> children) {
        return new StructColumn(field, length, nullCount, validity, children);
    }

    StructColumn(ArrowField field, long length, long nullCount, Bitmap validity, List<ArrowColumn> children) {
        super(field, length, nullCount, validity);
        this.children = List.copyOf(children);
    }

    /** The child columns, in the order of the struct's fields. */
    public List<ArrowColumn> children() {
        return children;
    }

    /**
     * The child column at {@code index}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < children().size()}
     */
    public ArrowColumn child(int index) {
        return children.get(index);
    }

    /**
     * The first child column named {@code name}.
     *
     * @throws java.util.NoSuchElementException naming the fields there are, if none is called so
     */
    public ArrowColumn child(String name) {
        for (ArrowColumn child : children) {
            if (child.field().name().equals(name)) {
                return child;
            }
        }
        throw new java.util.NoSuchElementException("no field '" + name + "' in struct '" + field.name()
                + "' (fields: " + children.stream().map(c -> c.field().name()).collect(Collectors.joining(", "))
                + ")");
    }

    @Override
    public StructColumn slice(long from, long to) {
        Bitmap sliced = slicedValidity(from, to);
        return new StructColumn(field, to - from, slicedNullCount(from, to), sliced,
                children.stream().map(c -> c.slice(from, to)).collect(Collectors.toList()));
    }
}
