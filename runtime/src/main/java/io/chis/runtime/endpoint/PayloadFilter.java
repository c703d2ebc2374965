package io.chis.runtime.endpoint;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.StringNode;

/**
 * An endpoint's payload filter: a JSON document compiled once when the endpoint is stored, then evaluated against
 * each message at fan-out. Keys are dotted paths into {@code payload} (numeric segments index arrays) or
 * {@code eventType}, or the combinators {@code $and}/{@code $or} (arrays of filter documents); values are bare
 * values ({@code $eq}) or operator documents ({@code $eq $ne $gt $gte $lt $lte $in $nin $exists $prefix $not}).
 * A missing path matches only {@code $ne}, {@code $nin}, {@code $exists: false} and a {@code $not} of what it fails.
 */
public final class PayloadFilter {

    /** Serialised size and nesting a filter may have: it runs for every message of the account. */
    static final int MAX_BYTES = 8 * 1024;

    static final int MAX_DEPTH = 8;

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** A filter document that is not valid; the message names the path or operator at fault. */
    public static final class InvalidFilterException extends IllegalArgumentException {
        InvalidFilterException(String message) {
            super(message, null);
        }
    }

    private final JsonNode document;
    private final Condition condition;

    private PayloadFilter(JsonNode document, Condition condition) {
        this.document = document;
        this.condition = condition;
    }

    /** Compiles the filter's JSON text. */
    public static PayloadFilter parse(String json) {
        if (json.length() > MAX_BYTES) throw invalid("filter is larger than " + MAX_BYTES + " bytes");
        JsonNode document;
        try {
            document = JSON.readTree(json);
        } catch (JacksonException e) {
            throw invalid("filter is not valid JSON: " + e.getOriginalMessage());
        }
        return compile(document);
    }

    public static PayloadFilter compile(JsonNode document) {
        if (document == null || !document.isObject()) throw invalid("filter must be a JSON object");
        String json = JSON.writeValueAsString(document);
        if (json.length() > MAX_BYTES) throw invalid("filter is larger than " + MAX_BYTES + " bytes");
        return new PayloadFilter(document, compileDocument(document, 1));
    }

    /** The filter as stored and shown. */
    public JsonNode document() {
        return document;
    }

    public String json() {
        return JSON.writeValueAsString(document);
    }

    /**
     * Reads a message's payload bytes into a tree once, for all endpoints' filters; a payload that is not JSON
     * is a missing node (paths into it find nothing).
     */
    public static JsonNode readPayload(byte[] payload) {
        try {
            return payload == null ? MissingNode.getInstance() : JSON.readTree(payload);
        } catch (JacksonException e) {
            return MissingNode.getInstance();
        }
    }

    public boolean matches(String eventType, JsonNode payload) {
        return condition.test(new Message(eventType, payload == null ? MissingNode.getInstance() : payload));
    }

    // ---- compiling

    private record Message(String eventType, JsonNode payload) {}

    private interface Condition {
        boolean test(Message message);
    }

    /** A test of the value at a path; {@code value} is null when the path is missing. */
    private interface Test {
        boolean test(JsonNode value);
    }

    private static Condition compileDocument(JsonNode document, int depth) {
        if (depth > MAX_DEPTH) throw invalid("filter nests deeper than " + MAX_DEPTH + " levels");
        List<Condition> all = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : document.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            switch (key) {
                case "$and" -> {
                    List<Condition> parts = compileDocuments(key, value, depth);
                    all.add(message -> parts.stream().allMatch(part -> part.test(message)));
                }
                case "$or" -> {
                    List<Condition> parts = compileDocuments(key, value, depth);
                    all.add(message -> parts.stream().anyMatch(part -> part.test(message)));
                }
                default -> {
                    if (key.startsWith("$")) {
                        throw invalid("'" + key + "' is not allowed at the top of a filter document"
                                + " (only $and and $or are; other operators go under a path)");
                    }
                    List<String> path = path(key);
                    Test test = compileValue(key, value, depth);
                    all.add(message -> test.test(resolve(message, path)));
                }
            }
        }
        return message -> {
            for (Condition condition : all) if (!condition.test(message)) return false;
            return true;
        };
    }

    private static List<Condition> compileDocuments(String operator, JsonNode value, int depth) {
        if (!value.isArray() || value.isEmpty()) {
            throw invalid(operator + " takes a non-empty array of filter documents");
        }
        List<Condition> parts = new ArrayList<>();
        for (JsonNode part : value.values()) {
            if (!part.isObject()) throw invalid(operator + " takes an array of filter documents (JSON objects)");
            parts.add(compileDocument(part, depth + 1));
        }
        return parts;
    }

    private static List<String> path(String key) {
        List<String> segments = List.of(key.split("\\.", -1));
        if (segments.stream().anyMatch(String::isEmpty)) {
            throw invalid("path '" + key + "' has an empty segment");
        }
        if (key.equals("eventType")) return segments;
        if (!segments.getFirst().equals("payload")) {
            throw invalid("path '" + key + "' must be eventType or start with payload (e.g. payload.order.total)");
        }
        return segments;
    }

    private static JsonNode resolve(Message message, List<String> path) {
        if (path.getFirst().equals("eventType")) {
            return message.eventType() == null ? null : StringNode.valueOf(message.eventType());
        }
        JsonNode node = message.payload();
        for (int i = 1; i < path.size() && node != null; i++) {
            String segment = path.get(i);
            if (node.isObject()) node = node.get(segment);
            else if (node.isArray() && isIndex(segment)) node = node.get(Integer.parseInt(segment));
            else node = null;
        }
        return node == null || node.isMissingNode() ? null : node;
    }

    private static boolean isIndex(String segment) {
        return segment.length() <= 9 && segment.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** A bare value is {@code $eq}; an object whose keys all start with {@code $} is an operator document. */
    private static Test compileValue(String path, JsonNode value, int depth) {
        if (!isOperatorDocument(path, value)) {
            return actual -> actual != null && same(actual, value);
        }
        return compileOperators(path, value, depth);
    }

    private static boolean isOperatorDocument(String path, JsonNode value) {
        if (!value.isObject() || value.isEmpty()) return false;
        long operators =
                value.propertyNames().stream().filter(k -> k.startsWith("$")).count();
        if (operators == 0) return false;
        if (operators < value.size()) {
            throw invalid("path '" + path + "': an object mixes operators ($...) and plain keys");
        }
        return true;
    }

    private static Test compileOperators(String path, JsonNode operators, int depth) {
        if (depth > MAX_DEPTH) throw invalid("filter nests deeper than " + MAX_DEPTH + " levels");
        List<Test> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : operators.properties()) {
            tests.add(compileOperator(path, entry.getKey(), entry.getValue(), depth));
        }
        return actual -> {
            for (Test test : tests) if (!test.test(actual)) return false;
            return true;
        };
    }

    private static Test compileOperator(String path, String operator, JsonNode operand, int depth) {
        String at = "path '" + path + "': " + operator;
        return switch (operator) {
            case "$eq" -> actual -> actual != null && same(actual, operand);
            case "$ne" -> actual -> actual == null || !same(actual, operand);
            case "$gt", "$gte", "$lt", "$lte" -> {
                if (!operand.isNumber() && !operand.isString()) throw invalid(at + " takes a number or a string");
                yield actual -> {
                    Integer order = compare(actual, operand);
                    if (order == null) return false;
                    return switch (operator) {
                        case "$gt" -> order > 0;
                        case "$gte" -> order >= 0;
                        case "$lt" -> order < 0;
                        default -> order <= 0;
                    };
                };
            }
            case "$in", "$nin" -> {
                if (!operand.isArray()) throw invalid(at + " takes an array of values");
                List<JsonNode> values = List.copyOf(operand.values());
                boolean in = operator.equals("$in");
                yield actual -> {
                    boolean found = actual != null && values.stream().anyMatch(v -> same(actual, v));
                    return in == found;
                };
            }
            case "$exists" -> {
                if (!operand.isBoolean()) throw invalid(at + " takes true or false");
                boolean wanted = operand.booleanValue();
                yield actual -> (actual != null) == wanted;
            }
            case "$prefix" -> {
                if (!operand.isString()) throw invalid(at + " takes a string");
                String prefix = operand.stringValue();
                yield actual -> actual != null
                        && actual.isString()
                        && actual.stringValue().startsWith(prefix);
            }
            case "$not" -> {
                if (!operand.isObject()
                        || operand.isEmpty()
                        || !operand.propertyNames().stream().allMatch(k -> k.startsWith("$"))) {
                    throw invalid(at + " takes an operator document, e.g. {\"$in\": [\"a\", \"b\"]}");
                }
                Test inner = compileOperators(path, operand, depth + 1);
                yield actual -> !inner.test(actual);
            }
            default ->
                throw invalid("path '" + path + "': unknown operator " + operator
                        + " (known: $eq $ne $gt $gte $lt $lte $in $nin $exists $prefix $not)");
        };
    }

    /** Order of two numbers or two strings; null when they are not comparable. */
    private static Integer compare(JsonNode actual, JsonNode operand) {
        if (actual == null) return null;
        if (actual.isNumber() && operand.isNumber())
            return actual.decimalValue().compareTo(operand.decimalValue());
        if (actual.isString() && operand.isString()) {
            return Integer.signum(actual.stringValue().compareTo(operand.stringValue()));
        }
        return null;
    }

    /** JSON equality, with numbers equal by value (1 equals 1.0). */
    static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) return false;
            for (int i = 0; i < a.size(); i++) if (!same(a.get(i), b.get(i))) return false;
            return true;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) return false;
            for (Iterator<Map.Entry<String, JsonNode>> it = a.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                JsonNode other = b.get(entry.getKey());
                if (other == null || !same(entry.getValue(), other)) return false;
            }
            return true;
        }
        return a.equals(b);
    }

    private static InvalidFilterException invalid(String message) {
        return new InvalidFilterException(message);
    }

    @Override
    public String toString() {
        return json();
    }
}
