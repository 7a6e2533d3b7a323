package org.jmmap.internal;

import java.lang.System.Logger.Level;

/**
 * Chooses the backend once per JVM: {@code -Djmmap.backend=jni|jna} forces one; otherwise the JNI backend, and the
 * JNA backend if libjmmap.so cannot be loaded and JNA is on the class path. When neither works, every jmmap call
 * fails with an {@link UnsatisfiedLinkError} that says what was tried.
 */
public final class Backends {

    /** System property that forces a backend: {@code jni} or {@code jna}. */
    public static final String BACKEND_PROPERTY = "jmmap.backend";

    private Backends() {
    }

    /** The backend of this JVM. */
    public static Backend get() {
        return Holder.BACKEND;
    }

    private static final class Holder {
        static final Backend BACKEND = choose();
    }

    private static Backend choose() {
        String forced = System.getProperty(BACKEND_PROPERTY, "");
        switch (forced) {
            case "jni":
                return jni();
            case "jna":
                return jna();
            case "":
                break;
            default:
                throw new IllegalArgumentException(
                        "-D" + BACKEND_PROPERTY + "=" + forced + ": expected jni or jna");
        }
        try {
            return jni();
        } catch (UnsatisfiedLinkError jniFailure) {
            if (!isJnaPresent()) {
                UnsatisfiedLinkError error = new UnsatisfiedLinkError(jniFailure.getMessage()
                        + "; no fallback either: JNA (net.java.dev.jna:jna) is not on the class path");
                error.initCause(jniFailure);
                throw error;
            }
            try {
                Backend fallback = jna();
                System.getLogger("org.jmmap").log(Level.WARNING,
                        "jmmap uses its JNA backend because libjmmap.so could not be loaded: "
                                + jniFailure.getMessage());
                return fallback;
            } catch (UnsatisfiedLinkError | RuntimeException jnaFailure) {
                jniFailure.addSuppressed(jnaFailure);
                throw jniFailure;
            }
        }
    }

    /** Whether JNA is on the class path; checked before {@link JnaBackend}, which needs it, is loaded. */
    static boolean isJnaPresent() {
        try {
            Class.forName("com.sun.jna.Native", false, Backends.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static Backend jni() {
        NativeLoader.load();
        return new JniBackend();
    }

    private static Backend jna() {
        if (!isJnaPresent()) {
            throw new UnsatisfiedLinkError("-D" + BACKEND_PROPERTY
                    + "=jna needs JNA (net.java.dev.jna:jna) on the class path");
        }
        return JnaBackend.create();
    }
}
