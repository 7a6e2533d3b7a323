package org.jmmap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jmmap.Mapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jmmap residency}: the table, the map and the JSON against residency set up page by page. */
class ResidencyCommandTest {

    @TempDir
    Path dir;

    private static JsonNode json(Cli.Result result) throws Exception {
        assertEquals(0, result.status(), result.toString());
        return Json.MAPPER.readTree(result.stdout());
    }

    @Test
    void jsonCountsThePagesOfEachFileAndTheTotal() throws Exception {
        Path a = Files2.withResidentPages(dir.resolve("a"), 8, 0, 1, 2, 3);
        Path b = Files2.withResidentPages(dir.resolve("b"), 4);
        JsonNode result = json(Cli.run("residency", "--json", a.toString(), b.toString()));
        assertEquals(Mapping.pageSize(), result.get("page_size").asInt());
        JsonNode first = result.get("files").get(0);
        assertEquals(a.toString(), first.get("file").asText());
        assertEquals(8L * Files2.PAGE, first.get("size").asLong());
        assertEquals(8, first.get("pages").asLong());
        assertEquals(4, first.get("resident_pages").asLong());
        assertEquals(50.0, first.get("percent").asDouble());
        assertEquals(0, result.get("files").get(1).get("resident_pages").asLong());
        JsonNode total = result.get("total");
        assertEquals(2, total.get("files").asInt());
        assertEquals(12, total.get("pages").asLong());
        assertEquals(4, total.get("resident_pages").asLong());
        assertEquals(33.33, total.get("percent").asDouble());
    }

    @Test
    void tableHasARowPerFileAndATotal() throws Exception {
        Path a = Files2.withResidentPages(dir.resolve("a"), 8, 0, 1, 2, 3);
        Path b = Files2.withResidentPages(dir.resolve("b"), 2, 0, 1);
        Cli.Result result = Cli.run("residency", a.toString(), b.toString());
        assertEquals(0, result.status(), result.toString());
        List<String> lines = List.of(result.out().split("\n"));
        assertEquals(4, lines.size(), result.out());
        assertEquals(List.of("RESIDENT", "PAGES", "PERCENT", "SIZE", "FILE"), List.of(lines.get(0).trim().split("\\s+")));
        assertEquals(List.of("4", "8", "50.0%", "32.0", "KiB", a.toString()), words(lines.get(1)));
        assertEquals(List.of("2", "2", "100.0%", "8.0", "KiB", b.toString()), words(lines.get(2)));
        assertEquals(List.of("6", "10", "60.0%", "40.0", "KiB", "total", "(2", "files)"), words(lines.get(3)));
    }

    private static List<String> words(String line) {
        return List.of(line.trim().split("\\s+"));
    }

    /** --map draws a cell per page of a small file: O resident, blank not; a cell of a big file covers several. */
    @Test
    void mapDrawsWhichPagesAreResident() throws Exception {
        Path small = Files2.withResidentPages(dir.resolve("small"), 6, 0, 2, 3);
        Cli.Result result = Cli.run("residency", "--map", small.toString());
        assertEquals(0, result.status(), result.toString());
        assertEquals("[O OO  ] 3/6   50.0%  " + small + "\n", result.out());
        Path big = Files2.withResidentPages(dir.resolve("big"), 8, 0, 1, 2, 5);
        JsonNode json = json(Cli.run("residency", "--map", "--cells", "4", "--json", big.toString()));
        assertEquals("Ooo ", json.get("files").get(0).get("map").asText()); // pages 0-1, 2-3, 4-5, 6-7
    }

    /** -r includes the regular files under a directory in name order; an empty file has no pages. */
    @Test
    void recursiveListsTheFilesUnderADirectory() throws Exception {
        Files.createDirectories(dir.resolve("d/sub"));
        Files2.withResidentPages(dir.resolve("d/sub/z"), 1, 0);
        Files2.withResidentPages(dir.resolve("d/a"), 2);
        Files.createFile(dir.resolve("d/empty"));
        Files.createSymbolicLink(dir.resolve("d/link"), dir.resolve("d/a"));
        JsonNode json = json(Cli.run("residency", "-r", "--json", dir.resolve("d").toString()));
        JsonNode files = json.get("files");
        assertEquals(3, files.size(), json.toString());
        assertEquals(dir.resolve("d/a").toString(), files.get(0).get("file").asText());
        assertEquals(dir.resolve("d/empty").toString(), files.get(1).get("file").asText());
        assertEquals(0, files.get(1).get("pages").asLong());
        assertEquals(dir.resolve("d/sub/z").toString(), files.get(2).get("file").asText());
        assertEquals(1, json.get("total").get("resident_pages").asLong());
    }

    /** Each path that cannot be used is one line on standard error; the others are still reported; status 1. */
    @Test
    void failuresAreReportedAndTheOtherFilesStillCounted() throws Exception {
        Path good = Files2.withResidentPages(dir.resolve("good"), 1, 0);
        Path fifo = dir.resolve("fifo");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        Files.createDirectory(dir.resolve("directory"));
        Cli.Result result = Cli.run("residency", "--json", dir.resolve("missing").toString(),
                dir.resolve("directory").toString(), fifo.toString(), good.toString());
        assertEquals(1, result.status(), result.toString());
        assertEquals(List.of(
                "jmmap residency: " + dir.resolve("missing") + ": No such file or directory (ENOENT)",
                "jmmap residency: " + dir.resolve("directory") + ": Is a directory (-r includes the files under it) "
                        + "(EISDIR)",
                "jmmap residency: " + fifo + ": not a regular file (a device, FIFO or socket has no pages of its "
                        + "own) (ENODEV)"), result.errLines());
        JsonNode json = Json.MAPPER.readTree(result.stdout());
        assertEquals(1, json.get("files").size());
        assertTrue(json.get("files").get(0).get("file").asText().endsWith("good"));
    }
}
