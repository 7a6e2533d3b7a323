package org.jmmap.bench;

/** Stands for a benchmark class in the report tests: the annotations are what the report reads. */
@Description("Fixture: one read and one write per operation; time per operation")
public class FixtureBenchmark {

    @Baseline
    public void read_buffer() {
    }

    @SpeedTarget(min = 1.0)
    @SpeedTarget(min = 0.95, against = "read_ffm")
    public void read_mapping() {
    }

    public void read_ffm() {
    }

    public void read_jna() {
    }

    @Baseline
    public void write_buffer() {
    }

    public void write_mapping() {
    }

    public void lonely() {
    }
}
