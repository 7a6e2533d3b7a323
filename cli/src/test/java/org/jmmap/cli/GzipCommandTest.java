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
}
