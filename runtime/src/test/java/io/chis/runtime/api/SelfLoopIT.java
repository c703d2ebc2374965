package io.chis.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.dispatch.Sender;
import io.chis.runtime.dispatch.WebhookHeaders;
import io.chis.runtime.testing.TestRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.MediaType;

/**
 * An endpoint whose URL is the platform's own {@code POST /webhook/send} (with the account's API key as a custom
 * header) would re-submit every delivery to itself; the send route refuses requests made by Chis's workers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SelfLoopIT {

    ChisRuntime runtime;
    Sender sender;

    @BeforeAll
    void start() {
        Map<String, String> env = TestRuntime.environment(); // private targets allowed: the loop is on loopback
        env.put("CHIS_SCHEDULER_TICK", "50ms");
        runtime = TestRuntime.start(env);
        sender = new Sender(runtime.settings().httpPort());
    }

    @AfterAll
    void stop() {
        runtime.close();
    }

    @Test
    void anEndpointPointedAtTheSendRouteDoesNotLoop() {
        String sendRoute = "http://127.0.0.1:" + runtime.settings().httpPort() + "/webhook/send";
        sender.api.newEndpoint(
                sender.token,
                Map.of(
                        "name",
                        "loop",
                        "url",
                        sendRoute,
                        "eventTypes",
                        List.of("loop.ping"),
                        "headers",
                        Map.of("X-API-Key", sender.apiKey)));
        // the payload is itself a valid send of the same type: re-submitted, it would fan out to the endpoint again
        String id = sender.api.send(
                sender.apiKey,
                "{\"eventType\":\"loop.ping\",\"payload\":{\"eventType\":\"loop.ping\",\"payload\":{}}}");

        // the first attempt is refused, and the refusal is final: dead-lettered at once, not retried
        sender.awaitStatus(id, "dead", Duration.ofSeconds(20));
        List<Map<String, Object>> attempts = sender.attempts(id);
        assertThat(attempts).hasSize(1);
        assertThat(attempts.get(0).get("statusCode")).isEqualTo(422);
        assertThat((String) attempts.get(0).get("error"))
                .contains("Chis send route")
                .contains("loop");
        assertThat(sender.listed(""))
                .as("no message was created by the deliveries")
                .extracting(m -> m.get("id"))
                .containsExactly(id);
    }

    @Test
    void aSendCarryingChissUserAgentIsRefusedWithAProblem() {
        Map<?, ?> problem = sender.api
                .http
                .post()
                .uri("/webhook/send")
                .header("X-API-Key", sender.apiKey)
                .header("User-Agent", WebhookHeaders.USER_AGENT)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"url\":\"http://127.0.0.1:9/x\",\"payload\":{}}")
                .exchange()
                .expectStatus()
                .isEqualTo(422)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader()
                .valueEquals(WebhookHeaders.REFUSED, WebhookHeaders.SELF_LOOP)
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat((String) problem.get("detail")).contains("cannot be re-submitted to Chis");
    }
}
