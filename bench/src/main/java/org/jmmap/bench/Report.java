package org.jmmap.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a JMH JSON result file into a markdown table: every score next to the {@link Baseline} of its class with
 * the same parameters, measured in the same run, as a ratio.
 *
 * <p>Usage: {@code Report results.json [table.md]}.
 */
public final class Report {

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: Report <jmh-results.json> [table.md]");
            System.exit(2);
        }
        String table = table(new ObjectMapper().readTree(Paths.get(args[0]).toFile()));
        System.out.print(table);
        if (args.length > 1) {
            Path out = Paths.get(args[1]);
            Files.write(out, table.getBytes(StandardCharsets.UTF_8));
        }
    }

    static String table(JsonNode results) {
        // group key: class + params; values: method -> result
        Map<String, Map<String, JsonNode>> groups = new LinkedHashMap<>();
        for (JsonNode result : results) {
            String benchmark = result.get("benchmark").asText();
            int dot = benchmark.lastIndexOf('.');
            String method = benchmark.substring(dot + 1);
            String key = benchmark.substring(0, dot) + " " + group(method) + " " + params(result);
            groups.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(method, result);
        }
        StringBuilder out = new StringBuilder();
        out.append("| benchmark | params | score | unit | vs baseline | speed |\n");
        out.append("|---|---|---:|---|---:|---:|\n");
        for (Map.Entry<String, Map<String, JsonNode>> group : groups.entrySet()) {
            String className = group.getKey().substring(0, group.getKey().indexOf(' '));
            String baseline = baselineOf(className, group.getValue().keySet().iterator().next());
            JsonNode base = baseline == null ? null : group.getValue().get(baseline);
            List<String> methods = new ArrayList<>(group.getValue().keySet());
            if (baseline != null) { // the baseline first
                methods.remove(baseline);
                methods.add(0, baseline);
            }
            for (String method : methods) {
                JsonNode result = group.getValue().get(method);
                JsonNode metric = result.get("primaryMetric");
                double score = metric.get("score").asDouble();
                double error = metric.get("scoreError").asDouble();
                String unit = metric.get("scoreUnit").asText();
                boolean lowerIsBetter = unit.endsWith("/op");
                String ratio = "";
                String speed = "";
                if (base != null) {
                    double baseScore = base.get("primaryMetric").get("score").asDouble();
                    if (method.equals(baseline)) {
                        ratio = "baseline";
                        speed = "1.00x";
                    } else {
                        ratio = String.format(Locale.ROOT, "%.2f", score / baseScore);
                        speed = String.format(Locale.ROOT, "%.2fx",
                                lowerIsBetter ? baseScore / score : score / baseScore);
                    }
                }
                out.append(String.format(Locale.ROOT, "| %s.%s | %s | %.3f ± %.3f | %s | %s | %s |%n",
                        simpleName(className), method, params(result), score, Double.isNaN(error) ? 0 : error, unit,
                        ratio, speed));
            }
        }
        out.append("\n*vs baseline*: score ÷ baseline score from the same run. *speed*: how many times faster than the "
                + "baseline (above 1 is faster).\n");
        return out.toString();
    }

    private static String params(JsonNode result) {
        JsonNode params = result.get("params");
        if (params == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        params.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(" ", parts);
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** The comparison group of a benchmark method: its name up to {@code _}, or "" (see {@link Baseline}). */
    private static String group(String method) {
        int underscore = method.indexOf('_');
        return underscore < 0 ? "" : method.substring(0, underscore);
    }

    /** The {@link Baseline} method of the group {@code member} belongs to, or null. */
    private static String baselineOf(String className, String member) {
        try {
            Class<?> type = Class.forName(className);
            for (Method method : type.getMethods()) {
                if (method.isAnnotationPresent(Baseline.class) && group(method.getName()).equals(group(member))) {
                    return method.getName();
                }
            }
        } catch (ClassNotFoundException e) {
            // results from a class this jar does not have: no ratios
        }
        return null;
    }

    /** For tests and callers that print elsewhere. */
    static void print(JsonNode results, PrintStream out) {
        out.print(table(results));
    }
}
