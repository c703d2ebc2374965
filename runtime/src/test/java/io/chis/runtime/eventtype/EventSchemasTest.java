package io.chis.runtime.eventtype;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.runtime.support.Violation;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventSchemasTest {

    static final String ORDER = """
            {"type":"object","required":["id","total"],
             "properties":{"id":{"type":"string"},"total":{"type":"number","minimum":0},
                           "items":{"type":"array","items":{"type":"object","required":["sku"]}}}}""";

    @Test
    void aConformingPayloadHasNoViolations() {
        assertThat(EventSchemas.violations(EventSchemas.compile(ORDER), bytes("{\"id\":\"o1\",\"total\":3}")))
                .isEmpty();
    }

    @Test
    void eachViolationNamesItsPlaceAsAJsonPointer() {
        var violations = EventSchemas.violations(
                EventSchemas.compile(ORDER), bytes("{\"id\":7,\"total\":-1,\"items\":[{\"sku\":\"a\"},{}]}"));

        assertThat(violations).extracting(Violation::pointer).containsExactlyInAnyOrder("/id", "/total", "/items/1");
        assertThat(violations).allSatisfy(v -> assertThat(v.message()).isNotBlank());
    }

    @Test
    void aMissingPropertyIsReportedAtItsObject() {
        var violations = EventSchemas.violations(EventSchemas.compile(ORDER), bytes("{\"id\":\"o1\"}"));

        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.pointer()).isEmpty();
            assertThat(v.message()).contains("total");
        });
    }

    @Test
    void validSchemasPass() {
        assertThat(EventSchemas.problems(ORDER)).isEmpty();
        assertThat(EventSchemas.problems("true")).isEmpty();
        assertThat(EventSchemas.problems("{\"$defs\":{\"a\":{\"type\":\"string\"}},\"$ref\":\"#/$defs/a\"}"))
                .isEmpty();
    }

    @Test
    void invalidSchemasAreRefusedWithTheReason() {

        assertThat(EventSchemas.problems("{\"type\":\"strin\"}")).isNotEmpty();
        assertThat(EventSchemas.problems("{\"minimum\":\"zero\"}")).isNotEmpty();
        assertThat(EventSchemas.problems("[1]"))
                .singleElement()
                .extracting(Violation::message)
                .asString()
                .contains("object");
        assertThat(EventSchemas.problems("{nope"))
                .singleElement()
                .extracting(Violation::message)
                .asString()
                .contains("not valid JSON");
    }

    @Test
    void aRemoteReferenceIsNeverFetched() {

        assertThat(EventSchemas.problems("{\"$ref\":\"http://127.0.0.1:9/schema.json\"}"))
                .isNotEmpty();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
