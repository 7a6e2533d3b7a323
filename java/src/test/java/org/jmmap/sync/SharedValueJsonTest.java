package org.jmmap.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JSON configuration shared between processes, the README's example: a master publishes it with Jackson, a
 * follower process reads it, waits for the next version without polling, and reads that.
 */
class SharedValueJsonTest {

    private static final int CAPACITY = 64 * 1024;
    /** The follower sets this int to 1 once it has read the first version. */
    private static final long ACKNOWLEDGED = SharedValueDescriptor.length(CAPACITY);

    @TempDir
    Path directory;

    /** The configuration, bound by Jackson through its public fields. */
    public static final class Config {
        public String name;
        public int workers;
        public List<String> features;

        public Config() {
        }

        Config(String name, int workers, List<String> features) {
            this.name = name;
            this.workers = workers;
            this.features = features;
        }
    }

    @Test
    void followerProcessReadsAndFollowsTheMastersConfig() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path file = directory.resolve("config.shm");
        Path output = Files.createTempFile(directory, "follower", ".out");
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE, 0, ACKNOWLEDGED + 64)) {
            SharedValue config = SharedValue.create(m, 0, CAPACITY);
            config.publish(json.writeValueAsBytes(new Config("alpha", 4, List.of("search"))));
            Process follower = ChildJvm.of(Follower.class, file.toString()).start(output);
            try {
                while (m.getIntVolatile(ACKNOWLEDGED) == 0) {
                    Futex.await(m, ACKNOWLEDGED, 0, Duration.ofMillis(100));
                    assertTrue(follower.isAlive() || m.getIntVolatile(ACKNOWLEDGED) != 0,
                            () -> SyncFiles.read(output));
                }
                Config next = new Config("beta", 16, List.of("search", "ingest"));
                long version = config.publish(json.writeValueAsBytes(next));
                assertEquals(2, version);
                SyncFiles.assertExitsCleanly(follower, output);
            } finally {
                follower.destroyForcibly();
            }
        }
        List<String> lines = Files.readAllLines(output);
        assertTrue(lines.contains("version 1: alpha workers=4 features=[search]"), lines.toString());
        assertTrue(lines.contains("version 2: beta workers=16 features=[search, ingest]"), lines.toString());
    }

    /** Arg: the file. Prints each version of the configuration it reads, the first and the next. */
    public static final class Follower {
        public static void main(String[] args) throws Exception {
            ObjectMapper json = new ObjectMapper();
            try (Mapping m = Mapping.map(Paths.get(args[0]), MapMode.READ_WRITE)) {
                SharedValue shared = SharedValue.at(m, 0);
                long version = shared.version();
                Config config = json.readValue(shared.read(), Config.class);
                print(version, config);
                m.putIntVolatile(ACKNOWLEDGED, 1);
                Futex.wake(m, ACKNOWLEDGED, 1);
                version = shared.awaitChange(version, Duration.ofSeconds(120));
                print(version, json.readValue(shared.read(), Config.class));
            }
        }

        private static void print(long version, Config config) {
            System.out.println("version " + version + ": " + config.name + " workers=" + config.workers
                    + " features=" + config.features);
        }
    }
}
