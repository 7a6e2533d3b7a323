package org.jmmap.bench;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The speed a benchmark method should reach, as a multiple of a reference measured in the same run with the same
 * parameters: by default the {@link Baseline} of the method's comparison group, or the method named by
 * {@link #against()}. Speed is "how many times faster", so a time target such as "at most 0.2x the time of JNA" is
 * {@code @SpeedTarget(min = 5.0, against = "advise_jna")}. The report prints {@code target >= 1.00x: met} or
 * {@code not met}; the targets never fail a build.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(SpeedTarget.List.class)
public @interface SpeedTarget {

    /**
     * The lowest acceptable speed relative to the reference (1.0 = as fast, 2.0 = twice as fast).
     *
     * @return the minimum speed ratio, greater than 0
     */
    double min();

    /**
     * The benchmark method of the same class to compare with, or "" for the {@link Baseline} of the method's group.
     *
     * @return a method name of the same class, or ""
     */
    String against() default "";

    /**
     * A benchmark method of the same class whose time both sides pay and neither can avoid (a system call repeated
     * in C), or "" for none. When set, the target compares overheads: speed is
     * {@code (reference - net) / (method - net)}, so "per-call overhead at most 0.2x JNA's" is
     * {@code @SpeedTarget(min = 5.0, net = "advise_cLoop")} on a method whose group's baseline is the JNA one.
     *
     * @return a method name of the same class, or ""
     */
    String net() default "";

    /** Holds several targets of one method (e.g. one against {@code MappedByteBuffer}, one against FFM). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface List {

        /**
         * The targets.
         *
         * @return the targets of the method
         */
        SpeedTarget[] value();
    }
}
