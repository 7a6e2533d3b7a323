package org.jmmap.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jmmap.bench.Report.ClassInfo;
import org.jmmap.bench.Report.Result;
import org.jmmap.bench.Report.Run;
import org.jmmap.bench.Report.Speed;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;

/**
 * PNG bar charts of JMH results as "speed vs baseline" (the {@link Baseline} of each comparison group is 1.0, above
 * 1 is faster), with the score error as error bars: one chart per benchmark class and parameter set, and
 * {@value #OVERVIEW} with the headline ratio of each class. Several runs (JDK 17 and 25) become one bar per run.
 *
 * <p>The headline of a class is each of its {@link SpeedTarget}s (the target in the bar's label); a class
 * without targets is summarised by the geometric mean of the speeds of its jmmap methods (names containing
 * {@code mapping} or {@code jmmap}), or of all its compared methods if none is named so.
 *
 * <p>Usage: {@code Charts [--machine TEXT] [--out DIR] results.json [more.json ...]}; the default directory is the
 * JSON file's path without {@code .json}. Prints the path of each chart written. Rendering text needs fontconfig and
 * one font (on Debian/Ubuntu: {@code fontconfig fonts-dejavu-core}); the JVM runs headless.
 */
public final class Charts {

    /** File name of the chart summarising every class. */
    static final String OVERVIEW = "overview.png";

    private static final int WIDTH = 1100;
    private static final int HEIGHT = 650;
    private static final Color[] RUN_COLORS = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd), new Color(0x8c564b),
    };

    private Charts() {
    }

    /**
     * Writes the charts of the given JMH JSON files and prints their paths.
     *
     * @param args {@code [--machine TEXT] [--out DIR] results.json [more.json ...]}
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        String fontProblem = fontProblem();
        if (fontProblem != null) {
            System.err.println("charts: cannot render text (" + fontProblem + "); AWT needs fontconfig and a font, "
                    + "e.g. apt-get install fontconfig fonts-dejavu-core");
            System.exit(3);
        }
        for (Path path : run(args)) {
            System.out.println(path);
        }
    }

    /**
     * Writes the charts the command line asks for.
     *
     * @param args as for {@link #main}
     * @return the files written
     * @throws IOException if a file cannot be read or written
     */
    static List<Path> run(String[] args) throws IOException {
        Report.Arguments arguments = Report.Arguments.parse(args, "Charts");
        List<Run> runs = new ArrayList<>();
        for (Path json : arguments.inputs) {
            runs.add(Run.load(json));
        }
        Path dir = arguments.out != null ? arguments.out : defaultDirectory(arguments.inputs);
        return write(runs, dir, arguments.machine);
    }

    /**
     * Measures a string the way a chart does. Without fontconfig or without any font the JDK fails on the first
     * text it measures, with an {@code Error} or a {@code RuntimeException} from its font manager depending on the
     * version and on what is missing.
     *
     * @return null if text can be rendered, else what went wrong
     */
    static String fontProblem() {
        try {
            java.awt.Graphics2D graphics = new java.awt.image.BufferedImage(8, 8,
                    java.awt.image.BufferedImage.TYPE_INT_RGB).createGraphics();
            graphics.getFontMetrics(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12))
                    .stringWidth("jmmap");
            graphics.dispose();
            return null;
        } catch (Error | RuntimeException e) {
            // JDK 17: InternalError or Error("Probable fatal error: No physical fonts found"); JDK 25:
            // RuntimeException("Fontconfig head is null")
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            return cause.toString();
        }
    }

    /** {@code results/X.json} -> {@code results/X}; several files -> {@code results/X+Y}. */
    static Path defaultDirectory(List<Path> inputs) {
        List<String> stems = new ArrayList<>();
        for (Path input : inputs) {
            stems.add(input.getFileName().toString().replaceFirst("\\.json$", ""));
        }
        return inputs.get(0).resolveSibling(String.join("+", stems));
    }

    /**
     * Renders the charts of the runs into {@code dir} (created if needed).
     *
     * @param runs one run or several to compare (one bar colour each)
     * @param dir the directory for the PNG files
     * @param machine where the runs were measured (cores, kernel), for the titles
     * @return the files written, the overview last
     * @throws IOException if a file cannot be written
     */
    static List<Path> write(List<Run> runs, Path dir, String machine) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (String className : Report.classes(runs)) {
            Map<String, List<Result>> byParams = new LinkedHashMap<>();
            for (Result result : Report.ordered(runs, className)) {
                byParams.computeIfAbsent(result.params(), k -> new ArrayList<>()).add(result);
            }
            for (Map.Entry<String, List<Result>> entry : byParams.entrySet()) {
                String params = entry.getKey();
                String title = Report.simpleName(className) + (params.isEmpty() ? "" : " (" + params + ")") + " - "
                        + jdks(runs) + ", " + machine;
                CategoryChart chart = classChart(runs, entry.getValue(), title);
                String name = fileName(Report.simpleName(className) + (params.isEmpty() ? "" : "-" + params));
                for (int i = 2; !names.add(name); i++) {
                    name = fileName(Report.simpleName(className) + "-" + params + "-" + i);
                }
                written.add(save(chart, dir.resolve(name + ".png")));
            }
        }
        written.add(save(overviewChart(runs, "Headline speed of each benchmark vs its baseline - " + jdks(runs) + ", "
                + machine), dir.resolve(OVERVIEW)));
        return written;
    }

    private static CategoryChart classChart(List<Run> runs, List<Result> methods, String title) {
        // a method with no speed in any run (no baseline) gets no bar: it is named under the axis instead
        List<Result> charted = new ArrayList<>();
        List<String> uncompared = new ArrayList<>();
        for (Result method : methods) {
            boolean any = false;
            for (Run run : runs) {
                Result result = run.find(method.className(), method.method(), method.params());
                any |= result != null && speedOrBaseline(run, result).available();
            }
            if (any) {
                charted.add(method);
            } else {
                uncompared.add(method.method());
            }
        }
        String xTitle = "benchmark method (each group's baseline = 1.0)"
                + (uncompared.isEmpty() ? "" : "; no baseline in this run: " + String.join(", ", uncompared));
        CategoryChart chart = newChart(title, xTitle);
        List<String> categories = new ArrayList<>();
        for (Result method : charted) {
            categories.add(method.method());
        }
        if (categories.isEmpty()) {
            categories.add("nothing compared");
        }
        for (int r = 0; r < runs.size(); r++) {
            Run run = runs.get(r);
            List<Double> speeds = new ArrayList<>();
            List<Double> errors = new ArrayList<>();
            for (Result method : charted) {
                Result result = run.find(method.className(), method.method(), method.params());
                Speed speed = result == null ? Speed.missing("did not run") : speedOrBaseline(run, result);
                speeds.add(speed.available() ? speed.value() : null);
                errors.add(speed.available() ? speed.error() : null);
            }
            if (speeds.isEmpty()) {
                speeds.add(null);
            }
            // XChart draws no bar for a null value, but cannot combine null values with error bars
            String name = runs.size() == 1 ? "speed vs baseline (error bars: JMH 99.9% score error)" : run.label;
            CategorySeries series = speeds.contains(null) ? chart.addSeries(name, categories, speeds)
                    : chart.addSeries(name, categories, speeds, errors);
            series.setFillColor(RUN_COLORS[r % RUN_COLORS.length]);
        }
        return chart;
    }

    /** The baseline itself is 1.0 with its own relative error; the others their ratio. */
    private static Speed speedOrBaseline(Run run, Result result) {
        if (result.method().equals(ClassInfo.of(result.className()).baselineOf(result.method()))) {
            return new Speed(1.0, result.score() > 0 ? result.error() / result.score() : 0, null);
        }
        return Report.speedVsBaseline(run, result);
    }

    private static CategoryChart overviewChart(List<Run> runs, String title) {
        List<Headline> headlines = headlines(runs);
        CategoryChart chart = newChart(title, "benchmark method (or class: geometric mean of its jmmap methods), with its target if it has one");
        List<String> categories = new ArrayList<>();
        for (Headline headline : headlines) {
            categories.add(headline.label);
        }
        if (categories.isEmpty()) {
            categories.add("no comparable results");
        }
        double highest = 1.0;
        for (int r = 0; r < runs.size(); r++) {
            Run run = runs.get(r);
            List<Double> speeds = new ArrayList<>();
            for (Headline headline : headlines) {
                Speed speed = headline.speed(run);
                speeds.add(speed.available() ? speed.value() : null);
                highest = Math.max(highest, speed.available() ? speed.value() : 0);
            }
            if (speeds.isEmpty()) {
                speeds.add(null);
            }
            CategorySeries series = chart.addSeries(runs.size() == 1 ? "speed vs baseline" : run.label, categories,
                    speeds);
            series.setFillColor(RUN_COLORS[r % RUN_COLORS.length]);
        }
        chart.getStyler().setYAxisMax(highest * 1.15); // the 1.0 line stays in view when everything is slower
        return chart;
    }

    /** One bar of the overview: a target of a method, or a class summarised by a geometric mean. */
    static final class Headline {
        final String label;
        final String className;
        final String params;
        final String method;
        final SpeedTarget target;
        final List<String> meanOf;

        private Headline(String label, String className, String params, String method, SpeedTarget target,
                         List<String> meanOf) {
            this.label = label;
            this.className = className;
            this.params = params;
            this.method = method;
            this.target = target;
            this.meanOf = meanOf;
        }

        Speed speed(Run run) {
            if (target != null) {
                Result result = run.find(className, method, params);
                return result == null ? Speed.missing(method + " did not run")
                        : Report.speedForTarget(run, result, target);
            }
            double logSum = 0;
            int count = 0;
            for (String member : meanOf) {
                Result result = run.find(className, member, params);
                Speed speed = result == null ? Speed.missing("did not run") : Report.speedVsBaseline(run, result);
                if (speed.available()) {
                    logSum += Math.log(speed.value());
                    count++;
                }
            }
            return count == 0 ? Speed.missing("nothing compared") : new Speed(Math.exp(logSum / count), 0, null);
        }
    }

    /** The overview's bars: every target, and for each class (and parameters) without one its geometric mean. */
    static List<Headline> headlines(List<Run> runs) {
        List<Headline> headlines = new ArrayList<>();
        for (String className : Report.classes(runs)) {
            ClassInfo info = ClassInfo.of(className);
            String simple = Report.simpleName(className).replaceFirst("Benchmark$", "");
            Map<String, List<Result>> byParams = new LinkedHashMap<>();
            for (Result result : Report.ordered(runs, className)) {
                byParams.computeIfAbsent(result.params(), k -> new ArrayList<>()).add(result);
            }
            boolean severalParams = byParams.size() > 1;
            for (Map.Entry<String, List<Result>> entry : byParams.entrySet()) {
                String params = entry.getKey();
                String suffix = severalParams && !params.isEmpty() ? " " + params : "";
                List<String> jmmap = new ArrayList<>();
                List<String> compared = new ArrayList<>();
                boolean targeted = false;
                for (Result result : entry.getValue()) {
                    String method = result.method();
                    for (SpeedTarget target : info.targetsOf(method)) {
                        targeted = true;
                        headlines.add(new Headline(String.format(Locale.ROOT, "%s.%s%s%s (target %.2fx)", simple,
                                method, target.against().isEmpty() ? "" : " vs " + target.against(), suffix,
                                target.min()), className, params, method, target, null));
                    }
                    String baseline = info.baselineOf(method);
                    if (baseline != null && !baseline.equals(method)) {
                        compared.add(method);
                        String lower = method.toLowerCase(Locale.ROOT);
                        if (lower.contains("mapping") || lower.contains("jmmap")) {
                            jmmap.add(method);
                        }
                    }
                }
                if (!targeted && !compared.isEmpty()) {
                    List<String> members = jmmap.isEmpty() ? compared : jmmap;
                    String label = members.size() == 1 ? simple + "." + members.get(0) + suffix
                            : simple + suffix + " (mean of " + members.size() + ")";
                    headlines.add(new Headline(label, className, params, null, null, members));
                }
            }
        }
        return headlines;
    }

    private static CategoryChart newChart(String title, String xTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle("speed vs baseline (x, higher is faster)").build();
        CategoryStyler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setXAxisLabelRotation(45);
        styler.setYAxisMin(0.0);
        styler.setYAxisDecimalPattern("0.00");
        styler.setLabelsVisible(true);
        styler.setDecimalPattern("0.00");
        styler.setLabelsPosition(0.5);
        styler.setLabelsFontColorAutomaticEnabled(false);
        styler.setLabelsFontColor(Color.BLACK);
        styler.setErrorBarsColor(Color.DARK_GRAY);
        styler.setAnnotationLineColor(Color.GRAY);
        AnnotationLine one = new AnnotationLine(1.0, false, false);
        chart.addAnnotation(one);
        return chart;
    }

    private static Path save(CategoryChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** A file name from a class and its parameters: letters, digits, {@code = . _ -} only. */
    static String fileName(String text) {
        return text.replace(' ', '_').replaceAll("[^A-Za-z0-9=._-]", "_");
    }

    private static String jdks(List<Run> runs) {
        List<String> versions = new ArrayList<>();
        for (Run run : runs) {
            versions.add(run.jdkVersion.isEmpty() ? run.label : "JDK " + run.jdkVersion);
        }
        return String.join(" vs ", versions);
    }
}
