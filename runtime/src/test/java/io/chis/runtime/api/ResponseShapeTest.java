package io.chis.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.proto.v1.Attempt;
import io.chis.proto.v1.Delivery;
import io.chis.proto.v1.ListMessagesResponse;
import io.chis.proto.v1.Message;
import io.chis.runtime.auth.TokenResponse;
import io.chis.runtime.endpoint.EndpointRepository;
import io.chis.runtime.endpoint.EndpointView;
import io.chis.runtime.signing.SigningSecretView;
import io.chis.runtime.support.Problem;
import io.chis.runtime.support.Violation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Pins the JSON of the REST answers (field names, order, which nulls are written and which fields are left out). */
class ResponseShapeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final UUID ID = UUID.fromString("11111111-2222-3333-4444-555555555555");
    private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

    private static final Message MESSAGE = Message.newBuilder()
            .setId("m1")
            .setStatus("retrying")
            .setCreatedAt("2026-01-02T03:04:05Z")
            .addDeliveries(Delivery.newBuilder()
                    .setId("d1")
                    .setUrl("https://example.com/hook")
                    .setStatus("retrying")
                    .setAttemptCount(1)
                    .setNextAttemptAt("2026-01-02T03:05:05Z")
                    .addAttempts(Attempt.newBuilder()
                            .setAttempt(1)
                            .setAt("2026-01-02T03:04:06Z")
                            .setDurationMs(12)
                            .setError("connection refused")))
            .build();

    static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    @Test
    void oneMessageShowsItsAttemptsAndWritesAbsentValuesAsNull() {
        assertThat(json(MessageView.of(MESSAGE, true)))
                .isEqualTo("{\"id\":\"m1\",\"status\":\"retrying\",\"eventType\":null,"
                        + "\"createdAt\":\"2026-01-02T03:04:05Z\",\"deliveries\":[{\"id\":\"d1\","
                        + "\"url\":\"https://example.com/hook\",\"endpointId\":null,\"status\":\"retrying\","
                        + "\"attemptCount\":1,\"nextAttemptAt\":\"2026-01-02T03:05:05Z\",\"attempts\":[{\"attempt\":1,"
                        + "\"at\":\"2026-01-02T03:04:06Z\",\"statusCode\":null,\"durationMs\":12,"
                        + "\"error\":\"connection refused\",\"responseBody\":null}]}]}");
    }

    @Test
    void aPageLeavesAttemptsOutAndEndsWithANullCursor() {
        String page = json(MessagePage.of(
                ListMessagesResponse.newBuilder().addMessages(MESSAGE).build()));
        assertThat(page).doesNotContain("attempts").endsWith("\"nextCursor\":null}");
        assertThat(page).startsWith("{\"messages\":[{\"id\":\"m1\"");
    }

    @Test
    void theEndpointListLeavesSecretsOutAndOneEndpointShowsThemDuringARotation() {
        var view = new EndpointView(
                ID,
                "orders",
                "https://example.com/hook",
                List.of("order.*"),
                null,
                null,
                null,
                null,
                Map.of(),
                false,
                null,
                null,
                AT,
                "unordered",
                null,
                null);
        assertThat(json(view))
                .isEqualTo("{\"id\":\"" + ID + "\",\"name\":\"orders\",\"url\":\"https://example.com/hook\","
                        + "\"eventTypes\":[\"order.*\"],\"policy\":null,\"headers\":{},\"disabled\":false,"
                        + "\"disabledReason\":null,\"managedBy\":null,\"createdAt\":\"2026-01-02T03:04:05Z\","
                        + "\"ordering\":\"unordered\",\"filter\":null}");
        var rotated = new EndpointView(
                ID,
                "orders",
                "https://example.com/hook",
                List.of("order.*"),
                "whsec_new",
                "whsec_old",
                AT,
                "fast",
                Map.of("X-Tenant", "a"),
                true,
                "410 Gone",
                "WebhookEndpoint default/orders",
                AT,
                "fifo",
                null,
                new EndpointRepository.Health(AT, AT, 3, 0.5, null));
        assertThat(json(rotated))
                .contains("\"eventTypes\":[\"order.*\"],\"secret\":\"whsec_new\",\"previousSecret\":\"whsec_old\","
                        + "\"previousValidUntil\":\"2026-01-02T03:04:05Z\",\"policy\":\"fast\"")
                .endsWith(
                        "\"health\":{\"lastSuccessAt\":\"2026-01-02T03:04:05Z\",\"lastFailureAt\":\"2026-01-02T03:04:05Z\","
                                + "\"consecutiveFailures\":3,\"successRate1h\":0.5,\"successRate24h\":null}}");
    }

    @Test
    void aSigningSecretOutsideARotationHasNoPreviousFields() {
        assertThat(json(new SigningSecretView("whsec_a", null, null))).isEqualTo("{\"secret\":\"whsec_a\"}");
        assertThat(json(new SigningSecretView("whsec_a", "whsec_b", AT)))
                .isEqualTo("{\"secret\":\"whsec_a\",\"previousSecret\":\"whsec_b\","
                        + "\"previousValidUntil\":\"2026-01-02T03:04:05Z\"}");
    }

    @Test
    void tokensAndProblemsKeepTheirFieldNames() {
        assertThat(json(new TokenResponse("t", "Bearer", 86400)))
                .isEqualTo("{\"token\":\"t\",\"tokenType\":\"Bearer\",\"expiresIn\":86400}");
        assertThat(json(new Problem("about:blank", "Not Found", 404, "no message with id x", "/webhook/messages/x")))
                .isEqualTo("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
                        + "\"detail\":\"no message with id x\",\"instance\":\"/webhook/messages/x\"}");
        assertThat(json(new Problem(
                        "about:blank",
                        "Unprocessable Content",
                        422,
                        "d",
                        "/webhook/send",
                        List.of(new Violation("/id", "integer found, string expected")))))
                .isEqualTo("{\"type\":\"about:blank\",\"title\":\"Unprocessable Content\",\"status\":422,"
                        + "\"detail\":\"d\",\"instance\":\"/webhook/send\","
                        + "\"violations\":[{\"pointer\":\"/id\",\"message\":\"integer found, string expected\"}]}");
    }
}
