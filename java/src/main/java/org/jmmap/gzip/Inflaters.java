package org.jmmap.gzip;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.Inflater;

/**
 * A pool of raw (no zlib or gzip wrapper) inflaters shared by threads; it holds as many as were ever in use at
 * once. {@link #close()} frees their native memory; no thread may still be inflating.
 */
final class Inflaters implements AutoCloseable {

    private final ConcurrentLinkedQueue<Inflater> idle = new ConcurrentLinkedQueue<>();
    private final List<Inflater> all = new ArrayList<>();
    private boolean closed;

    /** An idle inflater, or a new one. */
    Inflater take() {
        Inflater inflater = idle.poll();
        if (inflater == null) {
            inflater = new Inflater(true);
            synchronized (all) {
                if (closed) {
                    inflater.end();
                    throw new IllegalStateException("closed");
                }
                all.add(inflater);
            }
        }
        return inflater;
    }

    /** Returns an inflater taken before. */
    void give(Inflater inflater) {
        idle.add(inflater);
    }

    @Override
    public void close() {
        synchronized (all) {
            closed = true;
            for (Inflater inflater : all) {
                inflater.end();
            }
            all.clear();
        }
        idle.clear();
    }
}
