package org.jmmap.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.SharedMemory;
import org.jmmap.sync.SharedValue;
import org.jmmap.sync.SharedValueDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** value publish, get and watch in separate processes, as shell scripts use them. */
class ValueIT {

    private final String name = Names.unique("value-it");

    @AfterEach
    void removeSegment() throws Exception {
        if (SharedMemory.exists(name)) {
            SharedMemory.unlink(name);
        }
    }

    private void publish(String json) throws Exception {
        JmmapProcess.Result result = JmmapProcess.run(List.of(), json.getBytes(UTF_8), "value", "publish", name);
        assertEquals(0, result.status(), result.toString());
    }

    /**
     * Waits until a process sleeps in the value's futex: it registered in the waiter count that
     * {@code awaitChange} raises before {@code FUTEX_WAIT} (a bound on the wait, not a timing).
     */
    private void awaitSleepingWatcher() throws Exception {
        try (Mapping m = SharedMemory.open(name, MapMode.READ_ONLY)) {
            for (int i = 0; i < 6000 && m.getIntVolatile(SharedValueDescriptor.WAITERS_OFFSET) == 0; i++) {
                Thread.sleep(10);
            }
            assertEquals(1, m.getIntVolatile(SharedValueDescriptor.WAITERS_OFFSET), "no watcher sleeps in the futex");
        }
    }

    /**
     * A watcher process prints the current version, then sleeps in the kernel until another process publishes,
     * prints that version, and ends after --count versions.
     */
    @Test
    void watchSeesEachVersionAnotherProcessPublishes() throws Exception {
        publish("{\"step\": 1}");
        Path err = Files.createTempFile("jmmap-watch-", ".err");
        try {
            Process watcher = JmmapProcess.start(err, "value", "watch", name, "--json", "--count", "3");
            BufferedReader lines = new BufferedReader(new InputStreamReader(watcher.getInputStream(), UTF_8));
            for (int step = 1; step <= 3; step++) {
                if (step > 1) {
                    awaitSleepingWatcher();
                    publish("{\"step\": " + step + ", \"text\": \"" + "x".repeat(step * 1000) + "\"}");
                }
                String line = lines.readLine();
                assertNotNull(line, () -> "the watcher ended early: " + read(err));
                JsonNode version = Json.MAPPER.readTree(line);
                assertEquals(step, version.get("version").asLong(), line);
                assertEquals(step, version.get("value").get("step").asInt(), line);
            }
            assertTrue(watcher.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, watcher.exitValue(), read(err));
            assertEquals("", read(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** A watcher of a value nothing was published to yet sleeps until the first version. */
    @Test
    void watchWaitsForTheFirstVersion() throws Exception {
        try (Mapping m = SharedMemory.create(name, SharedValueDescriptor.length(64))) {
            SharedValue.create(m, 0, 64);
        }
        Path err = Files.createTempFile("jmmap-watch-", ".err");
        try {
            Process watcher = JmmapProcess.start(err, "value", "watch", name, "--count", "1");
            awaitSleepingWatcher();
            publish("{\"first\":   true}");
            BufferedReader lines = new BufferedReader(new InputStreamReader(watcher.getInputStream(), UTF_8));
            assertEquals("{\"first\":true}", lines.readLine());
            assertTrue(watcher.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, watcher.exitValue(), read(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Test
    void getInAnotherProcessReadsWhatWasPublished() throws Exception {
        publish("{\"a\": [1, 2]}");
        JmmapProcess.Result get = JmmapProcess.run("value", "get", name, "--pretty");
        assertEquals(0, get.status(), get.toString());
        assertEquals("{\n  \"a\": [\n    1,\n    2\n  ]\n}\n", get.out());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
