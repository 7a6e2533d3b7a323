package org.jmmap.bench;

/** Stands for a throughput benchmark with two parameter sets and no description in the report tests. */
public class FixtureThroughputBenchmark {

    @Baseline
    public void scan_buffer() {
    }

    public void scan_mapping() {
    }

    public void scan_jmmapWindows() {
    }
}
