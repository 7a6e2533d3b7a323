package org.jmmap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./jmmap} at the repository root runs the jar just built (it is newer than every source, so nothing is
 * rebuilt) with the JDK of {@code JAVA_HOME}, enabling native access on JDK 22+ so that the JVM prints no warning.
 */
class LauncherIT {

    @Test
    void theLauncherRunsTheJarWithTheJdkOfJavaHome() throws Exception {
        Path launcher = JmmapProcess.REPOSITORY.resolve("jmmap");
        assertTrue(Files.isExecutable(launcher), launcher.toString());
        Path out = Files.createTempFile("jmmap-launcher-", ".out");
        Path err = Files.createTempFile("jmmap-launcher-", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "--version")
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> environment = builder.environment();
            environment.put("JAVA_HOME", System.getProperty("java.home"));
            Process process = builder.start();
            assertTrue(process.waitFor(120, TimeUnit.SECONDS));
            String stderr = Files.readString(err);
            assertEquals(0, process.exitValue(), stderr);
            List<String> lines = Files.readAllLines(out);
            assertTrue(lines.get(0).startsWith("jmmap "), lines.toString());
            assertEquals("JVM: " + System.getProperty("java.version"), lines.get(1).split(" \\(")[0]);
            assertEquals("", stderr, "no build, no warning");
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The script generate-completion writes completes commands, subcommands and options in a real bash. */
    @Test
    void completionWorksInBash() throws Exception {
        StringBuilder jar = new StringBuilder();
        for (String word : JmmapProcess.command("generate-completion")) {
            jar.append('\'').append(word.replace("'", "'\\''")).append("' ");
        }
        String script = "source <(" + jar + ")\n"
                + "complete_words() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMP_LINE=\"$*\"; "
                + "COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _complete_jmmap 2>/dev/null; echo \"${COMPREPLY[*]}\"; }\n"
                + "complete_words jmmap res\n"
                + "complete_words jmmap shm ''\n"
                + "complete_words jmmap value publish --cap\n";
        JmmapProcess.Result result = JmmapProcess.runCommand(List.of("bash", "-c", script), new byte[0]);
        assertEquals(0, result.status(), result.toString());
        assertEquals(List.of("residency", "ls cat rm create", "--capacity"), List.of(result.out().split("\n")));
    }
}
