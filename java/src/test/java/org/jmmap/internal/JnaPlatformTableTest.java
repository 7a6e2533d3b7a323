package org.jmmap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The JNA backend's table of every platform libjmmap.so is built for, against that platform's own headers: the
 * ctest {@code dump_platform} writes them to {@code platform.txt} in each native build directory, in a cross build
 * running under the emulator, so the linux-aarch64 table is checked on an x86-64 machine too. ({@link
 * JnaBackendTest} compares the running platform's table with the loaded library in-process.)
 */
class JnaPlatformTableTest {

    /** The directory holding the native build directories; the Maven build sets it. */
    private static final String BUILDS_PROPERTY = "jmmap.test.native.builds";

    /** One platform.txt: the platform it describes and its constants, struct layouts and errno names. */
    private static final class Dump {
        final Path file;
        String platform;
        final Map<String, Long> constants = new TreeMap<>();
        final Map<String, Long> layout = new TreeMap<>();
        final Map<String, Long> errnos = new TreeMap<>();

        Dump(Path file) throws IOException {
            this.file = file;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.contains("\t")) {
                    String[] fields = line.split("\t", 3);
                    errnos.put(fields[1], Long.parseLong(fields[0]));
                    continue;
                }
                int equals = line.indexOf('=');
                String name = line.substring(0, equals);
                String value = line.substring(equals + 1);
                if (name.equals("PLATFORM")) {
                    platform = value;
                } else if (name.startsWith("layout.")) {
                    layout.put(name.substring("layout.".length()), Long.parseLong(value));
                } else if (!name.equals("PAGE_SIZE")) { // the running system's, not a header value
                    constants.put(name, Long.parseLong(value));
                }
            }
        }
    }

    private static List<Dump> dumps() throws IOException {
        String root = System.getProperty(BUILDS_PROPERTY, "");
        assumeFalse(root.isEmpty(), "-D" + BUILDS_PROPERTY + " is not set (the Maven build sets it)");
        Path builds = Paths.get(root);
        List<Dump> dumps = new ArrayList<>();
        if (Files.isDirectory(builds)) {
            try (Stream<Path> files = Files.list(builds)) {
                for (Path build : files.sorted().collect(Collectors.toList())) {
                    Path dump = build.resolve("platform.txt");
                    if (Files.isRegularFile(dump)) {
                        dumps.add(new Dump(dump));
                    }
                }
            }
        }
        assumeFalse(dumps.isEmpty(), "no platform.txt under " + builds + ": ctest has not run");
        return dumps;
    }

    /** Differences as "name: headers=... jna=...", empty when both sides have the same names and values. */
    private static Map<String, String> differences(Map<String, Long> fromHeaders, Map<String, Long> fromTable) {
        Map<String, String> differences = new TreeMap<>();
        for (String name : new TreeSet<>(fromHeaders.keySet())) {
            if (!fromHeaders.get(name).equals(fromTable.get(name))) {
                differences.put(name, "headers=" + fromHeaders.get(name) + " jna=" + fromTable.get(name));
            }
        }
        for (String name : fromTable.keySet()) {
            if (!fromHeaders.containsKey(name)) {
                differences.put(name, "headers=absent jna=" + fromTable.get(name));
            }
        }
        return differences;
    }

    @Test
    void everyBuiltPlatformHasATableThatMatchesItsHeaders() throws IOException {
        for (Dump dump : dumps()) {
            JnaPlatformTable table = JnaPlatformTable.of(dump.platform);
            assertNotNull(table, "platform=" + dump.platform + " (" + dump.file + "): the JNA backend has no table");
            assertEquals(Map.of(), differences(dump.constants, table.constants()),
                    "constants of platform=" + dump.platform + " (" + dump.file + ")");
            assertEquals(Map.of(), differences(dump.layout, table.layout()),
                    "struct layouts of platform=" + dump.platform + " (" + dump.file + ")");
            Map<String, Long> errnos = new LinkedHashMap<>();
            for (Object[] entry : table.errnos()) {
                errnos.put((String) entry[1], ((Integer) entry[0]).longValue());
            }
            assertEquals(Map.of(), differences(dump.errnos, errnos),
                    "errno names of platform=" + dump.platform + " (" + dump.file + ")");
            assertTrue(dump.constants.size() > 50, "the dump covers the mmap family: " + dump.constants.size());
        }
    }
}
