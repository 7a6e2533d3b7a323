package org.jmmap.cli;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;

/**
 * numpy's text for {@code datetime64} and {@code timedelta64} values, as {@code str()} prints them: a datetime as
 * ISO 8601 down to its unit ({@code 2024-01-01}, {@code 2023-11-14T22:13:20},
 * {@code 1970-01-01T00:00:00.000000001}), a timedelta as a count of its unit ({@code 5 seconds}), {@code NaT} for
 * not-a-time. A unit may have a multiplier ({@code 10ms}): values are counts of that many of the base unit.
 */
final class NumpyTime {

    /** numpy's not-a-time: the smallest int64. */
    static final long NAT = Long.MIN_VALUE;

    private static final Map<String, String> TIMEDELTA_NAMES = Map.ofEntries(
            Map.entry("Y", "years"), Map.entry("M", "months"), Map.entry("W", "weeks"), Map.entry("D", "days"),
            Map.entry("h", "hours"), Map.entry("m", "minutes"), Map.entry("s", "seconds"),
            Map.entry("ms", "milliseconds"), Map.entry("us", "microseconds"), Map.entry("ns", "nanoseconds"),
            Map.entry("ps", "picoseconds"), Map.entry("fs", "femtoseconds"), Map.entry("as", "attoseconds"),
            Map.entry("", "generic time units"));

    /** Digits of a second's fraction for the units below a second. */
    private static final Map<String, Integer> FRACTION_DIGITS = Map.of("ms", 3, "us", 6, "ns", 9, "ps", 12,
            "fs", 15, "as", 18);

    private static final long DAYS_FROM_0000_03_01_TO_1970 = 719_468;

    private final String base;
    private final long multiplier;

    /**
     * @param unit the unit as {@link org.jmmap.array.NpyHeader#unit()} gives it: {@code "s"}, {@code "10ms"},
     *             {@code ""} for numpy's generic unit
     * @throws IllegalArgumentException if it is not one of numpy's units
     */
    NumpyTime(String unit) {
        int digits = 0;
        while (digits < unit.length() && Character.isDigit(unit.charAt(digits))) {
            digits++;
        }
        this.base = unit.substring(digits);
        this.multiplier = digits == 0 ? 1 : Long.parseLong(unit.substring(0, digits));
        if (!TIMEDELTA_NAMES.containsKey(base) || multiplier < 1) {
            throw new IllegalArgumentException("unit='" + unit + "': not a numpy datetime unit");
        }
    }

    /** The unit without its multiplier: {@code "ms"} of {@code "10ms"}. */
    String base() {
        return base;
    }

    /** {@code value} (a count of the unit) in the base unit, exactly: {@code 7} of {@code 10s} is 70. */
    BigInteger inBaseUnits(long value) {
        return BigInteger.valueOf(value).multiply(BigInteger.valueOf(multiplier));
    }

    /** A timedelta64 as numpy prints it: {@code 70 seconds}, {@code NaT}. */
    String timedelta(long value) {
        return value == NAT ? "NaT" : inBaseUnits(value) + " " + TIMEDELTA_NAMES.get(base);
    }

    /**
     * A datetime64 as numpy prints it: {@code 1970-01-02}, {@code 1969-12-31T23:59:59.999}, {@code NaT}. A value
     * of the generic unit (numpy refuses to print one) or one whose date overflows 64 bits is printed as its
     * count followed by the unit in brackets.
     */
    String datetime(long value) {
        if (value == NAT) {
            return "NaT";
        }
        try {
            if (!base.isEmpty()) {
                return iso(Math.multiplyExact(value, multiplier));
            }
        } catch (ArithmeticException overflow) {
            // below
        }
        return value + "[" + (multiplier == 1 ? "" : Long.toString(multiplier)) + base + "]";
    }

    private String iso(long count) {
        switch (base) {
            case "Y":
                return year(Math.addExact(1970, count));
            case "M":
                return year(Math.addExact(1970, Math.floorDiv(count, 12))) + "-" + two(Math.floorMod(count, 12) + 1);
            case "W":
                return date(Math.multiplyExact(count, 7));
            case "D":
                return date(count);
            case "h":
                return date(Math.floorDiv(count, 24)) + "T" + two(Math.floorMod(count, 24));
            case "m":
                return date(Math.floorDiv(count, 1440)) + "T" + clock(Math.floorMod(count, 1440) * 60, false);
            case "s":
                return date(Math.floorDiv(count, 86_400)) + "T" + clock(Math.floorMod(count, 86_400), true);
            default:
                int digits = FRACTION_DIGITS.get(base);
                long perSecond = pow10(digits);
                long seconds = Math.floorDiv(count, perSecond);
                String fraction = Long.toString(Math.floorMod(count, perSecond));
                return date(Math.floorDiv(seconds, 86_400)) + "T" + clock(Math.floorMod(seconds, 86_400), true)
                        + "." + "0".repeat(digits - fraction.length()) + fraction;
        }
    }

    private static long pow10(int digits) {
        long power = 1;
        for (int i = 0; i < digits; i++) {
            power *= 10;
        }
        return power;
    }

    /** {@code HH:MM} or {@code HH:MM:SS} of a second of the day. */
    private static String clock(long secondOfDay, boolean seconds) {
        String text = two(secondOfDay / 3600) + ":" + two(secondOfDay / 60 % 60);
        return seconds ? text + ":" + two(secondOfDay % 60) : text;
    }

    private static String two(long value) {
        return value < 10 ? "0" + value : Long.toString(value);
    }

    /** numpy's year: at least four digits, the sign counted among them ({@code 0000}, {@code -002}, {@code 10000}). */
    private static String year(long year) {
        return String.format(Locale.ROOT, "%04d", year);
    }

    /** The proleptic Gregorian date {@code days} after 1970-01-01, as {@code YYYY-MM-DD}. */
    private static String date(long days) {
        long shifted = Math.addExact(days, DAYS_FROM_0000_03_01_TO_1970); // days since 0000-03-01
        long era = Math.floorDiv(shifted, 146_097); // 400-year cycles
        long dayOfEra = shifted - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100); // from March 1st
        long monthFromMarch = (5 * dayOfYear + 2) / 153;
        long day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
        long month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
        long year = Math.addExact(Math.multiplyExact(era, 400) + yearOfEra, month <= 2 ? 1 : 0);
        return year(year) + "-" + two(month) + "-" + two(day);
    }
}
