package org.jmmap.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Byte counts for people: {@code 10.0 MiB} out, {@code 64K}, {@code 1MiB} or {@code 4096} in. */
final class Sizes {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)");

    private Sizes() {
    }

    /** {@code bytes} in the largest binary unit that keeps it at least 1: {@code 512 B}, {@code 1.5 GiB}. */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        return String.format(Locale.ROOT, "%.1f %s", bytes / Math.pow(1024, unit), UNITS[unit]);
    }

    /** {@code bytesPerSecond} as {@code 1.2 GiB/s}. */
    static String rate(double bytesPerSecond) {
        return human((long) Math.min(bytesPerSecond, Long.MAX_VALUE)) + "/s";
    }

    /**
     * A byte count written as a number with an optional binary unit: {@code 4096}, {@code 64K}, {@code 64KiB},
     * {@code 1M}, {@code 2g} (K, M, G, T are powers of 1024, in any case, with or without {@code B}/{@code iB}).
     *
     * @throws IllegalArgumentException if it is not one, or does not fit a long
     */
    static long parse(String text) {
        Matcher matcher = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (a number of bytes, or with a unit: "
                    + "64K, 1M, 2G, 1T)");
        }
        String unit = matcher.group(2);
        int shift = unit.isEmpty() || unit.equals("b") ? 0 : 10 * ("kmgt".indexOf(unit.charAt(0)) + 1);
        try {
            long number = Long.parseLong(matcher.group(1));
            if (number > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException();
            }
            return number << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large: at most " + Long.MAX_VALUE + " bytes");
        }
    }

    /** {@link #parse} for picocli: a bad size is a usage error. */
    static final class Converter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
