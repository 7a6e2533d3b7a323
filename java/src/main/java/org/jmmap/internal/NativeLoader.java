package org.jmmap.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads libjmmap.so: from {@code -Djmmap.library.path} (a directory holding it, or the file itself) when that is
 * set, otherwise from the jar ({@code /native/linux-<arch>/libjmmap.so}), extracted into a private temporary
 * directory that is deleted as soon as the library is loaded.
 */
final class NativeLoader {

    static final String LIBRARY_PATH_PROPERTY = "jmmap.library.path";
    static final String LIBRARY_FILE = "libjmmap.so";

    private NativeLoader() {
    }

    /** The resource path of the library for the running platform, e.g. {@code /native/linux-x86_64/libjmmap.so}. */
    static String resourcePath() {
        return "/native/" + platform() + "/" + LIBRARY_FILE;
    }

    /** {@code linux-x86_64}, {@code linux-aarch64}, ... */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (arch.equals("amd64")) {
            arch = "x86_64";
        } else if (arch.equals("arm64")) {
            arch = "aarch64";
        }
        return (os.startsWith("linux") ? "linux" : os.replace(' ', '_')) + "-" + arch;
    }

    /**
     * Loads the library once. Throws {@link UnsatisfiedLinkError} saying what was tried; each failed attempt is a
     * suppressed exception of it.
     */
    static void load() {
        List<Throwable> failures = new ArrayList<>();
        String configured = System.getProperty(LIBRARY_PATH_PROPERTY);
        if (configured != null && !configured.isEmpty()) {
            Path path = Paths.get(configured);
            Path file = Files.isDirectory(path) ? path.resolve(LIBRARY_FILE) : path;
            try {
                System.load(file.toAbsolutePath().toString());
                return;
            } catch (UnsatisfiedLinkError e) {
                UnsatisfiedLinkError error = new UnsatisfiedLinkError(
                        "cannot load " + file + " (from -D" + LIBRARY_PATH_PROPERTY + "=" + configured + "): "
                                + e.getMessage());
                error.initCause(e);
                throw error;
            }
        }
        try {
            loadFromJar();
            return;
        } catch (IOException | UnsatisfiedLinkError e) {
            failures.add(e);
        }
        UnsatisfiedLinkError error = new UnsatisfiedLinkError("cannot load libjmmap.so for " + platform()
                + ": not found at the resource " + resourcePath() + " and -D" + LIBRARY_PATH_PROPERTY
                + " is not set");
        failures.forEach(error::addSuppressed);
        throw error;
    }

    private static void loadFromJar() throws IOException {
        String resource = resourcePath();
        try (InputStream in = NativeLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no resource " + resource + " on the class path");
            }
            Path directory = Files.createTempDirectory("jmmap-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path file = directory.resolve(LIBRARY_FILE);
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toString());
            } finally {
                // The loaded library stays mapped; its file is no longer needed.
                Files.deleteIfExists(file);
                Files.deleteIfExists(directory);
            }
        }
    }
}
