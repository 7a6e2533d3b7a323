package org.jmmap.arrow;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The parameters of Arrow's canonical {@code arrow.fixed_shape_tensor} extension type: every row holds an N-d
 * array of the same {@link #shape()}, stored as a fixed-size list of {@code product(shape)} values in C order of
 * the physical shape. {@link #permutation()}, when present, says how the logical axes map onto the physical ones:
 * logical axis {@code k} is physical axis {@code permutation[k]}, so the logical array is the physical one
 * transposed, as pyarrow's {@code to_numpy_ndarray()} gives it. Immutable.
 */
public final class FixedShapeTensor {

    /** The extension's name. */
    public static final String NAME = "arrow.fixed_shape_tensor";

    private final ArrowType valueType;
    private final long[] shape;
    private final int[] permutation;
    private final List<String> dimensionNames;
    private final int listSize;

    private FixedShapeTensor(ArrowType valueType, long[] shape, int[] permutation, List<String> dimensionNames) {
        this.valueType = valueType;
        this.shape = shape;
        this.permutation = permutation;
        this.dimensionNames = dimensionNames;
        long size = 1;
        for (long dimension : shape) {
            if (dimension < 0) {
                throw new IllegalArgumentException("shape=" + Arrays.toString(shape) + ": dimensions must be >= 0");
            }
            size = dimension == 0 ? 0 : size > Integer.MAX_VALUE / dimension ? -1 : size * dimension;
            if (size < 0) {
                throw new IllegalArgumentException("shape=" + Arrays.toString(shape) + ": more than "
                        + Integer.MAX_VALUE + " values in one tensor (a fixed-size list holds at most that many)");
            }
        }
        this.listSize = (int) size;
        if (permutation != null) {
            boolean[] seen = new boolean[shape.length];
            boolean valid = permutation.length == shape.length;
            for (int axis : permutation) {
                valid &= axis >= 0 && axis < shape.length && !seen[axis];
                if (valid) {
                    seen[axis] = true;
                }
            }
            if (!valid) {
                throw new IllegalArgumentException("permutation=" + Arrays.toString(permutation) + " is not a "
                        + "permutation of the " + shape.length + " axes of shape " + Arrays.toString(shape));
            }
        }
        if (!dimensionNames.isEmpty() && dimensionNames.size() != shape.length) {
            throw new IllegalArgumentException("dim_names=" + dimensionNames + ": one name per axis of shape "
                    + Arrays.toString(shape));
        }
    }

    /** A C-order tensor type of {@code shape} with values of {@code valueType}. */
    static FixedShapeTensor of(ArrowType valueType, long... shape) {
        Objects.requireNonNull(valueType, "valueType");
        Objects.requireNonNull(shape, "shape");
        if (valueType.descr().isEmpty() || valueType instanceof ArrowType.FixedSizeBinary
                || valueType instanceof ArrowType.Decimal) {
            throw new IllegalArgumentException("valueType=" + valueType + ": a tensor holds fixed-width numbers");
        }
        if (shape.length == 0) {
            throw new IllegalArgumentException("shape=[]: a tensor has at least one axis");
        }
        return new FixedShapeTensor(valueType, shape.clone(), null, List.of());
    }

    /**
     * The tensor type {@code field} declares in its metadata, if it is one.
     *
     * @throws IllegalArgumentException if the field names the extension but is not a fixed-size list of a
     *                                  fixed-width type, or its parameters are not valid JSON of the extension's
     *                                  keys, or disagree with the list size
     */
    static Optional<FixedShapeTensor> of(ArrowField field) {
        if (!NAME.equals(field.metadata().get(ArrowField.EXTENSION_NAME))) {
            return Optional.empty();
        }
        String json = field.metadata().getOrDefault(ArrowField.EXTENSION_METADATA, "");
        String where = "field '" + field.name() + "' (" + NAME + " " + json + ")";
        if (!(field.type() instanceof ArrowType.FixedSizeList) || field.children().size() != 1
                || field.children().get(0).type().descr().isEmpty()) {
            throw new IllegalArgumentException(where + ": the storage type must be a fixed-size list of fixed-width "
                    + "values, not " + field.type());
        }
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map)) {
            throw new IllegalArgumentException(where + ": the parameters must be a JSON object");
        }
        Map<?, ?> parameters = (Map<?, ?>) parsed;
        long[] shape = integers(parameters.get("shape"), where, "shape");
        if (shape == null) {
            throw new IllegalArgumentException(where + ": no \"shape\"");
        }
        long[] order = integers(parameters.get("permutation"), where, "permutation");
        int[] permutation = order == null ? null : Arrays.stream(order).mapToInt(axis -> (int) Math.max(
                Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, axis))).toArray();
        List<String> names = new ArrayList<>();
        Object dimNames = parameters.get("dim_names");
        if (dimNames != null) {
            if (!(dimNames instanceof List)) {
                throw new IllegalArgumentException(where + ": \"dim_names\" must be a list of strings");
            }
            for (Object name : (List<?>) dimNames) {
                if (!(name instanceof String)) {
                    throw new IllegalArgumentException(where + ": \"dim_names\" must be a list of strings");
                }
                names.add((String) name);
            }
        }
        FixedShapeTensor tensor;
        try {
            tensor = new FixedShapeTensor(field.children().get(0).type(), shape, permutation, List.copyOf(names));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        int listSize = ((ArrowType.FixedSizeList) field.type()).listSize();
        if (tensor.listSize != listSize) {
            throw new IllegalArgumentException(where + ": shape " + Arrays.toString(shape) + " holds "
                    + tensor.listSize + " values, the storage type " + listSize);
        }
        return Optional.of(tensor);
    }

    private static long[] integers(Object value, String where, String key) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof List)) {
            throw new IllegalArgumentException(where + ": \"" + key + "\" must be a list of integers");
        }
        List<?> list = (List<?>) value;
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = ((BigDecimal) list.get(i)).longValueExact();
            } catch (ClassCastException | ArithmeticException e) {
                throw new IllegalArgumentException(where + ": \"" + key + "\" must be a list of integers");
            }
        }
        return out;
    }

    /** The metadata of a field of this type: the extension's name and parameters. */
    Map<String, String> metadata() {
        StringBuilder json = new StringBuilder("{\"shape\":[");
        for (int i = 0; i < shape.length; i++) {
            json.append(i == 0 ? "" : ",").append(shape[i]);
        }
        json.append(']');
        if (!dimensionNames.isEmpty()) {
            json.append(",\"dim_names\":[");
            for (int i = 0; i < dimensionNames.size(); i++) {
                json.append(i == 0 ? "" : ",").append(Json.quote(dimensionNames.get(i)));
            }
            json.append(']');
        }
        if (permutation != null) {
            json.append(",\"permutation\":[");
            for (int i = 0; i < permutation.length; i++) {
                json.append(i == 0 ? "" : ",").append(permutation[i]);
            }
            json.append(']');
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(ArrowField.EXTENSION_NAME, NAME);
        metadata.put(ArrowField.EXTENSION_METADATA, json.append('}').toString());
        return metadata;
    }

    /** The type of the values. */
    public ArrowType valueType() {
        return valueType;
    }

    /** The physical shape of each tensor, as the extension's {@code "shape"} gives it. A copy. */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * The shape of each tensor as an array: the physical shape permuted ({@code shape[permutation[k]]}), or the
     * shape itself without a permutation. A copy.
     */
    public long[] logicalShape() {
        long[] logical = new long[shape.length];
        for (int k = 0; k < shape.length; k++) {
            logical[k] = shape[permutation == null ? k : permutation[k]];
        }
        return logical;
    }

    /** The permutation of the axes, if there is one. A copy. */
    public Optional<int[]> permutation() {
        return Optional.ofNullable(permutation).map(int[]::clone);
    }

    /** The names of the axes ({@code "dim_names"}), or an empty list. */
    public List<String> dimensionNames() {
        return dimensionNames;
    }

    /** The values in each tensor: the product of the shape. */
    public int listSize() {
        return listSize;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof FixedShapeTensor)) {
            return false;
        }
        FixedShapeTensor that = (FixedShapeTensor) other;
        return valueType.equals(that.valueType) && Arrays.equals(shape, that.shape)
                && Arrays.equals(permutation, that.permutation) && dimensionNames.equals(that.dimensionNames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(valueType, Arrays.hashCode(shape), Arrays.hashCode(permutation), dimensionNames);
    }

    /** As pyarrow prints the type: {@code extension<arrow.fixed_shape_tensor[value_type=float, shape=[2,3]]>}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("extension<" + NAME + "[value_type=" + valueType + ", shape=[");
        for (int i = 0; i < shape.length; i++) {
            out.append(i == 0 ? "" : ",").append(shape[i]);
        }
        out.append(']');
        if (!dimensionNames.isEmpty()) {
            out.append(", dim_names=[").append(String.join(",", dimensionNames)).append(']');
        }
        if (permutation != null) {
            out.append(", permutation=[");
            for (int i = 0; i < permutation.length; i++) {
                out.append(i == 0 ? "" : ",").append(permutation[i]);
            }
            out.append(']');
        }
        return out.append("]>").toString();
    }
}
