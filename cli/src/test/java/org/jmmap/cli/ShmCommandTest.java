package org.jmmap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.jmmap.Mapping;
import org.jmmap.SharedMemory;
import org.jmmap.sync.SharedValue;
import org.jmmap.sync.SharedValueDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code jmmap shm}: create, ls, cat, rm, and their errno paths, checked through the library. */
class ShmCommandTest {

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

    private static JsonNode listed(String name) throws Exception {
        Cli.Result result = Cli.run("shm", "ls", "--json");
        assertEquals(0, result.status(), result.toString());
        for (JsonNode segment : Json.MAPPER.readTree(result.stdout())) {
            if (segment.get("name").asText().equals(name)) {
                return segment;
            }
        }
        return null;
    }

    @Test
    void createMakesAZeroFilledSegmentWithTheModeAskedFor() throws Exception {
        String name = name("create");
        Cli.Result result = Cli.run("shm", "create", name, "--size", "64K", "--mode", "0640");
        assertEquals(0, result.status(), result.toString());
        assertEquals("", result.out() + result.stderr());
        Path file = Paths.get("/dev/shm", name);
        assertEquals(64 << 10, Files.size(file));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        JsonNode segment = listed(name);
        assertEquals(65536, segment.get("size").asLong());
        assertEquals("0640", segment.get("mode").asText());
        assertEquals(System.getProperty("user.name"), segment.get("owner").asText());
        assertEquals("-", segment.get("kind").asText());
    }

    @Test
    void createRefusesAnExistingName() throws Exception {
        String name = name("exists");
        assertEquals(0, Cli.run("shm", "create", name, "--size", "4096").status());
        Cli.Result again = Cli.run("shm", "create", "/" + name, "--size", "8192");
        assertEquals(1, again.status());
        assertEquals(List.of("jmmap shm create: /" + name + ": File exists (EEXIST)"), again.errLines());
        assertEquals(4096, Files.size(Paths.get("/dev/shm", name)), "the existing segment is left alone");
    }

    @Test
    void lsTellsASharedValueFromOtherData() throws Exception {
        String value = name("value");
        String data = name("data");
        try (Mapping m = SharedMemory.create(value, SharedValueDescriptor.length(100))) {
            SharedValue.create(m, 0, 100).publish(new byte[] {'1'});
        }
        try (Mapping m = SharedMemory.create(data, 4096)) {
            m.putInt(0, 0x12345678);
        }
        assertEquals("value", listed(value).get("kind").asText());
        assertEquals("-", listed(data).get("kind").asText());
        Cli.Result table = Cli.run("shm", "ls");
        assertTrue(table.out().startsWith("NAME"), table.toString());
        String row = table.out().lines().filter(line -> line.startsWith(value + " ")).findFirst().orElseThrow();
        assertEquals(List.of(value, "304", "B", System.getProperty("user.name"), "0600", "value"),
                List.of(row.split("\\s+")));
    }

    @Test
    void catWritesTheBytes() throws Exception {
        String name = name("cat");
        byte[] content = new byte[3 << 20]; // more than one chunk
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i % 251);
        }
        try (Mapping m = SharedMemory.create(name, content.length)) {
            m.putBytes(0, content, 0, content.length);
        }
        Cli.Result result = Cli.run("shm", "cat", name);
        assertEquals(0, result.status(), result.stderr());
        assertArrayEquals(content, result.stdout());
    }

    @Test
    void rmRemovesAndReportsTheMissing() throws Exception {
        String first = name("rm1");
        String second = name("rm2");
        String missing = name("missing");
        SharedMemory.create(first, 4096).close();
        SharedMemory.create(second, 4096).close();
        Cli.Result result = Cli.run("shm", "rm", first, missing, second);
        assertEquals(1, result.status());
        assertEquals(List.of("jmmap shm rm: " + missing + ": No such file or directory (ENOENT)"),
                result.errLines());
        assertFalse(SharedMemory.exists(first));
        assertFalse(SharedMemory.exists(second));
        Cli.Result forced = Cli.run("shm", "rm", "-f", missing);
        assertEquals(0, forced.status(), forced.toString());
    }

    @Test
    void catOfAMissingSegmentIsEnoent() {
        String missing = name("missing");
        Cli.Result result = Cli.run("shm", "cat", missing);
        assertEquals(1, result.status());
        assertEquals(List.of("jmmap shm cat: " + missing + ": No such file or directory (ENOENT)"),
                result.errLines());
    }

    @Test
    void invalidNamesAreUsageErrors() {
        Cli.Result result = Cli.run("shm", "create", "a/b", "--size", "1");
        assertEquals(2, result.status());
        assertEquals("jmmap shm create: name=\"a/b\": contains '/' at index 1; only one leading '/' is allowed",
                result.errLines().get(0));
    }
}
