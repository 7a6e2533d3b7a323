package org.jmmap.arrow;

import java.util.Objects;

/**
 * How a field is dictionary-encoded: its values are indexes of {@code indexType} into the dictionary batch
 * {@code id} of the file, whose values have the field's type.
 *
 * @param id        the dictionary's id, unique in the file
 * @param indexType the integer type of the indexes (pyarrow's default: int32)
 * @param ordered   whether the order of the dictionary's values is meaningful (a categorical with ordered levels)
 */
public record DictionaryEncoding(long id, ArrowType.Int indexType, boolean ordered) {

    /** @throws NullPointerException if {@code indexType} is null */
    public DictionaryEncoding {
        Objects.requireNonNull(indexType, "indexType");
    }
}
