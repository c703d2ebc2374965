package io.chis.operator.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Validates custom resources against the openAPIV3Schema of their CRD, as the API server does with strict field
 * validation (kubectl's default): wrong types, patterns, minimums, missing required fields and unknown fields are
 * errors. CEL rules (x-kubernetes-validations) are not evaluated here.
 */
final class CrdSchemas {
    static final Path CRDS = Path.of("..", "crds");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, Schema> byApiVersionAndKind = new HashMap<>();

    private CrdSchemas(List<CustomResourceDefinition> crds) {
        // a CRD's schema is an OpenAPI 3.0 schema object with Kubernetes extensions (checked by the API server itself)
        Dialect kubernetes = Dialect.builder(Dialects.getOpenApi30())
                .keywords(Stream.of(
                                "x-kubernetes-int-or-string",
                                "x-kubernetes-validations",
                                "x-kubernetes-preserve-unknown-fields",
                                "x-kubernetes-embedded-resource",
                                "x-kubernetes-list-type",
                                "x-kubernetes-list-map-keys",
                                "x-kubernetes-map-type")
                        .map(NonValidationKeyword::new)
                        .toList())
                .build();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(kubernetes);
        for (CustomResourceDefinition crd : crds) {
            for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
                ObjectNode schema = Serialization.jsonMapper()
                        .valueToTree(version.getSchema().getOpenAPIV3Schema());
                // the API server knows these on every kind; generated schemas often leave them out
                ObjectNode root = (ObjectNode) schema.get("properties");
                for (String field : List.of("apiVersion", "kind", "metadata")) {
                    if (!root.has(field)) {
                        root.putObject(field).put("type", field.equals("metadata") ? "object" : "string");
                    }
                }
                byApiVersionAndKind.put(
                        crd.getSpec().getGroup() + "/" + version.getName() + " "
                                + crd.getSpec().getNames().getKind(),
                        registry.getSchema(strict(schema.deepCopy())));
            }
        }
    }

    /** The CRDs committed in crds/. */
    static CrdSchemas committed() {
        return new CrdSchemas(committedCrds());
    }

    static List<CustomResourceDefinition> committedCrds() {
        try (Stream<Path> files = Files.list(CRDS)) {
            return files.filter(f -> f.toString().endsWith(".yml"))
                    .sorted()
                    .map(CrdSchemas::crd)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CustomResourceDefinition crd(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Serialization.unmarshal(in, CustomResourceDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What is wrong with {@code resource}; empty when the API server would take it. */
    List<String> validate(JsonNode resource) {
        String key = resource.path("apiVersion").asText() + " "
                + resource.path("kind").asText();
        Schema schema = byApiVersionAndKind.get(key);
        if (schema == null) {
            return List.of("no CRD serves " + key);
        }
        return schema.validate(resource).stream()
                .map(e -> e.getInstanceLocation() + ": " + e.getMessage())
                .toList();
    }

    List<String> validate(Path yamlFile) {
        try {
            return validate(YAML.readTree(yamlFile.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unknown fields are errors, except where the schema preserves them (the API server would prune or reject them). */
    private static JsonNode strict(JsonNode schema) {
        if (schema instanceof ObjectNode node) {
            if (node.has("properties")
                    && !node.has("additionalProperties")
                    && !node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                node.put("additionalProperties", false);
            }
            node.forEach(CrdSchemas::strict);
        } else if (schema != null && schema.isArray()) {
            schema.forEach(CrdSchemas::strict);
        }
        return schema;
    }
}
