package io.chis.runtime.api;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.testing.TestHttp;
import io.chis.runtime.testing.TestRuntime;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/** What a newcomer tries first: the root, and a send with the wrong method. */
class FirstRequestsIT {

    static ChisRuntime runtime;
    static WebTestClient http;

    @BeforeAll
    static void start() {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_ROLES", "api,delivery");
        runtime = TestRuntime.start(env);
        http = TestHttp.client(runtime.settings().httpPort());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void rootAnswersAnIndexOfLinks() {
        http.get()
                .uri("/")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.links.health")
                .isEqualTo("/health");
    }

    @Test
    void getOfTheSendRouteIs405WithAllow() {
        http.get()
                .uri("/webhook/send")
                .exchange()
                .expectStatus()
                .isEqualTo(405)
                .expectHeader()
                .valueEquals("Allow", "POST")
                .expectHeader()
                .contentType("application/problem+json")
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo(405);
    }
}
