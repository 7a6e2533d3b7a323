package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jmmap.array.ByteArray;
import org.jmmap.array.DType;
import org.jmmap.array.MappedArrays;
import org.jmmap.arrow.ArrowField;
import org.jmmap.arrow.ArrowIpcWriter;
import org.jmmap.arrow.ArrowSchema;
import org.jmmap.arrow.ArrowType;
import org.jmmap.arrow.ColumnData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's {@code ```java} examples of jmmap-arrow, compiled against this module and run in child JVMs from
 * empty directories, as {@link ReadmeExamplesTest} does for the library's; and its Python lines for pyarrow, Polars
 * and DuckDB run by python3 on a file of the example's schema (all but PySpark's, which is not installed here).
 */
class ArrowReadmeExamplesTest extends ReadmeExamplesTest {

    @TempDir
    Path directory;

    @Override
    boolean runs(String code) {
        return code.contains("import org.jmmap.arrow.");
    }

    @Test
    void thePythonLinesReadAFileOfTheExample() throws Exception {
        String readme = Files.readString(readme(), StandardCharsets.UTF_8);
        String section = readme.substring(readme.indexOf("## Arrow IPC"));
        Matcher block = Pattern.compile("(?m)^```python\\n(.*?)^```", Pattern.DOTALL).matcher(section);
        assertTrue(block.find(), "no ```python block in the Arrow section");
        List<String> lines = new ArrayList<>();
        for (String line : block.group(1).split("\n")) {
            if (!line.contains("spark") && !line.contains("Spark")) {
                lines.add(line);
            }
        }
        String script = String.join("\n", lines) + "\nassert images.shape == (10, 28, 28), images.shape\n";

        int rows = 10;
        ByteArray images = (ByteArray) MappedArrays.allocate(DType.UINT8, rows, 28, 28);
        ArrowSchema schema = ArrowSchema.of(ArrowField.notNull("id", ArrowType.int64()),
                ArrowField.of("symbol", ArrowType.utf8()), ArrowField.of("price", ArrowType.float64()),
                ArrowField.tensor("image", ArrowType.uint8(), 28, 28));
        try (ArrowIpcWriter out = ArrowIpcWriter.create(directory.resolve("trades.arrow"), schema)) {
            out.write(ColumnData.of(new long[rows]), ColumnData.strings(java.util.Collections.nCopies(rows, "AAPL")),
                    ColumnData.of(new double[rows]), ColumnData.of(images));
        }
        Process python = new ProcessBuilder("python3", "-c", script).directory(directory.toFile())
                .redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(python.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, python.exitValue(), script + "\n" + output);
        assertTrue(output.lines().collect(Collectors.toList()).toString().contains("AAPL"), output);
    }
}
