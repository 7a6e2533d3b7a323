package org.jmmap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * jmmap gzip and gunzip as processes, checked with the real tools: what jmmap compresses, gzip -t and pigz -d
 * accept; what gzip, pigz and bgzip compress, jmmap decompresses; no output is ever left half-written.
 */
class GzipIT {

    private Path dir;

    @BeforeEach
    void createDirectory() throws Exception {
        dir = JmmapProcess.directory("gzip");
    }

    @AfterEach
    void deleteDirectory() throws Exception {
        JmmapProcess.delete(dir);
    }

    /** Text-like bytes that compress about as logs do, {@code length} of them. */
    private static byte[] text(int length, int seed) {
        StringBuilder text = new StringBuilder(length + 100);
        for (int line = seed; text.length() < length; line++) {
            text.append(line).append(" INFO request ").append(line * 7919 % 1000).append(" took ")
                    .append(line % 97).append(" ms\n");
        }
        return text.substring(0, length).getBytes();
    }

    private static JmmapProcess.Result tool(String... command) throws Exception {
        return JmmapProcess.runCommand(List.of(command), new byte[0]);
    }

    private static void assumeTool(String name) {
        assumeTrue(JmmapProcess.executable(name).isPresent(), name + " is not installed");
    }

    /** Files in the directory other than those named: what an operation left behind. */
    private List<String> leftovers(String... expected) throws Exception {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(file -> names.add(file.getFileName().toString()));
        }
        names.removeAll(List.of(expected));
        return names;
    }

    @Test
    void compressedFilesPassGzipTestAndPigzDecompressesThem() throws Exception {
        assumeTool("gzip");
        assumeTool("pigz");
        byte[] content = text(3 << 20, 1);
        Path file = Files.write(dir.resolve("log.txt"), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_000L));
        for (String[] flags : new String[][] {{}, {"-9", "-p", "2"}, {"-i"}, {"--bgzf", "--index"}, {"-1", "-b", "32"}}) {
            List<String> args = new ArrayList<>(List.of("gzip", "-k", "-f"));
            args.addAll(List.of(flags));
            args.add(file.toString());
            JmmapProcess.Result result = JmmapProcess.run(args.toArray(new String[0]));
            assertEquals(0, result.status(), List.of(flags) + ": " + result);
            Path gz = dir.resolve("log.txt.gz");
            assertEquals(0, tool("gzip", "-t", gz.toString()).status(), List.of(flags).toString());
            JmmapProcess.Result pigz = tool("pigz", "-d", "-c", gz.toString());
            assertEquals(0, pigz.status(), pigz.stderr());
            assertArrayEquals(content, pigz.stdout(), List.of(flags).toString());
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(gz)));
            assertEquals(Files.getLastModifiedTime(file), Files.getLastModifiedTime(gz));
        }
        assertTrue(Files.exists(dir.resolve("log.txt.gz.gzi")), "--index writes the .gzi");
    }

    /** Without -k the input is replaced by its .gz, and gunzip puts it back, byte for byte. */
    @Test
    void gzipReplacesTheFileAndGunzipRestoresIt() throws Exception {
        byte[] content = text(1 << 20, 2);
        Path file = Files.write(dir.resolve("a.txt"), content);
        JmmapProcess.Result gzip = JmmapProcess.run("gzip", file.toString());
        assertEquals(0, gzip.status(), gzip.toString());
        assertEquals(List.of("a.txt.gz"), leftovers());
        JmmapProcess.Result gunzip = JmmapProcess.run("gunzip", dir.resolve("a.txt.gz").toString());
        assertEquals(0, gunzip.status(), gunzip.toString());
        assertEquals(List.of("a.txt"), leftovers());
        assertArrayEquals(content, Files.readAllBytes(file));
    }

    /** Several files in one command (compressed in parallel across files): each output is its own valid gzip. */
    @Test
    void severalFilesAtOnce() throws Exception {
        assumeTool("gzip");
        List<String> args = new ArrayList<>(List.of("gzip", "-k"));
        for (int i = 0; i < 20; i++) {
            args.add(Files.write(dir.resolve("f" + i), text(10_000 + i * 5000, i)).toString());
        }
        JmmapProcess.Result result = JmmapProcess.run(args.toArray(new String[0]));
        assertEquals(0, result.status(), result.toString());
        for (int i = 0; i < 20; i++) {
            JmmapProcess.Result decompressed = tool("gzip", "-d", "-c", dir.resolve("f" + i + ".gz").toString());
            assertArrayEquals(text(10_000 + i * 5000, i), decompressed.stdout(), "f" + i);
        }
    }

    /**
     * Several files decompressed at once (in parallel across files): each restored byte for byte, failures reported
     * in the order of the files, the others done all the same.
     */
    @Test
    void severalFilesDecompressedAtOnce() throws Exception {
        assumeTool("gzip");
        List<String> args = new ArrayList<>(List.of("gunzip", "-p", "2"));
        for (int i = 0; i < 12; i++) {
            Path plain = Files.write(dir.resolve("g" + i), text(20_000 + i * 30_000, i));
            assertEquals(0, tool("gzip", plain.toString()).status());
            args.add(dir.resolve("g" + i + ".gz").toString());
        }
        Path bad1 = Files.write(dir.resolve("bad1.gz"), "not gzip".getBytes());
        Path bad2 = Files.write(dir.resolve("bad2.gz"), "not gzip either".getBytes());
        args.add(3, bad1.toString());
        args.add(bad2.toString());
        Cli.Result result = Cli.run(args.toArray(new String[0]));
        assertEquals(1, result.status(), result.toString());
        assertEquals(2, result.errLines().size(), result.stderr());
        assertTrue(result.errLines().get(0).startsWith("jmmap gunzip: " + bad1 + ": not in gzip format"),
                result.stderr());
        assertTrue(result.errLines().get(1).startsWith("jmmap gunzip: " + bad2 + ": "), result.stderr());
        for (int i = 0; i < 12; i++) {
            assertArrayEquals(text(20_000 + i * 30_000, i), Files.readAllBytes(dir.resolve("g" + i)), "g" + i);
        }
        assertEquals(List.of("bad1.gz", "bad2.gz"), leftovers(java.util.stream.IntStream.range(0, 12)
                .mapToObj(i -> "g" + i).toArray(String[]::new)).stream().sorted().toList());
    }

    /** What gzip, pigz and bgzip write, jmmap gunzip reads. */
    @Test
    void decompressesWhatTheRealToolsWrite() throws Exception {
        byte[] content = text(2 << 20, 3);
        for (String[] compressor : new String[][] {{"gzip", "-c"}, {"pigz", "-c"}, {"pigz", "-i", "-c"},
                {"bgzip", "-c"}}) {
            if (JmmapProcess.executable(compressor[0]).isEmpty()) {
                continue;
            }
            Path plain = Files.write(dir.resolve("plain"), content);
            List<String> command = new ArrayList<>(List.of(compressor));
            command.add(plain.toString());
            JmmapProcess.Result compressed = tool(command.toArray(new String[0]));
            assertEquals(0, compressed.status(), compressed.stderr());
            Files.delete(plain);
            Path gz = Files.write(dir.resolve("plain.gz"), compressed.stdout());
            JmmapProcess.Result result = JmmapProcess.run("gunzip", gz.toString());
            assertEquals(0, result.status(), List.of(compressor) + ": " + result);
            assertArrayEquals(content, Files.readAllBytes(plain), List.of(compressor).toString());
            Files.delete(plain);
        }
    }

    /** Standard input to standard output, both ways, as in a pipeline. */
    @Test
    void pipesThroughStandardInputAndOutput() throws Exception {
        assumeTool("gzip");
        byte[] content = text(1 << 20, 4);
        JmmapProcess.Result compressed = JmmapProcess.run(List.of(), content, "gzip");
        assertEquals(0, compressed.status(), compressed.stderr());
        Path gz = Files.write(dir.resolve("piped.gz"), compressed.stdout());
        assertArrayEquals(content, tool("gzip", "-d", "-c", gz.toString()).stdout());
        JmmapProcess.Result decompressed = JmmapProcess.run(List.of(), compressed.stdout(), "gzip", "-d");
        assertEquals(0, decompressed.status(), decompressed.stderr());
        assertArrayEquals(content, decompressed.stdout());
    }

    /** An existing output is not replaced without -f: status 1, EEXIST, both files as they were. */
    @Test
    void anExistingOutputNeedsForce() throws Exception {
        Path file = Files.write(dir.resolve("b.txt"), text(50_000, 5));
        Path gz = Files.write(dir.resolve("b.txt.gz"), "not mine to replace".getBytes());
        JmmapProcess.Result result = JmmapProcess.run("gzip", file.toString());
        assertEquals(1, result.status(), result.toString());
        assertEquals(List.of("jmmap gzip: " + gz + ": already exists; not replaced (-f replaces it) (EEXIST)"),
                result.errLines());
        assertEquals("not mine to replace", Files.readString(gz));
        assertTrue(Files.exists(file));
        JmmapProcess.Result forced = JmmapProcess.run("gzip", "-f", file.toString());
        assertEquals(0, forced.status(), forced.toString());
        assertFalse(Files.exists(file));
        assertEquals(List.of("b.txt.gz"), leftovers());
    }

    /** A corrupt or truncated file: status 1, one line, no output and no temporary file left; -t says the same. */
    @Test
    void corruptInputLeavesNoOutput() throws Exception {
        assumeTool("gzip");
        Path plain = Files.write(dir.resolve("c.txt"), text(1 << 20, 6));
        byte[] gz = tool("gzip", "-c", plain.toString()).stdout();
        Files.delete(plain);
        byte[] corrupt = gz.clone();
        corrupt[gz.length / 2] ^= 0x55;
        byte[] truncated = java.util.Arrays.copyOf(gz, gz.length - 100);
        for (byte[] bad : new byte[][] {corrupt, truncated, "plain text".getBytes()}) {
            Path file = Files.write(dir.resolve("c.txt.gz"), bad);
            JmmapProcess.Result result = JmmapProcess.run("gunzip", file.toString());
            assertEquals(1, result.status(), result.toString());
            assertEquals(1, result.errLines().size(), result.toString());
            assertTrue(result.errLines().get(0).startsWith("jmmap gunzip: " + file + ": "), result.stderr());
            assertEquals(List.of("c.txt.gz"), leftovers(), "no output, no temporary file");
            JmmapProcess.Result test = JmmapProcess.run("gzip", "-t", file.toString());
            assertEquals(1, test.status(), test.toString());
        }
    }

    /** SIGINT in the middle of compressing a large file leaves neither an output nor a temporary file. */
    @Test
    void ctrlCLeavesNoOutput() throws Exception {
        Path file = dir.resolve("big.bin");
        byte[] block = text(1 << 20, 7);
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < 128; i++) {
                out.write(block);
            }
        }
        Path err = dir.resolve("err");
        Process gzip = JmmapProcess.start(err, "gzip", "-9", "-p", "1", "-k", file.toString());
        for (int i = 0; i < 6000 && leftovers("big.bin", "err").isEmpty(); i++) {
            Thread.sleep(10); // until the temporary output appears: compression is under way
        }
        assertFalse(leftovers("big.bin", "err").isEmpty(), "compression never started");
        new ProcessBuilder("kill", "-INT", Long.toString(gzip.pid())).start().waitFor();
        assertTrue(gzip.waitFor(60, TimeUnit.SECONDS));
        assertTrue(gzip.exitValue() != 0, "interrupted, not finished");
        assertEquals(List.of(), leftovers("big.bin", "err"), "no output, no temporary file");
    }

    @Test
    void listAndTestAgreeWithGzip() throws Exception {
        assumeTool("gzip");
        Path file = Files.write(dir.resolve("d.txt"), text(500_000, 8));
        assertEquals(0, JmmapProcess.run("gzip", "-k", file.toString()).status());
        Path gz = dir.resolve("d.txt.gz");
        JmmapProcess.Result list = JmmapProcess.run("gzip", "-l", gz.toString());
        assertEquals(0, list.status(), list.toString());
        List<String> ours = List.of(list.out().split("\n")[1].trim().split("\\s+"));
        List<String> theirs = List.of(tool("gzip", "-l", gz.toString()).out().split("\n")[1].trim().split("\\s+"));
        assertEquals(theirs.subList(0, 2), ours.subList(0, 2), "compressed and uncompressed sizes");
        assertEquals(dir.resolve("d.txt").toString(), ours.get(3));
        JmmapProcess.Result test = JmmapProcess.run("gzip", "-t", gz.toString());
        assertEquals(0, test.status(), test.toString());
        assertEquals("", test.out() + test.stderr());
    }

    /**
     * -v prints gzip -v's line per file (the ratio as gzip -l computes it, which gzip -l checks); -t -v "OK"; -c -v
     * "replaced with stdout".
     */
    @Test
    void verboseLinesAsGzipPrintsThem() throws Exception {
        assumeTool("gzip");
        Path file = Files.write(dir.resolve("v.txt"), text(400_000, 9));
        Path gz = dir.resolve("v.txt.gz");
        Cli.Result compressed = Cli.run("gzip", "-v", "-k", file.toString());
        assertEquals(0, compressed.status(), compressed.toString());
        String theirRatio = tool("gzip", "-l", gz.toString()).out().split("\n")[1].trim().split("\\s+")[2];
        String ratio = String.format(java.util.Locale.ROOT, "%6s", theirRatio);
        assertEquals(List.of(file + ":\t" + ratio + " -- created " + gz), compressed.errLines());
        Cli.Result decompressed = Cli.run("gunzip", "-v", "-f", "-k", gz.toString());
        assertEquals(List.of(gz + ":\t" + ratio + " -- created " + file), decompressed.errLines());
        assertEquals(List.of(gz + ":\t OK"), Cli.run("gzip", "-t", "-v", gz.toString()).errLines());
        Cli.Result toStdout = Cli.run("gunzip", "-c", "-v", gz.toString());
        assertEquals(List.of(gz + ":\t" + ratio + " -- replaced with stdout"), toStdout.errLines());
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertEquals(List.of(empty + ":\t  0.0% -- created " + empty + ".gz"),
                Cli.run("gzip", "-v", empty.toString()).errLines());
        assertEquals(List.of("(standard input):\t OK"), Cli.runWithInput(Files.readAllBytes(gz), "gzip", "-t",
                "-v").errLines());
    }

    /**
     * -N restores the name and time gzip stored in the header; without it the output is the input's name without
     * .gz; -n stores neither (gzip -N -d then names the output after the .gz file), and the default stores both
     * (gzip -N -d restores them).
     */
    @Test
    void nameAndTimeWithDashCapitalNAndDashN() throws Exception {
        assumeTool("gzip");
        byte[] content = text(100_000, 10);
        Path original = Files.write(dir.resolve("original.csv"), content);
        Files.setLastModifiedTime(original, FileTime.fromMillis(1_600_000_000_000L));
        Path renamed = Files.write(dir.resolve("renamed.gz"), tool("gzip", "-c", original.toString()).stdout());
        Files.delete(original);
        Files.setLastModifiedTime(renamed, FileTime.fromMillis(1_700_000_000_000L));
        Cli.Result restored = Cli.run("gunzip", "-N", "-k", renamed.toString());
        assertEquals(0, restored.status(), restored.toString());
        assertArrayEquals(content, Files.readAllBytes(original));
        assertEquals(FileTime.fromMillis(1_600_000_000_000L), Files.getLastModifiedTime(original));
        assertEquals(List.of("original.csv", "renamed.gz"), leftovers("x").stream().sorted().toList());
        Cli.Result plain = Cli.run("gunzip", "-k", renamed.toString());
        assertEquals(0, plain.status(), plain.toString());
        assertArrayEquals(content, Files.readAllBytes(dir.resolve("renamed")));
        assertEquals(FileTime.fromMillis(1_700_000_000_000L), Files.getLastModifiedTime(dir.resolve("renamed")));
        // -N then -n: the last one counts, as pigz's
        Files.delete(dir.resolve("renamed"));
        Cli.Result last = Cli.run("gunzip", "-N", "-n", "-k", renamed.toString());
        assertEquals(0, last.status(), last.toString());
        assertArrayEquals(content, Files.readAllBytes(dir.resolve("renamed")));
        assertEquals(FileTime.fromMillis(1_700_000_000_000L), Files.getLastModifiedTime(dir.resolve("renamed")));

        Path stored = dir.resolve("stored.gz");
        Path bare = dir.resolve("bare.gz");
        assertEquals(0, Cli.run("gzip", "-k", "-S", ".x.gz", original.toString()).status());
        Files.move(dir.resolve("original.csv.x.gz"), stored);
        assertEquals(0, Cli.run("gzip", "-n", "-k", "-S", ".y.gz", original.toString()).status());
        Files.move(dir.resolve("original.csv.y.gz"), bare);
        Files.delete(original);
        Files.delete(dir.resolve("renamed"));
        JmmapProcess.Result theirs = tool("gzip", "-d", "-N", "-k", stored.toString());
        assertEquals(0, theirs.status(), theirs.stderr());
        assertArrayEquals(content, Files.readAllBytes(original), "gzip -N restores the name jmmap stored");
        assertEquals(FileTime.fromMillis(1_600_000_000_000L), Files.getLastModifiedTime(original));
        theirs = tool("gzip", "-d", "-N", "-k", bare.toString());
        assertEquals(0, theirs.status(), theirs.stderr());
        assertArrayEquals(content, Files.readAllBytes(dir.resolve("bare")), "-n stored no name");
    }
}
