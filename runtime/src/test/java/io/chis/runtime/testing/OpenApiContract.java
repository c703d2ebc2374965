package io.chis.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The OpenAPI document as a contract: checks a real answer's status, media type and body against its operation. */
public final class OpenApiContract {

    static final String DOCUMENT_ID = "https://chis.invalid/openapi.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public final String text;
    public final JsonNode document;
    private final SchemaRegistry registry;
    private final Set<String> covered = new TreeSet<>();

    public OpenApiContract(String text) {
        this.text = text;
        this.document = JSON.readTree(text);
        this.registry = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12, b -> b.schemas(Map.of(DOCUMENT_ID, text)));
    }

    public static String resource(String name) {
        try (InputStream in = OpenApiContract.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every "METHOD /path/{template}" the document describes. */
    public Set<String> operations() {
        Set<String> ops = new TreeSet<>();
        document.get("paths")
                .properties()
                .forEach(path -> path.getValue()
                        .propertyNames()
                        .forEach(method -> ops.add(method.toUpperCase() + " " + path.getKey())));
        return ops;
    }

    public Set<String> covered() {
        return covered;
    }

    /** Asserts that the answer is one the document allows for this operation, and records the operation as driven. */
    public void check(String method, String template, int status, String contentType, String body) {
        String operation = method.toUpperCase() + " " + template;
        JsonNode op = document.path("paths").path(template).path(method.toLowerCase());
        assertThat(op.isMissingNode()).as("%s is in the document", operation).isFalse();
        JsonNode response = op.path("responses").path(String.valueOf(status));
        assertThat(response.isMissingNode())
                .as("%s documents status %d (body %s)", operation, status, body)
                .isFalse();
        String pointer = "#/paths/" + escape(template) + "/" + method.toLowerCase() + "/responses/" + status;
        if (response.has("$ref")) {
            pointer = response.get("$ref").asString();
            response = at(pointer);
        }
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            assertThat(body == null ? "" : body)
                    .as("%s %d has no body", operation, status)
                    .isEmpty();
        } else {
            String mediaType = contentType == null ? "" : contentType.split(";")[0].trim();
            assertThat(content.has(mediaType))
                    .as("%s %d answers %s, documented: %s", operation, status, mediaType, content.propertyNames())
                    .isTrue();
            Schema schema = registry.getSchema(
                    SchemaLocation.of(DOCUMENT_ID + pointer + "/content/" + escape(mediaType) + "/schema"));
            List<Error> errors = schema.validate(body, InputFormat.JSON);
            assertThat(errors)
                    .as("%s %d body %s matches the document", operation, status, body)
                    .isEmpty();
        }
        covered.add(operation);
    }

    private JsonNode at(String ref) {
        return document.at(ref.substring(1));
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
