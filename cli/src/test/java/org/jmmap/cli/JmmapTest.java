package org.jmmap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The conventions every subcommand follows: help with examples, version, exit status 2 for usage errors. */
class JmmapTest {

    private static final List<String> COMMANDS = List.of("residency", "touch", "evict", "lock", "shm", "shm ls",
            "shm cat", "shm rm", "shm create", "value", "value publish", "value get", "value watch", "bench");

    @Test
    void everyCommandHasHelpWithExamples() {
        for (String command : COMMANDS) {
            String[] args = (command + " --help").split(" ");
            Cli.Result result = Cli.run(args);
            assertEquals(0, result.status(), command + ": " + result);
            assertTrue(result.out().startsWith("Usage: jmmap " + command), command + ": " + result);
            assertTrue(result.out().contains("\nExamples:\n  "), command + " has no examples: " + result);
            assertTrue(result.out().contains("-h, --help"), command + ": " + result);
            assertEquals("", result.stderr(), command);
            for (String line : result.out().split("\n")) {
                assertTrue(line.length() <= 80, command + ": help wider than 80 columns: " + line);
            }
            assertEquals(0, Cli.run((command + " -h").split(" ")).status(), command);
        }
    }

    @Test
    void rootHelpListsEveryCommandAndTheExitStatuses() {
        Cli.Result result = Cli.run("--help");
        assertEquals(0, result.status(), result.toString());
        for (String command : List.of("residency", "touch", "evict", "lock", "shm", "value", "bench",
                "generate-completion")) {
            assertTrue(result.out().contains("\n  " + command + " "), command + " missing: " + result);
        }
        assertTrue(result.out().contains("Exit status:"), result.toString());
    }

    @Test
    void versionNamesJmmapAndTheJvm() {
        Cli.Result result = Cli.run("--version");
        assertEquals(0, result.status(), result.toString());
        assertTrue(result.out().startsWith("jmmap "), result.toString());
        assertTrue(result.out().contains("JVM: " + System.getProperty("java.version")), result.toString());
    }

    /** A usage error: status 2, "jmmap CMD: what" and where to find help; nothing on standard output. */
    @ParameterizedTest
    @ValueSource(strings = {"residency --no-such-flag x", "residency", "residency --cells 0 x", "touch",
            "shm create x", "shm create x --size 12Q", "shm create x --size 0", "shm create x --size 1 --mode 999",
            "shm create x --size 1 --mode rw", "shm rm a/b", "value watch x --count -1",
            "value publish x --capacity 3G", "shm", "value", "no-such-command", ""})
    void usageErrorsExitWithTwo(String commandLine) {
        String[] args = commandLine.isEmpty() ? new String[0] : commandLine.split(" ");
        Cli.Result result = Cli.run(args);
        assertEquals(2, result.status(), commandLine + ": " + result);
        assertEquals("", result.out(), commandLine);
        List<String> lines = result.errLines();
        assertTrue(lines.get(0).startsWith("jmmap"), result.toString());
        assertTrue(lines.get(lines.size() - 1).matches("Try 'jmmap.* --help' for more information\\."),
                result.toString());
    }

    @Test
    void aMisspeltOptionGetsSuggestions() {
        Cli.Result result = Cli.run("residency", "--jsn", "x");
        assertEquals(2, result.status());
        assertEquals("jmmap residency: Unknown option: '--jsn'", result.errLines().get(0));
        assertTrue(result.stderr().contains("--json"), result.toString());
    }

    @Test
    void aMisspeltCommandGetsSuggestions() {
        Cli.Result result = Cli.run("resdency", "x");
        assertEquals(2, result.status());
        assertTrue(result.stderr().contains("Did you mean: jmmap residency"), result.toString());
    }

    /** Failures are one line; --verbose (before or after the command) adds the stack trace. */
    @Test
    void verboseAddsTheStackTrace() {
        Cli.Result quiet = Cli.run("residency", "/no/such/file");
        assertEquals(1, quiet.status());
        assertEquals(List.of("jmmap residency: /no/such/file: No such file or directory (ENOENT)"),
                quiet.errLines());
        for (String[] args : new String[][] {{"--verbose", "residency", "/no/such/file"},
                {"residency", "--verbose", "/no/such/file"}}) {
            Cli.Result verbose = Cli.run(args);
            assertEquals(1, verbose.status());
            assertEquals(quiet.errLines().get(0), verbose.errLines().get(0));
            assertTrue(verbose.stderr().contains("java.nio.file.NoSuchFileException"), verbose.toString());
            assertTrue(verbose.stderr().contains("\tat "), verbose.toString());
        }
    }

    @Test
    void completionScriptCoversTheCommands() {
        Cli.Result result = Cli.run("generate-completion");
        assertEquals(0, result.status(), result.toString());
        assertTrue(result.out().contains("complete -F _complete_jmmap"), result.out());
        for (String word : List.of("residency", "publish", "--recursive", "--capacity")) {
            assertTrue(result.out().contains(word), word);
        }
        assertFalse(result.out().contains("Exception"));
    }
}
