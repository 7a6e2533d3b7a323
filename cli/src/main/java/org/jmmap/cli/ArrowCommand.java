package org.jmmap.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jmmap.arrow.ArrowField;
import org.jmmap.arrow.ArrowFormatException;
import org.jmmap.arrow.ArrowIpcFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmmap arrow}: Arrow IPC files ({@code .arrow}, Feather V2), mapped ({@link ArrowIpcFile}). */
@Command(name = "arrow",
        description = {"Inspect Arrow IPC files (.arrow, Feather V2) without Python.",
                "The file is mapped and its structure checked; no column is read into memory."},
        subcommands = {ArrowCommand.Info.class},
        synopsisSubcommandLabel = "info",
        footerHeading = "%nExamples:%n",
        footer = {"  jmmap arrow info trades.arrow", "  jmmap arrow info --json *.arrow | jq '.rows'"})
final class ArrowCommand {

    @Mixin
    HelpOption help;

    private ArrowCommand() {
    }

    @Command(name = "info", sortOptions = false,
            description = {"Print an Arrow IPC file's schema (as pyarrow prints it), its record batches and rows.",
                    "Every batch's message is checked against the schema, so a damaged file is reported here, as "
                            + "is a compressed one (jmmap maps uncompressed buffers only): its schema is "
                            + "printed, then the failure, status 1."},
            footerHeading = "%nExamples:%n",
            footer = {"  jmmap arrow info trades.arrow", "  jmmap arrow info --json trades.arrow"})
    static final class Info extends JmmapCommand {

        @Parameters(paramLabel = "FILE", arity = "1..*")
        List<Path> files;

        @Option(names = "--json", description = "Print one JSON object per file: {file, metadata_version, batches, "
                + "rows, batch_rows, fields: [{name, type, nullable}], metadata}; rows and batch_rows are null if "
                + "the batches cannot be read.")
        boolean json;

        @Override
        void execute() {
            PrintStream out = io().out;
            boolean first = true;
            for (Path file : files) {
                try (ArrowIpcFile arrow = ArrowIpcFile.open(file)) {
                    long[] batchRows = new long[arrow.batchCount()];
                    long rows = 0;
                    ArrowFormatException unreadable = null; // a batch jmmap cannot map (compressed, damaged)
                    try {
                        for (int b = 0; b < batchRows.length; b++) {
                            batchRows[b] = arrow.batch(b).length();
                            rows += batchRows[b];
                        }
                    } catch (ArrowFormatException e) {
                        unreadable = e;
                        batchRows = null;
                    }
                    if (json) {
                        out.println(Json.compact(toJson(file, arrow, rows, batchRows)));
                    } else {
                        if (!first) {
                            out.println();
                        }
                        first = false;
                        print(out, file, arrow, rows, batchRows);
                    }
                    if (unreadable != null) {
                        report(file, unreadable);
                    }
                } catch (Exception e) {
                    report(file, e);
                }
            }
        }

        /** The text form; {@code batchRows} null if the batches could not be read. */
        private static void print(PrintStream out, Path file, ArrowIpcFile arrow, long rows, long[] batchRows) {
            out.println("file:      " + file);
            out.println("format:    Arrow IPC file, metadata V" + arrow.metadataVersion());
            out.println("rows:      " + (batchRows == null ? "unknown (the batches cannot be read)" : rows));
            out.println("batches:   " + arrow.batchCount() + (batchRows == null ? "" : batchSummary(batchRows)));
            out.println("schema:");
            for (ArrowField field : arrow.schema().fields()) {
                out.println("  " + field);
            }
            for (Map.Entry<String, String> entry : arrow.schema().metadata().entrySet()) {
                out.println("metadata:  " + entry.getKey() + " = " + abbreviated(entry.getValue()));
            }
        }

        /** {@code " of 1000 rows"}, {@code " of 1000 to 4096 rows"}; nothing without batches. */
        private static String batchSummary(long[] batchRows) {
            if (batchRows.length == 0) {
                return "";
            }
            long min = Long.MAX_VALUE;
            long max = 0;
            for (long rows : batchRows) {
                min = Math.min(min, rows);
                max = Math.max(max, rows);
            }
            return min == max ? " of " + min + " rows" : " of " + min + " to " + max + " rows";
        }

        /** Metadata values (pandas keeps a whole JSON document there) cut to a line. */
        private static String abbreviated(String value) {
            String line = value.replace('\n', ' ');
            return line.length() <= 60 ? line : line.substring(0, 57) + "...";
        }

        private static ObjectNode toJson(Path file, ArrowIpcFile arrow, long rows, long[] batchRows) {
            ObjectNode object = Json.object();
            object.put("file", file.toString());
            object.put("metadata_version", arrow.metadataVersion());
            object.put("batches", arrow.batchCount());
            if (batchRows == null) {
                object.putNull("rows");
                object.putNull("batch_rows");
            } else {
                object.put("rows", rows);
                ArrayNode sizes = object.putArray("batch_rows");
                for (long size : batchRows) {
                    sizes.add(size);
                }
            }
            ArrayNode fields = object.putArray("fields");
            for (ArrowField field : arrow.schema().fields()) {
                ObjectNode entry = fields.addObject();
                entry.put("name", field.name());
                String text = field.toString();
                String type = text.substring(field.name().length() + 2);
                entry.put("type", type.endsWith(" not null") ? type.substring(0, type.length() - 9) : type);
                entry.put("nullable", field.isNullable());
            }
            ObjectNode metadata = object.putObject("metadata");
            arrow.schema().metadata().forEach(metadata::put);
            return object;
        }
    }
}
