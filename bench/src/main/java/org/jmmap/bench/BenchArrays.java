package org.jmmap.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.jmmap.Advice;
import org.jmmap.MapMode;
import org.jmmap.array.DType;
import org.jmmap.array.DoubleArray;
import org.jmmap.array.FloatArray;
import org.jmmap.array.LongArray;
import org.jmmap.array.NpyFile;
import org.jmmap.array.NpyHeader;

/**
 * The {@code .npy} files of the array benchmarks, in {@link BenchFiles#directory()}: written once (pseudo-random
 * values, through jmmap) and reused by every fork, as {@link BenchFiles#dataFile} does for raw files.
 */
final class BenchArrays {

    /** (time, lat, lon) of the weather array: 4 GiB of float32. */
    static final long[] WEATHER = {2048, 512, 1024};

    private BenchArrays() {
    }

    /** The file {@code name.npy} with {@code header}'s dtype and shape, written by {@code fill} if missing. */
    private static Path npy(String name, NpyHeader header, Filler fill) throws IOException {
        Path file = BenchFiles.directory().resolve(name + ".npy");
        if (Files.isRegularFile(file)) {
            NpyHeader existing = NpyHeader.read(file);
            if (existing.descr().equals(header.descr()) && Arrays.equals(existing.shape(), header.shape())) {
                return file;
            }
            Files.delete(file);
        }
        Path partial = BenchFiles.directory().resolve(name + ".partial.npy");
        Files.deleteIfExists(partial);
        try (NpyFile npy = NpyFile.create(partial, header)) {
            fill.fill(npy);
            npy.flush();
        }
        Files.move(partial, file);
        return file;
    }

    @FunctionalInterface
    private interface Filler {
        void fill(NpyFile npy) throws IOException;
    }

    /** xorshift64*, as {@link BenchFiles} uses. */
    private static long next(long state) {
        state ^= state >>> 12;
        state ^= state << 25;
        return state ^ state >>> 27;
    }

    /** A 1-d float64 array of {@code bytes / 8} values in [-1, 1). */
    static Path float64(long bytes) throws IOException {
        return npy("float64-" + bytes, NpyHeader.of(DType.FLOAT64, bytes / 8), npy -> {
            DoubleArray a = npy.doubles();
            double[] block = new double[1 << 20];
            long state = 0x9E3779B97F4A7C15L;
            for (long at = 0; at < a.size(); at += block.length) {
                int count = (int) Math.min(block.length, a.size() - at);
                for (int i = 0; i < count; i++) {
                    state = next(state);
                    block[i] = ((state * 0x2545F4914F6CDD1DL) >>> 11) * 0x1p-52 - 1.0;
                }
                a.copyFrom(at, block, 0, count);
            }
        });
    }

    /** A 2-d float64 array of (bytes / 8 / columns, columns). */
    static Path float64Rows(long bytes, long columns) throws IOException {
        return npy("float64-rows-" + bytes, NpyHeader.of(DType.FLOAT64, bytes / 8 / columns, columns), npy -> {
            DoubleArray a = npy.doubles();
            double[] row = new double[(int) columns];
            for (long r = 0; r < a.shape()[0]; r++) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = (r % 1000) * 0.001 + j;
                }
                a.copyFrom(r * columns, row, 0, row.length);
            }
        });
    }

    /** A 1-d int64 array of {@code bytes / 8} values. */
    static Path int64(long bytes) throws IOException {
        return npy("int64-" + bytes, NpyHeader.of(DType.INT64, bytes / 8), npy -> {
            LongArray a = npy.longs();
            long[] block = new long[1 << 20];
            long state = 0x2545F4914F6CDD1DL;
            for (long at = 0; at < a.size(); at += block.length) {
                int count = (int) Math.min(block.length, a.size() - at);
                for (int i = 0; i < count; i++) {
                    state = next(state);
                    block[i] = state;
                }
                a.copyFrom(at, block, 0, count);
            }
        });
    }

    /**
     * A synthetic weather field {@link #WEATHER}: float32 temperatures in kelvin, colder towards the poles, with a
     * yearly cycle and noise.
     */
    static Path weather() throws IOException {
        return npy("weather", NpyHeader.of(DType.FLOAT32, WEATHER), npy -> fillWeather(npy.floats()));
    }

    /** Fills a (time, lat, lon) float32 array with temperatures, one time step at a time. */
    static void fillWeather(FloatArray a) {
        long[] shape = a.shape();
        int lat = (int) shape[1];
        int lon = (int) shape[2];
        float[] step = new float[lat * lon];
        long state = 42;
        for (long t = 0; t < shape[0]; t++) {
            double season = 10 * Math.sin(2 * Math.PI * t / Math.max(1, shape[0]));
            for (int y = 0; y < lat; y++) {
                double latitude = -90 + 180.0 * y / Math.max(1, lat - 1);
                double base = 300 - 0.5 * Math.abs(latitude) + (latitude >= 0 ? season : -season);
                for (int x = 0; x < lon; x++) {
                    state = next(state);
                    step[y * lon + x] = (float) (base + ((state >>> 40) & 0xffff) / 65536.0 * 4 - 2);
                }
            }
            a.copyFrom(t * step.length, step, 0, step.length);
        }
    }

    /** Opens {@code file} read-only with its page tables filled, as the numpy worker's memmap has them after a pass. */
    static NpyFile openWarm(Path file) throws IOException {
        NpyFile npy = NpyFile.open(file, MapMode.READ_ONLY);
        npy.mapping().advise(Advice.POPULATE_READ);
        return npy;
    }
}
