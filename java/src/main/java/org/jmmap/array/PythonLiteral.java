package org.jmmap.array;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of Python's literal syntax that {@code .npy} headers use, both ways: {@link #parse} reads what
 * {@code ast.literal_eval} would (dicts, lists, tuples, strings, integers, {@code True}/{@code False}/{@code None};
 * floats only to report them), {@link #repr} writes what Python's {@code repr} writes, character for character.
 *
 * <p>Values: {@link String}, {@link BigInteger}, {@link Boolean}, {@link #NONE}, {@link List} (a Python list),
 * {@link Tuple}, {@link Map} (a dict, in order, the last of duplicate keys winning as in Python), and
 * {@link Double} for a float.
 */
final class PythonLiteral {

    /** Python's {@code None}. */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** A Python tuple. */
    static final class Tuple {
        final List<Object> items;

        Tuple(List<Object> items) {
            this.items = Collections.unmodifiableList(items);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Tuple && ((Tuple) other).items.equals(items);
        }

        @Override
        public int hashCode() {
            return items.hashCode();
        }

        @Override
        public String toString() {
            return repr(this);
        }
    }

    /** A literal that is not valid; {@link #position} is the character where parsing stopped. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        final int position;

        SyntaxError(String message, int position) {
            super(message + " at character " + position);
            this.position = position;
        }
    }

    private final String text;
    /** Whether a Python 2 long suffix ({@code 10L}) is accepted, as numpy does for format versions 1.0 and 2.0. */
    private final boolean longSuffix;
    private int at;
    private int depth;
    /** Whether the last list or tuple read ended with a comma: {@code (x,)} is a tuple, {@code (x)} is x. */
    private boolean trailingComma;

    private static final int MAX_DEPTH = 200;

    private PythonLiteral(String text, boolean longSuffix) {
        this.text = text;
        this.longSuffix = longSuffix;
    }

    /** Parses one literal, surrounded by any whitespace, as {@code ast.literal_eval} does. */
    static Object parse(String text, boolean longSuffix) throws SyntaxError {
        PythonLiteral parser = new PythonLiteral(text, longSuffix);
        Object value = parser.value();
        parser.skipSpace();
        if (parser.at != text.length()) {
            throw parser.error("unexpected " + describe(text.charAt(parser.at)) + " after the value");
        }
        return value;
    }

    private SyntaxError error(String message) {
        return new SyntaxError(message, at);
    }

    private static String describe(char c) {
        return c >= ' ' && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private void skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                at++;
            } else if (c == '\\' && at + 1 < text.length() && text.charAt(at + 1) == '\n') {
                at += 2; // explicit line joining
            } else {
                return;
            }
        }
    }

    private Object value() throws SyntaxError {
        skipSpace();
        if (at >= text.length()) {
            throw error("unexpected end of the text");
        }
        char c = text.charAt(at);
        switch (c) {
            case '{':
            case '[':
            case '(':
                return nested(c);
            case '\'':
            case '"':
                return string(false);
            case '-':
            case '+':
                at++;
                Object operand = value();
                if (operand instanceof BigInteger) {
                    return c == '-' ? ((BigInteger) operand).negate() : operand;
                }
                if (operand instanceof Double) {
                    return c == '-' ? -(Double) operand : operand;
                }
                throw error("a sign applies to numbers only");
            default:
                if (c >= '0' && c <= '9' || c == '.') {
                    return number();
                }
                if (Character.isLetter(c) || c == '_') {
                    return name();
                }
                throw error("unexpected " + describe(c));
        }
    }

    /**
     * The dict, list or tuple that {@code open} starts. A switch rather than a method reference per kind: the first
     * header a JVM reads then links no lambda.
     */
    private Object nested(char open) throws SyntaxError {
        if (++depth > MAX_DEPTH) {
            throw error("nested more than " + MAX_DEPTH + " levels deep");
        }
        Object value = open == '{' ? dict() : open == '[' ? list() : tuple();
        depth--;
        return value;
    }

    /** Items up to {@code close}, separated by commas, an optional trailing comma; the opening bracket is read. */
    private List<Object> items(char close) throws SyntaxError {
        List<Object> items = new ArrayList<>();
        boolean comma = false;
        at++;
        while (true) {
            skipSpace();
            if (at < text.length() && text.charAt(at) == close) {
                at++;
                trailingComma = comma;
                return items;
            }
            items.add(value());
            comma = false;
            skipSpace();
            if (at < text.length() && text.charAt(at) == ',') {
                at++;
                comma = true;
            } else if (at < text.length() && text.charAt(at) == close) {
                at++;
                trailingComma = false;
                return items;
            } else {
                throw error(at < text.length() ? "expected ',' or '" + close + "', found "
                        + describe(text.charAt(at)) : "unexpected end of the text, expected '" + close + "'");
            }
        }
    }

    private Object list() throws SyntaxError {
        return items(']');
    }

    private Object tuple() throws SyntaxError {
        List<Object> items = items(')');
        if (items.size() == 1 && !trailingComma) {
            return items.get(0); // (x) is x in parentheses; (x,) and () are tuples
        }
        return new Tuple(items);
    }

    private Object dict() throws SyntaxError {
        Map<Object, Object> dict = new LinkedHashMap<>();
        at++;
        while (true) {
            skipSpace();
            if (at < text.length() && text.charAt(at) == '}') {
                at++;
                return dict;
            }
            Object key = value();
            if (key instanceof List || key instanceof Map) {
                throw error("unhashable dict key " + repr(key));
            }
            skipSpace();
            if (at >= text.length() || text.charAt(at) != ':') {
                throw error("expected ':' after the dict key " + repr(key));
            }
            at++;
            dict.remove(key); // a repeated key takes the place of its last occurrence, as in Python
            dict.put(key, value());
            skipSpace();
            if (at < text.length() && text.charAt(at) == ',') {
                at++;
            } else if (at < text.length() && text.charAt(at) == '}') {
                at++;
                return dict;
            } else {
                throw error("expected ',' or '}'");
            }
        }
    }

    private Object name() throws SyntaxError {
        int start = at;
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
            at++;
        }
        String name = text.substring(start, at);
        switch (name) {
            case "True":
                return Boolean.TRUE;
            case "False":
                return Boolean.FALSE;
            case "None":
                return NONE;
            default:
                break;
        }
        if (at < text.length() && (text.charAt(at) == '\'' || text.charAt(at) == '"')) {
            String prefix = name.toLowerCase(java.util.Locale.ROOT);
            if (prefix.equals("u") || prefix.equals("r")) {
                return string(prefix.equals("r"));
            }
            if (prefix.contains("b")) {
                at = start;
                throw error("a bytes literal is not a str");
            }
        }
        at = start;
        throw error("'" + name + "' is not a literal");
    }

    private Object number() throws SyntaxError {
        int start = at;
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_'
                || text.charAt(at) == '.'
                || (text.charAt(at) == '+' || text.charAt(at) == '-')
                        && (text.charAt(at - 1) == 'e' || text.charAt(at - 1) == 'E')
                        && !text.substring(start, at).matches("0[xX].*"))) {
            at++;
        }
        String token = text.substring(start, at);
        String digits = token;
        if (longSuffix && (digits.endsWith("L") || digits.endsWith("l")) && digits.length() > 1) {
            digits = digits.substring(0, digits.length() - 1);
        }
        if (isPlainDecimal(digits)) { // what headers hold: shapes and offsets; no regular expression needed
            return new BigInteger(digits);
        }
        try {
            if (digits.matches("[1-9](_?[0-9])*|0(_?0)*")) {
                return new BigInteger(digits.replace("_", ""));
            }
            if (digits.matches("0[xX](_?[0-9a-fA-F])+")) {
                return new BigInteger(digits.substring(2).replace("_", ""), 16);
            }
            if (digits.matches("0[oO](_?[0-7])+")) {
                return new BigInteger(digits.substring(2).replace("_", ""), 8);
            }
            if (digits.matches("0[bB](_?[01])+")) {
                return new BigInteger(digits.substring(2).replace("_", ""), 2);
            }
            if (token.matches("([0-9](_?[0-9])*)?\\.?([0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?")
                    && token.matches(".*[0-9].*")) {
                return Double.valueOf(token.replace("_", ""));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        at = start;
        throw error("'" + token + "' is not a number");
    }

    /** Whether {@code digits} is a decimal integer without underscores or leading zeros, such as {@code 1024}. */
    private static boolean isPlainDecimal(String digits) {
        if (digits.isEmpty() || digits.length() > 1 && digits.charAt(0) == '0') {
            return false;
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** A string literal at {@code at}: single, double or triple quoted; {@code raw} without escapes. */
    private String string(boolean raw) throws SyntaxError {
        char quote = text.charAt(at);
        boolean triple = text.startsWith(String.valueOf(quote).repeat(3), at);
        int start = at;
        at += triple ? 3 : 1;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                at = start;
                throw error("unterminated string");
            }
            char c = text.charAt(at);
            if (c == quote && (!triple || text.startsWith(String.valueOf(quote).repeat(3), at))) {
                at += triple ? 3 : 1;
                return out.toString();
            }
            if ((c == '\n' || c == '\r') && !triple) {
                throw error("end of line inside a string");
            }
            if (c != '\\') {
                out.append(c);
                at++;
                continue;
            }
            if (at + 1 >= text.length()) {
                throw error("unterminated string");
            }
            char escape = text.charAt(at + 1);
            if (raw) {
                out.append(c).append(escape);
                at += 2;
                continue;
            }
            at += 2;
            switch (escape) {
                case '\n':
                    break;
                case '\\':
                case '\'':
                case '"':
                    out.append(escape);
                    break;
                case 'a':
                    out.append('\u0007');
                    break;
                case 'b':
                    out.append('\b');
                    break;
                case 'f':
                    out.append('\f');
                    break;
                case 'n':
                    out.append('\n');
                    break;
                case 'r':
                    out.append('\r');
                    break;
                case 't':
                    out.append('\t');
                    break;
                case 'v':
                    out.append('\u000b');
                    break;
                case 'x':
                    out.appendCodePoint(hex(2));
                    break;
                case 'u':
                    out.appendCodePoint(hex(4));
                    break;
                case 'U':
                    int codePoint = hex(8);
                    if (codePoint > Character.MAX_CODE_POINT) {
                        throw error("\\U escape beyond U+10FFFF");
                    }
                    out.appendCodePoint(codePoint);
                    break;
                default:
                    if (escape >= '0' && escape <= '7') {
                        int value = escape - '0';
                        for (int n = 1; n < 3 && at < text.length() && text.charAt(at) >= '0'
                                && text.charAt(at) <= '7'; n++) {
                            value = value * 8 + text.charAt(at++) - '0';
                        }
                        out.append((char) value);
                    } else if (escape == 'N') {
                        throw error("\\N{...} escapes are not supported");
                    } else {
                        out.append('\\').append(escape); // Python keeps unknown escapes as they are
                    }
            }
        }
    }

    private int hex(int digits) throws SyntaxError {
        if (at + digits > text.length()
                || !text.substring(at, at + digits).matches("[0-9a-fA-F]{" + digits + "}")) {
            throw error("truncated \\x, \\u or \\U escape");
        }
        int value = (int) Long.parseLong(text.substring(at, at + digits), 16);
        at += digits;
        return value;
    }

    // -----------------------------------------------------------------------------------------------------------
    // repr

    /** Python's {@code repr} of a value of the kinds {@link #parse} returns (and of Long and Integer). */
    static String repr(Object value) {
        StringBuilder out = new StringBuilder();
        repr(value, out);
        return out.toString();
    }

    private static void repr(Object value, StringBuilder out) {
        if (value instanceof String) {
            reprString((String) value, out);
        } else if (value instanceof Boolean) {
            out.append((Boolean) value ? "True" : "False");
        } else if (value instanceof BigInteger || value instanceof Long || value instanceof Integer) {
            out.append(value);
        } else if (value == NONE) {
            out.append("None");
        } else if (value instanceof Tuple) {
            List<Object> items = ((Tuple) value).items;
            out.append('(');
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                repr(items.get(i), out);
            }
            out.append(items.size() == 1 ? ",)" : ")");
        } else if (value instanceof List) {
            List<?> items = (List<?>) value;
            out.append('[');
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                repr(items.get(i), out);
            }
            out.append(']');
        } else if (value instanceof Map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                repr(entry.getKey(), out);
                out.append(": ");
                repr(entry.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof Double) {
            out.append(value); // only in error messages
        } else {
            throw new IllegalArgumentException("no Python literal for " + value);
        }
    }

    /** Python 3's {@code repr(str)}: the quote it picks, its escapes, printable characters as they are. */
    private static void reprString(String s, StringBuilder out) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        out.append(quote);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == quote || c == '\\') {
                out.append('\\').appendCodePoint(c);
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c < ' ' || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else if (c < 0x7f || isPrintable(c)) {
                out.appendCodePoint(c);
            } else if (c <= 0xff) {
                out.append(String.format("\\x%02x", c));
            } else if (c <= 0xffff) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append(String.format("\\U%08x", c));
            }
        }
        out.append(quote);
    }

    /** Python's {@code str.isprintable} for one code point: not in Cc, Cf, Cs, Co, Cn, Zl, Zp, or Zs but space. */
    private static boolean isPrintable(int c) {
        switch (Character.getType(c)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.SURROGATE:
            case Character.PRIVATE_USE:
            case Character.UNASSIGNED:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
                return false;
            case Character.SPACE_SEPARATOR:
                return c == ' ';
            default:
                return true;
        }
    }
}
