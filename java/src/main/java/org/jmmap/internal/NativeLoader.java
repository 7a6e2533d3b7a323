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
 * set, otherwise from the jar ({@code /native/<platform>/libjmmap.so}, the platform named after {@code os.name} and
 * {@code os.arch}: {@code linux-x86_64}, {@code linux-aarch64}), extracted into a private temporary directory that is
 * deleted as soon as the library is loaded.
 */
final class NativeLoader {

    static final String LIBRARY_PATH_PROPERTY = "jmmap.library.path";
    static final String LIBRARY_FILE = "libjmmap.so";
    /** The platforms the jar carries a library for (when its build had their compilers), in the order tried. */
    static final List<String> PLATFORMS = List.of("linux-x86_64", "linux-aarch64");

    private NativeLoader() {
    }

    /** The resource path of the library for the running platform, e.g. {@code /native/linux-x86_64/libjmmap.so}. */
    static String resourcePath() {
        return resourcePath(platform());
    }

    static String resourcePath(String platform) {
        return "/native/" + platform + "/" + LIBRARY_FILE;
    }

    /** The running platform: {@code linux-x86_64}, {@code linux-aarch64}, ... */
    static String platform() {
        return platform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /**
     * {@code os.name}-{@code os.arch}, lower case, with the names the JDKs use for one architecture made one:
     * {@code amd64} and {@code x86_64} are {@code x86_64}, {@code aarch64} and {@code arm64} are {@code aarch64}.
     */
    static String platform(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        if (arch.equals("amd64")) {
            arch = "x86_64";
        } else if (arch.equals("arm64")) {
            arch = "aarch64";
        }
        return (os.startsWith("linux") ? "linux" : os.replace(' ', '_')) + "-" + arch;
    }

    /** The platforms whose library the class path carries. */
    static List<String> carriedPlatforms() {
        List<String> carried = new ArrayList<>();
        for (String platform : PLATFORMS) {
            if (NativeLoader.class.getResource(resourcePath(platform)) != null) {
                carried.add(platform);
            }
        }
        return carried;
    }

    /**
     * Loads the library once. Throws {@link UnsatisfiedLinkError} naming the platform and saying what was tried and
     * why it failed; each failed attempt is a suppressed exception of it.
     */
    static void load() {
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
        Throwable failure;
        try {
            loadFromJar();
            return;
        } catch (IOException | UnsatisfiedLinkError e) {
            failure = e;
        }
        UnsatisfiedLinkError error = new UnsatisfiedLinkError("cannot load " + LIBRARY_FILE + " for platform="
                + platform() + " (os.name=" + System.getProperty("os.name") + " os.arch="
                + System.getProperty("os.arch") + "): tried the resource " + resourcePath() + ": "
                + failure.getMessage() + "; -D" + LIBRARY_PATH_PROPERTY + " is not set");
        error.addSuppressed(failure);
        throw error;
    }

    private static void loadFromJar() throws IOException {
        String resource = resourcePath();
        try (InputStream in = NativeLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                List<String> carried = carriedPlatforms();
                throw new IOException("not on the class path, which carries "
                        + (carried.isEmpty() ? "no jmmap native library" : "the library for " + carried));
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
