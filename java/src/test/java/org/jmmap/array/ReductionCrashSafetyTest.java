package org.jmmap.array;


import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.jmmap.ErrnoException;
import org.jmmap.MapMode;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.Test;

/**
 * Reductions over a file truncated underneath, and racing with close, in a child JVM that checks what it sees and
 * exits 0 only if it saw exactly the documented behaviour: with the JNI backend an {@link UncheckedIOException}
 * whose cause is an {@link ErrnoException} {@code EFAULT}, at once, from every reduction (whole array, along an
 * axis, on several threads); with the JNA backend HotSpot's {@link InternalError}. Never a crash.
 */
class ReductionCrashSafetyTest {

    @Test
    void truncatedUnderneathAndClosedWhileReducing() throws Exception {
        ChildJvm.assertRunsClean(Child.class, "truncated: ok", "close race: ok");
    }

    static final class Child {
        static final boolean JNA = "jna".equals(System.getProperty("jmmap.backend"));
        static volatile long sink;

        public static void main(String[] args) throws Exception {
            ChildJvm.inTemporaryDirectory("jmmap-reduce-truncated-", directory -> {
                truncated(directory.resolve("t.npy"));
                closeRace(directory.resolve("c.npy"));
            });
        }

        static void fail(String message) {
            ChildJvm.fail(message);
        }

        /** Runs {@code reduction}, which touches pages past the end of the file, and checks how it fails. */
        static void expectFault(String what, Runnable reduction) {
            try {
                reduction.run();
                for (int i = 0; i < 1000; i++) { // lets a pending asynchronous InternalError surface (JNA)
                    sink += new byte[64].length;
                }
            } catch (UncheckedIOException e) {
                if (JNA || !(e.getCause() instanceof ErrnoException)
                        || !((ErrnoException) e.getCause()).errnoName().equals("EFAULT")) {
                    fail(what + ": unexpected " + e);
                }
                return;
            } catch (InternalError e) {
                if (!JNA) {
                    fail(what + ": InternalError on the JNI backend: " + e);
                }
                return;
            }
            fail(what + ": no exception");
        }

        static void truncated(Path file) throws Exception {
            try (NpyFile npy = NpyFile.create(file, DType.FLOAT32, 4096, 1024)) {
                FloatArray a = npy.floats();
                a.fill(1f);
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(npy.header().dataOffset() + 1024 * 1024); // 256 of 4096 rows left
                }
                expectFault("sum", a::sum);
                expectFault("max, 2 threads", () -> a.parallel(2).max());
                expectFault("mean(0)", () -> a.mean(0));
                expectFault("sum(1), 3 threads", () -> a.parallel(3).sum(1));
                // what is still in the file reduces normally
                float rows = a.slice(0, 256).parallel(2).sum(1).get(255);
                if (rows != 1024f) {
                    fail("the rows left sum to " + rows);
                }
            }
            System.out.println("truncated: ok");
        }

        static void closeRace(Path file) throws Exception {
            NpyFile npy = NpyFile.create(file, DType.FLOAT64, 1 << 23);
            npy.doubles().fill(2.0);
            DoubleArray a = npy.doubles().parallel(2);
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        double sum = a.sum();
                        if (sum > 2.0 * (1 << 23)) { // a racing read sees the elements or zeros, nothing else
                            unexpected.set(new AssertionError("sum " + sum));
                        }
                    }
                } catch (IllegalStateException closed) {
                    // the mapping was closed: the documented outcome
                } catch (Throwable t) {
                    unexpected.set(t);
                }
            });
            reader.start();
            Thread.sleep(200);
            npy.close();
            reader.join(60_000);
            if (reader.isAlive() || unexpected.get() != null) {
                fail("close race: " + (reader.isAlive() ? "reader still running" : unexpected.get()));
            }
            System.out.println("close race: ok");
        }
    }
}
