package org.jmmap.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NpyHeader} against numpy: the header bytes {@code np.save} writes, for every dtype in both byte orders,
 * C and Fortran order, 0-d to 4-d, empty arrays, structured types with padding, titles, sub-arrays and nesting,
 * datetime units, versions 1.0, 2.0 and 3.0, must be exactly what {@link NpyHeader#toBytes()} writes, and parse
 * back to the same header; bad headers are refused with a message naming the value.
 */
class NpyHeaderTest {

    @TempDir
    Path directory;

    /** One header: numpy descr (as Python source), Fortran order, shape. */
    private static final class Case {
        final String descr;
        final boolean fortran;
        final long[] shape;

        Case(String descr, boolean fortran, long... shape) {
            this.descr = descr;
            this.fortran = fortran;
            this.shape = shape;
        }

        String line() {
            return descr + "\t" + (fortran ? "F" : "C") + "\t"
                    + Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(","));
        }

        @Override
        public String toString() {
            return line().replace('\t', ' ');
        }
    }

    static final String[] SCALARS = {
        "|b1", "|i1", "|u1", "<i2", ">i2", "<u2", ">u2", "<i4", ">i4", "<u4", ">u4", "<i8", ">i8", "<u8", ">u8",
        "<f2", ">f2", "<f4", ">f4", "<f8", ">f8", "<c8", ">c8", "<c16", ">c16",
        "<M8[ns]", ">M8[ns]", "<M8[D]", "<M8[Y]", "<M8[10ms]", "<M8", "<m8[s]", ">m8[us]", "<m8[as]",
        "|S10", "|S1", "<U3", ">U3", "<U1", "|V7",
    };

    static final String[] STRUCTS = {
        // aligned: padding between fields, as np.dtype(..., align=True) lays it out
        "[('a', '<i4'), ('', '|V4'), ('b', '<f8')]",
        // offsets and trailing padding
        "[('', '|V4'), ('x', '<i2'), ('', '|V6'), ('y', '>f4'), ('', '|V8')]",
        // titles, sub-arrays, nesting, mixed byte orders
        "[(('a title', 'n'), '<i4'), ('s', '<f4', (2, 3)), ('nest', [('p', '|u1'), ('q', '>i8')]), ('t', '<M8[ms]')]",
        // Latin-1 and non-Latin-1 names (version 3.0), and names needing escapes
        "[('\u00e9t\u00e9', '<i4'), ('b', '<f8')]",
        "[('\u0436', '<f4'), ('\u6e29\u5ea6', '<f8')]",
        "[(\"it's\", '<i4'), ('back\\\\slash', '<f4'), ('tab\\t', '|u1')]",
        "[('v', '<f8', (3,)), ('m', '<i2', (2, 2))]",
    };

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        long[][] shapes = {{}, {0}, {5}, {2, 3}, {2, 3, 4}, {2, 3, 4, 5}, {0, 3}, {1_000_000_000_000L, 3},
                           {123456789012345678L}};
        for (String scalar : SCALARS) {
            for (long[] shape : shapes) {
                if (shape.length > 0 && shape[0] > 1000 && !scalar.equals("<f8") && !scalar.equals("|u1")) {
                    continue;
                }
                cases.add(new Case(scalar, false, shape));
            }
            cases.add(new Case(scalar, true, 3, 4));
            cases.add(new Case(scalar, true, 2, 3, 4));
        }
        for (String struct : STRUCTS) {
            cases.add(new Case(struct, false, 4));
            cases.add(new Case(struct, false));
            cases.add(new Case(struct, true, 2, 5));
        }
        // Fortran order grows along the last axis: the growth spaces follow its digits
        cases.add(new Case("<f8", true, 7, 1_000_000_000L));
        return cases;
    }

    /** What numpy writes for each case: np.save for small arrays, its own header writer for huge shapes. */
    private static final String NUMPY_HEADERS = String.join("\n",
            "import numpy.lib.format as fmt",
            "try:",
            "    import numpy.lib._format_impl as impl",
            "except ImportError:",
            "    impl = fmt",
            "for line in open(sys.argv[1], encoding='utf-8').read().splitlines():",
            "    descr, order, shape = line.split('\\t')",
            "    shape = tuple(int(s) for s in shape.split(',') if s)",
            "    dt = fmt.descr_to_dtype(ast.literal_eval(descr) if descr[0] in '[(' else descr)",
            "    buffer = io.BytesIO()",
            "    count = 1",
            "    for s in shape: count *= s",
            "    if count * dt.itemsize < 10**6:",
            "        np.save(buffer, np.zeros(shape, dtype=dt, order=order))",
            "    else:",
            "        impl._write_array_header(buffer, {'descr': fmt.dtype_to_descr(dt), 'fortran_order': order == 'F',",
            "                                         'shape': shape}, None)",
            "    data = buffer.getvalue()",
            "    length = 10 + struct.unpack('<H', data[8:10])[0] if data[6] == 1 else 12 + struct.unpack('<I', data[8:12])[0]",
            "    print(base64.b64encode(data[:length]).decode())");

    @Test
    void headersAreByteIdenticalToNumpys() throws IOException {
        List<Case> cases = cases();
        Path input = Numpy.lines(directory, cases.stream().map(Case::line).collect(Collectors.toList()));
        String[] expected = Numpy.run("import warnings\nwarnings.simplefilter('ignore')\n" + NUMPY_HEADERS,
                input.toString()).strip().split("\n");
        assertEquals(cases.size(), expected.length);
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            byte[] numpy = Base64.getDecoder().decode(expected[i]);
            NpyHeader header = NpyHeader.of(c.descr, c.fortran, c.shape);
            assertArrayEquals(numpy, header.toBytes(), () -> c + ": numpy wrote\n"
                    + new String(numpy, StandardCharsets.ISO_8859_1) + "\njmmap wrote\n"
                    + new String(header.toBytes(), StandardCharsets.ISO_8859_1));
            assertEquals(numpy.length, header.dataOffset(), c::toString);
            assertEquals(0, header.dataOffset() % 64, c::toString);
            assertEquals(numpy[6], header.version(), c::toString);

            NpyHeader parsed = NpyHeader.parse(ByteBuffer.wrap(numpy), Integer.MAX_VALUE);
            assertEquals(header, parsed, c::toString);
            assertEquals(header.descr(), parsed.descr());
            assertArrayEquals(c.shape, parsed.shape(), c::toString);
            assertEquals(c.fortran, parsed.fortranOrder(), c::toString);
            assertArrayEquals(numpy, parsed.toBytes(), c::toString);
        }
    }

    @Test
    void versionTwoForHeadersBeyond65535Bytes() throws IOException {
        StringBuilder descr = new StringBuilder("[");
        for (int i = 0; i < 3000; i++) {
            descr.append(i == 0 ? "" : ", ").append("('a_rather_long_field_name_").append(i).append("', '<f4')");
        }
        String fields = descr.append("]").toString();
        Case big = new Case(fields, false, 10);
        Path input = Numpy.lines(directory, List.of(big.line()));
        byte[] numpy = Base64.getDecoder().decode(Numpy.run("import warnings\nwarnings.simplefilter('ignore')\n"
                + NUMPY_HEADERS, input.toString()).strip());
        NpyHeader header = NpyHeader.of(fields, false, 10);
        assertEquals(2, header.version());
        assertArrayEquals(numpy, header.toBytes());
        assertEquals(3000, header.fields().size());
        assertEquals(12000, header.itemSize());

        // numpy's default limit refuses it; a larger one reads it
        NpyFormatException refused = assertThrows(NpyFormatException.class,
                () -> NpyHeader.parse(ByteBuffer.wrap(numpy), NpyHeader.DEFAULT_MAX_HEADER_SIZE));
        assertTrue(refused.getMessage().contains("maxHeaderSize=10000"), refused.getMessage());
        assertEquals(header, NpyHeader.parse(ByteBuffer.wrap(numpy), 200_000));
    }

    @Test
    void everyFixedSizeDTypeAsOpenMemmapWritesIt() throws IOException {
        List<String> lines = new ArrayList<>();
        List<DType> types = new ArrayList<>();
        for (DType dtype : DType.values()) {
            if (dtype.hasFixedSize() && dtype != DType.DATETIME64 && dtype != DType.TIMEDELTA64) {
                types.add(dtype);
                lines.add(dtype.descr(ByteOrder.LITTLE_ENDIAN));
            }
        }
        Path input = Numpy.lines(directory, lines);
        String[] expected = Numpy.run(String.join("\n",
                "import numpy.lib.format as fmt",
                "path = sys.argv[2]",
                "for descr in open(sys.argv[1]).read().splitlines():",
                "    a = fmt.open_memmap(path, mode='w+', dtype=np.dtype(descr), shape=(3, 4))",
                "    offset = a.offset",
                "    del a",
                "    print(base64.b64encode(open(path, 'rb').read()[:offset]).decode())"),
                input.toString(), directory.resolve("memmap.npy").toString()).strip().split("\n");
        for (int i = 0; i < types.size(); i++) {
            assertArrayEquals(Base64.getDecoder().decode(expected[i]), NpyHeader.of(types.get(i), 3, 4).toBytes(),
                    types.get(i)::toString);
        }
    }

    @Test
    void structFieldsOffsetsAndTypes() {
        NpyHeader header = NpyHeader.of("{'names': ['x', 'y', 'when'], 'formats': ['<i2', '>f4', '<M8[us]'], "
                + "'offsets': [4, 12, 16], 'itemsize': 32}", false, 7);
        assertEquals(DType.STRUCT, header.dtype());
        assertEquals("[('', '|V4'), ('x', '<i2'), ('', '|V6'), ('y', '>f4'), ('when', '<M8[us]'), ('', '|V8')]",
                header.descr());
        assertEquals(32, header.itemSize());
        assertEquals(3, header.fields().size());
        NpyHeader.Field y = header.field("y").orElseThrow();
        assertEquals(12, y.offset());
        assertEquals(DType.FLOAT32, y.dtype());
        assertEquals(ByteOrder.BIG_ENDIAN, y.order());
        assertEquals("us", header.field("when").orElseThrow().unit().orElseThrow());

        NpyHeader nested = NpyHeader.of("[(('a title', 'n'), '<i4'), ('s', '<f4', (2, 3)), "
                + "('nest', [('p', '|u1'), ('q', '>i8')])]", false, 2);
        assertEquals(4 + 24 + 9, nested.itemSize());
        assertEquals("n", nested.field("a title").orElseThrow().name());
        assertArrayEquals(new long[] {2, 3}, nested.field("s").orElseThrow().shape());
        NpyHeader.Field q = nested.field("nest.q").orElseThrow();
        assertEquals(4 + 24 + 1, q.offset());
        assertEquals(DType.INT64, q.dtype());
        assertFalse(nested.field("nest.r").isPresent());
    }

    @Test
    void typeStringsNumpyAccepts() {
        assertEquals("<f8", NpyHeader.of("float64", false, 1).descr());
        assertEquals("<f8", NpyHeader.of("=f8", false, 1).descr());
        assertEquals("<f8", NpyHeader.of("d", false, 1).descr());
        assertEquals("|b1", NpyHeader.of("?", false, 1).descr());
        assertEquals("|i1", NpyHeader.of("<i1", false, 1).descr());
        assertEquals("<i8", NpyHeader.of("l", false, 1).descr());
        assertEquals("|S5", NpyHeader.of("a5", false, 1).descr());
        assertEquals("<M8[us]", NpyHeader.of("<M8[\u03bcs]", false, 1).descr());
        assertEquals("<M8[ns]", NpyHeader.of("datetime64[ns]", false, 1).descr());
        assertEquals(20, NpyHeader.of("<U5", false, 1).itemSize());
        assertEquals("10ms", NpyHeader.of("<M8[10ms]", false, 1).unit().orElseThrow());
        assertEquals("", NpyHeader.of("<M8", false, 1).unit().orElseThrow());
        assertFalse(NpyHeader.of("<f4", false, 1).unit().isPresent());
    }

    @Test
    void invalidDescriptionsAreRefusedNamingTheValue() {
        String[][] cases = {
            {"|O", "pickled Python objects"},
            {"<f16", "np.longdouble"},
            {"<c32", "np.longdouble"},
            {"<i3", "no numpy type of kind 'i' is 3 bytes"},
            {"<M8[parsec]", "unknown datetime unit 'parsec'"},
            {"hello", "'hello' is not a numpy type string"},
            {"<f8[ns]", "take a [unit]"},
            {"[('a', '<i4'), ('a', '<f8')]", "'a' appears more than once"},
            {"[('a', '|O')]", "pickled Python objects"},
            {"[('', '<i4')]", "an empty name is padding"},
            {"[('a',)]", "is not a (name, type)"},
            {"{'names': ['a', 'b'], 'formats': ['<f8', '<f8'], 'offsets': [0, 4]}", "overlaps"},
            {"{'names': ['a'], 'formats': ['<f8'], 'itemsize': 4}", "itemsize=4 is smaller"},
            {"[('a', '<i4'", "not a Python literal"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NpyHeader.of(c[0], false, 3), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
        }
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> NpyHeader.of(DType.FLOAT64, 3, -1));
        assertTrue(negative.getMessage().contains("dimension 1 is -1"), negative.getMessage());
        IllegalArgumentException overflow = assertThrows(IllegalArgumentException.class,
                () -> NpyHeader.of(DType.FLOAT64, 1L << 40, 1L << 22));
        assertTrue(overflow.getMessage().contains("overflows a long"), overflow.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NpyHeader.of(DType.DATETIME64, 3));
        assertThrows(IllegalArgumentException.class, () -> NpyHeader.of(DType.UNICODE, 3));
    }

    /** A file with the magic, version 1.0 and {@code text} as its header, padded to {@code total} bytes. */
    private Path file(String name, String text, int total, int version, long dataBytes) throws IOException {
        byte[] body = text.getBytes(version == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int prefix = version == 1 ? 10 : 12;
        ByteBuffer out = ByteBuffer.allocate((int) (Math.max(total, prefix + body.length + 1) + dataBytes))
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(NpyHeader.MAGIC).put((byte) version).put((byte) 0);
        int headerLength = Math.max(total, prefix + body.length + 1) - prefix;
        if (version == 1) {
            out.putShort((short) headerLength);
        } else {
            out.putInt(headerLength);
        }
        out.put(body);
        while (out.position() < prefix + headerLength - 1) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        Path file = directory.resolve(name);
        Files.write(file, out.array());
        return file;
    }

    private void assertRefused(Path file, String expected) throws IOException {
        byte[] before = Files.readAllBytes(file);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> NpyHeader.read(file), file::toString);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file), "the file was modified");
    }

    @Test
    void badFilesAreRefusedAndLeftAsTheyWere() throws IOException {
        String good = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
        assertEquals(3, NpyHeader.read(file("good.npy", good, 128, 1, 24)).size());

        assertRefused(Files.write(directory.resolve("empty.npy"), new byte[0]), "0 bytes long");
        assertRefused(Files.write(directory.resolve("text.npy"), "hello, world".getBytes(StandardCharsets.US_ASCII)),
                "not a .npy file");
        assertRefused(Files.write(directory.resolve("magic.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y',
                                                                            1}), "too short");
        byte[] version4 = Files.readAllBytes(file("v4.npy", good, 128, 1, 24));
        version4[6] = 4;
        assertRefused(Files.write(directory.resolve("v4.npy"), version4), "version=4.0");
        byte[] truncatedHeader = Files.readAllBytes(file("cut.npy", good, 128, 1, 24));
        assertRefused(Files.write(directory.resolve("cut.npy"), Arrays.copyOf(truncatedHeader, 100)),
                "header ends at byte 128");
        assertRefused(file("short.npy", good, 128, 1, 16), "is 144 bytes long, but its header promises 128 + 3 "
                + "elements of 8 bytes (shape (3,)) = 152 bytes");
        assertRefused(file("list.npy", "[1, 2]", 64, 1, 0), "is not a dict");
        assertRefused(file("keys.npy", "{'descr': '<f8', 'shape': (3,)}", 64, 1, 24), "not exactly 'descr'");
        assertRefused(file("extra.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x': 1}", 128, 1,
                24), "the keys ['descr', 'fortran_order', 'shape', 'x']");
        assertRefused(file("shape.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': [3]}", 64, 1, 24),
                "shape=[3] is not a tuple of ints");
        assertRefused(file("negative.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (-3,)}", 64, 1, 24),
                "dimension 0 must be between 0");
        assertRefused(file("float.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (3.0,)}", 64, 1, 24),
                "not a tuple of ints");
        assertRefused(file("fortran.npy", "{'descr': '<f8', 'fortran_order': 0, 'shape': (3,)}", 64, 1, 24),
                "fortran_order=0 is not a bool");
        assertRefused(file("object.npy", "{'descr': '|O', 'fortran_order': False, 'shape': (3,)}", 64, 1, 24),
                "pickled Python objects");
        assertRefused(file("syntax.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (3,}", 64, 1, 24),
                "cannot parse the header");
        assertRefused(file("call.npy", "{'descr': __import__('os'), 'fortran_order': False, 'shape': (3,)}", 128, 1,
                24), "is not a literal");
        assertRefused(file("overflow.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4)}",
                128, 1, 0), "more than Long.MAX_VALUE elements");
        byte[] badUtf8 = Files.readAllBytes(file("utf8.npy", good, 128, 3, 24));
        badUtf8[20] = (byte) 0xff;
        assertRefused(Files.write(directory.resolve("utf8.npy"), badUtf8), "not valid UTF-8");
        // over numpy's 10000-character limit, unless asked
        Path huge = file("huge.npy", good, 20_000, 2, 24);
        assertRefused(huge, "maxHeaderSize=10000");
        assertEquals(3, NpyHeader.read(huge, 20_000).size());
    }

    @Test
    void oldLayoutsAreReadAsNumpyReadsThem() throws IOException {
        // 16-byte aligned, as numpy before 1.10 wrote; Python 2 long suffixes; double quotes; no trailing comma
        NpyHeader old = NpyHeader.read(file("old.npy",
                "{\"descr\": \"<i4\", \"fortran_order\": True, \"shape\": (2L, 3L)}", 80, 1, 24));
        assertEquals(80, old.dataOffset());
        assertArrayEquals(new long[] {2, 3}, old.shape());
        assertTrue(old.fortranOrder());
        assertEquals(DType.INT32, old.dtype());
        // what numpy reads from the same file
        String numpy = Numpy.run("import warnings\nwarnings.simplefilter('ignore')\na = np.load(sys.argv[1]); print(a.shape, a.dtype.str, np.isfortran(a))",
                directory.resolve("old.npy").toString()).strip();
        assertEquals("(2, 3) <i4 True", numpy);
        // version 3.0 keeps the 'L' a syntax error, as numpy does
        assertRefused(file("v3long.npy", "{'descr': '<i4', 'fortran_order': False, 'shape': (2L,)}", 64, 3, 8),
                "cannot parse the header");
    }

    @Test
    void pythonReprOfFieldNamesMatchesPython() throws IOException {
        String[] names = {"plain", "it's", "say \"hi\"", "both ' and \"", "back\\slash", "tab\there", "new\nline",
                          "\u0001\u007f", "\u00a0nbsp\u00ad", "\u00e9", "\u2028", "\u6e29", "\ud83d\ude00", "\ue000"};
        StringBuilder script = new StringBuilder("names = [");
        for (String name : names) {
            script.append("bytes.fromhex('").append(hex(name.getBytes(StandardCharsets.UTF_8)))
                    .append("').decode('utf-8'), ");
        }
        script.append("]\nfor n in names: print(base64.b64encode(repr(n).encode('utf-8')).decode())");
        String[] expected = Numpy.run(script.toString()).strip().split("\n");
        for (int i = 0; i < names.length; i++) {
            assertEquals(new String(Base64.getDecoder().decode(expected[i]), StandardCharsets.UTF_8),
                    PythonLiteral.repr(names[i]));
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(String.format("%02x", b & 0xff));
        }
        return out.toString();
    }

    @Test
    void pythonLiterals() throws PythonLiteral.SyntaxError {
        assertEquals(new PythonLiteral.Tuple(List.of()), PythonLiteral.parse("()", false));
        assertEquals(java.math.BigInteger.valueOf(3), PythonLiteral.parse("(3)", false));
        assertEquals(new PythonLiteral.Tuple(List.of(java.math.BigInteger.valueOf(3))),
                PythonLiteral.parse("(3,)", false));
        assertEquals(java.math.BigInteger.valueOf(255), PythonLiteral.parse("0xff", false));
        assertEquals(java.math.BigInteger.valueOf(1000), PythonLiteral.parse("1_000", false));
        assertEquals("a'b\u00e9\n", PythonLiteral.parse("'a\\'b\\xe9\\n'", false));
        assertEquals("x", PythonLiteral.parse("u'x'", false));
        assertEquals("a\\n", PythonLiteral.parse("r'a\\n'", false));
        assertThrows(PythonLiteral.SyntaxError.class, () -> PythonLiteral.parse("3L", false));
        assertEquals(java.math.BigInteger.valueOf(3), PythonLiteral.parse("3L", true));
        assertThrows(PythonLiteral.SyntaxError.class, () -> PythonLiteral.parse("(1,,)", false));
        assertThrows(PythonLiteral.SyntaxError.class, () -> PythonLiteral.parse("b'x'", false));
        assertThrows(PythonLiteral.SyntaxError.class, () -> PythonLiteral.parse("[" .repeat(1000), false));
    }
}
