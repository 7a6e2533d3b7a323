package org.jmmap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.jmmap.Mapping;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a JVM finds libjmmap.so, and what it says when it cannot. Each case needs a fresh JVM, since the backend is
 * chosen once per JVM.
 */
class NativeLoaderTest {

    /** These tests concern the default (JNI) backend and the choice of backend; they do not apply under -Djmmap.backend. */
    @BeforeAll
    static void defaultBackendOnly() {
        assumeFalse(System.getProperty(Backends.BACKEND_PROPERTY) != null, "backend forced");
    }

    @TempDir
    Path directory;

    /** Prints the backend in use after mapping some memory, or the failure; exit status 0 either way. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            try (Mapping m = Mapping.anonymous(4096)) {
                m.putLong(0, 42);
                System.out.println("backend=" + Backends.get().name() + " value=" + m.getLong(0));
                System.out.println("loader=" + NativeLoader.class.getProtectionDomain().getCodeSource().getLocation());
            } catch (Throwable t) {
                for (Throwable cause = t; cause != null; cause = cause.getCause()) {
                    System.out.println("failed=" + cause);
                }
            }
        }
    }

    private static ChildJvm.Result probe(String... options) throws Exception {
        ChildJvm.Result result = ChildJvm.of(Probe.class).jvmOptions(options).timeoutSeconds(60).run();
        assertEquals(0, result.exitStatus, result.toString());
        return result;
    }

    /** The library is extracted from the class path into a private directory that is gone once it is loaded. */
    @Test
    void extractsAndCleansUp() throws Exception {
        ChildJvm.Result result = probe("-Djava.io.tmpdir=" + directory);
        assertTrue(result.output.contains("backend=jni value=42"), result.toString());
        try (Stream<Path> left = Files.list(directory)) {
            assertEquals(0, left.filter(p -> p.getFileName().toString().startsWith("jmmap-")).count());
        }
    }

    /**
     * From a jar, the library is read from the jar that holds the classes (not looked up through the class loader);
     * when that jar lacks it, the class loader finds it elsewhere on the class path.
     */
    @Test
    void extractsFromTheJarHoldingTheClasses() throws Exception {
        Path classes = Paths.get(NativeLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assumeFalse(!Files.isDirectory(classes), "the tests run from a jar already");
        for (boolean withLibrary : new boolean[] {true, false}) {
            Path jar = directory.resolve(withLibrary ? "jmmap.jar" : "jmmap-classes-only.jar");
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                 Stream<Path> files = Files.walk(classes)) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    String name = classes.relativize(file).toString();
                    if (withLibrary || !name.startsWith("native/")) {
                        out.putNextEntry(new JarEntry(name));
                        Files.copy(file, out);
                        out.closeEntry();
                    }
                }
            }
            Path temporary = Files.createDirectory(directory.resolve("tmp-" + withLibrary));
            ChildJvm.Result result = ChildJvm.of(Probe.class).classPathFirst(jar)
                    .jvmOptions("-Djava.io.tmpdir=" + temporary).timeoutSeconds(60).run();
            assertEquals(0, result.exitStatus, result.toString());
            assertTrue(result.output.contains("backend=jni value=42"), result.toString());
            assertTrue(result.output.contains("loader=file:" + jar), "the classes came from the jar: " + result);
            try (Stream<Path> left = Files.list(temporary)) {
                assertEquals(0, left.count(), "nothing left in java.io.tmpdir");
            }
        }
    }

    /** -Djmmap.library.path may name the directory holding libjmmap.so, or the file. */
    @Test
    void loadsFromLibraryPath() throws Exception {
        Path library = Paths.get(NativeLoader.class.getResource(NativeLoader.resourcePath()).toURI());
        for (Path configured : new Path[] {library.getParent(), library}) {
            ChildJvm.Result result = probe("-Djmmap.library.path=" + configured, "-Djmmap.backend=jni");
            assertTrue(result.output.contains("backend=jni value=42"), result.toString());
        }
    }

    /** A wrong library path with the JNI backend forced fails with an error naming the path. */
    @Test
    void wrongLibraryPathIsReported() throws Exception {
        Path missing = directory.resolve("nowhere");
        ChildJvm.Result result = probe("-Djmmap.library.path=" + missing, "-Djmmap.backend=jni");
        assertTrue(result.output.contains("failed=java.lang.UnsatisfiedLinkError"), result.toString());
        assertTrue(result.output.contains(missing.toString()), result.toString());
    }

    /** Without a usable libjmmap.so the JNA backend takes over when JNA is on the class path, with a warning. */
    @Test
    void fallsBackToJna() throws Exception {
        ChildJvm.Result result = probe("-Djmmap.library.path=" + directory.resolve("nowhere"));
        assertTrue(result.output.contains("backend=jna value=42"), result.toString());
        assertTrue(result.output.contains("JNA backend"), "the fallback is announced: " + result);
    }

    /** -Djmmap.backend accepts jni and jna only. */
    @Test
    void unknownBackendIsRejected() throws Exception {
        ChildJvm.Result result = probe("-Djmmap.backend=ffm");
        assertTrue(result.output.contains("jmmap.backend=ffm"), result.toString());
        assertTrue(probe("-Djmmap.backend=jna").output.contains("backend=jna value=42"));
    }

    /** The platform directory inside the jar follows os.name/os.arch naming; each JDK's name for an arch is one. */
    @Test
    void platformNaming() {
        assertTrue(NativeLoader.resourcePath().matches("/native/linux-[a-z0-9_]+/libjmmap\\.so"),
                NativeLoader.resourcePath());
        assertEquals("linux-x86_64", NativeLoader.platform("Linux", "amd64"));
        assertEquals("linux-x86_64", NativeLoader.platform("Linux", "x86_64"));
        assertEquals("linux-aarch64", NativeLoader.platform("Linux", "aarch64"));
        assertEquals("linux-aarch64", NativeLoader.platform("Linux", "arm64"));
        assertEquals("mac_os_x-aarch64", NativeLoader.platform("Mac OS X", "aarch64"));
        assertEquals("/native/linux-aarch64/libjmmap.so", NativeLoader.resourcePath("linux-aarch64"));
    }

    /** The class path carries the running platform's library, and linux-aarch64's when the build had to make it. */
    @Test
    void carriesTheLibraries() {
        assertTrue(NativeLoader.carriedPlatforms().contains(NativeLoader.platform()), NativeLoader.platform());
        // -Pnative-aarch64 (CI, release) sets it to required; without a cross compiler it is skipped.
        if ("required".equals(System.getProperty("jmmap.native.aarch64"))) {
            assertTrue(NativeLoader.carriedPlatforms().contains("linux-aarch64"),
                    "carried=" + NativeLoader.carriedPlatforms());
        }
    }

    /** On a platform without a library the error names the platform, the resource tried and what is there. */
    @Test
    void unsupportedPlatformIsNamed() throws Exception {
        ChildJvm.Result result = probe("-Dos.arch=riscv64", "-Djmmap.backend=jni");
        assertTrue(result.output.contains("failed=java.lang.UnsatisfiedLinkError: cannot load libjmmap.so for "
                + "platform=linux-riscv64 (os.name=Linux os.arch=riscv64): tried the resource "
                + "/native/linux-riscv64/libjmmap.so: not on the class path, which carries the library for "
                + NativeLoader.carriedPlatforms() + "; -Djmmap.library.path is not set"), result.toString());
    }

    /** Each library is for its own platform: another platform's, chosen by a wrong os.arch, does not load. */
    @Test
    void anotherPlatformsLibraryDoesNotLoad() throws Exception {
        List<String> others = new ArrayList<>(NativeLoader.carriedPlatforms());
        others.remove(NativeLoader.platform());
        assumeFalse(others.isEmpty(), "the class path carries no other platform's library");
        for (String other : others) {
            String arch = other.substring("linux-".length());
            ChildJvm.Result result = probe("-Dos.arch=" + arch, "-Djmmap.backend=jni");
            assertTrue(result.output.contains("failed=java.lang.UnsatisfiedLinkError: cannot load libjmmap.so for "
                    + "platform=" + other + " (os.name=Linux os.arch=" + arch + "): tried the resource "
                    + NativeLoader.resourcePath(other) + ": "), result.toString());
            assertFalse(result.output.contains("backend=jni"), result.toString());
        }
    }
}
