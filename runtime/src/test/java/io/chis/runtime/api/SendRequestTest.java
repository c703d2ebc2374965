package io.chis.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.runtime.support.ApiException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SendRequestTest {

    static SendRequest parse(String json) {
        return SendRequest.parse(json.getBytes(StandardCharsets.UTF_8), 100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\" :  [1, 2,{}] }", "\"text with \\\" quote\"", "12.50", "true", "[]"})
    void keepsThePayloadBytesExactlyAsSent(String payload) {
        SendRequest request = parse("{\"eventType\":\"e\", \"payload\": " + payload + " , \"url\":\"http://h/x\"}");
        assertThat(new String(request.payload(), StandardCharsets.UTF_8)).isEqualTo(payload);
        assertThat(request.url()).isEqualTo("http://h/x");
        assertThat(request.eventType()).isEqualTo("e");
    }

    @Test
    void multiByteCharactersCountAsBytes() {
        SendRequest request = parse("{\"url\":\"https://h\",\"payload\":\"żółw\"}");
        assertThat(request.payload()).hasSize(2 + "żółw".getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void payloadOverTheLimitIs413() {
        assertThatThrownBy(() -> parse("{\"url\":\"https://h\",\"payload\":\"" + "x".repeat(99) + "\"}"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(413));
        assertThat(parse("{\"url\":\"https://h\",\"payload\":\"" + "x".repeat(98) + "\"}")
                        .payload())
                .hasSize(100);
    }

    @Test
    void unknownFieldsAreIgnoredAndBlankEventTypeIsNone() {
        SendRequest request =
                parse("{\"url\":\"https://h\",\"extra\":{\"deep\":[1]},\"eventType\":\" \",\"payload\":1}");
        assertThat(request.eventType()).isNull();
    }

    @Test
    void urlsMustBeAbsoluteHttpWithoutCredentials() {
        assertThat(SendRequest.checkUrl("HTTPS://Example.com:8443/p?q=1")).isEqualTo("HTTPS://Example.com:8443/p?q=1");
        for (String bad :
                new String[] {"ftp://h/x", "/relative", "https://", "https://user:pw@h/x", "javascript:alert(1)"}) {
            assertThatThrownBy(() -> SendRequest.checkUrl(bad)).as(bad).isInstanceOf(ApiException.class);
        }
        assertThatThrownBy(() -> SendRequest.checkUrl("https://h/" + "a".repeat(2100)))
                .hasMessageContaining("2048");
    }

    @Test
    void malformedBodiesSayWhatIsWrong() {
        assertThatThrownBy(() -> parse("{\"url\":")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parse("{\"url\":\"https://h\",\"payload\":1} trailing"))
                .hasMessageContaining("JSON");
        assertThatThrownBy(() -> parse("{\"url\":\"https://h\",\"payload\":null}"))
                .hasMessageContaining("payload is required");
        assertThatThrownBy(() -> parse("{\"url\":1,\"payload\":1}")).hasMessageContaining("url must be a string");
    }
}
