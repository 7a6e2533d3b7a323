package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar as a module ({@code org.jmmap}) on the module path, the way a modular application uses it: a small module
 * that requires {@code org.jmmap} compiles against the exported packages and runs (native library included, and on
 * JDK 22+ without a native-access warning when given {@code --enable-native-access=org.jmmap}); a class that imports
 * {@code org.jmmap.internal} does not compile, and reflection into it is refused at run time.
 */
class ModulePathIT {

    @TempDir
    Path work;

    private static final String MODULE_INFO = "module example { requires org.jmmap; }\n";

    private static final String MAIN = String.join("\n",
            "package example;",
            "",
            "import java.nio.file.Path;",
            "import org.jmmap.*;",
            "import org.jmmap.array.*;",
            "import org.jmmap.lock.*;",
            "import org.jmmap.sync.*;",
            "",
            "public final class Main {",
            "    public static void main(String[] args) throws Exception {",
            "        Path dir = Path.of(args[0]);",
            "        try (Mapping m = Mapping.map(dir.resolve(\"data.bin\"), MapMode.READ_WRITE, 0, 1 << 20)) {",
            "            m.putLong(4096, 42);",
            "            SharedMutex mutex = SharedMutex.at(m, 0);",
            "            mutex.lock();",
            "            mutex.unlock();",
            "            System.out.println(\"mapping \" + m.getLong(4096) + \" pages \" + m.residentPages(0, 8192));",
            "        }",
            "        String name = \"jmmap-module-\" + ProcessHandle.current().pid();",
            "        try (Mapping shm = SharedMemory.create(name, 4096)) {",
            "            shm.putInt(0, 7);",
            "        } finally {",
            "            SharedMemory.unlink(name);",
            "        }",
            "        try (Flock lock = Flock.acquire(dir.resolve(\"lock\"), LockMode.EXCLUSIVE)) {",
            "            System.out.println(\"flock held\");",
            "        }",
            "        try (NpyFile npy = NpyFile.create(dir.resolve(\"a.npy\"), DType.FLOAT64, 4)) {",
            "            npy.doubles().set(3, 1.5);",
            "            System.out.println(\"npy \" + npy.doubles().sum());",
            "        }",
            "        try {",
            "            Class<?> backends = Class.forName(\"org.jmmap.internal.Backends\");",
            "            backends.getMethod(\"get\").invoke(null);",
            "            System.out.println(\"internal reachable\");",
            "        } catch (IllegalAccessException expected) {",
            "            System.out.println(\"internal refused\");",
            "        }",
            "    }",
            "}",
            "");

    private static final String SNEAKY = String.join("\n",
            "package example;",
            "",
            "final class Sneaky {",
            "    Object backend() {",
            "        return org.jmmap.internal.Backends.get();",
            "    }",
            "}",
            "");

    private static Path jar() {
        Path jar = Paths.get(System.getProperty("jmmap.jar", ""));
        assertTrue(Files.isRegularFile(jar), "jmmap.jar=" + jar + " (set by the build)");
        return jar;
    }

    /** Compiles {@code sources} as module {@code example}; returns the diagnostics, empty on success. */
    private static String compile(Path source, Path classes, List<Path> sources) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            StringWriter out = new StringWriter();
            List<String> options = List.of("--release", "17", "--module-path", jar().toString(),
                    "-d", classes.toString());
            boolean ok = javac.getTask(out, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            String text = diagnostics.getDiagnostics().stream().map(d -> d.getMessage(null))
                    .collect(Collectors.joining("\n")) + out;
            return ok ? "" : text.isEmpty() ? "failed" : text;
        }
    }

    private Path write(String relative, String text) throws IOException {
        Path file = work.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    void aModuleUsesTheApiAndCannotReachTheInternals() throws Exception {
        Path moduleInfo = write("src/module-info.java", MODULE_INFO);
        Path main = write("src/example/Main.java", MAIN);
        Path classes = work.resolve("classes");
        assertEquals("", compile(work.resolve("src"), classes, List.of(moduleInfo, main)));

        Path sneaky = write("src/example/Sneaky.java", SNEAKY);
        String refused = compile(work.resolve("src"), work.resolve("sneaky"), List.of(moduleInfo, main, sneaky));
        assertTrue(refused.contains("org.jmmap.internal"), "compiling against org.jmmap.internal: " + refused);
        assertTrue(refused.contains("not visible") || refused.contains("does not export"), refused);

        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=org.jmmap");
        }
        command.addAll(List.of("--module-path", jar() + java.io.File.pathSeparator + classes,
                "--module", "example/example.Main", work.toString()));
        Path output = work.resolve("output.txt");
        Path errors = work.resolve("errors.txt");
        Process process = new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(errors.toFile())
                .start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "timed out");
        String out = Files.readString(output);
        String err = Files.readString(errors);
        assertEquals(0, process.exitValue(), out + err);
        assertEquals(List.of("mapping 42 pages 2", "flock held", "npy 1.5", "internal refused"),
                List.of(out.split("\n")), err);
        assertFalse(err.contains("WARNING"), "no warning on the module path with native access granted: " + err);
    }
}
