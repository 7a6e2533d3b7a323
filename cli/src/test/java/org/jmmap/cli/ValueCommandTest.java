package org.jmmap.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jmmap.Mapping;
import org.jmmap.SharedMemory;
import org.jmmap.sync.SharedValue;
import org.jmmap.sync.SharedValueDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jmmap value}: publish and get in this process, checked through {@link SharedValue} itself. */
class ValueCommandTest {

    @TempDir
    Path dir;

    private final List<String> names = new ArrayList<>();

    private String name(String what) {
        String name = Names.unique(what);
        names.add(name);
        return name;
    }

    @AfterEach
    void removeSegments() throws Exception {
        for (String name : names) {
            if (SharedMemory.exists(name)) {
                SharedMemory.unlink(name);
            }
        }
    }

    /** The value the library reads from segment {@code name}, and its version. */
    private static String read(String name) throws Exception {
        try (Mapping m = SharedMemory.open(name)) {
            SharedValue value = SharedValue.at(m, 0);
            return value.version() + ":" + new String(value.read(), UTF_8);
        }
    }

    @Test
    void publishCreatesTheValueAndEachPublishIsTheNextVersion() throws Exception {
        String name = name("publish");
        Cli.Result first = Cli.runWithInput("{\"workers\": 8}\n".getBytes(UTF_8), "value", "publish", name);
        assertEquals(0, first.status(), first.toString());
        assertEquals("published version 1 of " + name + " (15 bytes)\n", first.out());
        assertEquals("1:{\"workers\": 8}\n", read(name));
        Path file = Files.writeString(dir.resolve("v.json"), "[1, 2.50, \"é\"]");
        Cli.Result second = Cli.run("value", "publish", name, file.toString(), "--json");
        assertEquals(0, second.status(), second.toString());
        JsonNode json = Json.MAPPER.readTree(second.stdout());
        assertEquals(2, json.get("version").asLong());
        assertEquals(Files.size(file), json.get("bytes").asLong());
        assertEquals("2:[1, 2.50, \"é\"]", read(name));
        try (Mapping m = SharedMemory.open(name)) {
            assertEquals(ValueCommand.DEFAULT_CAPACITY, SharedValue.at(m, 0).capacity());
        }
    }

    @Test
    void getPrintsTheValueAsPublishedOrIndented() throws Exception {
        String name = name("get");
        Cli.runWithInput("{\"a\":[1,2.50],\"b\":{}}".getBytes(UTF_8), "value", "publish", name);
        Cli.Result raw = Cli.run("value", "get", name);
        assertEquals(0, raw.status(), raw.toString());
        assertEquals("{\"a\":[1,2.50],\"b\":{}}\n", raw.out());
        Cli.Result pretty = Cli.run("value", "get", name, "--pretty");
        assertEquals("{\n  \"a\": [\n    1,\n    2.50\n  ],\n  \"b\": {}\n}\n", pretty.out());
        Cli.Result json = Cli.run("value", "get", name, "--json");
        assertEquals("{\"version\":1,\"value\":{\"a\":[1,2.50],\"b\":{}}}\n", json.out());
    }

    /** Input that is not one JSON value is refused with the place of the error; nothing is published. */
    @Test
    void invalidJsonIsRefusedAndNothingPublished() throws Exception {
        String name = name("invalid");
        Cli.runWithInput("1".getBytes(UTF_8), "value", "publish", name);
        for (String bad : new String[] {"{\"a\": ", "{} {}", "", "  \n", "{'a': 1}", "[1,]"}) {
            Cli.Result result = Cli.runWithInput(bad.getBytes(UTF_8), "value", "publish", name);
            assertEquals(1, result.status(), bad + ": " + result);
            assertEquals(1, result.errLines().size(), result.toString());
            String line = result.errLines().get(0);
            assertTrue(line.startsWith("jmmap value publish: (standard input): not JSON"), line);
            assertTrue(line.endsWith(" (EINVAL)"), line);
        }
        assertEquals("1:1", read(name));
        Cli.Result located = Cli.runWithInput("{\n  \"a\": tru\n}".getBytes(UTF_8), "value", "publish", name);
        assertTrue(located.stderr().contains("not JSON at line 2, column "), located.stderr());
    }

    @Test
    void aValueLargerThanTheCapacityIsEfbig() throws Exception {
        String name = name("large");
        Cli.Result small = Cli.runWithInput("[]".getBytes(UTF_8), "value", "publish", name, "--capacity", "16");
        assertEquals(0, small.status(), small.toString());
        Cli.Result result = Cli.runWithInput("[\"0123456789abcdef\"]".getBytes(UTF_8), "value", "publish", name);
        assertEquals(1, result.status());
        assertTrue(result.errLines().get(0).startsWith("jmmap value publish: " + name + ": the value is 20 bytes, "
                + "more than this shared value's capacity=16"), result.stderr());
        assertTrue(result.stderr().endsWith("(EFBIG)\n"), result.stderr());
        assertEquals("1:[]", read(name));
    }

    @Test
    void aSegmentThatIsNotAValueIsRefused() throws Exception {
        String name = name("other");
        try (Mapping m = SharedMemory.create(name, 4096)) {
            m.putInt(0, 42);
        }
        for (String[] args : new String[][] {{"value", "get", name}, {"value", "watch", name}}) {
            Cli.Result result = Cli.run(args);
            assertEquals(1, result.status());
            assertTrue(result.errLines().get(0).startsWith("jmmap " + args[0] + " " + args[1] + ": " + name
                    + ": not a jmmap shared value"), result.stderr());
            assertTrue(result.stderr().endsWith("(EINVAL)\n"), result.stderr());
        }
        Cli.Result publish = Cli.runWithInput("1".getBytes(UTF_8), "value", "publish", name);
        assertEquals(1, publish.status());
        try (Mapping m = SharedMemory.open(name)) {
            assertEquals(42, m.getInt(0), "the segment is left alone");
        }
    }

    @Test
    void getBeforeAnyPublishIsEnodata() throws Exception {
        String name = name("empty");
        try (Mapping m = SharedMemory.create(name, SharedValueDescriptor.length(64))) {
            SharedValue.create(m, 0, 64);
        }
        Cli.Result result = Cli.run("value", "get", name);
        assertEquals(1, result.status());
        assertEquals(List.of("jmmap value get: " + name + ": nothing has been published yet (ENODATA)"),
                result.errLines());
    }

    @Test
    void missingSegmentsAndFilesAreEnoent() {
        String name = name("missing");
        Cli.Result get = Cli.run("value", "get", name);
        assertEquals(1, get.status());
        assertEquals(List.of("jmmap value get: " + name + ": No such file or directory (ENOENT)"), get.errLines());
        Path missing = dir.resolve("missing.json");
        Cli.Result publish = Cli.run("value", "publish", name, missing.toString());
        assertEquals(1, publish.status());
        assertEquals(List.of("jmmap value publish: " + missing + ": No such file or directory (ENOENT)"),
                publish.errLines());
    }

    /** watch prints the current value at once when there is one; --count ends it. */
    @Test
    void watchPrintsTheCurrentVersionFirst() throws Exception {
        String name = name("watch");
        Cli.runWithInput("{\"v\": 1}".getBytes(UTF_8), "value", "publish", name);
        Cli.runWithInput("{\"v\":   2}".getBytes(UTF_8), "value", "publish", name);
        Cli.Result result = Cli.run("value", "watch", name, "--count", "1", "--json");
        assertEquals(0, result.status(), result.toString());
        assertEquals("{\"version\":2,\"value\":{\"v\":2}}\n", result.out());
    }
}
