package org.jmmap.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.jmmap.array.DoubleArray;
import org.jmmap.array.IntArray;
import org.jmmap.array.LongArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engines data goes to when it outgrows one process: DuckDB (over pyarrow's memory-mapped table) and Polars
 * ({@code scan_ipc}) query a file jmmap wrote and get the aggregates jmmap computes in place; Arrow Java reads it.
 */
class EnginesTest {

    static final ArrowSchema TRADES = ArrowSchema.of(
            ArrowField.notNull("id", ArrowType.int64()),
            ArrowField.of("symbol", ArrowType.utf8()),
            ArrowField.of("price", ArrowType.float64()),
            ArrowField.of("quantity", ArrowType.int32()),
            ArrowField.tensor("features", ArrowType.float64(), 2, 2));

    static final String[] SYMBOLS = {"AAPL", "MSFT", "NVDA", "TSLA", "AMZN"};
    static final int BATCHES = 4;
    static final int ROWS = 25_000;

    @TempDir
    static Path directory;
    static Path file;

    @BeforeAll
    static void write() throws IOException {
        file = directory.resolve("trades.arrow");
        try (ArrowIpcWriter writer = ArrowIpcWriter.create(file, TRADES)) {
            for (int b = 0; b < BATCHES; b++) {
                long[] ids = new long[ROWS];
                List<String> symbols = new ArrayList<>();
                double[] prices = new double[ROWS];
                boolean[] priced = new boolean[ROWS];
                int[] quantities = new int[ROWS];
                double[] features = new double[ROWS * 4];
                for (int i = 0; i < ROWS; i++) {
                    long id = (long) b * ROWS + i;
                    ids[i] = id;
                    symbols.add(id % 97 == 0 ? null : SYMBOLS[(int) (id % SYMBOLS.length)]);
                    prices[i] = 100 + (id * 7919 % 10007) / 100.0;
                    priced[i] = id % 13 != 0;
                    quantities[i] = (int) (id % 1000) - 100;
                    for (int k = 0; k < 4; k++) {
                        features[4 * i + k] = id * 0.001 + k;
                    }
                }
                writer.write(ColumnData.of(ids), ColumnData.strings(symbols),
                        ColumnData.of(prices).withValidity(priced), ColumnData.of(quantities),
                        ColumnData.of(features));
            }
        }
    }

    /** jmmap's aggregates: over the mapped columns, nulls left out as SQL does. */
    static TreeMap<String, Object> jmmapAggregates() throws IOException {
        double priceSum = 0;
        long prices = 0;
        long quantitySum = 0;
        long rows = 0;
        long maxId = Long.MIN_VALUE;
        double featureSum = 0;
        TreeMap<String, Double> bySymbol = new TreeMap<>();
        try (ArrowIpcFile arrow = ArrowIpcFile.open(file)) {
            for (RecordBatch batch : arrow.batches()) {
                rows += batch.length();
                ArrowColumn price = batch.column("price");
                DoubleArray values = price.doubles();
                BinaryColumn symbol = (BinaryColumn) batch.column("symbol");
                for (long i = 0; i < batch.length(); i++) {
                    if (price.isValid(i)) {
                        priceSum += values.get(i);
                        prices++;
                        String s = symbol.getString(i);
                        if (s != null) {
                            bySymbol.merge(s, values.get(i), Double::sum);
                        }
                    }
                }
                IntArray quantity = batch.column("quantity").ints();
                quantitySum += quantity.sum(); // in native code
                LongArray ids = batch.column("id").longs();
                maxId = Math.max(maxId, ids.max());
                featureSum += batch.column("features").doubles().sum();
            }
        }
        TreeMap<String, Object> out = new TreeMap<>();
        out.put("rows", rows);
        out.put("price_sum", priceSum);
        out.put("price_count", prices);
        out.put("quantity_sum", quantitySum);
        out.put("max_id", maxId);
        out.put("feature_sum", featureSum);
        out.put("by_symbol", bySymbol);
        return out;
    }

    static void assertSameAggregates(JsonNode engine, String who) throws IOException {
        TreeMap<String, Object> jmmap = jmmapAggregates();
        assertEquals((long) jmmap.get("rows"), engine.get("rows").asLong(), who + " rows");
        assertEquals((long) jmmap.get("price_count"), engine.get("price_count").asLong(), who + " count(price)");
        assertEquals((long) jmmap.get("quantity_sum"), engine.get("quantity_sum").asLong(), who + " sum(quantity)");
        assertEquals((long) jmmap.get("max_id"), engine.get("max_id").asLong(), who + " max(id)");
        double priceSum = (double) jmmap.get("price_sum");
        assertEquals(priceSum, engine.get("price_sum").asDouble(), priceSum * 1e-12, who + " sum(price)");
        double featureSum = (double) jmmap.get("feature_sum");
        assertEquals(featureSum, engine.get("feature_sum").asDouble(), featureSum * 1e-12, who + " features");
        @SuppressWarnings("unchecked")
        TreeMap<String, Double> bySymbol = (TreeMap<String, Double>) jmmap.get("by_symbol");
        assertEquals(bySymbol.keySet().size(), engine.get("by_symbol").size(), who + " groups");
        for (String symbol : bySymbol.keySet()) {
            assertEquals(bySymbol.get(symbol), engine.get("by_symbol").get(symbol).asDouble(),
                    bySymbol.get(symbol) * 1e-12, who + " sum(price) of " + symbol);
        }
    }

    @Test
    void duckDbQueriesTheMappedFile() throws Exception {
        String script = String.join("\n",
                "import sys, json, duckdb, pyarrow as pa, pyarrow.ipc as ipc",
                "trades = ipc.open_file(pa.memory_map(sys.argv[1])).read_all()",
                "assert pa.total_allocated_bytes() == 0",
                "q = duckdb.sql('select count(*), sum(price), count(price), sum(quantity), max(id) from trades').fetchone()",
                "f = duckdb.sql('select sum(list_sum(features::double[])) from trades').fetchone()[0]",
                "groups = dict(duckdb.sql('select symbol, sum(price) from trades where symbol is not null '",
                "    'and price is not null group by symbol').fetchall())",
                "print(json.dumps({'rows': q[0], 'price_sum': q[1], 'price_count': q[2], 'quantity_sum': int(q[3]),",
                "    'max_id': q[4], 'feature_sum': f, 'by_symbol': groups}))");
        assertSameAggregates(new ObjectMapper().readTree(Python.run(script, file.toString())), "DuckDB");
    }

    @Test
    void polarsScansTheFile() throws Exception {
        String script = String.join("\n",
                "import sys, json, polars as pl",
                "lf = pl.scan_ipc(sys.argv[1])",
                "q = lf.select(pl.len().alias('rows'), pl.col('price').sum().alias('price_sum'),",
                "    pl.col('price').count().alias('price_count'), pl.col('quantity').cast(pl.Int64).sum().alias('q'),",
                "    pl.col('id').max().alias('max_id'),",
                "    pl.col('features').arr.sum().sum().alias('f')).collect().row(0, named=True)",
                "groups = lf.filter(pl.col('symbol').is_not_null() & pl.col('price').is_not_null())",
                "groups = groups.group_by('symbol').agg(pl.col('price').sum()).collect()",
                "print(json.dumps({'rows': q['rows'], 'price_sum': q['price_sum'], 'price_count': q['price_count'],",
                "    'quantity_sum': q['q'], 'max_id': q['max_id'], 'feature_sum': q['f'],",
                "    'by_symbol': dict(zip(groups['symbol'].to_list(), groups['price'].to_list()))}))");
        assertSameAggregates(new ObjectMapper().readTree(Python.run(script, file.toString())), "Polars");
    }

    @Test
    void arrowJavaReadsTheFile() throws IOException {
        TreeMap<String, Object> jmmap = jmmapAggregates();
        double priceSum = 0;
        long rows = 0;
        long nullSymbols = 0;
        try (BufferAllocator allocator = new RootAllocator();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertEquals("id", root.getSchema().getFields().get(0).getName());
            assertEquals("arrow.fixed_shape_tensor",
                    root.getSchema().findField("features").getMetadata().get(ArrowField.EXTENSION_NAME));
            assertEquals(BATCHES, reader.getRecordBlocks().size());
            while (reader.loadNextBatch()) {
                Float8Vector price = (Float8Vector) root.getVector("price");
                VarCharVector symbol = (VarCharVector) root.getVector("symbol");
                BigIntVector id = (BigIntVector) root.getVector("id");
                FixedSizeListVector features = (FixedSizeListVector) root.getVector("features");
                assertEquals(4, features.getListSize());
                for (int i = 0; i < root.getRowCount(); i++) {
                    if (!price.isNull(i)) {
                        priceSum += price.get(i);
                    }
                    nullSymbols += symbol.isNull(i) ? 1 : 0;
                    assertEquals(rows + i, id.get(i));
                }
                rows += root.getRowCount();
            }
        }
        assertEquals((long) jmmap.get("rows"), rows);
        assertEquals((double) jmmap.get("price_sum"), priceSum, priceSum * 1e-12);
        assertTrue(nullSymbols > 0);
    }
}
