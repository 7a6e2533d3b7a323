package org.jmmap.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The channel benchmarks, across processes: {@link ChannelMessagesBenchmark}, {@link ChannelBulkBenchmark} and
 * {@link ChannelLatencyBenchmark}, with their peers ({@link ChannelPeer}) started here. JMH measures one JVM; these
 * need two processes exchanging data, so this harness runs them as JMH would: each benchmark method is one round,
 * the methods of a class take turns (A B C A B C ...: load from other processes falls on every method alike),
 * warm-up rounds first, and each score is the median of the measured rounds (a round disturbed by another process
 * moves a mean of a few rounds far, a median not), its error the largest distance from it to a round, its interval
 * the lowest and highest round. The results go to a JSON file in JMH's format, which {@link Report} and
 * {@link Charts} read as any other.
 *
 * <p>Usage: {@code ChannelHarness [--quick] [--only messages|bulk|latency ...] --out results.json}. Quick: 1 warm-up
 * and 3 measured rounds (messages: 2 and 3; bulk: 1 and 2); otherwise 2 and 5 (messages: 2 and 9, as the rates of
 * single rounds spread widely on a small machine and its rounds are short; bulk: 1 and 3).
 */
public final class ChannelHarness {

    private final boolean quick;
    private final ArrayNode results = new ObjectMapper().createArrayNode();

    private ChannelHarness(boolean quick) {
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path out = null;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Paths.get(args[++i]);
                case "--only" -> only.add(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: ChannelHarness "
                        + "[--quick] [--only messages|bulk|latency ...] --out results.json");
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("no --out results.json");
        }
        ChannelHarness harness = new ChannelHarness(quick);
        System.err.println("load average before: " + loadAverage());
        try (Rig rig = new Rig()) {
            if (only.isEmpty() || only.contains("messages")) {
                harness.run(new ChannelMessagesBenchmark(rig), 2, quick ? 3 : 9);
            }
            if (only.isEmpty() || only.contains("bulk")) {
                try (ChannelBulkBenchmark bulk = new ChannelBulkBenchmark(rig)) {
                    harness.run(bulk, 1, quick ? 2 : 3);
                }
            }
            if (only.isEmpty() || only.contains("latency")) {
                harness.run(new ChannelLatencyBenchmark(rig), quick ? 1 : 2, quick ? 3 : 5);
            }
        }
        System.err.println("load average after: " + loadAverage());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), harness.results);
    }

    /** The 1, 5 and 15 minute load averages and the runnable/total tasks, from /proc/loadavg. */
    static String loadAverage() {
        try {
            return Files.readString(Paths.get("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Benchmarks

    /** A class of round benchmarks: its public methods returning {@link Sample} are its benchmark methods. */
    interface Rounds {

        /** The name of the class's parameter ({@code payload}), or "" if it has none. */
        String parameter();

        /** The parameter's values, run one after the other. */
        List<String> values(boolean quick);

        /** Sets the parameter before the rounds of one value. */
        void set(String value) throws IOException;

        /** What one round is, for the report's settings line: {@code 0.5 s}, {@code 1 GiB}. */
        String round();

        /** JVM options of the peer that a method's figure depends on (shown next to it in the report). */
        default List<String> peerOptions(String method) {
            return List.of();
        }
    }

    /**
     * What one round measured: one value, or one per measure (a percentile, a CPU time), which the report lists as
     * parameter {@code measure}.
     */
    record Sample(Map<String, Double> values) {

        static Sample of(double value) {
            return new Sample(Map.of("", value));
        }
    }

    private void run(Rounds benchmark, int warmups, int rounds) throws Exception {
        Class<?> type = benchmark.getClass();
        Description description = type.getAnnotation(Description.class);
        String unit = unit(type);
        List<Method> methods = new ArrayList<>();
        for (Method method : type.getMethods()) {
            if (method.getReturnType() == Sample.class && method.getParameterCount() == 0) {
                methods.add(method);
            }
        }
        methods.sort(Comparator.comparing(Method::getName));
        System.err.println("==> " + type.getSimpleName() + (description == null ? "" : ": " + description.value()));
        for (String value : benchmark.values(quick)) {
            benchmark.set(value);
            Map<Method, List<Sample>> samples = new LinkedHashMap<>();
            for (int round = 0; round < warmups + rounds; round++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s %s round %d/%d%s:",
                        benchmark.parameter(), value, round + 1, warmups + rounds, round < warmups ? " (warm-up)" : ""));
                for (Method method : methods) {
                    Sample sample = invoke(benchmark, method);
                    if (round >= warmups) {
                        samples.computeIfAbsent(method, m -> new ArrayList<>()).add(sample);
                    }
                    Double headline = sample.values().values().iterator().next();
                    line.append(String.format(Locale.ROOT, " %s %.4g", method.getName(), headline));
                }
                System.err.println(line);
            }
            for (Map.Entry<Method, List<Sample>> entry : samples.entrySet()) {
                for (String measure : entry.getValue().get(0).values().keySet()) {
                    double[] scores = entry.getValue().stream().mapToDouble(s -> s.values().get(measure)).toArray();
                    Map<String, String> params = new LinkedHashMap<>();
                    if (!benchmark.parameter().isEmpty()) {
                        params.put(benchmark.parameter(), value);
                    }
                    if (!measure.isEmpty()) {
                        params.put("measure", measure);
                    }
                    results.add(result(type.getName() + "." + entry.getKey().getName(), params, scores, unit,
                            benchmark.peerOptions(entry.getKey().getName()), benchmark.round(), warmups, rounds));
                }
            }
        }
    }

    private static Sample invoke(Rounds benchmark, Method method) throws Exception {
        try {
            return (Sample) method.invoke(benchmark);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** The unit of a class's scores: {@link Unit} on the class. */
    private static String unit(Class<?> type) {
        Unit unit = type.getAnnotation(Unit.class);
        if (unit == null) {
            throw new IllegalStateException(type.getName() + " has no @Unit");
        }
        return unit.value();
    }

    /** The unit of the scores of a {@link Rounds} class: {@code msg/s}, {@code GB/s}, {@code us/op}. */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
    @interface Unit {
        String value();
    }

    /** One result in JMH's JSON format. */
    private ObjectNode result(String benchmark, Map<String, String> params, double[] scores, String unit,
                              List<String> peerOptions, String round, int warmups, int rounds) {
        ObjectNode node = results.objectNode();
        node.put("jmhVersion", "harness");
        node.put("benchmark", benchmark);
        node.put("mode", unit.endsWith("/op") ? "avgt" : "thrpt");
        node.put("threads", 1);
        node.put("forks", 1);
        node.put("jvm", Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        ArrayNode jvmArgs = node.putArray("jvmArgs");
        ManagementFactory.getRuntimeMXBean().getInputArguments().forEach(jvmArgs::add);
        peerOptions.forEach(option -> jvmArgs.add("peer:" + option));
        node.put("jdkVersion", System.getProperty("java.version"));
        node.put("vmName", System.getProperty("java.vm.name"));
        node.put("vmVersion", System.getProperty("java.vm.version"));
        node.put("warmupIterations", warmups);
        node.put("warmupTime", round);
        node.put("warmupBatchSize", 1);
        node.put("measurementIterations", rounds);
        node.put("measurementTime", round);
        node.put("measurementBatchSize", 1);
        if (!params.isEmpty()) {
            ObjectNode p = node.putObject("params");
            params.forEach(p::put);
        }
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        double median = median(sorted);
        double low = sorted.length == 0 ? Double.NaN : sorted[0];
        double high = sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
        ObjectNode metric = node.putObject("primaryMetric");
        metric.put("score", median);
        metric.put("scoreError", Math.max(median - low, high - median));
        ArrayNode confidence = metric.putArray("scoreConfidence");
        confidence.add(low);
        confidence.add(high);
        metric.put("scoreUnit", unit);
        ArrayNode raw = metric.putArray("rawData").addArray();
        for (double score : scores) {
            raw.add(score);
        }
        node.putObject("secondaryMetrics");
        return node;
    }

    /** The median of {@code sorted} (ascending): the middle value, or the mean of the two middle ones. */
    static double median(double[] sorted) {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Peers and links

    /**
     * The peer processes: {@link #plain}, and {@link #fenced}, which runs with a full fence in the channel's commit
     * ({@code -Djmmap.channel.storeLoadFence=true}), the design the channel does without.
     */
    static final class Rig implements Closeable {

        static final String FENCE = "-Djmmap.channel.storeLoadFence=true";

        final ChannelPeer.Remote plain;
        final ChannelPeer.Remote fenced;
        private final List<Link> links = new ArrayList<>();
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private int next;

        Rig() throws IOException {
            plain = ChannelPeer.Remote.start("plain", List.of());
            ChannelPeer.Remote withFence;
            try {
                withFence = ChannelPeer.Remote.start("fenced", List.of(FENCE));
            } catch (IOException | RuntimeException e) {
                plain.close();
                throw e;
            }
            fenced = withFence;
        }

        /** Opens the peer's ends of {@code transport} in {@code peer} and connects this side's. */
        Link open(ChannelPeer.Remote peer, Transport transport) throws IOException {
            String id = "t" + next++;
            try {
                peer.send("open " + id + " " + transport.peerArguments());
                transport.connect();
                peer.answer();
            } catch (IOException | RuntimeException e) {
                transport.close();
                throw e;
            }
            Link link = new Link(this, peer, id, transport);
            links.add(link);
            return link;
        }

        @Override
        public void close() throws IOException {
            for (Link link : links) {
                link.transport.close();
            }
            plain.close();
            fenced.close();
        }
    }

    /** A transport open in this process and in a peer. */
    static final class Link {
        private final Rig rig;
        final ChannelPeer.Remote peer;
        final String id;
        final Transport transport;

        private Link(Rig rig, ChannelPeer.Remote peer, String id, Transport transport) {
            this.rig = rig;
            this.peer = peer;
            this.id = id;
            this.transport = transport;
        }

        /**
         * Runs the peer's command {@code command ID arguments} and {@code here} at the same time; returns the time
         * from sending the command until {@code here} ended, and the CPU time each side's thread used.
         */
        Exchange exchange(String command, String arguments, Half here) throws IOException {
            long cpu = rig.threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            peer.send(command + " " + id + (arguments.isEmpty() ? "" : " " + arguments));
            here.run();
            long nanos = System.nanoTime() - start;
            cpu = rig.threads.getCurrentThreadCpuTime() - cpu;
            String[] answer = peer.answer();
            return new Exchange(nanos, cpu, Long.parseLong(answer[0]));
        }
    }

    /** This process's half of an exchange. */
    @FunctionalInterface
    interface Half {
        void run() throws IOException;
    }

    /**
     * An exchange's elapsed time and CPU time of each side's thread, in nanoseconds.
     *
     * @param nanos   from sending the peer its command until this side's half ended
     * @param cpuHere this process's thread
     * @param cpuPeer the peer's thread, for the whole command
     */
    record Exchange(long nanos, long cpuHere, long cpuPeer) {
    }
}
