package org.jmmap.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jmmap.MapMode;
import org.jmmap.array.ByteArray;
import org.jmmap.array.DType;
import org.jmmap.array.DoubleArray;
import org.jmmap.array.FloatArray;
import org.jmmap.array.IntArray;
import org.jmmap.array.LongArray;
import org.jmmap.array.NpyFile;
import org.jmmap.array.NpyHeader;
import org.jmmap.array.ShortArray;
import org.jmmap.array.TypedArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code jmmap npy}: NumPy {@code .npy} files, mapped ({@link NpyFile}). */
@Command(name = "npy",
        description = {"Inspect, summarize and create NumPy .npy files without Python.",
                "The file is mapped, never read into memory: files larger than memory work, and stats runs in "
                        + "native code on every core."},
        subcommands = {NpyCommand.Info.class, NpyCommand.Head.class, NpyCommand.Stats.class,
                NpyCommand.Create.class},
        synopsisSubcommandLabel = "(info | head | stats | create)",
        footerHeading = "%nExamples:%n",
        footer = {"  jmmap npy info temperature.npy",
                "  jmmap npy head temperature.npy -n 5",
                "  jmmap npy stats temperature.npy --json",
                "  jmmap npy create zeros.npy --dtype float32 --shape 1000,1000"})
final class NpyCommand {

    @Mixin
    HelpOption help;

    private NpyCommand() {
    }

    /** numpy's repr of a shape: {@code ()}, {@code (5,)}, {@code (2, 3)}. */
    static String shapeText(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            text.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return text.append(')').toString();
    }

    private static String version(NpyHeader header) {
        return header.version() + ".0";
    }

    @Command(name = "info", sortOptions = false,
            description = {"Print a .npy file's header: dtype, shape, order, format version, where the data "
                    + "starts and how long it is."},
            footerHeading = "%nExamples:%n",
            footer = {"  jmmap npy info temperature.npy", "  jmmap npy info --json *.npy | jq -c '.shape'"})
    static final class Info extends JmmapCommand {

        @Parameters(paramLabel = "FILE", arity = "1..*")
        List<Path> files;

        @Option(names = "--json", description = "Print one JSON object per file: {file, dtype, descr, shape, "
                + "fortran_order, version, data_offset, elements, item_size, data_bytes}.")
        boolean json;

        @Override
        void execute() {
            PrintStream out = io().out;
            boolean first = true;
            for (Path file : files) {
                NpyHeader header;
                try {
                    header = NpyHeader.read(file);
                } catch (Exception e) {
                    report(file, e);
                    continue;
                }
                if (json) {
                    ObjectNode object = Json.object();
                    object.put("file", file.toString());
                    object.put("dtype", header.dtype().name().toLowerCase(Locale.ROOT));
                    object.put("descr", header.descr());
                    ArrayNode shape = object.putArray("shape");
                    for (long dimension : header.shape()) {
                        shape.add(dimension);
                    }
                    object.put("fortran_order", header.fortranOrder());
                    object.put("version", version(header));
                    object.put("data_offset", header.dataOffset());
                    object.put("elements", header.size());
                    object.put("item_size", header.itemSize());
                    object.put("data_bytes", header.dataLength());
                    out.println(Json.compact(object));
                    continue;
                }
                if (!first) {
                    out.println();
                }
                first = false;
                out.println("file:         " + file);
                out.println("dtype:        " + header.dtype().name().toLowerCase(Locale.ROOT) + " ("
                        + header.descr() + ")");
                out.println("shape:        " + shapeText(header.shape()));
                out.println("order:        " + (header.fortranOrder() ? "Fortran" : "C"));
                out.println("version:      " + version(header));
                out.println("data offset:  " + header.dataOffset());
                out.println("elements:     " + header.size() + " of " + header.itemSize() + " bytes");
                out.println("data:         " + (header.dataLength() < 1024 ? header.dataLength() + " bytes"
                        : Sizes.human(header.dataLength()) + " (" + header.dataLength() + " bytes)"));
            }
        }
    }

    /** Reads element {@code index} (in C order) of an array of numbers, booleans or dates, as JSON-ready values. */
    static final class Elements {
        private final TypedArray array;
        private final DType dtype;
        private final long[] shape;
        /** Complex elements are two parts along an extra last axis. */
        private final boolean complex;
        /** The unit of datetime64 and timedelta64 elements; null for other types. */
        private final NumpyTime time;

        Elements(TypedArray array, DType dtype, String unit) {
            this.array = array;
            this.dtype = dtype;
            this.time = unit == null ? null : new NumpyTime(unit);
            this.complex = dtype == DType.COMPLEX64 || dtype == DType.COMPLEX128;
            long[] full = array.shape();
            this.shape = complex ? java.util.Arrays.copyOf(full, full.length - 1) : full;
        }

        long count() {
            long count = 1;
            for (long dimension : shape) {
                count *= dimension;
            }
            return count;
        }

        /** The index in the array of flat element {@code flat} (C order), with {@code part} for complex. */
        private long[] index(long flat, int part) {
            long[] index = new long[shape.length + (complex ? 1 : 0)];
            for (int axis = shape.length - 1; axis >= 0; axis--) {
                index[axis] = shape[axis] == 0 ? 0 : flat % shape[axis];
                flat = shape[axis] == 0 ? 0 : flat / shape[axis];
            }
            if (complex) {
                index[shape.length] = part;
            }
            return index;
        }

        /** Element {@code flat} as text, as numpy prints a scalar. */
        String text(long flat) {
            if (complex) {
                String real = number(index(flat, 0)).toString();
                String imaginary = number(index(flat, 1)).toString();
                return "(" + real + (imaginary.startsWith("-") ? "" : "+") + imaginary + "j)";
            }
            Object value = number(index(flat, 0));
            if (dtype == DType.BOOL) {
                return ((Long) value) != 0 ? "True" : "False";
            }
            if (dtype == DType.DATETIME64) {
                return time.datetime((Long) value);
            }
            if (dtype == DType.TIMEDELTA64) {
                return time.timedelta((Long) value);
            }
            return value.toString();
        }

        /** Element {@code flat} into a JSON array. */
        void addTo(ArrayNode values, long flat) {
            if (complex) {
                ArrayNode pair = values.addArray();
                add(pair, number(index(flat, 0)));
                add(pair, number(index(flat, 1)));
            } else if (dtype == DType.BOOL) {
                values.add(((Long) number(index(flat, 0))) != 0);
            } else if (time != null) {
                long value = (Long) number(index(flat, 0));
                if (value == NumpyTime.NAT) {
                    values.addNull();
                } else if (dtype == DType.DATETIME64) {
                    values.add(time.datetime(value));
                } else {
                    values.add(new BigDecimal(time.inBaseUnits(value)));
                }
            } else {
                add(values, number(index(flat, 0)));
            }
        }

        private static void add(ArrayNode values, Object number) {
            if (number instanceof Double || number instanceof Float) {
                double d = ((Number) number).doubleValue();
                if (!Double.isFinite(d)) {
                    values.add(number.toString()); // JSON has no NaN or infinity
                } else if (number instanceof Float) {
                    values.add((Float) number);
                } else {
                    values.add(d);
                }
            } else if (number instanceof BigDecimal) {
                values.add((BigDecimal) number);
            } else {
                values.add((Long) number);
            }
        }

        /** A Double, a Float, a Long, or a BigDecimal for a uint64 above Long.MAX_VALUE. */
        private Object number(long[] index) {
            if (array instanceof DoubleArray) {
                return ((DoubleArray) array).get(index);
            }
            if (array instanceof FloatArray) {
                return ((FloatArray) array).get(index); // a Float prints as float32's shortest form: 0.1, not 0.10000000149
            }
            if (array instanceof LongArray) {
                long value = ((LongArray) array).get(index);
                return dtype == DType.UINT64 && value < 0 ? new BigDecimal(Long.toUnsignedString(value)) : value;
            }
            if (array instanceof IntArray) {
                int value = ((IntArray) array).get(index);
                return dtype == DType.UINT32 ? Integer.toUnsignedLong(value) : (long) value;
            }
            if (array instanceof ShortArray) {
                short value = ((ShortArray) array).get(index);
                return dtype == DType.UINT16 ? (long) Short.toUnsignedInt(value) : (long) value;
            }
            byte value = ((ByteArray) array).get(index);
            return dtype == DType.UINT8 || dtype == DType.BOOL ? (long) Byte.toUnsignedInt(value) : (long) value;
        }
    }

    /** The typed view of a file's elements, if they are numbers, booleans or dates. */
    static Elements elements(NpyFile npy, Path file) {
        DType dtype = npy.header().dtype();
        switch (dtype) {
            case BYTES:
            case UNICODE:
            case STRUCT:
                throw new Failure(file.toString(), "elements of dtype " + npy.header().descr() + " are not numbers "
                        + "(jmmap npy reads numbers, booleans, complex numbers and dates)", "EINVAL");
            default:
                return new Elements(npy.array(), dtype, npy.header().unit().orElse(null));
        }
    }

    @Command(name = "head", sortOptions = false,
            description = {"Print the first elements of a .npy file, in C order (numpy's a.flat), one a line.",
                    "Numbers, booleans and complex numbers as numpy prints them; datetime64 as ISO 8601 dates "
                            + "and times down to their unit (2024-01-31T12:00:00), timedelta64 as counts of their "
                            + "unit (90 seconds), NaT for not-a-time."},
            footerHeading = "%nExamples:%n",
            footer = {"  jmmap npy head temperature.npy", "  jmmap npy head -n 3 --json weights.npy"})
    static final class Head extends JmmapCommand {

        @Parameters(paramLabel = "FILE")
        Path file;

        @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "10",
                description = "How many elements (default: ${DEFAULT-VALUE}).")
        long count;

        @Option(names = "--json", description = "Print {\"shape\": [...], \"values\": [...]}; with the base "
                + "\"unit\" of datetime64 (values: ISO 8601 strings) and timedelta64 (values: counts of the "
                + "unit), NaT as null.")
        boolean json;

        @Override
        void execute() throws Exception {
            if (count < 0) {
                throw new ParameterException(spec.commandLine(), "--count=" + count + ": must be >= 0");
            }
            try (NpyFile npy = NpyFile.open(file, MapMode.READ_ONLY)) {
                Elements elements = elements(npy, file);
                long n = Math.min(count, elements.count());
                if (json) {
                    ObjectNode object = Json.object();
                    ArrayNode shape = object.putArray("shape");
                    for (long dimension : npy.header().shape()) {
                        shape.add(dimension);
                    }
                    if (elements.time != null) {
                        object.put("unit", elements.time.base());
                    }
                    ArrayNode values = object.putArray("values");
                    for (long i = 0; i < n; i++) {
                        elements.addTo(values, i);
                    }
                    io().out.println(Json.compact(object));
                } else {
                    for (long i = 0; i < n; i++) {
                        io().out.println(elements.text(i));
                    }
                }
            }
        }
    }

    @Command(name = "stats", sortOptions = false,
            description = {"Print count, min, max, mean and sum of a .npy file's elements (timedelta64 with "
                    + "their unit, as numpy prints them).",
                    "Computed in native code over the mapped file, on every core, chunk by chunk (with a progress "
                            + "bar for files of 64 MiB or more); mean in double precision; sum wraps around as "
                            + "numpy's for integers."},
            footerHeading = "%nExamples:%n",
            footer = {"  jmmap npy stats temperature.npy", "  jmmap npy stats -p 1 --json counts.npy"})
    static final class Stats extends JmmapCommand {

        private static final long CHUNK_BYTES = 64L << 20;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Option(names = {"-p", "--processes"}, paramLabel = "N",
                description = "Threads (default: one per processor).")
        Integer threads;

        @Option(names = "--json", description = "Print {count, min, max, mean, sum}.")
        boolean json;

        @Option(names = "--no-progress", description = "No progress bar.")
        boolean noProgress;

        @Override
        void execute() throws Exception {
            int parallelism = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            if (parallelism < 1) {
                throw new ParameterException(spec.commandLine(), "--processes=" + parallelism + ": must be >= 1");
            }
            try (NpyFile npy = NpyFile.open(file, MapMode.READ_ONLY)) {
                NpyHeader header = npy.header();
                DType dtype = header.dtype();
                if (dtype == DType.STRUCT || dtype == DType.BYTES || dtype == DType.UNICODE
                        || dtype == DType.COMPLEX64 || dtype == DType.COMPLEX128 || dtype == DType.DATETIME64) {
                    throw new Failure(file.toString(), "no statistics of dtype " + header.descr()
                            + " (numbers and booleans only)", "EINVAL");
                }
                TypedArray array = npy.array().parallel(parallelism);
                Summary summary = new Summary(dtype, header.unit().map(NumpyTime::new).orElse(null));
                long rows = header.rank() == 0 ? 1 : header.shape()[0];
                long rowBytes = header.rank() == 0 ? header.dataLength() : header.dataLength() / Math.max(1, rows);
                long step = Math.max(1, CHUNK_BYTES / Math.max(1, rowBytes));
                boolean bar = !noProgress && header.dataLength() >= CHUNK_BYTES;
                try (Progress progress = Progress.bytes(io(), bar, "stats", header.dataLength())) {
                    if (header.rank() == 0) {
                        summary.add(array);
                    } else {
                        for (long row = 0; row < rows; row += step) {
                            long to = Math.min(rows, row + step);
                            summary.add(array.slice(row, to));
                            progress.advance((to - row) * rowBytes);
                        }
                    }
                }
                summary.print(io(), json);
            }
        }
    }

    /** Count, min, max, sum and mean, combined chunk by chunk. */
    static final class Summary {
        private final DType dtype;
        private long count;
        private double meanTimesCount;
        private double doubleSum;
        private long longSum;
        private Double doubleMin;
        private Double doubleMax;
        private Long longMin;
        private Long longMax;
        /** Whether min and max are float32 values, printed as such (0.1, not 0.10000000149011612). */
        private boolean float32;

        /** The unit of timedelta64 elements, printed with it as numpy does; null for numbers. */
        private final NumpyTime time;

        Summary(DType dtype, NumpyTime time) {
            this.dtype = dtype;
            this.time = time;
        }

        private boolean floating() {
            return dtype.isFloatingPoint();
        }

        void add(TypedArray chunk) {
            long size = chunk.size();
            if (size == 0) {
                return;
            }
            count += size;
            meanTimesCount += chunk.mean() * size;
            if (chunk instanceof DoubleArray) {
                DoubleArray a = (DoubleArray) chunk;
                addDouble(a.sum(), a.min(), a.max());
            } else if (chunk instanceof FloatArray) {
                FloatArray a = (FloatArray) chunk;
                addDouble(a.sum(), a.min(), a.max());
                float32 = true;
            } else if (chunk instanceof LongArray) {
                LongArray a = (LongArray) chunk;
                addLong(a.sum(), a.min(), a.max());
            } else if (chunk instanceof IntArray) {
                IntArray a = (IntArray) chunk;
                addLong(a.sum(), a.min(), a.max());
            } else if (chunk instanceof ShortArray) {
                ShortArray a = (ShortArray) chunk;
                addLong(a.sum(), a.min(), a.max());
            } else {
                ByteArray a = (ByteArray) chunk;
                addLong(a.sum(), a.min(), a.max());
            }
        }

        private void addDouble(double sum, double min, double max) {
            doubleSum += sum;
            doubleMin = doubleMin == null || min < doubleMin || Double.isNaN(min) ? Double.valueOf(min) : doubleMin;
            doubleMax = doubleMax == null || max > doubleMax || Double.isNaN(max) ? Double.valueOf(max) : doubleMax;
        }

        private void addLong(long sum, long min, long max) {
            longSum += sum;
            boolean unsigned = dtype == DType.UINT64;
            longMin = longMin == null || (unsigned ? Long.compareUnsigned(min, longMin) : Long.compare(min, longMin)) < 0
                    ? Long.valueOf(min) : longMin;
            longMax = longMax == null || (unsigned ? Long.compareUnsigned(max, longMax) : Long.compare(max, longMax)) > 0
                    ? Long.valueOf(max) : longMax;
        }

        private Object narrow(Double value) {
            return value == null || !float32 ? value : (Object) value.floatValue();
        }

        private Object integer(Long value) {
            return value == null ? null : dtype == DType.UINT64 ? new BigDecimal(Long.toUnsignedString(value)) : value;
        }

        void print(Io io, boolean json) {
            Object min = floating() ? narrow(doubleMin) : integer(longMin);
            Object max = floating() ? narrow(doubleMax) : integer(longMax);
            Object sum = floating() ? (Object) doubleSum : integer(longSum);
            double mean = count == 0 ? Double.NaN : meanTimesCount / count;
            if (json) {
                ObjectNode object = Json.object();
                object.put("count", count);
                put(object, "min", min);
                put(object, "max", max);
                put(object, "mean", count == 0 ? null : mean);
                put(object, "sum", sum);
                io.out.println(Json.compact(object));
                return;
            }
            if (time != null && count > 0) { // timedelta64: as numpy prints them, NaT if any element is
                boolean nat = longMin == NumpyTime.NAT;
                io.out.println("count:  " + count);
                io.out.println("min:    " + time.timedelta(longMin));
                io.out.println("max:    " + time.timedelta(nat ? NumpyTime.NAT : longMax));
                io.out.println("mean:   " + time.timedelta(nat ? NumpyTime.NAT : (long) mean));
                io.out.println("sum:    " + time.timedelta(nat ? NumpyTime.NAT : longSum));
                return;
            }
            io.out.println("count:  " + count);
            io.out.println("min:    " + (min == null ? "-" : min));
            io.out.println("max:    " + (max == null ? "-" : max));
            io.out.println("mean:   " + (count == 0 ? "-" : Double.toString(mean)));
            io.out.println("sum:    " + sum);
        }

        private static void put(ObjectNode object, String key, Object value) {
            if (value == null) {
                object.putNull(key);
            } else if ((value instanceof Double || value instanceof Float)
                    && !Double.isFinite(((Number) value).doubleValue())) {
                object.put(key, value.toString());
            } else if (value instanceof Float) {
                object.put(key, (Float) value);
            } else if (value instanceof Double) {
                object.put(key, (Double) value);
            } else if (value instanceof BigDecimal) {
                object.put(key, (BigDecimal) value);
            } else {
                object.put(key, (Long) value);
            }
        }
    }

    @Command(name = "create", sortOptions = false,
            description = {"Create a .npy file of a dtype and shape, zero-filled or filled with a value.",
                    "Written as numpy's open_memmap writes it (the file is sparse until filled); refuses to "
                            + "replace an existing file."},
            footerHeading = "%nExamples:%n",
            footer = {"  jmmap npy create zeros.npy --dtype float32 --shape 1000,1000",
                    "  jmmap npy create ones.npy --dtype int64 --shape 10 --fill 1",
                    "  jmmap npy create big.npy --dtype '<f8' --shape 4096,4096,64    # 8 GiB, sparse"})
    static final class Create extends JmmapCommand {

        @Parameters(paramLabel = "FILE")
        Path file;

        @Option(names = "--dtype", required = true, paramLabel = "DTYPE",
                description = "numpy's name or type string: float64, float32, int32, uint8, bool, complex128, "
                        + "'<f8', '>i4', '<M8[s]'.")
        String dtype;

        @Option(names = "--shape", required = true, paramLabel = "SHAPE",
                description = "Dimensions separated by commas: 1000,3 (or 1000x3); 0-d: ().")
        String shape;

        @Option(names = "--fortran-order", description = "Store the elements in Fortran order.")
        boolean fortran;

        @Option(names = "--fill", paramLabel = "VALUE", description = "Every element's value (default: 0).")
        String fill;

        @Override
        void execute() throws Exception {
            long[] dimensions = parseShape();
            NpyHeader header;
            try {
                header = NpyHeader.of(dtype, fortran, dimensions);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            try (NpyFile npy = NpyFile.create(file, header)) {
                if (fill != null) {
                    fill(npy);
                }
                npy.flush();
            } catch (ParameterException | Failure e) {
                java.nio.file.Files.deleteIfExists(file);
                throw e;
            } catch (java.io.IOException e) {
                report(file, e);
                return;
            }
            io().out.println("created " + file + ": " + header.descr() + " " + shapeText(header.shape()) + ", "
                    + Sizes.human(header.dataOffset() + header.dataLength()));
        }

        private long[] parseShape() {
            String text = shape.trim();
            if (text.startsWith("(") && text.endsWith(")")) {
                text = text.substring(1, text.length() - 1).trim();
            }
            if (text.isEmpty()) {
                return new long[0];
            }
            List<Long> dimensions = new ArrayList<>();
            for (String part : text.split("\\s*[,x]\\s*")) {
                if (part.isEmpty()) {
                    continue; // the empty part after the comma of (5,)
                }
                try {
                    dimensions.add(Long.parseLong(part));
                } catch (NumberFormatException e) {
                    throw new ParameterException(spec.commandLine(), "--shape=" + shape + ": '" + part
                            + "' is not a dimension (dimensions are whole numbers separated by commas)");
                }
            }
            return dimensions.stream().mapToLong(Long::longValue).toArray();
        }

        private void fill(NpyFile npy) {
            TypedArray array = npy.array();
            DType type = npy.header().dtype();
            try {
                if (array instanceof DoubleArray && type != DType.COMPLEX128) {
                    ((DoubleArray) array).fill(Double.parseDouble(fill));
                } else if (array instanceof FloatArray && type != DType.COMPLEX64) {
                    ((FloatArray) array).fill(Float.parseFloat(fill));
                } else if (array instanceof LongArray) {
                    ((LongArray) array).fill(type == DType.UINT64 ? Long.parseUnsignedLong(fill)
                            : Long.parseLong(fill));
                } else if (array instanceof IntArray && type != DType.UNICODE) {
                    ((IntArray) array).fill(type == DType.UINT32 ? Integer.parseUnsignedInt(fill)
                            : Integer.parseInt(fill));
                } else if (array instanceof ShortArray) {
                    int value = Integer.parseInt(fill);
                    checkRange(value, type == DType.UINT16 ? 0 : Short.MIN_VALUE,
                            type == DType.UINT16 ? 0xFFFF : Short.MAX_VALUE);
                    ((ShortArray) array).fill((short) value);
                } else if (array instanceof ByteArray && type != DType.BYTES && type != DType.STRUCT) {
                    int value = type == DType.BOOL ? parseBool() : Integer.parseInt(fill);
                    checkRange(value, type == DType.UINT8 || type == DType.BOOL ? 0 : Byte.MIN_VALUE,
                            type == DType.UINT8 ? 0xFF : type == DType.BOOL ? 1 : Byte.MAX_VALUE);
                    ((ByteArray) array).fill((byte) value);
                } else {
                    throw new ParameterException(spec.commandLine(), "--fill: elements of dtype "
                            + npy.header().descr() + " cannot be filled from the command line");
                }
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "--fill=" + fill + ": not a value of dtype "
                        + npy.header().descr());
            }
        }

        private int parseBool() {
            switch (fill.toLowerCase(Locale.ROOT)) {
                case "true":
                case "1":
                    return 1;
                case "false":
                case "0":
                    return 0;
                default:
                    throw new NumberFormatException(fill);
            }
        }

        private void checkRange(int value, int min, int max) {
            if (value < min || value > max) {
                throw new ParameterException(spec.commandLine(), "--fill=" + fill + ": out of range for dtype "
                        + dtype + " (" + min + " to " + max + ")");
            }
        }
    }
}
