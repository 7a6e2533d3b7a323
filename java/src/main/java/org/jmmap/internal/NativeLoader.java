package org.jmmap.internal;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Loads libjmmap.so: from {@code -Djmmap.library.path} (a directory holding it, or the file itself) when that is
 * set, otherwise from the jar ({@code /native/<platform>/libjmmap.so}, the platform named after {@code os.name} and
 * {@code os.arch}: {@code linux-x86_64}, {@code linux-aarch64}; read from the jar that holds this class, or found by
 * the class loader), extracted into a private temporary directory that is deleted as soon as the library is loaded.
 */
final class NativeLoader {

    static final String LIBRARY_PATH_PROPERTY = "jmmap.library.path";
    static final String LIBRARY_FILE = "libjmmap.so";
    /** The platforms whose library the jar carries when its build had their compilers. */
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

    /**
     * A new directory under {@code java.io.tmpdir} that only this user can enter, made by one {@code mkdir}. Not
     * {@code Files.createTempDirectory}: its random name comes from {@code SecureRandom}, whose first use starts the
     * security providers (tens of milliseconds of the first mapping of a JVM). A name that exists already, whoever
     * made it, is skipped; {@code mkdir} neither follows nor reuses anything at the path, so a guessed name gains an
     * attacker nothing.
     */
    private static Path createPrivateDirectory() throws IOException {
        Path temporary = Paths.get(System.getProperty("java.io.tmpdir"));
        FileAttribute<Set<PosixFilePermission>> ownerOnly =
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        String pid;
        try { // from /proc/self: ProcessHandle.current() would start the JDK's process reaper threads
            pid = Files.readSymbolicLink(Paths.get("/proc/self")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            pid = "java"; // no /proc: the name only has to be new
        }
        long stamp = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            Path directory = temporary.resolve("jmmap-" + pid + "-" + Long.toHexString(stamp + attempt));
            try {
                return Files.createDirectory(directory, ownerOnly);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 99) {
                    throw e;
                }
            }
        }
    }

    private static void loadFromJar() throws IOException {
        String resource = resourcePath();
        try (InputStream in = openLibrary(resource)) {
            if (in == null) {
                List<String> carried = carriedPlatforms();
                throw new IOException("not on the class path, which carries "
                        + (carried.isEmpty() ? "no jmmap native library" : "the library for " + carried));
            }
            Path directory = createPrivateDirectory();
            Path file = directory.resolve(LIBRARY_FILE);
            try {
                // A FileOutputStream rather than Files.copy, whose channel classes a JVM has not loaded yet; the
                // directory is new and only this user can enter it, so the file cannot exist already.
                try (OutputStream out = new FileOutputStream(file.toFile())) {
                    in.transferTo(out);
                }
                System.load(file.toString());
            } finally {
                // The loaded library stays mapped; its file is no longer needed.
                Files.deleteIfExists(file);
                Files.deleteIfExists(directory);
            }
        }
    }

    /**
     * The library's bytes: from the jar or directory that holds this class (the library built with it), else from
     * wherever the class loader finds {@code resource}; null if neither has it. The first is read directly:
     * {@code getResourceAsStream}, the first time a JVM calls it, searches every module of the runtime image before
     * the class path (about a quarter of the time a JVM takes to load jmmap).
     */
    static InputStream openLibrary(String resource) throws IOException {
        Path source = codeSource();
        String entry = resource.substring(1);
        if (source != null && Files.isDirectory(source)) {
            Path file = source.resolve(entry);
            if (Files.isRegularFile(file)) {
                return new FileInputStream(file.toFile());
            }
        } else if (source != null && Files.isRegularFile(source)) {
            ZipFile jar = new ZipFile(source.toFile()); // shares the class loader's open copy of the jar
            ZipEntry library = jar.getEntry(entry);
            if (library != null) {
                return new FilterInputStream(jar.getInputStream(library)) {
                    @Override
                    public void close() throws IOException {
                        try {
                            super.close();
                        } finally {
                            jar.close();
                        }
                    }
                };
            }
            jar.close();
        }
        return NativeLoader.class.getResourceAsStream(resource);
    }

    /** The jar or directory this class was loaded from, when it is a local file; otherwise null. */
    private static Path codeSource() {
        try {
            CodeSource code = NativeLoader.class.getProtectionDomain().getCodeSource();
            URL location = code == null ? null : code.getLocation();
            return location != null && location.getProtocol().equals("file") ? Paths.get(location.toURI()) : null;
        } catch (URISyntaxException | RuntimeException e) { // a URL that names no path: use the class loader
            return null;
        }
    }
}
