package org.jmmap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code jmmap gzip} and {@code gunzip} in this JVM: flags, streams, and the errors that are the user's. */
class GzipCommandTest {

    @TempDir
    Path dir;

    private static byte[] text(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < length; i++) {
            text.append("line ").append(i).append(" of some text\n");
        }
        return text.substring(0, length).getBytes();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip --bgzf -i", "gzip --index", "gzip -p 0", "gzip -b 16", "gzip -S ''",
            "gzip --no-such-flag", "gunzip -x"})
    void conflictingOrBadFlagsAreUsageErrors(String commandLine) {
        Cli.Result result = Cli.run(commandLine.replace("''", "").split(" "));
        assertEquals(2, result.status(), commandLine + ": " + result);
        assertTrue(result.errLines().get(0).startsWith("jmmap " + commandLine.split(" ")[0] + ": "), result.stderr());
    }

    /**
     * Every level flag works and reaches the compressor: the JDK reads what each writes, -0 stores, -9 writes less
     * than -1, and the header's XFL byte says "slowest" (2) for -9 and "fastest" (4) for -1, as gzip sets it.
     */
    @Test
    void everyLevelCompressesStandardInput() throws Exception {
        byte[] content = text(300_000);
        java.util.Map<String, byte[]> outputs = new java.util.HashMap<>();
        for (String level : new String[] {"-0", "-1", "-2", "-3", "-4", "-5", "-6", "-7", "-8", "-9", "--fast",
                "--best"}) {
            Cli.Result result = Cli.runWithInput(content, "gzip", level, "-p", "2");
            assertEquals(0, result.status(), level + ": " + result);
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(result.stdout()))) {
                assertArrayEquals(content, in.readAllBytes(), level);
            }
            outputs.put(level, result.stdout());
        }
        assertTrue(outputs.get("-0").length > content.length, "-0 stores");
        assertTrue(outputs.get("-9").length < outputs.get("-1").length, "-9 compresses more than -1");
        assertEquals(2, outputs.get("-9")[8]);
        assertEquals(2, outputs.get("--best")[8]);
        assertEquals(4, outputs.get("-1")[8]);
        assertEquals(4, outputs.get("--fast")[8]);
    }

    @Test
    void gunzipOfStandardInputRestoresIt() {
        byte[] content = text(200_000);
        Cli.Result compressed = Cli.runWithInput(content, "gzip", "--bgzf");
        Cli.Result restored = Cli.runWithInput(compressed.stdout(), "gunzip");
        assertEquals(0, restored.status(), restored.toString());
        assertArrayEquals(content, restored.stdout());
    }

    @Test
    void aFileWithoutTheSuffixIsNotDecompressed() throws Exception {
        Path file = Files.write(dir.resolve("data.bin"), text(100));
        Cli.Result result = Cli.run("gunzip", file.toString());
        assertEquals(1, result.status());
        assertEquals(List.of("jmmap gunzip: " + file + ": unknown suffix; ignored (-S names it) (EINVAL)"),
                result.errLines());
        assertTrue(Files.exists(file));
    }

    @Test
    void aFileWithTheSuffixIsNotCompressedAgainWithoutForce() throws Exception {
        Path file = Files.write(dir.resolve("data.gz"), text(100));
        Cli.Result result = Cli.run("gzip", file.toString());
        assertEquals(1, result.status());
        assertEquals(List.of("jmmap gzip: " + file + ": already has the .gz suffix; unchanged (-f compresses it "
                + "again) (EEXIST)"), result.errLines());
    }

    @Test
    void listOfStandardInputIsRefused() {
        Cli.Result result = Cli.run("gzip", "-l");
        assertEquals(1, result.status());
        assertEquals(List.of("jmmap gzip: (standard input): -l lists files only (ESPIPE)"), result.errLines());
    }

    /** --json when writing files, with -l and with -t: one object per file, a failed test with its reason. */
    @Test
    void jsonOfCompressListAndTest() throws Exception {
        byte[] content = text(150_000);
        Path file = Files.write(dir.resolve("j.txt"), content);
        Cli.Result compressed = Cli.run("gzip", "-k", "--json", file.toString());
        assertEquals(0, compressed.status(), compressed.toString());
        com.fasterxml.jackson.databind.JsonNode written = Json.MAPPER.readTree(compressed.out()).get(0);
        Path gz = dir.resolve("j.txt.gz");
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(content);
        assertEquals(file.toString(), written.get("input").asText());
        assertEquals(gz.toString(), written.get("output").asText());
        assertEquals(content.length, written.get("uncompressed").asLong());
        assertEquals(Files.size(gz), written.get("compressed").asLong());
        assertEquals(String.format("%08x", crc.getValue()), written.get("crc32").asText());

        com.fasterxml.jackson.databind.JsonNode listed = Json.MAPPER.readTree(Cli.run("gzip", "-l", "--json",
                gz.toString()).out()).get(0);
        assertEquals(Files.size(gz), listed.get("compressed").asLong());
        assertEquals(content.length, listed.get("uncompressed").asLong());
        assertEquals(String.format("%08x", crc.getValue()), listed.get("crc32").asText());
        assertEquals(file.toString(), listed.get("uncompressed_name").asText());

        byte[] bad = Files.readAllBytes(gz);
        bad[bad.length - 6] ^= 1; // the trailer's CRC-32
        Path corrupt = Files.write(dir.resolve("bad.gz"), bad);
        Cli.Result tested = Cli.run("gzip", "-t", "--json", gz.toString(), corrupt.toString());
        assertEquals(1, tested.status(), tested.toString());
        com.fasterxml.jackson.databind.JsonNode results = Json.MAPPER.readTree(tested.out());
        assertTrue(results.get(0).get("ok").asBoolean());
        assertEquals(false, results.get(1).get("ok").asBoolean());
        assertTrue(results.get(1).get("error").asText().startsWith("CRC-32 mismatch"), tested.out());
        assertEquals(1, tested.errLines().size(), tested.stderr());
        assertTrue(tested.errLines().get(0).endsWith("(EBADMSG)"), tested.stderr());
    }
}
