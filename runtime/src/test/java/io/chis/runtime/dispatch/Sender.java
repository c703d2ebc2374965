package io.chis.runtime.dispatch;

import static org.awaitility.Awaitility.await;

import io.chis.runtime.testing.ApiClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;

/** An application using Chis over its REST API: one account, one API key, sending webhooks and watching them. */
public final class Sender {

    public final ApiClient api;
    public final String token;
    public final String apiKey;

    public Sender(int httpPort) {
        this.api = new ApiClient(httpPort);
        this.token = api.newAccountToken();
        this.apiKey = api.newApiKey(token);
    }

    /** Sends {@code payload} (JSON text) to {@code url}; returns the message id. */
    public String send(String url, String payload) {
        return api.send(apiKey, "{\"url\":\"" + url + "\",\"eventType\":\"test.event\",\"payload\":" + payload + "}");
    }

    public Map<?, ?> message(String id) {
        return api.message(apiKey, id);
    }

    public String status(String id) {
        return (String) message(id).get("status");
    }

    /** Waits until the message has the status; returns it as the API shows it then. */
    public Map<?, ?> awaitStatus(String id, String status, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> status.equals(status(id)));
        return message(id);
    }

    /** The attempts of the message's only delivery, as the API lists them. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> attempts(String id) {
        List<Map<String, Object>> deliveries =
                (List<Map<String, Object>>) message(id).get("deliveries");
        return (List<Map<String, Object>>) deliveries.get(0).get("attempts");
    }

    public Map<?, ?> signingSecret() {
        return api.http
                .get()
                .uri("/api/signing-secret")
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    public Map<?, ?> rotateSigningSecret() {
        return api.http
                .post()
                .uri("/api/signing-secret/rotate")
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus()
                .is2xxSuccessful()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> listed(String status) {
        Map<?, ?> page = api.http
                .get()
                .uri("/webhook/messages?status={s}&limit=100", status)
                .header("X-API-Key", apiKey)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return (List<Map<String, Object>>) page.get("messages");
    }

    /** The account's messages by status, as {@code GET /webhook/stats} counts them. */
    public Map<?, ?> stats() {
        Map<?, ?> stats = api.http
                .get()
                .uri("/webhook/stats")
                .header("X-API-Key", apiKey)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return (Map<?, ?>) stats.get("messages");
    }

    public void retry(String id) {
        api.http
                .post()
                .uri("/webhook/messages/{id}/retry", id)
                .header("X-API-Key", apiKey)
                .exchange()
                .expectStatus()
                .isAccepted();
    }
}
