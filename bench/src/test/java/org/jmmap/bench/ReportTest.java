package org.jmmap.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.jmmap.bench.Report.Result;
import org.jmmap.bench.Report.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    private static final String FIXTURE = "org.jmmap.bench.FixtureBenchmark";
    private static final String THROUGHPUT = "org.jmmap.bench.FixtureThroughputBenchmark";

    static Path fixture(String name) throws URISyntaxException {
        return Paths.get(ReportTest.class.getResource(name).toURI());
    }

    static Run jdk17() throws Exception {
        return Run.load(fixture("fixture-jdk17.json"));
    }

    static Run jdk25() throws Exception {
        return Run.load(fixture("fixture-jdk25.json"));
    }

    /** The cells of the markdown table row whose first cell is {@code method}, in the section of {@code heading}. */
    private static List<String> row(String markdown, String heading, String method) {
        return row(markdown, heading, method, null);
    }

    /** As above, the row whose params cell is {@code params} (any if null). */
    private static List<String> row(String markdown, String heading, String method, String params) {
        String section = markdown.substring(markdown.indexOf("### " + heading + "\n"));
        int next = section.indexOf("\n### ", 1);
        section = next < 0 ? section : section.substring(0, next);
        for (String line : section.split("\n")) {
            if (line.startsWith("| " + method + " |") || line.startsWith("| " + method + " [")) {
                List<String> cells = new ArrayList<>();
                for (String cell : line.substring(1, line.length() - 1).split("\\|", -1)) {
                    cells.add(cell.trim());
                }
                if (params == null || cells.get(1).equals(params)) {
                    return cells;
                }
            }
        }
        throw new AssertionError("no row " + method + " under " + heading + " in:\n" + markdown);
    }

    @Test
    void parsesTheJmhJson() throws Exception {
        Run run = jdk17();
        assertEquals("JDK 17", run.label);
        assertEquals("17.0.15", run.jdkVersion);
        assertEquals(11, run.results.size());
        Result scan = run.find(THROUGHPUT, "scan_mapping", "size=4096");
        assertEquals(150.0, scan.score());
        assertEquals("ops/ms", scan.unit());
        assertFalse(scan.lowerIsBetter());
        assertEquals("scan", scan.group());
        // JMH writes "NaN" as the error of a single measurement
        assertEquals(0.0, run.find(FIXTURE, "write_mapping", "").error());
        assertEquals(List.of("-Xmx1g"), run.commonJvmArgs);
        assertEquals(List.of("-Djmmap.backend=jna"), run.extraJvmArgs(run.find(FIXTURE, "read_jna", "")));
    }

    @Test
    void aGroupGivesOneResultPerMethodFromItsSecondaryMetrics() throws Exception {
        String metric = "{\"score\": %s, \"scoreError\": 0.5, \"scoreUnit\": \"ops/ms\"}";
        String gc = "\"\u00b7gc.alloc.rate\": {\"score\": 5.0, \"scoreUnit\": \"MB/sec\"}";
        String json = "[{\"benchmark\": \"" + THROUGHPUT + ".both\", \"primaryMetric\": "
                + String.format(metric, 10.0) + ", \"secondaryMetrics\": {\"read_both\": " + String.format(metric, 9.0)
                + ", \"write_both\": " + String.format(metric, 1.0) + ", " + gc + "}},"
                + " {\"benchmark\": \"" + THROUGHPUT + ".scan_mapping\", \"primaryMetric\": "
                + String.format(metric, 7.0) + ", \"secondaryMetrics\": {" + gc + "}}]";
        Run run = Run.parse(new ObjectMapper().readTree(json), "groups");
        assertEquals(3, run.results.size(), run.results::toString); // the group's total and gc.alloc.rate are none
        assertEquals(9.0, run.find(THROUGHPUT, "read_both", "").score());
        assertEquals(1.0, run.find(THROUGHPUT, "write_both", "").score());
        assertEquals("write", run.find(THROUGHPUT, "write_both", "").group());
        assertEquals(7.0, run.find(THROUGHPUT, "scan_mapping", "").score());
    }

    @Test
    void speedIsBaselineOverScoreForTimesAndScoreOverBaselineForThroughput() throws Exception {
        Run run = jdk17();
        Report.Speed faster = Report.speedVsBaseline(run, run.find(FIXTURE, "read_mapping", ""));
        assertEquals(1.25, faster.value(), 1e-9);
        // relative errors 0.05 and 0.05 add in quadrature
        assertEquals(1.25 * Math.hypot(0.05, 0.05), faster.error(), 1e-9);
        assertEquals(0.25, Report.speedVsBaseline(run, run.find(FIXTURE, "read_jna", "")).value(), 1e-9);
        assertEquals(1.5, Report.speedVsBaseline(run, run.find(THROUGHPUT, "scan_mapping", "size=4096")).value(),
                1e-9);
        assertEquals(0.5, Report.speedVsBaseline(run, run.find(THROUGHPUT, "scan_mapping", "size=1048576")).value(),
                1e-9);
    }

    @Test
    void speedIsMissingWithAReasonWhenThereIsNoBaseline() throws Exception {
        Run run = jdk17();
        Report.Speed noBaselineRun = Report.speedVsBaseline(run, run.find(FIXTURE, "write_mapping", ""));
        assertFalse(noBaselineRun.available());
        assertEquals("its baseline write_buffer is not in this run", noBaselineRun.missing());
        assertEquals("n/a", noBaselineRun.text());
        Report.Speed noBaselineAtAll = Report.speedVsBaseline(run, run.find(FIXTURE, "lonely", ""));
        assertEquals("no @Baseline among its methods without _", noBaselineAtAll.missing());
        Report.Speed unknownClass = Report.speedVsBaseline(run, run.find("org.example.GoneBenchmark", "run", ""));
        assertEquals("class GoneBenchmark is not on the report's class path", unknownClass.missing());
    }

    @Test
    void tableHasOneSectionPerClassWithItsDescriptionAndTheBaselineFirst() throws Exception {
        String markdown = Report.markdown(List.of(jdk17()), "2 cores, Linux 6.1");
        assertTrue(markdown.startsWith("JDK 17: OpenJDK 64-Bit Server VM 17.0.15, 2 cores, Linux 6.1; 1 fork(s), "
                + "3 x 1 s warm-up, 5 x 1 s measurement.\n"), markdown);
        int fixture = markdown.indexOf("### FixtureBenchmark\n\nFixture: one read and one write per operation; "
                + "time per operation\n\n| benchmark | params | score | unit | vs baseline | speed | target |");
        int throughput = markdown.indexOf("### FixtureThroughputBenchmark\n\n| benchmark |");
        int gone = markdown.indexOf("### GoneBenchmark\n");
        assertTrue(fixture > 0 && throughput > fixture && gone > throughput, markdown);
        String section = markdown.substring(fixture, throughput);
        assertTrue(section.indexOf("| read_buffer |") < section.indexOf("| read_mapping |"), section);
        assertEquals(List.of("read_buffer", "", "10.000 ± 0.500", "ns/op", "baseline", "1.00x", ""),
                row(markdown, "FixtureBenchmark", "read_buffer"));
        assertEquals("0.80", row(markdown, "FixtureBenchmark", "read_mapping").get(4));
        assertEquals("1.25x", row(markdown, "FixtureBenchmark", "read_mapping").get(5));
        assertEquals(List.of("scan_mapping", "size=1048576", "1.000 ± 0.100", "ops/ms", "0.50", "0.50x", ""),
                row(markdown, "FixtureThroughputBenchmark", "scan_mapping", "size=1048576"));
    }

    @Test
    void methodsForkedWithOtherJvmArgumentsAreComparedAndLabelled() throws Exception {
        String markdown = Report.markdown(List.of(jdk17()), "m");
        List<String> jna = row(markdown, "FixtureBenchmark", "read_jna");
        assertEquals("read_jna [-Djmmap.backend=jna]", jna.get(0));
        assertEquals("4.00", jna.get(4));
        assertEquals("0.25x", jna.get(5));
    }

    @Test
    void missingBaselinesShowNotAvailableAndSayWhy() throws Exception {
        String markdown = Report.markdown(List.of(jdk17()), "m");
        List<String> write = row(markdown, "FixtureBenchmark", "write_mapping");
        assertEquals("n/a", write.get(4));
        assertEquals("n/a", write.get(5));
        assertTrue(markdown.contains("- `write_*`: n/a, its baseline write_buffer is not in this run\n"), markdown);
        assertTrue(markdown.contains("- FixtureBenchmark (methods without _): n/a, no @Baseline among its methods "
                + "without _\n"), markdown);
        assertEquals("n/a", row(markdown, "GoneBenchmark", "run").get(5));
        assertTrue(markdown.contains("class GoneBenchmark is not on the report's class path"), markdown);
    }

    @Test
    void targetsAreMetNotMetOrNotAvailable() throws Exception {
        List<String> on17 = row(Report.markdown(List.of(jdk17()), "m"), "FixtureBenchmark", "read_mapping");
        assertEquals("target >= 1.00x: met (1.25x); target >= 0.95x vs read_ffm: n/a (read_ffm is not in this run)",
                on17.get(6));
        List<String> on25 = row(Report.markdown(List.of(jdk25()), "m"), "FixtureBenchmark", "read_mapping");
        assertEquals("target >= 1.00x: not met (0.80x); target >= 0.95x vs read_ffm: not met (0.72x)", on25.get(6));
    }

    @Test
    void twoRunsMakeOneTableWithAColumnPairPerJdk() throws Exception {
        String markdown = Report.markdown(List.of(jdk17(), jdk25()), "2 cores, Linux 6.1");
        assertTrue(markdown.contains("JDK 17: OpenJDK 64-Bit Server VM 17.0.15"), markdown);
        assertTrue(markdown.contains("JDK 25: OpenJDK 64-Bit Server VM 25.0.3"), markdown);
        assertTrue(markdown.contains("| benchmark | params | unit | JDK 17 score | JDK 17 speed | JDK 25 score "
                + "| JDK 25 speed | target |"), markdown);
        assertEquals(List.of("read_mapping", "", "ns/op", "8.000 ± 0.400", "1.25x", "12.500 ± 0.400", "0.80x",
                "target >= 1.00x: JDK 17 met, JDK 25 not met; target >= 0.95x vs read_ffm: JDK 17 n/a, "
                        + "JDK 25 not met"), row(markdown, "FixtureBenchmark", "read_mapping"));
        // only on JDK 25: the JDK 17 cells say it did not run
        assertEquals(List.of("read_ffm", "", "ns/op", "–", "–", "9.000 ± 0.300", "1.11x", ""),
                row(markdown, "FixtureBenchmark", "read_ffm"));
        // the baseline of write_* ran on JDK 25 only
        List<String> write = row(markdown, "FixtureBenchmark", "write_mapping");
        assertEquals("n/a", write.get(4));
        assertEquals("2.00x", write.get(6));
        assertTrue(markdown.contains("- JDK 17, `write_*`: n/a, its baseline write_buffer is not in this run"),
                markdown);
        assertEquals("50.000 ± 2.000 [-Djmmap.backend=jna]", row(markdown, "FixtureBenchmark", "read_jna").get(5));
    }

    @Test
    void runsOnTheSameJdkAreToldApart() throws Exception {
        String markdown = Report.markdown(List.of(jdk17(), jdk17()), "m");
        assertTrue(markdown.contains("| JDK 17 (1) score | JDK 17 (1) speed | JDK 17 (2) score |"), markdown);
    }

    @Test
    void mainWritesTheMarkdownFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("table.md");
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream standardOutput = System.out;
        System.setOut(new java.io.PrintStream(printed, true, StandardCharsets.UTF_8));
        try { // the table goes to standard output as well; kept out of the build's log
            Report.main(new String[] {"--machine", "test machine", fixture("fixture-jdk17.json").toString(),
                out.toString()});
        } finally {
            System.setOut(standardOutput);
        }
        String written = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
        assertEquals(written, printed.toString(StandardCharsets.UTF_8), "printed as written");
        assertTrue(written.startsWith("JDK 17: OpenJDK 64-Bit Server VM 17.0.15, test machine;"), written);
        assertTrue(written.contains("### FixtureBenchmark"), written);
    }

    /** An overhead target subtracts the bare cost from both times: (reference - net) / (result - net). */
    @Test
    void overheadSpeedSubtractsTheBareCost() {
        Result jni = new Result(FIXTURE, "call_jni", "", 130, 2, "ns/op", List.of());
        Result jna = new Result(FIXTURE, "call_jna", "", 400, 3, "ns/op", List.of());
        Result bare = new Result(FIXTURE, "call_cLoop", "", 100, 1, "ns/op", List.of());
        Report.Speed overhead = Report.Speed.ofOverhead(jni, jna, bare);
        assertTrue(overhead.available());
        assertEquals(10.0, overhead.value(), 1e-9, "300 ns of overhead against 30");
        assertEquals(400.0 / 130, Report.Speed.of(jni, jna).value(), 1e-9, "the plain speed, for contrast");
        Result belowBare = new Result(FIXTURE, "call_jni", "", 90, 2, "ns/op", List.of());
        assertFalse(Report.Speed.ofOverhead(belowBare, jna, bare).available(), "nothing left to compare");
        Result throughput = new Result(FIXTURE, "call_jni", "", 90, 2, "ops/ms", List.of());
        assertFalse(Report.Speed.ofOverhead(throughput, jna, bare).available(), "times only");
    }

    @Test
    void badArgumentsAreRejectedWithTheUsage() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Report.Arguments.parse(new String[0], "Report"));
        assertTrue(none.getMessage().startsWith("no JMH JSON file given; usage: Report"), none.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Report.Arguments.parse(new String[] {"--colour", "a.json"}, "Report"));
        assertTrue(unknown.getMessage().startsWith("unknown option or missing value: --colour"),
                unknown.getMessage());
    }

    @Test
    void aFileThatIsNotAJmhResultArrayIsRejected(@TempDir Path dir) throws IOException {
        Path notArray = dir.resolve("x.json");
        Files.write(notArray, "{\"benchmark\": 1}".getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, () -> Run.load(notArray));
        assertEquals("not a JMH JSON result array: file=" + notArray, e.getMessage());
    }
}
