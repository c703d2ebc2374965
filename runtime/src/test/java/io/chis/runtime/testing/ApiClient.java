package io.chis.runtime.testing;

import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A user of the REST API on a real port: registers, logs in and creates keys the way the README shows. */
public final class ApiClient {

    public final WebTestClient http;

    public ApiClient(int port) {
        this.http = TestHttp.client(port);
    }

    /** A new account; returns its JWT. */
    public String newAccountToken() {
        String email = "user-" + UUID.randomUUID() + "@example.com";
        http.post()
                .uri("/auth/register")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "email",
                        email,
                        "password",
                        "correct-horse-battery",
                        "firstName",
                        "Ada",
                        "lastName",
                        "Lovelace"))
                .exchange()
                .expectStatus()
                .isCreated();
        return login(email, "correct-horse-battery");
    }

    public String login(String email, String password) {
        Map<?, ?> body = http.post()
                .uri("/auth/login")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", password))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return (String) body.get("token");
    }

    public String newApiKey(String token) {
        Map<?, ?> body = http.post()
                .uri("/api/api-key/create")
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "test"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return (String) body.get("apiKey");
    }

    /** Sends {@code {url, eventType, payload}} raw; returns the message id from the 202. */
    public String send(String apiKey, String jsonBody) {
        Map<?, ?> body = http.post()
                .uri("/webhook/send")
                .header("X-API-Key", apiKey)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(jsonBody)
                .exchange()
                .expectStatus()
                .isAccepted()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return (String) body.get("id");
    }

    /** Sends {@code {eventType, payload}} without a url: one delivery per subscribed endpoint. */
    public String fanOut(String apiKey, String eventType) {
        return send(apiKey, "{\"eventType\":\"" + eventType + "\",\"payload\":{\"ok\":true}}");
    }

    /** Creates an endpoint over REST; returns the 201's body (with its id and secret). */
    public Map<?, ?> newEndpoint(String token, Map<String, Object> body) {
        return http.post()
                .uri("/api/endpoints")
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    public Map<?, ?> message(String apiKey, String id) {
        return http.get()
                .uri("/webhook/messages/{id}", id)
                .header("X-API-Key", apiKey)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }
}
