package org.jmmap.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Turns JMH JSON result files into markdown: one section per benchmark class (its {@link Description} under the
 * heading), every score next to the {@link Baseline} of its comparison group with the same parameters, measured in
 * the same run, as a ratio, and each {@link SpeedTarget} as met or not met. With two or more files (say JDK 17 and
 * JDK 25) it prints one table with a score and a speed column per file.
 *
 * <p>Usage: {@code Report [--machine TEXT] [--out table.md] results.json [more.json ...]}; a last argument ending in
 * {@code .md} is taken as {@code --out}. {@code --machine} describes where the numbers were measured (default: the
 * cores and kernel of the machine running the report, right for a report made straight after its run).
 */
public final class Report {

    /** Marks a speed or ratio that cannot be computed from the run (no baseline or reference in it). */
    static final String NOT_AVAILABLE = "n/a";

    private Report() {
    }

    /**
     * Prints the markdown report of the given JMH JSON files and optionally writes it to a file.
     *
     * @param args {@code [--machine TEXT] [--out table.md] results.json [more.json ...]}
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Arguments arguments = Arguments.parse(args, "Report");
        List<Run> runs = new ArrayList<>();
        for (Path json : arguments.inputs) {
            runs.add(Run.load(json));
        }
        String markdown = markdown(runs, arguments.machine);
        System.out.print(markdown);
        if (arguments.out != null) {
            Files.write(arguments.out, markdown.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The command line shared by {@link Report} and {@link Charts}. */
    static final class Arguments {
        final List<Path> inputs = new ArrayList<>();
        Path out;
        String machine = machine();

        static Arguments parse(String[] args, String tool) {
            Arguments parsed = new Arguments();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if ((arg.equals("--out") || arg.equals("--machine")) && i + 1 < args.length) {
                    if (arg.equals("--out")) {
                        parsed.out = Paths.get(args[++i]);
                    } else {
                        parsed.machine = args[++i];
                    }
                } else if (arg.endsWith(".md") && tool.equals("Report") && i == args.length - 1) {
                    parsed.out = Paths.get(arg);
                } else if (arg.startsWith("--")) {
                    throw usage(tool, "unknown option or missing value: " + arg);
                } else {
                    parsed.inputs.add(Paths.get(arg));
                }
            }
            if (parsed.inputs.isEmpty()) {
                throw usage(tool, "no JMH JSON file given");
            }
            return parsed;
        }

        private static IllegalArgumentException usage(String tool, String problem) {
            return new IllegalArgumentException(problem + "; usage: " + tool
                    + " [--machine TEXT] [--out " + (tool.equals("Report") ? "table.md" : "DIR")
                    + "] results.json [more.json ...]");
        }
    }

    /** The machine running this JVM: cores and kernel, e.g. {@code 2 cores, Linux 6.8.0-49-generic}. */
    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.version");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The model: a run (one JSON file) of results, grouped as the report compares them.

    /** One benchmark result: a method with one set of parameters. */
    record Result(String className, String method, String params, double score, double error, String unit,
                  List<String> jvmArgs) {

        String simpleClass() {
            return className.substring(className.lastIndexOf('.') + 1);
        }

        /** The comparison group: the method name up to {@code _}, or "" (see {@link Baseline}). */
        String group() {
            return groupOf(method);
        }

        /** Time per operation (avgt, sample, ss) is better when lower; throughput when higher. */
        boolean lowerIsBetter() {
            return unit.endsWith("/op");
        }

        /** A key for this method with these parameters, equal across runs. */
        String key() {
            return className + "#" + method + "#" + params;
        }
    }

    /** The results of one JMH JSON file, in file order. */
    static final class Run {
        final String label;
        final String jdkVersion;
        final String vm;
        final String settings;
        final List<Result> results;
        /** JVM arguments every result of the run had; the others are shown next to the method. */
        final List<String> commonJvmArgs;

        private Run(String label, String jdkVersion, String vm, String settings, List<Result> results) {
            this.label = label;
            this.jdkVersion = jdkVersion;
            this.vm = vm;
            this.settings = settings;
            this.results = results;
            List<String> common = results.isEmpty() ? List.of() : new ArrayList<>(results.get(0).jvmArgs());
            for (Result result : results) {
                common.retainAll(result.jvmArgs());
            }
            this.commonJvmArgs = List.copyOf(new LinkedHashSet<>(common));
        }

        /**
         * Reads a JMH JSON result file.
         *
         * @param json the file JMH wrote with {@code -rf json}
         * @return the run
         * @throws IOException if it cannot be read or is not a JMH result array
         */
        static Run load(Path json) throws IOException {
            JsonNode tree = new ObjectMapper().readTree(json.toFile());
            if (tree == null || !tree.isArray()) {
                throw new IOException("not a JMH JSON result array: file=" + json);
            }
            return parse(tree, json.getFileName().toString().replaceFirst("\\.json$", ""));
        }

        /**
         * Reads parsed JMH JSON results.
         *
         * @param tree the JSON array JMH writes
         * @param name a name for the run (its file name) used when the JDK does not tell runs apart
         * @return the run
         */
        static Run parse(JsonNode tree, String name) {
            List<Result> results = new ArrayList<>();
            String jdk = "";
            String vm = "";
            String settings = "";
            for (JsonNode node : tree) {
                String benchmark = node.path("benchmark").asText();
                int dot = benchmark.lastIndexOf('.');
                JsonNode metric = node.path("primaryMetric");
                List<String> jvmArgs = new ArrayList<>();
                node.path("jvmArgs").forEach(arg -> jvmArgs.add(arg.asText()));
                String className = benchmark.substring(0, Math.max(dot, 0));
                // A @Group benchmark: its methods' scores are secondary metrics named after them (profilers'
                // metrics start with a middle dot); each is a result, the group's total is not.
                List<String> members = new ArrayList<>();
                node.path("secondaryMetrics").fieldNames().forEachRemaining(secondary -> {
                    if (!secondary.startsWith("\u00b7")) {
                        members.add(secondary);
                    }
                });
                if (members.isEmpty()) {
                    results.add(result(className, benchmark.substring(dot + 1), params(node), metric, jvmArgs));
                }
                for (String member : members) {
                    results.add(result(className, member, params(node), node.path("secondaryMetrics").path(member),
                            jvmArgs));
                }
                if (jdk.isEmpty()) {
                    jdk = node.path("jdkVersion").asText("");
                    vm = node.path("vmName").asText("");
                    settings = String.format(Locale.ROOT, "%d fork(s), %d x %s warm-up, %d x %s measurement",
                            node.path("forks").asInt(), node.path("warmupIterations").asInt(),
                            node.path("warmupTime").asText(), node.path("measurementIterations").asInt(),
                            node.path("measurementTime").asText());
                }
            }
            String label = jdk.isEmpty() ? name : "JDK " + jdk.split("[.+-]")[0];
            return new Run(label, jdk, vm, settings, results);
        }

        private static Result result(String className, String method, String params, JsonNode metric,
                                     List<String> jvmArgs) {
            double error = metric.path("scoreError").asDouble(Double.NaN);
            return new Result(className, method, params, metric.path("score").asDouble(Double.NaN),
                    Double.isNaN(error) ? 0 : error, metric.path("scoreUnit").asText(), jvmArgs);
        }

        /** JVM arguments of this result that not every result of the run had, e.g. a JNA fork's backend flag. */
        List<String> extraJvmArgs(Result result) {
            List<String> extra = new ArrayList<>(new LinkedHashSet<>(result.jvmArgs()));
            extra.removeAll(commonJvmArgs);
            return extra;
        }

        /** The result of {@code method} of {@code className} with {@code params}, or null if it did not run. */
        Result find(String className, String method, String params) {
            for (Result result : results) {
                if (result.className().equals(className) && result.method().equals(method)
                        && result.params().equals(params)) {
                    return result;
                }
            }
            return null;
        }

        private Run relabel(String newLabel) {
            return new Run(newLabel, jdkVersion, vm, settings, results);
        }
    }

    /** What the benchmark classes declare: description, baselines and targets, read by reflection. */
    static final class ClassInfo {
        private static final Map<String, ClassInfo> CACHE = new HashMap<>();

        final boolean found;
        final String description;
        /** group -> the name of its {@link Baseline} method. */
        final Map<String, String> baselines = new HashMap<>();
        /** method -> its targets. */
        final Map<String, List<SpeedTarget>> targets = new HashMap<>();

        private ClassInfo(Class<?> type) {
            found = type != null;
            Description text = type == null ? null : type.getAnnotation(Description.class);
            description = text == null ? "" : text.value();
            if (type != null) {
                for (Method method : type.getMethods()) {
                    if (method.isAnnotationPresent(Baseline.class)) {
                        baselines.putIfAbsent(groupOf(method.getName()), method.getName());
                    }
                    SpeedTarget[] declared = method.getAnnotationsByType(SpeedTarget.class);
                    if (declared.length > 0) {
                        targets.put(method.getName(), List.of(declared));
                    }
                }
            }
        }

        static synchronized ClassInfo of(String className) {
            return CACHE.computeIfAbsent(className, name -> {
                try {
                    return new ClassInfo(Class.forName(name, false, Report.class.getClassLoader()));
                } catch (ClassNotFoundException | LinkageError e) {
                    return new ClassInfo(null); // results of a class this jar does not have: no ratios
                }
            });
        }

        String baselineOf(String method) {
            return baselines.get(groupOf(method));
        }

        List<SpeedTarget> targetsOf(String method) {
            return targets.getOrDefault(method, List.of());
        }
    }

    /** A ratio against a reference: the speed (above 1 is faster) and its error, or why there is none. */
    record Speed(double value, double error, String missing) {

        static Speed of(Result result, Result reference) {
            if (result.score() <= 0 || reference.score() <= 0 || !result.unit().equals(reference.unit())) {
                return new Speed(Double.NaN, 0, "scores not comparable");
            }
            double speed = result.lowerIsBetter() ? reference.score() / result.score()
                    : result.score() / reference.score();
            double relative = Math.hypot(result.error() / result.score(), reference.error() / reference.score());
            return new Speed(speed, speed * relative, null);
        }

        /**
         * The speed of {@code result}'s overhead against {@code reference}'s: both times less {@code net}'s, the bare
         * cost that neither path can avoid (times only).
         */
        static Speed ofOverhead(Result result, Result reference, Result net) {
            if (!result.lowerIsBetter() || !result.unit().equals(net.unit()) || !reference.unit().equals(net.unit())) {
                return new Speed(Double.NaN, 0, "scores not comparable");
            }
            double overhead = result.score() - net.score();
            double referenceOverhead = reference.score() - net.score();
            if (overhead <= 0 || referenceOverhead <= 0) {
                return new Speed(Double.NaN, 0, "no overhead above " + net.method() + " to compare");
            }
            double speed = referenceOverhead / overhead;
            double relative = Math.hypot(Math.hypot(result.error(), net.error()) / overhead,
                    Math.hypot(reference.error(), net.error()) / referenceOverhead);
            return new Speed(speed, speed * relative, null);
        }

        static Speed missing(String why) {
            return new Speed(Double.NaN, 0, why);
        }

        boolean available() {
            return missing == null;
        }

        String text() {
            return available() ? String.format(Locale.ROOT, "%.2fx", value) : NOT_AVAILABLE;
        }
    }

    /** The speed of {@code result} against the baseline of its group in {@code run}. */
    static Speed speedVsBaseline(Run run, Result result) {
        ClassInfo info = ClassInfo.of(result.className());
        if (!info.found) {
            return Speed.missing("class " + result.simpleClass() + " is not on the report's class path");
        }
        String baseline = info.baselineOf(result.method());
        if (baseline == null) {
            return Speed.missing(result.group().isEmpty() ? "no @Baseline among its methods without _"
                    : "no @Baseline in group " + groupName(result));
        }
        Result base = run.find(result.className(), baseline, result.params());
        if (base == null) {
            return Speed.missing("its baseline " + baseline + " is not in this run");
        }
        return Speed.of(result, base);
    }

    /** The speed of {@code result} against the reference of {@code target} in {@code run}. */
    static Speed speedForTarget(Run run, Result result, SpeedTarget target) {
        Result reference;
        if (target.against().isEmpty()) {
            Speed plain = speedVsBaseline(run, result);
            if (target.net().isEmpty() || !plain.available()) {
                return plain;
            }
            reference = run.find(result.className(), ClassInfo.of(result.className()).baselineOf(result.method()),
                    result.params());
        } else {
            reference = run.find(result.className(), target.against(), result.params());
            if (reference == null) {
                return Speed.missing(target.against() + " is not in this run");
            }
        }
        if (target.net().isEmpty()) {
            return Speed.of(result, reference);
        }
        Result net = run.find(result.className(), target.net(), result.params());
        return net == null ? Speed.missing(target.net() + " is not in this run")
                : Speed.ofOverhead(result, reference, net);
    }

    /** {@code target >= 1.00x}, with {@code vs <method>} and {@code net of <method>} when the target names them. */
    static String targetHead(SpeedTarget target) {
        return String.format(Locale.ROOT, "target >= %.2fx%s%s", target.min(),
                target.against().isEmpty() ? "" : " vs " + target.against(),
                target.net().isEmpty() ? "" : " net of " + target.net());
    }

    /** {@code target >= 1.00x: met (1.23x)}, {@code ... vs ffm: not met (0.80x)} or {@code ...: n/a (why)}. */
    static String targetText(SpeedTarget target, Speed speed) {
        String head = targetHead(target) + ": ";
        if (!speed.available()) {
            return head + NOT_AVAILABLE + " (" + speed.missing() + ")";
        }
        return head + (speed.value() >= target.min() ? "met" : "not met") + " (" + speed.text() + ")";
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Markdown

    /**
     * The markdown report of one run, or of several side by side.
     *
     * @param runs the runs, at least one
     * @param machine where they were measured (cores, kernel)
     * @return markdown text ending with a newline
     */
    static String markdown(List<Run> runs, String machine) {
        runs = distinctLabels(runs);
        StringBuilder out = new StringBuilder();
        for (Run run : runs) {
            out.append(String.format(Locale.ROOT, "%s: %s %s, %s; %s.%n%n", run.label,
                    run.vm.isEmpty() ? "JVM" : run.vm, run.jdkVersion, machine, run.settings));
        }
        for (String className : classes(runs)) {
            ClassInfo info = ClassInfo.of(className);
            out.append("### ").append(simpleName(className)).append("\n\n");
            if (!info.description.isEmpty()) {
                out.append(info.description).append("\n\n");
            }
            Set<String> notes = new LinkedHashSet<>();
            if (runs.size() == 1) {
                singleTable(runs.get(0), className, out, notes);
            } else {
                combinedTable(runs, className, out, notes);
            }
            out.append('\n');
            for (String note : notes) {
                out.append("- ").append(note).append('\n');
            }
            if (!notes.isEmpty()) {
                out.append('\n');
            }
        }
        out.append("*speed*: how many times faster than the group's baseline (marked *baseline*) measured in the same "
                + "run with the same parameters; above 1 is faster. A group is a class's methods whose names share the "
                + "prefix before `_`. *" + NOT_AVAILABLE + "*: no baseline in this run (see the notes under the "
                + "table).\n");
        return out.toString();
    }

    private static void singleTable(Run run, String className, StringBuilder out, Set<String> notes) {
        out.append("| benchmark | params | score | unit | vs baseline | speed | target |\n");
        out.append("|---|---|---:|---|---:|---:|---|\n");
        for (Result result : ordered(List.of(run), className)) {
            ClassInfo info = ClassInfo.of(className);
            boolean isBaseline = result.method().equals(info.baselineOf(result.method()));
            Speed speed = speedVsBaseline(run, result);
            String ratio;
            if (isBaseline) {
                ratio = "baseline";
            } else if (speed.available()) {
                double scoreRatio = result.lowerIsBetter() ? 1 / speed.value() : speed.value();
                ratio = String.format(Locale.ROOT, "%.2f", scoreRatio);
            } else {
                ratio = NOT_AVAILABLE;
                notes.add(groupName(result) + paramsSuffix(result) + ": " + NOT_AVAILABLE + ", "
                        + speed.missing());
            }
            List<String> targets = new ArrayList<>();
            for (SpeedTarget target : info.targetsOf(result.method())) {
                targets.add(targetText(target, speedForTarget(run, result, target)));
            }
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n",
                    methodCell(run, result), result.params(), scoreText(result), result.unit(), ratio,
                    speed.text(), String.join("; ", targets)));
        }
    }

    private static void combinedTable(List<Run> runs, String className, StringBuilder out, Set<String> notes) {
        StringBuilder header = new StringBuilder("| benchmark | params | unit |");
        StringBuilder rule = new StringBuilder("|---|---|---|");
        for (Run run : runs) {
            header.append(' ').append(run.label).append(" score | ").append(run.label).append(" speed |");
            rule.append("---:|---:|");
        }
        out.append(header).append(" target |\n").append(rule).append("---|\n");
        for (Result first : ordered(runs, className)) {
            ClassInfo info = ClassInfo.of(className);
            StringBuilder row = new StringBuilder();
            row.append("| ").append(first.method()).append(" | ").append(first.params()).append(" | ")
                    .append(first.unit()).append(" |");
            Map<SpeedTarget, List<String>> targetStates = new LinkedHashMap<>();
            for (SpeedTarget target : info.targetsOf(first.method())) {
                targetStates.put(target, new ArrayList<>());
            }
            for (Run run : runs) {
                Result result = run.find(className, first.method(), first.params());
                if (result == null) {
                    row.append(" – | – |");
                    for (List<String> states : targetStates.values()) {
                        states.add(run.label + " did not run");
                    }
                    continue;
                }
                Speed speed = speedVsBaseline(run, result);
                boolean isBaseline = result.method().equals(info.baselineOf(result.method()));
                List<String> extra = run.extraJvmArgs(result);
                row.append(' ').append(scoreText(result));
                if (!extra.isEmpty()) {
                    row.append(" [").append(String.join(" ", extra)).append(']');
                }
                row.append(" | ").append(isBaseline ? "baseline" : speed.text()).append(" |");
                if (!isBaseline && !speed.available()) {
                    notes.add(run.label + ", " + groupName(result) + paramsSuffix(result) + ": " + NOT_AVAILABLE
                            + ", " + speed.missing());
                }
                for (Map.Entry<SpeedTarget, List<String>> entry : targetStates.entrySet()) {
                    Speed targetSpeed = speedForTarget(run, result, entry.getKey());
                    entry.getValue().add(run.label + " " + (!targetSpeed.available() ? NOT_AVAILABLE
                            : targetSpeed.value() >= entry.getKey().min() ? "met" : "not met"));
                }
            }
            StringJoiner targets = new StringJoiner("; ");
            for (Map.Entry<SpeedTarget, List<String>> entry : targetStates.entrySet()) {
                SpeedTarget target = entry.getKey();
                targets.add(targetHead(target) + ": " + String.join(", ", entry.getValue()));
            }
            out.append(row).append(' ').append(targets).append(" |\n");
        }
    }

    /** Runs with the same label (two runs on one JDK) are told apart by their file names. */
    private static List<Run> distinctLabels(List<Run> runs) {
        Map<String, Integer> counts = new HashMap<>();
        for (Run run : runs) {
            counts.merge(run.label, 1, Integer::sum);
        }
        List<Run> distinct = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            distinct.add(counts.get(run.label) > 1 ? run.relabel(run.label + " (" + (i + 1) + ")") : run);
        }
        return distinct;
    }

    /** The classes of the runs in order of first appearance. */
    static List<String> classes(List<Run> runs) {
        Set<String> classes = new LinkedHashSet<>();
        for (Run run : runs) {
            for (Result result : run.results) {
                classes.add(result.className());
            }
        }
        return new ArrayList<>(classes);
    }

    /**
     * The results of one class over the runs (the first run's result for each method and parameter set), in order:
     * by parameters, then by group in order of appearance, the group's baseline first.
     */
    static List<Result> ordered(List<Run> runs, String className) {
        Map<String, Result> unique = new LinkedHashMap<>();
        for (Run run : runs) {
            for (Result result : run.results) {
                if (result.className().equals(className)) {
                    unique.putIfAbsent(result.key(), result);
                }
            }
        }
        Map<String, List<Result>> byGroup = new LinkedHashMap<>();
        for (Result result : unique.values()) {
            byGroup.computeIfAbsent(result.params() + "\u0000" + result.group(), k -> new ArrayList<>()).add(result);
        }
        List<String> keys = new ArrayList<>(byGroup.keySet());
        List<String> paramOrder = new ArrayList<>();
        for (Result result : unique.values()) {
            if (!paramOrder.contains(result.params())) {
                paramOrder.add(result.params());
            }
        }
        keys.sort((a, b) -> Integer.compare(paramOrder.indexOf(a.substring(0, a.indexOf('\u0000'))),
                paramOrder.indexOf(b.substring(0, b.indexOf('\u0000')))));
        ClassInfo info = ClassInfo.of(className);
        List<Result> ordered = new ArrayList<>();
        for (String key : keys) {
            List<Result> group = byGroup.get(key);
            String baseline = info.baselineOf(group.get(0).method());
            group.sort((a, b) -> Boolean.compare(!a.method().equals(baseline), !b.method().equals(baseline)));
            ordered.addAll(group);
        }
        return ordered;
    }

    private static String methodCell(Run run, Result result) {
        List<String> extra = run.extraJvmArgs(result);
        return extra.isEmpty() ? result.method() : result.method() + " [" + String.join(" ", extra) + "]";
    }

    private static String scoreText(Result result) {
        return String.format(Locale.ROOT, "%.3f ± %.3f", result.score(), result.error());
    }

    private static String groupName(Result result) {
        return result.group().isEmpty() ? result.simpleClass() + " (methods without _)" : "`" + result.group() + "_*`";
    }

    private static String paramsSuffix(Result result) {
        return result.params().isEmpty() ? "" : " (" + result.params() + ")";
    }

    private static String params(JsonNode result) {
        JsonNode params = result.get("params");
        if (params == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        params.properties().forEach(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(" ", parts);
    }

    static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** The comparison group of a benchmark method: its name up to {@code _}, or "" (see {@link Baseline}). */
    static String groupOf(String method) {
        int underscore = method.indexOf('_');
        return underscore < 0 ? "" : method.substring(0, underscore);
    }
}
