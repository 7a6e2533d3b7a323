package org.jmmap.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jmmap.ErrnoException;

/**
 * How a child JVM reports what its calls ended with: one {@code outcome name=result} line per call, where result is
 * {@code ok}, the errno name of an {@link ErrnoException}, {@code SimpleName/ERRNO} for a JDK exception whose cause
 * is an ErrnoException (such as {@code AccessDeniedException/EACCES}), or the class and message of anything else.
 */
public final class Outcomes {

    private static final String PREFIX = "outcome ";

    /** A call that may throw. */
    @FunctionalInterface
    public interface Call {
        void run() throws Exception;
    }

    private Outcomes() {
    }

    /** Runs {@code call} and prints its outcome line. */
    public static void report(String name, Call call) {
        System.out.println(PREFIX + name + "=" + of(call));
    }

    /** What {@code call} ended with. */
    public static String of(Call call) {
        try {
            call.run();
            return "ok";
        } catch (ErrnoException e) {
            return e.errnoName();
        } catch (Exception e) {
            if (e.getCause() instanceof ErrnoException) {
                return e.getClass().getSimpleName() + "/" + ((ErrnoException) e.getCause()).errnoName();
            }
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    /** The outcome lines of a child's output, by name. */
    public static Map<String, String> parse(String output) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int equals = line.indexOf('=');
            if (line.startsWith(PREFIX) && equals > 0) {
                outcomes.put(line.substring(PREFIX.length(), equals), line.substring(equals + 1).trim());
            }
        }
        return outcomes;
    }
}
