package org.jmmap.arrow;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.stream.Collectors;

/** The fields of an Arrow file or stream, in column order, and its key-value metadata. Immutable. */
public final class ArrowSchema {

    private final List<ArrowField> fields;
    private final Map<String, String> metadata;

    ArrowSchema(List<ArrowField> fields, Map<String, String> metadata) {
        this.fields = List.copyOf(fields);
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** A schema of {@code fields}, without metadata. */
    public static ArrowSchema of(ArrowField... fields) {
        return new ArrowSchema(Arrays.asList(fields), Map.of());
    }

    /** A schema of {@code fields}, without metadata. */
    public static ArrowSchema of(List<ArrowField> fields) {
        return new ArrowSchema(fields, Map.of());
    }

    /** This schema with {@code metadata} (pandas' and Spark's keys go here) in place of its own. */
    public ArrowSchema withMetadata(Map<String, String> metadata) {
        return new ArrowSchema(fields, Objects.requireNonNull(metadata, "metadata"));
    }

    /** The fields, one per column. */
    public List<ArrowField> fields() {
        return fields;
    }

    /**
     * The field at {@code index}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < fields().size()}
     */
    public ArrowField field(int index) {
        return fields.get(index);
    }

    /**
     * The first field named {@code name}.
     *
     * @throws NoSuchElementException naming the fields there are, if none is called so
     */
    public ArrowField field(String name) {
        return fields.get(indexOf(name));
    }

    /**
     * The index of the first field named {@code name}.
     *
     * @throws NoSuchElementException naming the fields there are, if none is called so
     */
    public int indexOf(String name) {
        Objects.requireNonNull(name, "name");
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new NoSuchElementException("no field '" + name + "' (fields: " + fields.stream().map(ArrowField::name)
                .collect(Collectors.joining(", ")) + ")");
    }

    /** The schema's key-value metadata. */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ArrowSchema && fields.equals(((ArrowSchema) other).fields)
                && metadata.equals(((ArrowSchema) other).metadata);
    }

    @Override
    public int hashCode() {
        return fields.hashCode() * 31 + metadata.hashCode();
    }

    /** The fields one per line, as pyarrow prints a schema. */
    @Override
    public String toString() {
        return fields.stream().map(ArrowField::toString).collect(Collectors.joining("\n"));
    }
}
