package io.chis.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The REST API as a user reaches it: through the api Service's address from {@code status.apiUrl}. */
final class ChisApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String base;

    ChisApi(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    record Reply(int status, JsonNode body) {}

    Reply call(String method, String path, String auth, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(
                                            body instanceof String s ? s : JSON.writeValueAsString(body)));
            if (auth != null) {
                request.header(auth.startsWith("Bearer ") ? "Authorization" : "X-API-Key", auth);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            return new Reply(response.statusCode(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A plain-text GET (e.g. /metrics). */
    String text(String path) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(base + path))
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Registers and logs in {@code email}, creates an API key: returns {bearer, apiKey}. */
    String[] account(String email) {
        Reply registered = call(
                "POST",
                "/auth/register",
                null,
                java.util.Map.of(
                        "email",
                        email,
                        "password",
                        "correct horse battery",
                        "firstName",
                        "Ada",
                        "lastName",
                        "Lovelace"));
        if (registered.status() != 201) {
            throw new AssertionError("register: " + registered);
        }
        Reply login = call(
                "POST", "/auth/login", null, java.util.Map.of("email", email, "password", "correct horse battery"));
        String bearer = "Bearer " + login.body().path("token").asText();
        Reply key = call("POST", "/api/api-key/create", bearer, java.util.Map.of("name", "e2e"));
        if (key.status() != 201) {
            throw new AssertionError("api key: " + key);
        }
        return new String[] {bearer, key.body().path("apiKey").asText()};
    }
}
