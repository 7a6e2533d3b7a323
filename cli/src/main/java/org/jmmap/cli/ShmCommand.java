package org.jmmap.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.SharedMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code jmmap shm}: POSIX shared memory segments (the files of /dev/shm). */
@Command(name = "shm",
        description = {"List, read, remove and create POSIX shared memory segments.",
                "Segments are shm_open objects, on Linux the files of /dev/shm: the same objects as Python's "
                        + "multiprocessing.shared_memory and C's shm_open. NAME is 'config' or '/config'."},
        subcommands = {ShmCommand.Ls.class, ShmCommand.Cat.class, ShmCommand.Rm.class,
                ShmCommand.Create.class},
        synopsisSubcommandLabel = "(ls | cat | rm | create)",
        footerHeading = "%nExamples:%n",
        footer = {"  jmmap shm create scratch --size 64M",
                "  jmmap shm ls",
                "  jmmap shm cat scratch | od -A d -t x1 | head",
                "  jmmap shm rm scratch"})
final class ShmCommand {

    /** Where Linux keeps the segments; {@link SharedMemory#list()} reads it too. */
    private static final Path DIRECTORY = Paths.get("/dev/shm");

    @Mixin
    HelpOption help;

    private ShmCommand() {
    }

    /** A name the library refuses (empty, with a '/', too long) is a usage error. */
    static ParameterException badName(JmmapCommand command, IllegalArgumentException e) {
        return new ParameterException(command.spec.commandLine(), e.getMessage());
    }

    @Command(name = "ls", sortOptions = false,
            description = {"List the segments: name, size, owner, mode, and what they hold (KIND):",
                    "  value      a jmmap shared value ('jmmap value get NAME' reads it)",
                    "  semaphore  a POSIX named semaphore",
                    "  -          data of another layout; ?  not readable by this user"},
            footerHeading = "%nExamples:%n",
            footer = {"  jmmap shm ls", "  jmmap shm ls --json | jq -r '.[] | select(.kind == \"value\") | .name'"})
    static final class Ls extends JmmapCommand {

        @Option(names = "--json", description = "Print JSON: [{name, size, owner, group, mode, kind}].")
        boolean json;

        @Override
        void execute() {
            List<ObjectNode> segments = new ArrayList<>();
            for (String name : SharedMemory.list()) {
                try {
                    PosixFileAttributes attributes = Files.readAttributes(DIRECTORY.resolve(name),
                            PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    ObjectNode segment = Json.object();
                    segment.put("name", name);
                    segment.put("size", attributes.size());
                    segment.put("owner", attributes.owner().getName());
                    segment.put("group", attributes.group().getName());
                    segment.put("mode", mode(attributes.permissions()));
                    segment.put("kind", SegmentKind.of(name, attributes.size()).label);
                    segments.add(segment);
                } catch (NoSuchFileException e) {
                    // removed since it was listed
                } catch (IOException e) {
                    report(name, e);
                }
            }
            if (json) {
                ArrayNode array = Json.MAPPER.createArrayNode();
                array.addAll(segments);
                io().out.println(Json.compact(array));
                return;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NAME", "SIZE", "OWNER", "MODE", "KIND"});
            for (ObjectNode segment : segments) {
                rows.add(new String[] {segment.get("name").asText(), Sizes.human(segment.get("size").asLong()),
                        segment.get("owner").asText(), segment.get("mode").asText(), segment.get("kind").asText()});
            }
            int[] widths = new int[4];
            for (String[] row : rows) {
                for (int column = 0; column < widths.length; column++) {
                    widths[column] = Math.max(widths[column], row[column].length());
                }
            }
            PrintStream out = io().out;
            for (String[] row : rows) {
                out.printf(Locale.ROOT, "%-" + widths[0] + "s  %" + widths[1] + "s  %-" + widths[2] + "s  %"
                        + widths[3] + "s  %s%n", (Object[]) row);
            }
        }
    }

    @Command(name = "cat",
            description = "Write a segment's bytes to standard output.",
            footerHeading = "%nExamples:%n",
            footer = {"  jmmap shm cat psm_1234 > copy.bin", "  jmmap shm cat config | xxd | head"})
    static final class Cat extends JmmapCommand {

        private static final int CHUNK = 1 << 20;

        @Parameters(paramLabel = "NAME", arity = "1..*", description = "Segments, written one after the other.")
        List<String> names;

        @Override
        void execute() throws IOException {
            byte[] buffer = new byte[CHUNK];
            for (String name : names) {
                try {
                    long size = size(name);
                    if (size == 0) {
                        continue; // an empty segment cannot be mapped, and has nothing to write
                    }
                    try (Mapping segment = SharedMemory.open(name, MapMode.READ_ONLY)) {
                        for (long offset = 0; offset < segment.length(); offset += CHUNK) {
                            int length = (int) Math.min(CHUNK, segment.length() - offset);
                            segment.getBytes(offset, buffer, 0, length);
                            io().out.write(buffer, 0, length);
                            if (io().out.checkError()) {
                                return; // the reader went away (| head): nothing more to write
                            }
                        }
                    }
                } catch (IllegalArgumentException e) {
                    throw badName(this, e);
                } catch (IOException e) {
                    report(name, e);
                }
            }
            io().out.flush();
        }
    }

    @Command(name = "rm",
            description = {"Remove segments (shm_unlink).", "Processes that map one keep it until they unmap it."},
            footerHeading = "%nExamples:%n",
            footer = {"  jmmap shm rm scratch config", "  jmmap shm rm -f maybe-there"})
    static final class Rm extends JmmapCommand {

        @Parameters(paramLabel = "NAME", arity = "1..*")
        List<String> names;

        @Option(names = {"-f", "--force"}, description = "No failure for a segment that does not exist.")
        boolean force;

        @Override
        void execute() {
            for (String name : names) {
                try {
                    SharedMemory.unlink(name);
                } catch (IllegalArgumentException e) {
                    throw badName(this, e);
                } catch (NoSuchFileException e) {
                    if (!force) {
                        report(name, e);
                    }
                } catch (IOException e) {
                    report(name, e);
                }
            }
        }
    }

    @Command(name = "create", sortOptions = false,
            description = {"Create a zero-filled segment.",
                    "shm_open(O_CREAT|O_EXCL), so it fails if the name exists; then ftruncate to the size."},
            footerHeading = "%nExamples:%n",
            footer = {"  jmmap shm create scratch --size 64M",
                    "  jmmap shm create shared-with-group --size 4096 --mode 0660"})
    static final class Create extends JmmapCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--size", required = true, paramLabel = "SIZE", converter = Sizes.Converter.class,
                description = "Bytes, or with a unit: 4096, 64K, 1M, 2G.")
        long size;

        @Option(names = "--mode", paramLabel = "MODE", defaultValue = "0600", converter = ModeConverter.class,
                description = "Permissions in octal, exactly (the umask does not apply; default: ${DEFAULT-VALUE}).")
        Mode mode;

        @Override
        void execute() {
            if (size <= 0) {
                throw new ParameterException(spec.commandLine(), "--size=" + size + ": must be at least 1 byte");
            }
            try {
                SharedMemory.create(name, size, mode.permissions()).close(); // created, sized and zero-filled
            } catch (IllegalArgumentException e) {
                throw badName(this, e);
            } catch (IOException e) {
                report(name, e);
            }
        }
    }

    /** The size of segment {@code name} in bytes ({@code fstat} of its file in /dev/shm). */
    static long size(String name) throws IOException {
        SharedMemory.exists(name); // checks the name
        String bare = name.startsWith("/") ? name.substring(1) : name;
        try {
            return Files.size(DIRECTORY.resolve(bare));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(name); // the segment, not its file, is what the user named
        }
    }

    /** {@code 0640} for {@code rw-r-----}. */
    static String mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= 1 << (8 - permission.ordinal());
        }
        return String.format(Locale.ROOT, "%04o", mode);
    }

    /** Permission bits, written in octal such as {@code 0640} or {@code 640}. */
    record Mode(Set<PosixFilePermission> permissions) {
    }

    /** Reads a {@link Mode}: octal, permission bits only. */
    static final class ModeConverter implements ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            int mode;
            try {
                mode = Integer.parseInt(value, 8);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not an octal mode such as 0600 or 0640");
            }
            if (mode < 0 || mode > 0777) {
                throw new TypeConversionException("'" + value + "': only the permission bits 0000 to 0777 apply");
            }
            Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
            for (PosixFilePermission permission : PosixFilePermission.values()) {
                if ((mode & 1 << (8 - permission.ordinal())) != 0) {
                    permissions.add(permission);
                }
            }
            return new Mode(permissions);
        }
    }
}
