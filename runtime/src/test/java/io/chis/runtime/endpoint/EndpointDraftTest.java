package io.chis.runtime.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.runtime.support.ApiException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointDraftTest {

    static EndpointDraft draft(String url, List<String> types, Map<String, String> headers) {
        return new EndpointDraft(" billing ", url, types, " ", headers, false, null, null);
    }

    @Test
    void normalisesAValidDraft() {
        EndpointDraft valid = draft("https://hooks.example.com/in", List.of("user.*"), Map.of("X-Tenant", "acme"))
                .validated();
        assertThat(valid.name()).isEqualTo("billing");
        assertThat(valid.policy()).isNull();
        assertThat(valid.headers()).containsEntry("X-Tenant", "acme");
        assertThat(valid.ordering()).isEqualTo("unordered");
        assertThat(valid.filter()).isNull();
    }

    @Test
    void checksOrderingAndFilter() {
        EndpointDraft fifo = new EndpointDraft(
                        "n", "https://x", List.of("*"), null, null, false, "fifo", "{\"payload.a\": {\"$gt\": 1}}")
                .validated();
        assertThat(fifo.ordering()).isEqualTo("fifo");
        assertThat(fifo.filter()).isEqualTo("{\"payload.a\":{\"$gt\":1}}");
        assertThatThrownBy(() ->
                        new EndpointDraft("n", "https://x", List.of("*"), null, null, false, "lifo", null).validated())
                .hasMessageContaining("ordering");
        assertThatThrownBy(() -> new EndpointDraft(
                                "n",
                                "https://x",
                                List.of("*"),
                                null,
                                null,
                                false,
                                null,
                                "{\"payload.a\": {\"$gt\": []}}")
                        .validated())
                .isInstanceOf(ApiException.class)
                .hasMessage("filter: path 'payload.a': $gt takes a number or a string");
    }

    @Test
    void saysWhatIsWrong() {
        assertThatThrownBy(() -> draft("ftp://x", List.of("*"), null).validated())
                .hasMessageContaining("http or https");
        assertThatThrownBy(() -> draft("https://x", List.of(), null).validated())
                .hasMessageContaining("eventTypes");
        assertThatThrownBy(() -> draft("https://x", null, null).validated()).hasMessageContaining("eventTypes");
        assertThatThrownBy(() -> draft("https://x", List.of("user.*.x"), null).validated())
                .hasMessageContaining("'user.*.x'");
        assertThatThrownBy(() -> draft("https://x", List.of("*"), Map.of("webhook-signature", "v1,x"))
                        .validated())
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("set by Chis");
        assertThatThrownBy(() -> draft("https://x", List.of("*"), Map.of("Bad Name", "v"))
                        .validated())
                .hasMessageContaining("not a valid header name");
        assertThatThrownBy(() -> draft("https://x", List.of("*"), Map.of("X-A", "one\r\nX-Injected: 1"))
                        .validated())
                .hasMessageContaining("one line");
        assertThatThrownBy(() ->
                        new EndpointDraft(null, "https://x", List.of("*"), null, null, false, null, null).validated())
                .hasMessageContaining("name is required");
    }
}
