package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cross-check: one sequence of operations runs in CPython's {@code mmap} (a {@code python3} child process) and
 * in {@link MmapFile}, each on its own copy of the same file; the result of every operation (value or exception
 * class, errno name for {@code OSError}) and the final files must be equal byte for byte.
 *
 * <p>Operations are lines of the form {@code name arg...}; byte strings are written {@code x<hex>}. Results are
 * {@code ok <value>} ({@code None}, an integer, {@code True}/{@code False} or {@code x<hex>}) or the Python exception
 * class; Java's exceptions are named by the mapping {@link MmapFile} documents ({@code OverflowError}, raised by
 * CPython for negative lengths and byte values out of range, counts as {@code ValueError}, as Java throws
 * {@code IllegalArgumentException} for both).
 */
class MmapFilePythonTest {

    private static final int PAGE = MmapFile.PAGESIZE;
    private static final HexFormat HEX = HexFormat.of();
    /**
     * Advice for the random sequences: none that sets flags on part of a map (RANDOM, SEQUENTIAL), since CPython's
     * resize then fails with EFAULT where MmapFile's succeeds (see the class documentation of MmapFile).
     */
    private static final String[] ADVICE = {"MADV_NORMAL", "MADV_WILLNEED", "MADV_DONTNEED"};

    /** The interpreter on the Python side. */
    private static final String SCRIPT = String.join("\n",
            "import errno, mmap, os, sys",
            "path, ops = sys.argv[1], sys.argv[2]",
            "ACCESS = {'READ_ONLY': mmap.ACCESS_READ, 'READ_WRITE': mmap.ACCESS_WRITE, 'PRIVATE': mmap.ACCESS_COPY}",
            "def fmt(v):",
            "    if v is None or isinstance(v, bool): return str(v)",
            "    if isinstance(v, int): return str(v)",
            "    return 'x' + bytes(v).hex()",
            "def b(token): return bytes.fromhex(token[1:])",
            "m = None",
            "out = []",
            "for line in open(ops):",
            "    t = line.split()",
            "    op, a = t[0], t[1:]",
            "    n = lambda: [int(x) for x in a]",
            "    try:",
            "        r = None",
            "        if op == 'open':",
            "            fd = os.open(path, os.O_RDWR if a[0] == 'READ_WRITE' else os.O_RDONLY)",
            "            try:",
            "                new = mmap.mmap(fd, int(a[1]), access=ACCESS[a[0]], offset=int(a[2]))",
            "            finally:",
            "                os.close(fd)",
            "            m = new",
            "        elif op == 'anonymous': m = mmap.mmap(-1, int(a[0]))",
            "        elif op == 'ftruncate': os.truncate(path, int(a[0]))",
            "        elif op == 'close': r = m.close()",
            "        elif op == 'closed': r = m.closed",
            "        elif op == 'find': r = m.find(b(a[0]), *[int(x) for x in a[1:]])",
            "        elif op == 'rfind': r = m.rfind(b(a[0]), *[int(x) for x in a[1:]])",
            "        elif op == 'flush': r = m.flush(*n())",
            "        elif op == 'madvise': r = m.madvise(getattr(mmap, a[0]), *[int(x) for x in a[1:]])",
            "        elif op == 'move': r = m.move(*n())",
            "        elif op == 'read': r = m.read(*n())",
            "        elif op == 'read_byte': r = m.read_byte()",
            "        elif op == 'readline': r = m.readline()",
            "        elif op == 'resize': r = m.resize(*n())",
            "        elif op == 'seek':",
            "            r = m.seek(*n())",
            "            if r is None: r = m.tell()  # Python 3.12 and earlier return None, 3.13 the new position",
            "        elif op == 'size': r = m.size()",
            "        elif op == 'tell': r = m.tell()",
            "        elif op == 'len': r = len(m)",
            "        elif op == 'write': r = m.write(b(a[0]))",
            "        elif op == 'write_byte': r = m.write_byte(int(a[0]))",
            "        elif op == 'get': r = m[int(a[0])]",
            "        elif op == 'set': m[int(a[0])] = int(a[1])",
            "        elif op == 'slice': r = m[int(a[0]):int(a[1])]",
            "        elif op == 'setslice': m[int(a[0]):int(a[1])] = b(a[2])",
            "        else: raise SystemExit('unknown operation ' + op)",
            "        out.append('ok ' + fmt(r))",
            "    except OSError as e:",
            "        out.append('OSError ' + errno.errorcode.get(e.errno, str(e.errno)))",
            "    except OverflowError:",
            "        out.append('ValueError')",
            "    except (ValueError, IndexError, TypeError) as e:",
            "        out.append(type(e).__name__)",
            "if m is not None: m.close()",
            "print('\\n'.join(out))",
            "");

    @TempDir
    Path directory;

    // ---------------------------------------------------------------------------------------------------------
    // The Java side

    private static final class Interpreter {
        private final Path path;
        MmapFile m;

        Interpreter(Path path) {
            this.path = path;
        }

        String apply(String line) {
            String[] t = line.trim().split(" ");
            String op = t[0];
            try {
                return "ok " + format(run(op, Arrays.copyOfRange(t, 1, t.length)));
            } catch (IllegalArgumentException | IllegalStateException e) {
                return "ValueError";
            } catch (IndexOutOfBoundsException e) {
                return "IndexError";
            } catch (UnsupportedOperationException e) { // and its subclass ReadOnlyBufferException
                return "TypeError";
            } catch (ErrnoException e) {
                return "OSError " + e.errnoName();
            } catch (FileSystemException e) {
                return "OSError " + ((ErrnoException) e.getCause()).errnoName();
            } catch (IOException e) {
                throw new AssertionError(line, e);
            }
        }

        private Object run(String op, String[] a) throws IOException {
            switch (op) {
                case "open": {
                    MmapFile opened = MmapFile.open(path, l(a[1]), MapMode.valueOf(a[0]), l(a[2]));
                    replace(opened);
                    return null;
                }
                case "anonymous":
                    replace(MmapFile.anonymous(l(a[0])));
                    return null;
                case "ftruncate":
                    try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
                        file.setLength(l(a[0]));
                    }
                    return null;
                case "close":
                    m.close();
                    return null;
                case "closed":
                    return m.isClosed();
                case "find":
                    return a.length == 1 ? m.find(b(a[0])) : a.length == 2 ? m.find(b(a[0]), l(a[1]))
                            : m.find(b(a[0]), l(a[1]), l(a[2]));
                case "rfind":
                    return a.length == 1 ? m.rfind(b(a[0])) : a.length == 2 ? m.rfind(b(a[0]), l(a[1]))
                            : m.rfind(b(a[0]), l(a[1]), l(a[2]));
                case "flush":
                    if (a.length == 0) {
                        m.flush();
                    } else {
                        m.flush(l(a[0]), l(a[1]));
                    }
                    return null;
                case "madvise": {
                    Advice advice = Arrays.stream(Advice.values()).filter(v -> v.constantName().equals(a[0]))
                            .findFirst().orElseThrow();
                    if (a.length == 1) {
                        m.madvise(advice);
                    } else {
                        m.madvise(advice, l(a[1]), a.length == 3 ? l(a[2]) : m.length());
                    }
                    return null;
                }
                case "move":
                    m.move(l(a[0]), l(a[1]), l(a[2]));
                    return null;
                case "read":
                    return a.length == 0 ? m.read() : m.read(l(a[0]));
                case "read_byte":
                    return m.readByte();
                case "readline":
                    return m.readLine();
                case "resize":
                    m.resize(l(a[0]));
                    return null;
                case "seek":
                    return a.length == 1 ? m.seek(l(a[0])) : m.seek(l(a[0]), Integer.parseInt(a[1]));
                case "size":
                    return m.size();
                case "tell":
                    return m.tell();
                case "len":
                    return m.length();
                case "write":
                    return m.write(b(a[0]));
                case "write_byte":
                    m.writeByte(Integer.parseInt(a[0]));
                    return null;
                case "get":
                    return m.get(l(a[0]));
                case "set":
                    m.set(l(a[0]), Integer.parseInt(a[1]));
                    return null;
                case "slice":
                    return m.slice(l(a[0]), l(a[1]));
                case "setslice":
                    m.setSlice(l(a[0]), l(a[1]), b(a[2]));
                    return null;
                default:
                    throw new AssertionError("unknown operation " + op);
            }
        }

        private void replace(MmapFile opened) {
            if (m != null) {
                m.close(); // CPython unmaps the one the name no longer holds
            }
            m = opened;
        }

        void close() {
            if (m != null) {
                m.close();
            }
        }

        private static long l(String value) {
            return Long.parseLong(value);
        }

        private static byte[] b(String token) {
            return HEX.parseHex(token.substring(1));
        }

        private static String format(Object value) {
            if (value == null) {
                return "None";
            }
            if (value instanceof Boolean) {
                return (Boolean) value ? "True" : "False";
            }
            if (value instanceof byte[]) {
                return "x" + HEX.formatHex((byte[]) value);
            }
            return value.toString();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Running both

    /** Runs {@code ops} on two copies of {@code initial} and compares every result and the final files. */
    private void crossCheck(String name, byte[] initial, List<String> ops) throws IOException {
        Path pythonFile = Files.write(directory.resolve(name + ".python"), initial);
        Path javaFile = Files.write(directory.resolve(name + ".java"), initial);
        compareResults(directory, name, pythonFile, javaFile, ops);
        assertArrayEquals(Files.readAllBytes(pythonFile), Files.readAllBytes(javaFile), name + ": the final files");
    }

    /**
     * Runs {@code ops} in Python on {@code pythonFile} and in {@link MmapFile} on {@code javaFile} (two copies of
     * one file) and asserts that every operation has the same result.
     */
    static void compareResults(Path directory, String name, Path pythonFile, Path javaFile, List<String> ops)
            throws IOException {
        Path script = Files.writeString(directory.resolve("mmap_ops.py"), SCRIPT);
        Path opsFile = Files.write(directory.resolve(name + ".ops"), ops);
        List<String> expected = Arrays.asList(MmapFilePython.runScript(script, pythonFile.toString(),
                opsFile.toString()).split("\n", -1));
        expected = expected.subList(0, expected.size() - 1); // the trailing newline
        List<String> actual = new ArrayList<>();
        Interpreter java = new Interpreter(javaFile);
        try {
            for (String op : ops) {
                actual.add(java.apply(op));
            }
        } finally {
            java.close();
        }
        String python = "Python " + MmapFilePython.version() + " (" + MmapFilePython.executable() + ")";
        assertEquals(ops.size(), expected.size(), python + " answered every operation");
        for (int i = 0; i < ops.size(); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                StringBuilder context = new StringBuilder();
                for (int k = Math.max(0, i - 30); k <= i; k++) {
                    context.append('\n').append(k).append(": ").append(abbreviate(ops.get(k))).append(" -> python ")
                            .append(abbreviate(expected.get(k))).append(", java ").append(abbreviate(actual.get(k)));
                }
                assertEquals(expected.get(i), actual.get(i), name + " operation " + i + " vs " + python
                        + ", the operations before:" + context);
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    static String hex(String ascii) {
        return "x" + HEX.formatHex(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] initialContent(int length, long seed) {
        Random random = new Random(seed);
        byte[] alphabet = {'a', 'b', 'c', '\n', 0};
        byte[] content = new byte[length];
        for (int i = 0; i < length; i++) {
            content[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return content;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sequences

    @Test
    void everyMethodAndErrorAgreesWithPython() throws IOException {
        byte[] initial = initialContent(3 * PAGE + 123, 1);
        List<String> ops = new ArrayList<>(List.of(
                // construction
                "open READ_WRITE 0 " + (4 * PAGE), "open READ_WRITE 0 " + (3 * PAGE + 123),
                "open READ_WRITE " + (3 * PAGE + 124) + " 0", "open READ_WRITE 1 " + (3 * PAGE + 123),
                "open READ_WRITE 10 1", "open READ_WRITE -1 0", "open READ_WRITE 0 -4096",
                "open READ_ONLY 0 " + PAGE, "len", "size", "tell", "closed",
                "open PRIVATE 100 " + (3 * PAGE), "len", "read",
                "open READ_WRITE 0 0", "len", "size"));
        ops.addAll(everyMethod("READ_WRITE"));
        // resize(0) stays out: CPython cuts the file before mremap refuses it (MmapFileTest covers MmapFile's answer)
        ops.addAll(List.of("resize 5", "len", "open READ_WRITE 0 " + PAGE));
        ops.addAll(List.of("close", "closed", "close", "len", "tell", "size", "read", "read_byte", "readline",
                "find " + hex("a"), "rfind " + hex("a"), "flush", "madvise MADV_NORMAL", "move 0 1 1", "resize 10",
                "seek 0", "write " + hex("a"), "write_byte 1", "get 0", "set 0 1", "slice 0 1",
                "setslice 0 1 " + hex("a")));
        ops.addAll(List.of("ftruncate 0", "open READ_WRITE 0 0", "open READ_ONLY 0 0", "open PRIVATE 5 0",
                "ftruncate " + (2 * PAGE + 7)));
        for (String mode : new String[] {"READ_ONLY", "PRIVATE"}) {
            ops.add("open " + mode + " 0 0");
            ops.addAll(everyMethod(mode));
        }
        ops.addAll(List.of("anonymous 0", "anonymous -1", "anonymous " + (PAGE + 5)));
        ops.addAll(everyMethod("anonymous"));
        crossCheck("every-method", initial, ops);
    }

    /** Every method with arguments on and around its limits, on the map just opened. */
    private static List<String> everyMethod(String mode) {
        return List.of("len", "size", "tell", "closed",
                "read 5", "read 0", "read -1", "seek 3", "read", "tell", "read 10", "read_byte",
                "seek 0", "readline", "readline", "tell", "read_byte", "read_byte", "tell",
                "seek 2", "seek 3 1", "seek -1 1", "seek -1 2", "seek 0 2", "seek 1 2", "seek -1", "seek 0 3",
                "seek 9223372036854775807 1", "seek -9223372036854775808 2", "tell",
                "seek 0 2", "read_byte", "write_byte 1", "write " + hex("a"), "write x", "readline", "read",
                "seek 0", "find " + hex("ab"), "find " + hex("ab") + " 5", "find " + hex("ab") + " -30",
                "find " + hex("ab") + " 5 3", "find x", "find x 7", "find x 7 3", "find x 100000", "find x -100000",
                "rfind " + hex("ab"), "rfind " + hex("ab") + " 5", "rfind " + hex("ab") + " 0 -30",
                "rfind x", "rfind x 2 7", "rfind x 7 2", "rfind " + hex("\n"), "find " + hex("zzz"),
                "seek 100", "find " + hex("\n"), "rfind " + hex("\n"), "find " + hex("\n") + " 0 100",
                "get 0", "get -1", "get 1", "get -2", "get 1000000", "get -1000000",
                "slice 0 10", "slice -10 1000000", "slice 10 5", "slice -1000000 3",
                "seek 0", "write " + hex("hello"), "tell", "write_byte 255", "write_byte 256", "write_byte -1",
                "set 0 65", "set -1 66", "set 1000000 1", "set 0 256", "set 1000000 256", "set 0 -1",
                "setslice 1 4 " + hex("xyz"), "setslice -3 1000000 " + hex("end"), "setslice 5 2 x",
                "setslice 1 4 " + hex("xy"), "setslice 1 4 " + hex("wxyz"), "slice 0 10",
                "move 10 0 5", "move 0 10 5", "move 0 0 0", "move -1 0 1", "move 0 -1 1", "move 0 0 -1",
                "move 0 1 1000000", "move 1000000 0 1", "slice 0 20",
                "flush", "flush 0 1", "flush " + PAGE + " 10", "flush 1 10", "flush 0 1000000", "flush -1 1",
                "flush 0 -1",
                "madvise MADV_NORMAL", "madvise MADV_WILLNEED 0 1000000", "madvise MADV_SEQUENTIAL " + PAGE + " 1",
                "madvise MADV_NORMAL 1 10", "madvise MADV_NORMAL -1 10", "madvise MADV_NORMAL 0 -1",
                "madvise MADV_NORMAL 1000000 1", "madvise MADV_DONTNEED 0 10", "slice 0 20",
                "seek 7", "resize " + (PAGE + 100), "len", "size", "tell", "slice -10 1000000",
                "resize 5", "len", "size", "tell", "read", "readline", "read_byte", "find x", "write x", "seek 5",
                // anonymous memory does not grow back: CPython's regrown bytes are those the shrink cut off
                "resize -1", "resize " + (mode.equals("anonymous") ? 3 : 2 * PAGE), "len", "size", "slice 0 10",
                "read 3", "tell");
    }

    @Test
    void randomSequencesAgreeWithPython() throws IOException {
        for (String mode : new String[] {"READ_WRITE", "PRIVATE", "READ_ONLY", "anonymous"}) {
            int length = 2 * PAGE + 50;
            List<String> ops = new ArrayList<>();
            ops.add(mode.equals("anonymous") ? "anonymous " + length : "open " + mode + " 0 0");
            ops.addAll(randomOps(new Random(mode.hashCode()), length, 3_000, mode.equals("READ_WRITE"),
                    mode.equals("anonymous")));
            crossCheck("random-" + mode, initialContent(length, 2), ops);
        }
    }

    @Test
    void mapsAtAnOffsetAgreeWithPython() throws IOException {
        int length = 4 * PAGE + 17;
        List<String> ops = new ArrayList<>();
        ops.add("open READ_WRITE " + (PAGE + 9) + " " + (2 * PAGE));
        ops.addAll(randomOps(new Random(42), PAGE + 9, 1_500, true, false));
        ops.add("open READ_WRITE 0 " + PAGE);
        ops.addAll(randomOps(new Random(43), PAGE, 1_500, true, false));
        crossCheck("offset", initialContent(length, 3), ops);
    }

    /**
     * {@code count} random operations on a map of {@code length} bytes, chosen around the limits. Anonymous memory
     * only shrinks: CPython grows it over the same shared memory object (see the class documentation of MmapFile).
     */
    private static List<String> randomOps(Random random, int initialLength, int count, boolean resizable,
                                          boolean shrinkOnly) {
        List<String> ops = new ArrayList<>();
        long length = initialLength; // the generator follows resize, which always succeeds when resizable
        String[] names = {"find", "rfind", "flush", "madvise", "move", "read", "read_byte", "readline", "resize",
                "seek", "size", "tell", "len", "write", "write_byte", "get", "set", "slice", "setslice"};
        for (int i = 0; i < count; i++) {
            String name = names[random.nextInt(names.length)];
            switch (name) {
                case "find":
                case "rfind": {
                    int arguments = random.nextInt(3);
                    String op = name + " " + data(random, random.nextInt(4));
                    for (int k = 0; k < arguments; k++) {
                        op += " " + value(random, length);
                    }
                    ops.add(op);
                    break;
                }
                case "flush":
                    ops.add(random.nextBoolean() ? "flush" : "flush " + value(random, length) + " "
                            + value(random, length));
                    break;
                case "madvise":
                    ops.add("madvise " + ADVICE[random.nextInt(ADVICE.length)] + " " + value(random, length) + " "
                            + value(random, length));
                    break;
                case "move":
                    ops.add("move " + value(random, length) + " " + value(random, length) + " "
                            + (random.nextBoolean() ? random.nextInt(20) : value(random, length)));
                    break;
                case "read":
                    ops.add(random.nextInt(4) == 0 ? "read" : "read " + (random.nextBoolean() ? random.nextInt(30)
                            : value(random, length)));
                    break;
                case "resize": {
                    long[] sizes = {1, PAGE, PAGE + 1, 2 * PAGE, length + 1, Math.max(1, length - 1),
                            1 + random.nextInt(3 * PAGE), -1};
                    long size = sizes[random.nextInt(sizes.length)];
                    if (shrinkOnly && size > length) {
                        size = length;
                    }
                    ops.add("resize " + size);
                    if ((resizable || shrinkOnly) && size > 0) {
                        length = size;
                    }
                    break;
                }
                case "seek":
                    ops.add("seek " + value(random, length) + (random.nextBoolean() ? "" : " " + random.nextInt(4)));
                    break;
                case "write":
                    ops.add("write " + data(random, random.nextInt(5) == 0 ? (int) Math.min(length, 3 * PAGE)
                            / (1 + random.nextInt(3)) : random.nextInt(12)));
                    break;
                case "write_byte":
                    ops.add("write_byte " + (random.nextInt(10) == 0 ? 256 : random.nextInt(256)));
                    break;
                case "get":
                    ops.add("get " + value(random, length));
                    break;
                case "set":
                    ops.add("set " + value(random, length) + " " + (random.nextInt(10) == 0 ? -1
                            : random.nextInt(256)));
                    break;
                case "slice":
                    ops.add("slice " + value(random, length) + " " + value(random, length));
                    break;
                case "setslice": {
                    long start = value(random, length);
                    long stop = value(random, length);
                    long sliceLength = Math.max(0, clamp(stop, length) - clamp(start, length));
                    long dataLength = random.nextInt(8) == 0 ? sliceLength + 1 : sliceLength;
                    if (dataLength > 3 * PAGE) {
                        dataLength = 0;
                    }
                    ops.add("setslice " + start + " " + stop + " " + data(random, (int) dataLength));
                    break;
                }
                default:
                    ops.add(name);
            }
        }
        return ops;
    }

    /** A value around the interesting points of a map of {@code length} bytes: its ends, pages, the middle. */
    private static long value(Random random, long length) {
        switch (random.nextInt(12)) {
            case 0:
                return 0;
            case 1:
                return length;
            case 2:
                return length - 1;
            case 3:
                return length + 1;
            case 4:
                return -1;
            case 5:
                return -length;
            case 6:
                return -length - 1;
            case 7:
                return PAGE * (long) random.nextInt(4);
            case 8:
                return random.nextInt(16);
            case 9:
                return -random.nextInt((int) Math.min(length, Integer.MAX_VALUE - 1) + 1);
            default:
                return random.nextInt((int) Math.min(length, Integer.MAX_VALUE - 1) + 1);
        }
    }

    private static long clamp(long bound, long length) {
        if (bound < 0) {
            return Math.max(0, bound + length);
        }
        return Math.min(bound, length);
    }

    /** {@code length} bytes from a small alphabet, so that searches find things. */
    private static String data(Random random, int length) {
        byte[] alphabet = {'a', 'b', 'c', '\n', 0};
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return "x" + HEX.formatHex(bytes);
    }

    @Test
    void thePythonIsTheOneTheseTestsFollow() throws IOException {
        // MmapFile follows CPython 3.13; an older interpreter still runs the comparisons above (seek's result is
        // the only difference they see, and the script reports tell() for it), but say which one ran.
        String version = MmapFilePython.version();
        assertTrue(version.matches("3\\.[0-9]+"), version);
        System.out.println("MmapFile cross-checks ran against Python " + version + " at "
                + MmapFilePython.executable() + (MmapFilePython.atLeast313() ? "" : " (older than 3.13)"));
    }
}
