package org.jmmap.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/** JSON in and out: the commands' {@code --json} output, and the values {@code jmmap value} publishes. */
final class Json {

    /** Numbers are kept as written: every digit, and trailing zeros of decimals ({@code 2.50}). */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** Two spaces a level, {@code "key": value} (Jackson's default puts a space before the colon too). */
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("").withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code node} on one line. */
    static String compact(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code node} indented by two spaces. */
    static String pretty(JsonNode node) {
        try {
            return MAPPER.writer(PRETTY).writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The one JSON value {@code bytes} hold (UTF-8, surrounding white space allowed), exactly: numbers keep every
     * digit.
     *
     * @throws Failure naming the line and column of the first error ({@code EINVAL}), or if there is no value
     */
    static JsonNode parse(byte[] bytes, String subject) {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : String.format(Locale.ROOT, " at line %d, column %d",
                    e.getLocation().getLineNr(), e.getLocation().getColumnNr());
            throw new Failure(subject, "not JSON" + where + ": " + e.getOriginalMessage().replace('\n', ' '),
                    "EINVAL");
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a byte array does not fail otherwise
        }
        if (node == null || node.isMissingNode()) {
            throw new Failure(subject, "not JSON: the input holds no value", "EINVAL");
        }
        return node;
    }

    /** Rounds a percentage to two decimals, for output. */
    static double percent(long part, long whole) {
        return whole == 0 ? 0 : Math.round(10_000.0 * part / whole) / 100.0;
    }
}
