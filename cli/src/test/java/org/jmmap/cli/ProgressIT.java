package org.jmmap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The progress bar is drawn on standard error when it is a terminal, and only then: checked in a pseudo-terminal
 * that util-linux's {@code script} provides, and with standard error redirected to a file.
 */
class ProgressIT {

    /** A frame of the bar: the task's name, a percentage, the bar, and MiB done of the total. */
    private static final Pattern FRAME = Pattern.compile("touch +\\d+% .*\\d+/\\d+ MiB");

    private Path dir;
    private Path file;

    @BeforeEach
    void writeFile() throws Exception {
        dir = JmmapProcess.directory("progress");
        file = Files.write(dir.resolve("data.bin"), new byte[64 << 20]);
    }

    @AfterEach
    void deleteFiles() throws Exception {
        JmmapProcess.delete(dir);
    }

    /** Runs jmmap in a pseudo-terminal: all it writes to the terminal, as the terminal received it. */
    private static JmmapProcess.Result inTerminal(String... args) throws Exception {
        Optional<Path> script = JmmapProcess.executable("script");
        assumeTrue(script.isPresent(), "util-linux script is not installed");
        StringBuilder command = new StringBuilder();
        for (String word : JmmapProcess.command(args)) {
            command.append('\'').append(word.replace("'", "'\\''")).append("' ");
        }
        // -q: no start and end lines, -e: the child's exit status, -c: the command; the typescript is discarded.
        List<String> full = new ArrayList<>(List.of(script.get().toString(), "-q", "-e", "-c", command.toString(),
                "/dev/null"));
        return JmmapProcess.runCommand(full, new byte[0]);
    }

    @Test
    void touchDrawsABarInATerminal() throws Exception {
        JmmapProcess.Result result = inTerminal("touch", file.toString());
        assertEquals(0, result.status(), result.toString());
        String screen = result.out();
        assertTrue(FRAME.matcher(screen).find(), "no progress bar in: " + screen);
        assertTrue(screen.contains("\r"), "the bar redraws its line");
        assertTrue(screen.contains("touched 1 file, 64.0 MiB"), screen);
    }

    @Test
    void noBarWhenStandardErrorIsNotATerminal() throws Exception {
        JmmapProcess.Result result = JmmapProcess.run("touch", file.toString());
        assertEquals(0, result.status(), result.toString());
        assertEquals("", result.stderr());
        assertFalse(result.out().contains("\r"), result.out());
        assertTrue(result.out().startsWith("touched 1 file, 64.0 MiB"), result.out());
    }

    @Test
    void noBarWhenAskedForNone() throws Exception {
        JmmapProcess.Result result = inTerminal("touch", "--no-progress", file.toString());
        assertEquals(0, result.status(), result.toString());
        assertFalse(FRAME.matcher(result.out()).find(), result.out());
        assertTrue(result.out().contains("touched 1 file, 64.0 MiB"), result.out());
    }
}
