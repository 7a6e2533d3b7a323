package org.jmmap.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.jmmap.SharedMemory;
import org.jmmap.sync.SharedValueDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * jmmap shm and value against Python's {@code multiprocessing.shared_memory}: segments one creates, the other
 * lists, reads and removes; a value jmmap publishes, read by Python from the documented layout with
 * {@code struct}.
 */
class ShmPythonIT {

    /** Python 3.8 to 3.12 unlink even segments they only attach to at exit unless unregistered. */
    private static final String PRELUDE = "import json, struct, sys\n"
            + "from multiprocessing import shared_memory, resource_tracker\n"
            + "def attach(name, **kw):\n"
            + "    shm = shared_memory.SharedMemory(name=name, **kw)\n"
            + "    resource_tracker.unregister(shm._name, 'shared_memory')\n"
            + "    return shm\n";

    private final String name = Names.unique("py");

    @BeforeEach
    void needsPython() {
        assumeTrue(JmmapProcess.executable("python3").isPresent(), "python3 is not installed");
    }

    @AfterEach
    void removeSegment() throws Exception {
        if (SharedMemory.exists(name)) {
            SharedMemory.unlink(name);
        }
    }

    private static String python(String program, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", "-c", PRELUDE + program));
        command.addAll(List.of(args));
        JmmapProcess.Result result = JmmapProcess.runCommand(command, new byte[0]);
        assertEquals(0, result.status(), result.toString());
        return result.out();
    }

    @Test
    void segmentsPythonCreatesAreListedAndRead() throws Exception {
        python("shm = attach(sys.argv[1], create=True, size=10000)\n"
                + "shm.buf[:11] = b'from python'\n"
                + "shm.close()\n", name);
        JmmapProcess.Result ls = JmmapProcess.run("shm", "ls", "--json");
        assertEquals(0, ls.status(), ls.toString());
        JsonNode listed = null;
        for (JsonNode segment : Json.MAPPER.readTree(ls.stdout())) {
            if (segment.get("name").asText().equals(name)) {
                listed = segment;
            }
        }
        assertEquals(10000, listed.get("size").asLong(), ls.out());
        assertEquals("0600", listed.get("mode").asText());
        assertEquals("-", listed.get("kind").asText());
        JmmapProcess.Result cat = JmmapProcess.run("shm", "cat", name);
        assertEquals(0, cat.status(), cat.toString());
        byte[] expected = new byte[10000];
        System.arraycopy("from python".getBytes(UTF_8), 0, expected, 0, 11);
        assertArrayEquals(expected, cat.stdout());
        JmmapProcess.Result rm = JmmapProcess.run("shm", "rm", name);
        assertEquals(0, rm.status(), rm.toString());
        assertEquals("gone\n", python("try:\n    attach(sys.argv[1])\nexcept FileNotFoundError:\n    print('gone')\n",
                name));
    }

    @Test
    void segmentsJmmapCreatesArePythonsToo() throws Exception {
        JmmapProcess.Result create = JmmapProcess.run("shm", "create", name, "--size", "10000", "--mode", "0640");
        assertEquals(0, create.status(), create.toString());
        assertEquals("10000 True\n", python("shm = attach(sys.argv[1])\n"
                + "print(shm.size, bytes(shm.buf) == bytes(10000))\n"
                + "shm.close()\n", name));
    }

    /** Python reads a published value through SharedValueDescriptor's offsets: magic, version, slot, bytes. */
    @Test
    void aPublishedValueReadsInPythonThroughTheDescriptor() throws Exception {
        for (String json : new String[] {"{\"from\": \"jmmap\"}", "[1, 2, 3]"}) {
            JmmapProcess.Result publish = JmmapProcess.run(List.of(), json.getBytes(UTF_8), "value", "publish",
                    name, "--capacity", "1000");
            assertEquals(0, publish.status(), publish.toString());
        }
        String read = python("shm = attach(sys.argv[1])\n"
                + "buf = shm.buf\n"
                + "magic, capacity, version = struct.unpack_from('=iiq', buf, " + SharedValueDescriptor.MAGIC_OFFSET
                + ")\n"
                + "slot = " + SharedValueDescriptor.HEADER_LENGTH + " + (version % 2) * ("
                + SharedValueDescriptor.SLOT_DATA_OFFSET + " + ((capacity + 7) & ~7))\n"
                + "sequence, length = struct.unpack_from('=qi', buf, slot)\n"
                + "data = bytes(buf[slot + " + SharedValueDescriptor.SLOT_DATA_OFFSET + ":][:length])\n"
                + "print(hex(magic), capacity, version, sequence, data.decode())\n"
                + "del buf\n"
                + "shm.close()\n", name);
        assertEquals("0x" + Integer.toHexString(SharedValueDescriptor.MAGIC) + " 1000 2 4 [1, 2, 3]\n", read);
    }
}
