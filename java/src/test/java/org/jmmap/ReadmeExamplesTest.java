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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the README is a complete example: its own imports, no placeholders. This test
 * compiles each one (imports first, the rest as the body of a {@code main}) against the library, runs it in a child
 * JVM from an empty directory, and checks that it exits with status 0 and leaves no POSIX shared memory behind. So
 * the README cannot drift from the API.
 */
class ReadmeExamplesTest {

    private static final Pattern BLOCK = Pattern.compile("(?m)^```java\\n(.*?)^```", Pattern.DOTALL);
    private static final Pattern STRING_LITERAL = Pattern.compile("\"([A-Za-z0-9_./-]+)\"");

    @TempDir
    static Path work;

    /** One README example: where it starts and its text. */
    private static final class Example {
        final int line;
        final String code;

        Example(int line, String code) {
            this.line = line;
            this.code = code;
        }

        String className() {
            return "ReadmeExampleAtLine" + line;
        }

        /** The example as a compilation unit: its imports, then everything else inside {@code main}. */
        String source() {
            List<String> imports = new ArrayList<>();
            List<String> body = new ArrayList<>();
            for (String l : code.split("\n", -1)) {
                (l.startsWith("import ") ? imports : body).add(l);
            }
            return String.join("\n", imports) + "\n\npublic final class " + className() + " {\n"
                    + "    public static void main(String[] args) throws Exception {\n"
                    + body.stream().map(l -> "        " + l).collect(Collectors.joining("\n"))
                    + "\n    }\n}\n";
        }
    }

    /** The repository's README: next to the module's directory (Maven's {@code basedir}). */
    static Path readme() {
        return Paths.get(System.getProperty("basedir", ".")).toAbsolutePath().normalize().resolveSibling("README.md");
    }

    static List<Example> examples() throws IOException {
        String text = Files.readString(readme(), StandardCharsets.UTF_8);
        List<Example> examples = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            int line = 1 + (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count();
            examples.add(new Example(line, m.group(1)));
        }
        return examples;
    }

    @TestFactory
    Stream<DynamicTest> everyJavaBlockCompilesAndRuns() throws IOException {
        List<Example> examples = examples();
        assertFalse(examples.isEmpty(), "no ```java block in " + readme());
        Path classes = Files.createDirectories(work.resolve("classes"));
        compile(examples, classes);
        return examples.stream().map(example -> DynamicTest.dynamicTest("README line " + example.line,
                () -> run(example, classes)));
    }

    private static void compile(List<Example> examples, Path classes) throws IOException {
        Path sources = Files.createDirectories(work.resolve("sources"));
        List<Path> files = new ArrayList<>();
        for (Example example : examples) {
            files.add(Files.writeString(sources.resolve(example.className() + ".java"), example.source()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager manager = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            StringWriter out = new StringWriter();
            List<String> options = List.of("--release", "17", "-d", classes.toString(),
                    "-cp", System.getProperty("java.class.path"), "-Xlint:none");
            boolean ok = javac.getTask(out, manager, diagnostics, options, null,
                    manager.getJavaFileObjectsFromPaths(files)).call();
            String errors = diagnostics.getDiagnostics().stream()
                    .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(null))
                    .collect(Collectors.joining("\n"));
            assertTrue(ok, "README examples do not compile:\n" + errors + out);
        }
    }

    private static void run(Example example, Path classes) throws Exception {
        Path directory = Files.createDirectories(work.resolve("run-" + example.line));
        ChildJvm.Result result = ChildJvm.ofClassName(example.className())
                .classPathFirst(classes).directory(directory).timeoutSeconds(120).run();
        assertEquals(0, result.exitStatus, "README example at line " + example.line + ":\n" + result.output);
        Matcher names = STRING_LITERAL.matcher(example.code);
        while (names.find()) { // a segment the example named must be gone (unlinked) when it ends
            String name = names.group(1);
            Path segment = name.startsWith("/dev/shm/") ? Paths.get(name)
                    : name.contains("/") || name.isEmpty() ? null : Paths.get("/dev/shm", name);
            if (segment != null) {
                assertFalse(Files.exists(segment), "README example at line " + example.line + " leaves " + segment);
            }
        }
    }
}
