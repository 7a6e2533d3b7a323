package org.jmmap.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jmmap.bench.Charts.Headline;
import org.jmmap.bench.Report.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

    private static List<String> names(List<Path> paths) {
        List<String> names = new ArrayList<>();
        for (Path path : paths) {
            names.add(path.getFileName().toString());
        }
        return names;
    }

    /** Rendering needs fontconfig and a font, which a machine with only a JDK lacks (bench/run says so). */
    private static void assumeFonts() {
        String problem = Charts.fontProblem();
        assumeTrue(problem == null, () -> "no charts without fontconfig and a font: " + problem);
    }

    /** Reads the PNG back and checks that something was drawn on it. */
    private static void assertRendered(Path png) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, png + " is not a readable image");
        assertEquals(1100, image.getWidth());
        assertEquals(650, image.getHeight());
        int white = 0xFFFFFFFF;
        int drawn = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                drawn += image.getRGB(x, y) == white ? 0 : 1;
            }
        }
        assertTrue(drawn > 1000, png + " is nearly blank: " + drawn + " drawn pixels sampled");
    }

    @Test
    void oneChartPerClassAndParameterSetPlusTheOverview(@TempDir Path dir) throws Exception {
        assumeFonts();
        List<Path> written = Charts.write(List.of(ReportTest.jdk17()), dir.resolve("run"), "2 cores, Linux 6.1");
        assertEquals(List.of("FixtureBenchmark.png", "FixtureThroughputBenchmark-size=4096.png",
                "FixtureThroughputBenchmark-size=1048576.png", "GoneBenchmark.png", "overview.png"), names(written));
        for (Path png : written) {
            assertEquals(dir.resolve("run"), png.getParent());
            assertRendered(png);
        }
    }

    @Test
    void twoRunsRenderSideBySideWithMethodsMissingFromOne(@TempDir Path dir) throws Exception {
        assumeFonts();
        List<Path> written = Charts.write(List.of(ReportTest.jdk17(), ReportTest.jdk25()), dir, "m");
        assertTrue(names(written).contains("overview.png"), names(written).toString());
        for (Path png : written) {
            assertRendered(png);
        }
    }

    @Test
    void theOverviewHasEveryTargetAndTheJmmapMethodsOfClassesWithoutOne() throws Exception {
        Run run17 = ReportTest.jdk17();
        Run run25 = ReportTest.jdk25();
        List<Headline> headlines = Charts.headlines(List.of(run17, run25));
        List<String> labels = new ArrayList<>();
        for (Headline headline : headlines) {
            labels.add(headline.label);
        }
        assertEquals(List.of("Fixture.read_mapping (target 1.00x)", "Fixture.read_mapping vs read_ffm (target 0.95x)",
                "FixtureThroughput size=4096 (mean of 2)", "FixtureThroughput.scan_mapping size=1048576"), labels);
        assertEquals(1.25, headlines.get(0).speed(run17).value(), 1e-9);
        assertEquals(1.0, headlines.get(0).target.min());
        assertFalse(headlines.get(1).speed(run17).available());
        assertEquals(0.72, headlines.get(1).speed(run25).value(), 1e-9);
        assertNull(headlines.get(2).target);
        assertEquals(Math.sqrt(1.5 * 2.0), headlines.get(2).speed(run17).value(), 1e-9); // geometric mean
        assertEquals(1.2, headlines.get(2).speed(run25).value(), 1e-9); // only scan_mapping ran on JDK 25
        assertFalse(headlines.get(3).speed(run25).available());
    }

    @Test
    void fileNamesKeepOnlySafeCharacters() {
        assertEquals("MapBenchmark-size=4096_mode=READ_ONLY", Charts.fileName("MapBenchmark-size=4096 mode=READ_ONLY"));
        assertEquals("A-path=_tmp_x", Charts.fileName("A-path=/tmp/x"));
    }

    @Test
    void theChartsGoNextToTheJson(@TempDir Path dir) throws Exception {
        assumeFonts();
        Path json = dir.resolve("20260101-000000-jdk17-quick.json");
        Files.copy(ReportTest.fixture("fixture-jdk17.json"), json);
        List<Path> written = Charts.run(new String[] {json.toString()});
        Path expectedDir = dir.resolve("20260101-000000-jdk17-quick");
        assertEquals(5, written.size(), written.toString());
        assertEquals(expectedDir.resolve("overview.png").toAbsolutePath(), written.get(4).toAbsolutePath());
        assertTrue(Files.isRegularFile(expectedDir.resolve("FixtureBenchmark.png")));
    }

    @Test
    void severalFilesGoToOneCombinedDirectory() {
        assertEquals(Path.of("/r/a-jdk17-full+b-jdk25-full"),
                Charts.defaultDirectory(List.of(Path.of("/r/a-jdk17-full.json"), Path.of("/r/b-jdk25-full.json"))));
    }
}
