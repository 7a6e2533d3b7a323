package org.jmmap.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.jmmap.MapMode;
import org.jmmap.array.DType;
import org.jmmap.array.FloatArray;
import org.jmmap.array.NpyFile;

/**
 * The weather case of the numpy memmap material: a (time, lat, lon) float32 temperature array larger than the
 * JVM's heap ({@code bench/run} starts this with {@code -Xmx256m}), written to a {@code .npy} file, its per-cell
 * mean over time and its global min and max computed over the mapped file, the throughput printed, and numpy
 * reading the same file to check the answers. The file goes to a new directory under the one given as the first
 * argument (default: {@code java.io.tmpdir}) and is deleted at the end.
 */
public final class WeatherDemo {

    private WeatherDemo() {
    }

    /**
     * Runs the demo.
     *
     * @param args the directory to write the array in (optional)
     * @throws Exception if the file cannot be written, or numpy fails or disagrees
     */
    public static void main(String[] args) throws Exception {
        Path parent = Paths.get(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        Path directory = Files.createTempDirectory(Files.createDirectories(parent), "jmmap-weather-");
        Path file = directory.resolve("temperature.npy");
        try {
            run(file);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(directory);
        }
    }

    private static void run(Path file) throws Exception {
        long time = 1460; // four readings a day for a year
        long lat = 361;   // every half degree
        long lon = 720;
        long bytes = time * lat * lon * Float.BYTES;
        System.out.printf("weather: (time, lat, lon) = (%d, %d, %d) float32, %.2f GiB; JVM heap %.0f MiB%n", time, lat,
                lon, bytes / (double) (1L << 30), Runtime.getRuntime().maxMemory() / (double) (1L << 20));

        long start = System.nanoTime();
        try (NpyFile npy = NpyFile.create(file, DType.FLOAT32, time, lat, lon)) {
            BenchArrays.fillWeather(npy.floats());
            npy.flush();
        }
        System.out.printf("  written in %.2f s%n", (System.nanoTime() - start) / 1e9);

        try (NpyFile npy = NpyFile.open(file, MapMode.READ_ONLY)) {
            FloatArray t = npy.floats();
            t.mean(0).mapping().close(); // once to have the file's pages mapped: the timings below are warm
            for (int threads = 1; threads <= 2; threads++) {
                start = System.nanoTime();
                FloatArray perCell = t.parallel(threads).mean(0);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("  per-cell mean over time, %d thread%s: %.3f s, %.1f GB/s; (lat 0, lon 0) %.3f K, "
                                + "equator %.3f K%n", threads, threads == 1 ? "" : "s", seconds, bytes / seconds / 1e9,
                        perCell.get(0, 0), perCell.get(lat / 2, 0));
                perCell.mapping().close();
            }
            start = System.nanoTime();
            float min = t.parallel(2).min();
            float max = t.parallel(2).max();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("  global min %.3f K, max %.3f K: %.3f s for both, %.1f GB/s%n", min, max, seconds,
                    2 * bytes / seconds / 1e9);

            FloatArray perCell = t.mean(0);
            String numpy = numpy(file);
            String[] values = numpy.split(" ");
            System.out.printf("  numpy, same file (np.load(mmap_mode='r')): mean(axis=0) in %s s, %.1f GB/s; (0, 0) "
                            + "%s K, equator %s K, min %s K, max %s K%n", values[0],
                    bytes / Double.parseDouble(values[0]) / 1e9, values[1], values[2], values[3], values[4]);
            // numpy accumulates the means in float32, jmmap in double: they agree to a few thousandths of a kelvin
            boolean same = Math.abs(Float.parseFloat(values[1]) - perCell.get(0, 0)) < 1e-2
                    && Math.abs(Float.parseFloat(values[2]) - perCell.get(lat / 2, 0)) < 1e-2
                    && Float.parseFloat(values[3]) == min && Float.parseFloat(values[4]) == max;
            perCell.mapping().close();
            if (!same) {
                throw new IllegalStateException("numpy's answers differ from jmmap's");
            }
            System.out.println("  numpy agrees");
        }
    }

    /** numpy's answers for the same file, and its time for mean(axis=0), as one line. */
    private static String numpy(Path file) throws IOException, InterruptedException {
        String script = String.join("\n",
                "import sys, time",
                "import numpy as np",
                "a = np.load(sys.argv[1], mmap_mode='r')",
                "a.mean(axis=0)",
                "t = time.perf_counter()",
                "m = a.mean(axis=0)",
                "t = time.perf_counter() - t",
                "print('%.3f %.3f %.3f %r %r' % (t, m[0, 0], m[a.shape[1] // 2, 0], float(a.min()), float(a.max())))");
        List<String> command = new ArrayList<>(List.of(System.getProperty("jmmap.bench.python", "python3"), "-c",
                script, file.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("OPENBLAS_CORETYPE");
        builder.environment().remove("OPENBLAS_L2_SIZE");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0) {
            throw new IOException("numpy failed: " + output);
        }
        return output;
    }
}
