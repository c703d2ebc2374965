package io.chis.e2e.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes API's own schemas for one version, as JSON Schema: the definitions that the npm package
 * {@code kubernetes-models} generates from the Kubernetes OpenAPI document of that release, vendored under
 * {@code src/test/resources/kubernetes-schemas/} (see the README there). Validation is strict, as
 * {@code kubectl apply --validate=strict} and the API server's strict field validation are: an unknown field is an error.
 */
final class KubernetesSchemas {
    private final String version;
    private final ObjectNode definitions;
    private final Map<String, String> definitionByKind = new HashMap<>();
    private final Map<String, Schema> schemas = new HashMap<>();
    private final SchemaRegistry registry;

    private KubernetesSchemas(String version, ObjectNode definitions) {
        this.version = version;
        this.definitions = definitions;
        definitions.properties().forEach(e -> {
            JsonNode properties = e.getValue().path("properties");
            JsonNode apiVersion = properties.path("apiVersion").path("enum");
            JsonNode kind = properties.path("kind").path("enum");
            if (apiVersion.size() == 1 && kind.size() == 1) {
                definitionByKind.put(
                        apiVersion.get(0).asText() + " " + kind.get(0).asText(), e.getKey());
            }
        });
        rewriteRefs(definitions);
        strict(definitions);
        Dialect dialect = Dialect.builder(Dialects.getDraft7())
                .keywords(List.of(new NonValidationKeyword("nullable")))
                .build();
        registry = SchemaRegistry.withDefaultDialect(dialect);
    }

    static KubernetesSchemas load(String version) {
        try (InputStream in =
                KubernetesSchemas.class.getResourceAsStream("/kubernetes-schemas/kubernetes-" + version + ".json")) {
            if (in == null) {
                throw new IllegalStateException("no vendored schemas for Kubernetes " + version);
            }
            JsonNode root = new ObjectMapper().readTree(in);
            return new KubernetesSchemas(version, (ObjectNode) root.get("definitions"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String version() {
        return version;
    }

    /** The problems the API server of this version would find with the object, as "path: message"; empty if none. */
    List<String> validate(HasMetadata object) {
        String key = object.getApiVersion() + " " + object.getKind();
        String definition = definitionByKind.get(key);
        if (definition == null) {
            return List.of("Kubernetes " + version + " has no kind " + key);
        }
        Schema schema = schemas.computeIfAbsent(definition, d -> {
            ObjectNode root = new ObjectMapper().createObjectNode();
            root.put("$ref", "#/definitions/" + d);
            root.set("definitions", definitions);
            return registry.getSchema(root);
        });
        JsonNode json = Serialization.jsonMapper().valueToTree(object);
        return schema.validate(json).stream()
                .map(e -> e.getInstanceLocation() + ": " + e.getMessage())
                .toList();
    }

    /** kubernetes-models writes references as {@code "io.k8s.api.core.v1.Pod#"}; JSON Schema wants a pointer. */
    private static void rewriteRefs(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isTextual() && !ref.asText().startsWith("#")) {
                object.set("$ref", new TextNode("#/definitions/" + ref.asText().replace("#", "")));
            }
            object.forEach(KubernetesSchemas::rewriteRefs);
        } else if (node != null && node.isArray()) {
            node.forEach(KubernetesSchemas::rewriteRefs);
        }
    }

    private static void strict(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties") && !object.has("additionalProperties")) {
                object.put("additionalProperties", false);
            }
            object.forEach(KubernetesSchemas::strict);
        } else if (node != null && node.isArray()) {
            node.forEach(KubernetesSchemas::strict);
        }
    }
}
