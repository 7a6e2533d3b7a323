package org.jmmap.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import org.jmmap.Mapping;
import org.jmmap.SharedMemory;
import org.jmmap.sync.SharedValue;
import org.jmmap.sync.SharedValueDescriptor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code jmmap value}: JSON published as a jmmap {@link SharedValue} in POSIX shared memory. */
@Command(name = "value",
        description = {"Publish, read and watch a JSON value in shared memory.",
                "One process publishes versions, any number read them or wait for the next one. Readers never "
                + "see a half-written value: it is a jmmap SharedValue (a seqlock over two slots), whose layout "
                + "SharedValueDescriptor documents for programs in other languages.",
                "Readers need read and write permission on the segment (waiting registers in it)."},
        subcommands = {ValueCommand.Publish.class, ValueCommand.Get.class, ValueCommand.Watch.class},
        synopsisSubcommandLabel = "(publish | get | watch)",
        footerHeading = "%nExamples:%n",
        footer = {"  echo '{\"workers\": 8}' | jmmap value publish config",
                "  jmmap value get config --pretty",
                "  jmmap value watch config               # a line per version, until Ctrl-C"})
final class ValueCommand {

    /** Capacity of a new value unless asked otherwise: tmpfs allocates only the pages written. */
    static final int DEFAULT_CAPACITY = 1 << 20;
    /** How long to wait for a segment another process is creating to be laid out. */
    private static final Duration SET_UP_WAIT = Duration.ofSeconds(2);

    @Mixin
    HelpOption help;

    private ValueCommand() {
    }

    /** A version and its bytes, read together. */
    record Snapshot(long version, byte[] bytes) {
        static Snapshot of(SharedValue value) {
            while (true) {
                long version = value.version();
                byte[] bytes = value.read();
                if (value.version() == version) { // versions only grow: the bytes are this version's
                    return new Snapshot(version, bytes);
                }
            }
        }
    }

    /** The shared value in segment {@code name}, waiting briefly for one another process is just creating. */
    static SharedValue attach(String name, Mapping segment) throws InterruptedException {
        long deadline = System.nanoTime() + SET_UP_WAIT.toNanos();
        while (true) {
            if (segment.length() < SharedValueDescriptor.HEADER_LENGTH) {
                throw notAValue(name);
            }
            int magic = segment.getIntVolatile(SharedValueDescriptor.MAGIC_OFFSET);
            if (magic == SharedValueDescriptor.MAGIC) {
                try {
                    return SharedValue.at(segment, 0);
                } catch (IllegalArgumentException e) {
                    throw notAValue(name);
                }
            }
            if (magic != 0 || System.nanoTime() - deadline > 0) {
                throw notAValue(name);
            }
            Thread.sleep(10); // created a moment ago: SharedValue.create writes the magic last
        }
    }

    private static Failure notAValue(String name) {
        return new Failure(name, "not a jmmap shared value (it does not start with the magic 0x"
                + Integer.toHexString(SharedValueDescriptor.MAGIC) + "); 'jmmap shm ls' shows what it holds",
                "EINVAL");
    }

    /** Opens segment {@code name} read-write, waiting briefly for one another process has created but not sized. */
    static Mapping open(JmmapCommand command, String name) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SET_UP_WAIT.toNanos();
        try {
            while (ShmCommand.size(name) == 0 && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
            if (ShmCommand.size(name) == 0) {
                throw notAValue(name);
            }
            return SharedMemory.open(name);
        } catch (IllegalArgumentException e) {
            throw ShmCommand.badName(command, e);
        }
    }

    /** How {@code get} and {@code watch} print a version. */
    abstract static class Reader extends JmmapCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The shared memory segment.")
        String name;

        @Option(names = "--pretty", description = "Indent the JSON.")
        boolean pretty;

        @Option(names = "--json", description = "Print {\"version\": N, \"value\": VALUE} instead of the value.")
        boolean json;

        /** Prints {@code snapshot}; {@code oneLine}: compact JSON unless --pretty, else the bytes as published. */
        void print(Snapshot snapshot, boolean oneLine) {
            PrintStream out = io().out;
            JsonNode value = parseOrNull(snapshot.bytes());
            if (json) {
                ObjectNode wrapper = Json.object();
                wrapper.put("version", snapshot.version());
                if (value != null) {
                    wrapper.set("value", value);
                } else {
                    wrapper.put("value", new String(snapshot.bytes(), StandardCharsets.UTF_8));
                }
                out.println(pretty ? Json.pretty(wrapper) : Json.compact(wrapper));
            } else if (value != null && (pretty || oneLine)) {
                out.println(pretty ? Json.pretty(value) : Json.compact(value));
            } else {
                byte[] bytes = snapshot.bytes();
                out.write(bytes, 0, bytes.length);
                if (bytes.length == 0 || bytes[bytes.length - 1] != '\n') {
                    out.println();
                }
            }
            out.flush();
        }

        /** The value as JSON, or null if another writer published something else. */
        private static JsonNode parseOrNull(byte[] bytes) {
            try {
                return Json.parse(bytes, null);
            } catch (Failure e) {
                return null;
            }
        }
    }

    @Command(name = "publish", sortOptions = false,
            description = {"Publish JSON as the next version of a shared value.",
                    "Checks that the input is one JSON value and publishes it as the next version of the shared "
                            + "value NAME, creating the segment (mode 0600) if it does not exist.",
                    "Prints the version published. The bytes are published as given (formatting kept)."},
            footerHeading = "%nExamples:%n",
            footer = {"  jmmap value publish config settings.json",
                    "  echo '{\"workers\": 8}' | jmmap value publish config",
                    "  jmmap value publish big --capacity 64M < big.json"})
    static final class Publish extends JmmapCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The shared memory segment.")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", defaultValue = "-",
                description = "Where the JSON comes from; - (the default) is standard input.")
        String file;

        @Option(names = "--capacity", paramLabel = "SIZE", converter = Sizes.Converter.class,
                description = "Largest value, when this creates the shared value (default: 1M, or the input's "
                        + "size rounded up to a power of two if larger).")
        Long capacity;

        @Option(names = "--mode", paramLabel = "MODE", defaultValue = "0600",
                converter = ShmCommand.ModeConverter.class,
                description = "Permissions, in octal, when this creates the segment (default: ${DEFAULT-VALUE}).")
        ShmCommand.Mode mode;

        @Option(names = "--json", description = "Print {\"name\", \"version\", \"bytes\"}.")
        boolean json;

        @Override
        void execute() throws Exception {
            if (capacity != null && (capacity < 0 || capacity > SharedValueDescriptor.MAX_CAPACITY)) {
                throw new ParameterException(spec.commandLine(), "--capacity=" + capacity + ": must be in [0, "
                        + SharedValueDescriptor.MAX_CAPACITY + "]");
            }
            String source = file.equals("-") ? "(standard input)" : file;
            byte[] bytes;
            try {
                bytes = file.equals("-") ? io().in.readAllBytes() : Files.readAllBytes(Paths.get(file));
            } catch (IOException | OutOfMemoryError e) {
                report(source, e);
                return;
            }
            Json.parse(bytes, source);
            int size = capacity != null ? (int) (long) capacity
                    : (int) Math.min(SharedValueDescriptor.MAX_CAPACITY, Math.max(DEFAULT_CAPACITY,
                            Integer.highestOneBit(Math.max(1, bytes.length - 1)) * 2L));
            Mapping segment;
            SharedValue value;
            try {
                segment = SharedMemory.create(name, SharedValueDescriptor.length(size), mode.permissions());
                value = SharedValue.create(segment, 0, size);
            } catch (FileAlreadyExistsException e) {
                segment = open(this, name);
                try {
                    value = attach(name, segment);
                } catch (RuntimeException | InterruptedException notAValue) {
                    segment.close();
                    throw notAValue;
                }
            } catch (IllegalArgumentException e) {
                throw ShmCommand.badName(this, e);
            }
            try {
                if (bytes.length > value.capacity()) {
                    throw new Failure(name, "the value is " + bytes.length + " bytes, more than this shared value's "
                            + "capacity=" + value.capacity() + "; remove it ('jmmap shm rm " + name + "') and "
                            + "publish again (--capacity sets a larger one)", "EFBIG");
                }
                long version = value.publish(bytes);
                if (json) {
                    ObjectNode result = Json.object();
                    result.put("name", name);
                    result.put("version", version);
                    result.put("bytes", bytes.length);
                    io().out.println(Json.compact(result));
                } else {
                    io().out.println("published version " + version + " of " + name + " (" + bytes.length
                            + " bytes)");
                }
            } finally {
                segment.close();
            }
        }
    }

    @Command(name = "get", sortOptions = false,
            description = {"Print the value published last.",
                    "As it was published, or indented with --pretty."},
            footerHeading = "%nExamples:%n",
            footer = {"  jmmap value get config", "  jmmap value get config --json | jq .version"})
    static final class Get extends Reader {

        @Override
        void execute() throws Exception {
            try (Mapping segment = open(this, name)) {
                Snapshot snapshot = Snapshot.of(attach(name, segment));
                if (snapshot.version() == 0) {
                    throw new Failure(name, "nothing has been published yet", "ENODATA");
                }
                print(snapshot, false);
            }
        }
    }

    @Command(name = "watch", sortOptions = false,
            description = {"Print the value, then each new version as it is published.",
                    "One line of JSON per version (indented with --pretty); sleeps in the kernel (futex) between "
                            + "versions.",
                    "Versions published faster than they are printed are skipped: every line is the latest."},
            footerHeading = "%nExamples:%n",
            footer = {"  jmmap value watch config",
                    "  jmmap value watch config --json -n 1   # the current value, or the first"})
    static final class Watch extends Reader {

        @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "0",
                description = "Stop after N versions (default: never; Ctrl-C stops).")
        long count;

        @Override
        void execute() throws Exception {
            if (count < 0) {
                throw new ParameterException(spec.commandLine(), "--count=" + count + ": must be >= 0");
            }
            try (Mapping segment = open(this, name)) {
                SharedValue value = attach(name, segment);
                long seen = 0;
                for (long printed = 0; count == 0 || printed < count; printed++) {
                    while (value.awaitChange(seen, Duration.ofDays(1)) == seen) {
                        // a day without a new version: keep waiting
                    }
                    Snapshot snapshot = Snapshot.of(value);
                    print(snapshot, true);
                    seen = snapshot.version();
                }
            }
        }
    }
}
