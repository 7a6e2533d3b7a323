package org.jmmap.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the kernel reports about this process's memory areas in {@code /proc/self/smaps}: the VMA flags that
 * {@code madvise}/{@code mlock} set ({@code VmFlags: sr rr dc dd hg nh mg lo lf ...}) and the page counts
 * ({@code Rss}, {@code Private_Dirty}, {@code Locked}, {@code LazyFree}, in kB). Tests read it to check the effect of
 * a call instead of only its return value.
 *
 * <p>Anonymous areas with equal flags may merge with a neighbouring area of the JVM's own, so sums over an
 * anonymous range can include foreign pages; tests use them only where that cannot change the outcome (a flag the
 * JVM never sets, such as {@code lo}, or an inequality).
 */
public final class Smaps {

    /** One memory area: {@code [start, end)}, its flags and its {@code kB} fields. */
    public static final class Area {
        public final long start;
        public final long end;
        public final Set<String> flags;
        private final Map<String, Long> kilobytes;

        Area(long start, long end, Set<String> flags, Map<String, Long> kilobytes) {
            this.start = start;
            this.end = end;
            this.flags = Collections.unmodifiableSet(flags);
            this.kilobytes = kilobytes;
        }

        /** The value of a {@code kB} field such as {@code "Rss"}; 0 if this kernel does not report it. */
        public long kilobytes(String field) {
            return kilobytes.getOrDefault(field, 0L);
        }

        @Override
        public String toString() {
            return String.format("%x-%x %s %s", start, end, flags, kilobytes);
        }
    }

    /** {@code 7f0000000000-7f0000004000 rw-s ...}: the first line of an area. */
    private static final Pattern HEADER = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

    private Smaps() {
    }

    /** The areas that overlap {@code [address, address + length)}, in address order. */
    public static List<Area> areas(long address, long length) {
        List<Area> overlapping = new ArrayList<>();
        for (Area area : all()) {
            if (Long.compareUnsigned(area.start, address + length) < 0 && Long.compareUnsigned(address, area.end) < 0) {
                overlapping.add(area);
            }
        }
        return overlapping;
    }

    /** The area holding {@code address}. */
    public static Area areaAt(long address) {
        List<Area> areas = areas(address, 1);
        if (areas.size() != 1) {
            throw new AssertionError("no memory area holds 0x" + Long.toHexString(address));
        }
        return areas.get(0);
    }

    /** The VmFlags of the area holding {@code address}. */
    public static Set<String> flagsAt(long address) {
        return areaAt(address).flags;
    }

    /** The sum of a {@code kB} field over the areas overlapping {@code [address, address + length)}. */
    public static long kilobytes(long address, long length, String field) {
        long sum = 0;
        for (Area area : areas(address, length)) {
            sum += area.kilobytes(field);
        }
        return sum;
    }

    /** Dirty pages ({@code Private_Dirty + Shared_Dirty}) of the areas overlapping the range, in bytes. */
    public static long dirtyBytes(long address, long length) {
        return 1024 * (kilobytes(address, length, "Private_Dirty") + kilobytes(address, length, "Shared_Dirty"));
    }

    private static List<Area> all() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Paths.get("/proc/self/smaps"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Area> areas = new ArrayList<>();
        long start = 0;
        long end = 0;
        Set<String> flags = null;
        Map<String, Long> kilobytes = null;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (HEADER.matcher(line).lookingAt()) {
                int dash = line.indexOf('-');
                if (kilobytes != null) {
                    areas.add(new Area(start, end, flags, kilobytes));
                }
                start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                end = Long.parseUnsignedLong(line.substring(dash + 1, line.indexOf(' ')), 16);
                flags = new LinkedHashSet<>();
                kilobytes = new HashMap<>();
            } else if (line.startsWith("VmFlags:")) {
                flags.addAll(Arrays.asList(line.substring("VmFlags:".length()).trim().split("\\s+")));
            } else if (colon > 0 && line.endsWith(" kB")) {
                String value = line.substring(colon + 1, line.length() - " kB".length()).trim();
                kilobytes.put(line.substring(0, colon), Long.parseLong(value));
            }
        }
        if (kilobytes != null) {
            areas.add(new Area(start, end, flags, kilobytes));
        }
        return areas;
    }
}
