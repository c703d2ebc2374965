package io.chis.runtime.eventtype;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.chis.runtime.support.Violation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON Schema 2020-12 for event types: checking a schema before it is stored, compiling it, and listing what a payload
 * violates. The registry loads only the bundled meta-schemas: a {@code $ref} never makes the server fetch a URL.
 */
public final class EventSchemas {

    static final int MAX_SCHEMA_BYTES = 64 * 1024;
    /** A refusal lists at most this many violations; a payload can violate a schema in many more ways. */
    static final int MAX_VIOLATIONS = 50;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry REGISTRY =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Schema META_SCHEMA =
            REGISTRY.getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));

    private EventSchemas() {}

    /** What is wrong with this schema document; empty when it is a schema that can be compiled. */
    public static List<Violation> problems(String schema) {
        if (schema.getBytes(StandardCharsets.UTF_8).length > MAX_SCHEMA_BYTES) {
            return List.of(new Violation("", "schema is larger than " + MAX_SCHEMA_BYTES + " bytes"));
        }
        JsonNode node;
        try {
            node = JSON.readTree(schema);
        } catch (JacksonException e) {
            return List.of(new Violation("", "schema is not valid JSON: " + e.getOriginalMessage()));
        }
        if (!node.isObject() && !node.isBoolean()) {
            return List.of(new Violation("", "schema must be a JSON object or boolean"));
        }
        List<Violation> problems = violations(META_SCHEMA.validate(node));
        if (!problems.isEmpty()) return problems;
        try {
            REGISTRY.getSchema(node).initializeValidators();
            return List.of();
        } catch (SchemaException | IllegalArgumentException e) {
            return List.of(new Violation("", "schema cannot be compiled: " + e.getMessage()));
        }
    }

    /** Compiles a schema that {@link #problems} accepted; every reference is resolved now, not on first use. */
    public static Schema compile(String schema) {
        Schema compiled = REGISTRY.getSchema(schema, InputFormat.JSON);
        compiled.initializeValidators();
        return compiled;
    }

    /** What the payload violates (at most {@link #MAX_VIOLATIONS}); empty when it conforms. */
    public static List<Violation> violations(Schema schema, byte[] payload) {
        JsonNode node;
        try {
            node = JSON.readTree(payload);
        } catch (JacksonException e) {
            return List.of(new Violation("", "payload is not valid JSON: " + e.getOriginalMessage()));
        }
        return violations(schema.validate(node));
    }

    private static List<Violation> violations(List<Error> errors) {
        return errors.stream()
                .limit(MAX_VIOLATIONS)
                .map(e -> new Violation(pointer(e), e.getMessage()))
                .toList();
    }

    private static String pointer(Error error) {
        return error.getInstanceLocation() == null
                ? ""
                : error.getInstanceLocation().toString();
    }
}
