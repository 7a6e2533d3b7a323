package org.jmmap.internal;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * errno numbers with their symbolic names ({@code EINVAL}) and descriptions ({@code Invalid argument}), as the
 * running platform defines them. Aliases ({@code EWOULDBLOCK} for {@code EAGAIN}) resolve by name; a number
 * reports its canonical name.
 */
public final class Errno {

    private final Map<Integer, String> names = new HashMap<>();
    private final Map<Integer, String> descriptions = new HashMap<>();
    private final Map<String, Integer> numbers = new HashMap<>();

    /** Parses {@code number<TAB>NAME<TAB>description} lines; the first name listed for a number is canonical. */
    static Errno parse(String lines) {
        // A loop over the characters rather than split: it runs once per JVM, interpreted, before the first mapping.
        Errno errno = new Errno();
        for (int start = 0, end; start < lines.length(); start = end + 1) {
            end = lines.indexOf('\n', start);
            if (end < 0) {
                end = lines.length();
            }
            if (end > start) {
                int name = lines.indexOf('\t', start) + 1;
                int description = lines.indexOf('\t', name) + 1;
                errno.add(Integer.parseInt(lines, start, name - 1, 10), lines.substring(name, description - 1),
                        lines.substring(description, end));
            }
        }
        return errno;
    }

    void add(int number, String name, String description) {
        names.putIfAbsent(number, name);
        descriptions.putIfAbsent(number, description);
        numbers.putIfAbsent(name, number);
    }

    /** The canonical name of {@code number}, or {@code "errno" + number} if the platform has none. */
    public String name(int number) {
        String name = names.get(number);
        return name != null ? name : "errno" + number;
    }

    /** The platform's description of {@code number} ({@code strerror}). */
    public String description(int number) {
        String description = descriptions.get(number);
        return description != null ? description : "Unknown error " + number;
    }

    /** The number called {@code name} on this platform, if any. */
    public OptionalInt number(String name) {
        Integer number = numbers.get(name);
        return number == null ? OptionalInt.empty() : OptionalInt.of(number);
    }

    /** Every name (aliases included) with its number. */
    public Map<String, Integer> asMap() {
        return Collections.unmodifiableMap(numbers);
    }
}
