package org.jmmap.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Json} and the {@code arrow.fixed_shape_tensor} parameters read with it. */
class JsonTest {

    @Test
    void parsesWhatExtensionsWrite() {
        assertEquals(Map.of("shape", List.of(new BigDecimal(2), new BigDecimal(3)), "dim_names", List.of("h", "w\n\u00e9")),
                Json.parse(" {\"shape\": [2, 3], \"dim_names\": [\"h\", \"w\\n\\u00e9\"]} "));
        assertEquals(Arrays.asList(true, false, null, new BigDecimal("-1.5e3")), Json.parse("[true,false,null,-1.5e3]"));
        assertEquals("\"a\\\"b\\\\c\\u0001\"", Json.quote("a\"b\\c\u0001"));
        assertEquals("a\"b\\c\u0001", Json.parse(Json.quote("a\"b\\c\u0001")));
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]", "01", "\"\\x\"", "[1] 2", "{'a': 1}", "tru",
            "\"a", "[\"\u0001\"]", "-", "1."}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("JSON at offset "), e.getMessage());
        }
        String deep = "[".repeat(100) + "]".repeat(100);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Json.parse(deep)).getMessage()
                .contains("nested more than 64 deep"));
    }

    @Test
    void tensorParameters() {
        ArrowField tensor = ArrowField.tensor("t", ArrowType.float32(), 2, 3, 4);
        assertEquals("{\"shape\":[2,3,4]}", tensor.metadata().get(ArrowField.EXTENSION_METADATA));
        assertEquals(24, ((ArrowType.FixedSizeList) tensor.type()).listSize());
        assertEquals("t: extension<arrow.fixed_shape_tensor[value_type=float, shape=[2,3,4]]>", tensor.toString());
        ArrowField item = ArrowField.of("item", ArrowType.int16());
        ArrowField permuted = ArrowField.of("p", new ArrowType.FixedSizeList(6), item).withMetadata(Map.of(
                ArrowField.EXTENSION_NAME, FixedShapeTensor.NAME,
                ArrowField.EXTENSION_METADATA, "{\"shape\":[2,3],\"dim_names\":[\"a\",\"b\"],\"permutation\":[1,0]}"));
        FixedShapeTensor parameters = permuted.tensor().orElseThrow();
        assertEquals(List.of("a", "b"), parameters.dimensionNames());
        assertEquals(3, parameters.logicalShape()[0]);
        for (String bad : new String[] {"{\"shape\":[2,2]}", "{\"shape\":[2,3],\"permutation\":[0,0]}", "[]",
            "{\"shape\":[2,3],\"dim_names\":[\"a\"]}", "{\"shape\":[\"2\",3]}", "{}", "{\"shape\":[-2,-3]}"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ArrowField.of("p", new ArrowType.FixedSizeList(6), item).withMetadata(Map.of(
                            ArrowField.EXTENSION_NAME, FixedShapeTensor.NAME, ArrowField.EXTENSION_METADATA, bad)), bad);
            assertTrue(e.getMessage().startsWith("field 'p' (arrow.fixed_shape_tensor " + bad + "): "), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ArrowField.tensor("t", ArrowType.utf8(), 2));
        assertThrows(IllegalArgumentException.class, () -> ArrowField.tensor("t", ArrowType.float64()));
        assertThrows(IllegalArgumentException.class, () -> ArrowField.tensor("t", ArrowType.float64(), 1 << 16,
                1 << 16));
    }
}
