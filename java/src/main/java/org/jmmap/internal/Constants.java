package org.jmmap.internal;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Named flag values ({@code MAP_SHARED}, {@code MADV_WILLNEED}, ...) and the page size of the running platform.
 *
 * <p>The JNI backend reads them from the C headers libjmmap.so was built against; the JNA backend carries a table
 * per platform, which a test checks against the JNI values. A name the platform lacks is absent.
 */
public final class Constants {

    private final Map<String, Long> values;
    private final int pageSize;

    Constants(Map<String, Long> values) {
        this.values = new HashMap<>(values);
        this.pageSize = (int) require("PAGE_SIZE");
    }

    /**
     * Parses {@code NAME=value} lines, as libjmmap.so hands them over. A loop over the characters rather than
     * {@code split} and a sorted map: it runs once per JVM, interpreted, on the way to the first mapping.
     */
    static Constants parse(String lines) {
        Map<String, Long> values = new HashMap<>();
        for (int start = 0, end; start < lines.length(); start = end + 1) {
            end = lines.indexOf('\n', start);
            if (end < 0) {
                end = lines.length();
            }
            if (end > start) {
                int equals = lines.indexOf('=', start);
                values.put(lines.substring(start, equals), Long.parseLong(lines, equals + 1, end, 10));
            }
        }
        return new Constants(values);
    }

    /** The value of {@code name}; {@link IllegalStateException} if this platform does not define it. */
    public int get(String name) {
        return (int) require(name);
    }

    /** The value of {@code name}, or empty if this platform does not define it. */
    public OptionalInt find(String name) {
        Long value = values.get(name);
        return value == null ? OptionalInt.empty() : OptionalInt.of(value.intValue());
    }

    /** The page size in bytes. */
    public int pageSize() {
        return pageSize;
    }

    /** Every name and value, sorted by name. */
    public Map<String, Long> asMap() {
        return Collections.unmodifiableMap(new TreeMap<>(values));
    }

    private long require(String name) {
        Long value = values.get(name);
        if (value == null) {
            throw new IllegalStateException("constant " + name + " is not defined on this platform");
        }
        return value;
    }
}
