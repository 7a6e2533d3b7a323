package org.jmmap.bench;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the benchmark method the others of its comparison group are compared with: the report divides each score by
 * this one's, measured in the same run with the same parameters. A group is a class's methods whose names share
 * the prefix before {@code _} ({@code getAndAdd_mappedByteBuffer}, {@code getAndAdd_mappingFile}); methods without
 * {@code _} form one group per class.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Baseline {
}
