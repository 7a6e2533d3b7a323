package org.jmmap.bench;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One line that says what a benchmark class measures; the report prints it under the class's heading. Say what is
 * timed and in what unit, e.g. {@code "Warm sequential read of a 1 GiB file in the page cache: time per full scan"}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Description {

    /**
     * What the class measures.
     *
     * @return one sentence, without a trailing newline
     */
    String value();
}
