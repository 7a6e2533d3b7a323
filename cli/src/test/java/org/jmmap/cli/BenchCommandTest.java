package org.jmmap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jmmap bench} runs bench/run of the source tree with the options given, and passes its status on. */
class BenchCommandTest {

    @TempDir
    Path home;

    private void benchRun(String script) throws Exception {
        Files.createDirectories(home.resolve("bench"));
        Path run = Files.writeString(home.resolve("bench/run"), "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void runsBenchRunInTheSourceTree() throws Exception {
        benchRun("echo \"$(pwd) $*\"; echo to-stderr >&2\n");
        Cli.Result result = Cli.run(new byte[0], home, "bench", "--quick", "--jdk", "25", "Sequential");
        assertEquals(0, result.status(), result.toString());
        assertEquals(home.toRealPath() + " --quick --jdk 25 Sequential\n", result.out());
        assertEquals("to-stderr\n", result.stderr());
    }

    @Test
    void aFailingRunIsAFailure() throws Exception {
        benchRun("exit 3\n");
        Cli.Result result = Cli.run(new byte[0], home, "bench");
        assertEquals(1, result.status());
        assertEquals(List.of("jmmap bench: " + home.resolve("bench/run") + ": exited with status 3"),
                result.errLines());
    }

    @Test
    void withoutASourceTreeItSaysWhatToDo() {
        Cli.Result result = Cli.run("bench", "--quick");
        assertEquals(1, result.status());
        assertEquals(List.of("jmmap bench: bench/run: no jmmap source tree to run it in: run 'jmmap bench' "
                + "through ./jmmap in the repository, or set JMMAP_HOME (ENOENT)"), result.errLines());
    }
}
