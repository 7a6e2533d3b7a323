package org.jmmap.arrow;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A field of an Arrow schema: a name, a type, whether it may hold nulls, the children of nested types, key-value
 * metadata (where extension types such as {@code arrow.fixed_shape_tensor} are named), and for a
 * dictionary-encoded field its {@link DictionaryEncoding}. Immutable.
 */
public final class ArrowField {

    /** The metadata key naming an extension type. */
    public static final String EXTENSION_NAME = "ARROW:extension:name";
    /** The metadata key holding an extension type's parameters. */
    public static final String EXTENSION_METADATA = "ARROW:extension:metadata";

    private final String name;
    private final ArrowType type;
    private final boolean nullable;
    private final List<ArrowField> children;
    private final Map<String, String> metadata;
    private final DictionaryEncoding dictionary;
    private final FixedShapeTensor tensor;

    ArrowField(String name, ArrowType type, boolean nullable, List<ArrowField> children, Map<String, String> metadata,
               DictionaryEncoding dictionary) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.nullable = nullable;
        this.children = List.copyOf(children);
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.dictionary = dictionary;
        // Only fields that name an extension can be tensors (FixedShapeTensor and its JSON parser are not loaded else).
        this.tensor = metadata.containsKey(EXTENSION_NAME) ? FixedShapeTensor.of(this).orElse(null) : null;
        checkChildren();
    }

    private void checkChildren() {
        int expected;
        if (type.descr().isPresent()) { // fixed width: tested first, so that reading them loads no nested type's class
            expected = 0;
        } else if (type instanceof ArrowType.List || type instanceof ArrowType.LargeList
                || type instanceof ArrowType.FixedSizeList || type instanceof ArrowType.Map) {
            expected = 1;
        } else if (type instanceof ArrowType.Struct || type instanceof ArrowType.Unsupported) {
            expected = -1;
        } else {
            expected = 0;
        }
        if (expected >= 0 && children.size() != expected) {
            throw new IllegalArgumentException("field '" + name + "' of type " + type + " has " + children.size()
                    + " children: it takes " + expected);
        }
        if (expected == 1 && type instanceof ArrowType.Map) {
            ArrowField entries = children.get(0);
            if (!(entries.type instanceof ArrowType.Struct) || entries.children.size() != 2) {
                throw new IllegalArgumentException("field '" + name + "' of type map: its child must be a struct of "
                        + "a key and a value, not " + entries);
            }
        }
    }

    /**
     * A nullable field (pyarrow's default) of {@code type} with {@code children} (one for the list types, any number
     * for a struct, none for the others).
     *
     * @throws IllegalArgumentException if the number of children does not fit the type
     */
    public static ArrowField of(String name, ArrowType type, ArrowField... children) {
        return new ArrowField(name, type, true, Arrays.asList(children), Map.of(), null);
    }

    /** {@link #of(String, ArrowType, ArrowField...)} for a field declared without nulls. */
    public static ArrowField notNull(String name, ArrowType type, ArrowField... children) {
        return new ArrowField(name, type, false, Arrays.asList(children), Map.of(), null);
    }

    /**
     * A field of N-d arrays of {@code shape}, all of the same shape, one per row: the {@code arrow.fixed_shape_tensor}
     * extension over a fixed-size list of {@code product(shape)} values of {@code valueType}, in C order, as pyarrow's
     * {@code pa.fixed_shape_tensor(value_type, shape)}. Polars, DuckDB and readers without the extension see the
     * fixed-size list.
     *
     * @throws IllegalArgumentException if {@code valueType} is not a fixed-width numeric type, the shape is empty or
     *                                  has a negative dimension, or the values of a row outnumber an {@code int}
     */
    public static ArrowField tensor(String name, ArrowType valueType, long... shape) {
        FixedShapeTensor tensor = FixedShapeTensor.of(valueType, shape);
        return new ArrowField(name, new ArrowType.FixedSizeList(tensor.listSize()), true,
                List.of(of("item", valueType)), tensor.metadata(), null);
    }

    /** This field with {@code metadata} in place of its own (keys in the map's iteration order). */
    public ArrowField withMetadata(Map<String, String> metadata) {
        return new ArrowField(name, type, nullable, children, metadata, dictionary);
    }

    /** The name (may be empty; need not be unique). */
    public String name() {
        return name;
    }

    /**
     * The type. For a dictionary-encoded field, the type of the dictionary's values (the indexes' type is
     * {@link DictionaryEncoding#indexType()}).
     */
    public ArrowType type() {
        return type;
    }

    /** Whether the field may hold nulls. */
    public boolean isNullable() {
        return nullable;
    }

    /** The children of a nested type, in order; empty for the others. */
    public List<ArrowField> children() {
        return children;
    }

    /** The key-value metadata, in the file's order. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The dictionary encoding of a dictionary-encoded field, else empty. */
    public Optional<DictionaryEncoding> dictionary() {
        return Optional.ofNullable(dictionary);
    }

    /** The extension type's name ({@code "arrow.fixed_shape_tensor"}), if the metadata names one. */
    public Optional<String> extensionName() {
        return Optional.ofNullable(metadata.get(EXTENSION_NAME));
    }

    /** The {@code arrow.fixed_shape_tensor} parameters of this field, if it is one. */
    public Optional<FixedShapeTensor> tensor() {
        return Optional.ofNullable(tensor);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof ArrowField)) {
            return false;
        }
        ArrowField that = (ArrowField) other;
        return name.equals(that.name) && type.equals(that.type) && nullable == that.nullable
                && children.equals(that.children) && metadata.equals(that.metadata)
                && Objects.equals(dictionary, that.dictionary);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, nullable, children, metadata, dictionary);
    }

    /** The field as pyarrow prints it: {@code name: type}, {@code not null} when declared so, children inline. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(name).append(": ");
        if (tensor != null) {
            out.append(tensor);
        } else if (dictionary != null) {
            out.append("dictionary<values=").append(type).append(", indices=").append(dictionary.indexType())
                    .append(dictionary.ordered() ? ", ordered=1" : ", ordered=0").append('>');
        } else if (children.isEmpty()) {
            out.append(type);
        } else {
            String text = type.toString();
            int bracket = text.indexOf('[');
            out.append(bracket < 0 ? text : text.substring(0, bracket)).append('<');
            for (int i = 0; i < children.size(); i++) {
                out.append(i == 0 ? "" : ", ").append(children.get(i));
            }
            out.append('>').append(bracket < 0 ? "" : text.substring(bracket));
        }
        return nullable ? out.toString() : out.append(" not null").toString();
    }
}
