package org.jmmap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * residency, touch, evict and lock as processes: each command changes the page cache, and the next process sees
 * it; locked pages show in the kernel's accounting of the locking process; the errno paths of a real user.
 */
class PageCacheIT {

    private static final int PAGES = 1024; // 4 MiB with 4 KiB pages

    private Path dir;
    private Path file;

    @BeforeEach
    void writeFile() throws Exception {
        dir = JmmapProcess.directory("page-cache");
        file = dir.resolve("data.bin");
        byte[] content = new byte[PAGES * Files2.PAGE];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 13 + 1);
        }
        Files.write(file, content);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true); // only clean pages can be evicted
        }
    }

    @AfterEach
    void deleteFiles() throws Exception {
        JmmapProcess.delete(dir);
    }

    private static JsonNode json(JmmapProcess.Result result) throws Exception {
        assertEquals(0, result.status(), result.toString());
        assertEquals("", result.stderr());
        return Json.MAPPER.readTree(result.stdout());
    }

    private long residentPages() throws Exception {
        return json(JmmapProcess.run("residency", "--json", file.toString())).get("total").get("resident_pages")
                .asLong();
    }

    @Test
    void touchAndEvictChangeWhatResidencyReports() throws Exception {
        JsonNode evicted = json(JmmapProcess.run("evict", "--json", file.toString()));
        assertEquals(0, evicted.get("total").get("resident_pages_after").asLong(), evicted.toString());
        assertEquals(0, residentPages());

        JsonNode touched = json(JmmapProcess.run("touch", "--json", file.toString()));
        assertEquals(PAGES, touched.get("pages").asLong());
        assertEquals(0, touched.get("resident_pages_before").asLong());
        assertEquals(PAGES, touched.get("resident_pages_after").asLong());
        assertTrue(touched.get("bytes_per_second").asLong() > 0, touched.toString());
        assertEquals(PAGES, residentPages());

        JmmapProcess.Result evictText = JmmapProcess.run("evict", file.toString());
        assertEquals(0, evictText.status(), evictText.toString());
        assertEquals("evicted 1 file, 4.0 MiB (1024 pages): 1024 pages resident before, 0 now\n", evictText.out());
        assertEquals(0, residentPages());
    }

    /** Text output: the table of residency and touch's summary. */
    @Test
    void textOutput() throws Exception {
        JmmapProcess.run("evict", file.toString());
        JmmapProcess.Result touch = JmmapProcess.run("touch", file.toString());
        assertEquals(0, touch.status(), touch.toString());
        assertTrue(touch.out().matches("touched 1 file, 4\\.0 MiB \\(1024 pages\\) in [0-9.]+ s: [0-9.]+ [KMG]?i?B/s; "
                + "resident 0\\.0% before, 100\\.0% now\n"), touch.out());
        JmmapProcess.Result residency = JmmapProcess.run("residency", file.toString());
        assertEquals("RESIDENT  PAGES  PERCENT     SIZE  FILE\n"
                + "    1024   1024   100.0%  4.0 MiB  " + file + "\n", residency.out());
    }

    /** lock holds the pages locked (VmLck of the process) until SIGTERM or SIGINT, then exits with status 0. */
    @Test
    void lockHoldsThePagesUntilSigtermOrSigint() throws Exception {
        assumeTrue(JmmapProcess.hasCapability(14) || memlockLimit() >= (long) PAGES * Files2.PAGE,
                "this process may not lock 4 MiB");
        for (String signal : new String[] {"TERM", "INT"}) {
            Path err = dir.resolve("lock-" + signal + ".err");
            Process lock = JmmapProcess.start(err, "lock", file.toString());
            BufferedReader out = new BufferedReader(new InputStreamReader(lock.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("locked 1 file, 4.0 MiB (1024 pages); holding them until SIGINT (Ctrl-C) or SIGTERM",
                    out.readLine(), () -> read(err));
            long lockedKib = statusField(lock.pid(), "VmLck:");
            assertTrue(lockedKib >= PAGES * (Files2.PAGE / 1024), "VmLck " + lockedKib + " kB");
            new ProcessBuilder("kill", "-" + signal, Long.toString(lock.pid())).start().waitFor();
            assertTrue(lock.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, lock.exitValue(), () -> signal + ": " + read(err));
            assertEquals("released 1 file, 4.0 MiB (1024 pages)", out.readLine());
            assertEquals("", read(err));
        }
    }

    /**
     * Beyond RLIMIT_MEMLOCK, without CAP_IPC_LOCK, lock fails at once with one line that gives the limit and the
     * errno, and holds nothing.
     */
    @Test
    void lockBeyondRlimitMemlockSaysWhichLimit() throws Exception {
        Optional<List<String>> unprivileged = JmmapProcess.withoutCapabilities();
        Optional<java.nio.file.Path> prlimit = JmmapProcess.executable("prlimit");
        assumeTrue(unprivileged.isPresent() && prlimit.isPresent(), "needs prlimit and a way to drop CAP_IPC_LOCK");
        List<String> wrapper = new ArrayList<>(List.of(prlimit.get().toString(), "--memlock=65536:65536", "--"));
        wrapper.addAll(unprivileged.get());
        JmmapProcess.Result result = JmmapProcess.run(wrapper, new byte[0], "lock", file.toString());
        assertEquals(1, result.status(), result.toString());
        assertEquals(1, result.errLines().size(), result.toString());
        String line = result.errLines().get(0);
        assertTrue(line.startsWith("jmmap lock: " + file + ": cannot lock 4.0 MiB: RLIMIT_MEMLOCK ('ulimit -l') "
                + "allows 64.0 KiB of locked memory; raise it"), line);
        assertTrue(line.endsWith("(ENOMEM)") || line.endsWith("(EPERM)"), line);
        assertEquals("", result.out());
    }

    /** A file the user may not read: every command says so in one line with EACCES, status 1. */
    @Test
    void permissionDeniedIsEacces() throws Exception {
        Optional<List<String>> unprivileged = JmmapProcess.withoutCapabilities();
        assumeTrue(unprivileged.isPresent(), "cannot drop CAP_DAC_OVERRIDE here");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        for (String command : new String[] {"residency", "touch", "evict", "lock"}) {
            JmmapProcess.Result result = JmmapProcess.run(unprivileged.get(), new byte[0], command,
                    file.toString());
            assertEquals(1, result.status(), command + ": " + result);
            assertEquals(List.of("jmmap " + command + ": " + file + ": Permission denied (EACCES)"),
                    result.errLines(), command);
        }
    }

    /** The real process: a missing file is status 1 and one line, a bad flag status 2; no stack trace. */
    @Test
    void exitStatusesOfTheProcess() throws Exception {
        Path missing = dir.resolve("missing");
        JmmapProcess.Result absent = JmmapProcess.run("touch", missing.toString(), file.toString());
        assertEquals(1, absent.status(), absent.toString());
        assertEquals(List.of("jmmap touch: " + missing + ": No such file or directory (ENOENT)"), absent.errLines());
        assertTrue(absent.out().startsWith("touched 1 file, 4.0 MiB"), absent.out());
        JmmapProcess.Result flag = JmmapProcess.run("evict", "--bogus", file.toString());
        assertEquals(2, flag.status(), flag.toString());
        assertEquals("jmmap evict: Unknown option: '--bogus'", flag.errLines().get(0));
        assertFalse(flag.stderr().contains("\tat "), flag.stderr());
    }

    private static long statusField(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Paths.get("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        throw new AssertionError(field + " not in /proc/" + pid + "/status");
    }

    private static long memlockLimit() throws Exception {
        for (String line : Files.readAllLines(Paths.get("/proc/self/limits"))) {
            if (line.startsWith("Max locked memory")) {
                String soft = line.substring("Max locked memory".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return 0;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (Exception e) {
            return e.toString();
        }
    }
}
