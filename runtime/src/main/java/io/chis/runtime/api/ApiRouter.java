package io.chis.runtime.api;

import io.chis.runtime.apikey.ApiKeyHandler;
import io.chis.runtime.auth.AuthHandler;
import io.chis.runtime.endpoint.EndpointHandler;
import io.chis.runtime.health.HealthCheck;
import io.chis.runtime.recovery.RecoveryHandler;
import io.chis.runtime.signing.SigningSecretHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The REST API's routes (README "Using the API"); handlers do the work. */
public class ApiRouter {

    @Bean
    RouterFunction<ServerResponse> routes(
            AuthHandler auth,
            ApiKeyHandler apiKeys,
            SigningSecretHandler signing,
            EndpointHandler endpoints,
            MessageHandler messages,
            RecoveryHandler recoveries,
            HealthCheck health) {
        return RouterFunctions.route()
                .GET("/health", request -> health.response())
                .POST("/auth/register", auth::register)
                .POST("/auth/login", auth::login)
                .POST("/api/api-key/create", apiKeys::create)
                .GET("/api/api-keys", apiKeys::list)
                .DELETE("/api/api-keys/{id}", apiKeys::revoke)
                .GET("/api/signing-secret", signing::get)
                .POST("/api/signing-secret/rotate", signing::rotate)
                .POST("/api/endpoints", endpoints::create)
                .GET("/api/endpoints", endpoints::list)
                .GET("/api/endpoints/{id}", endpoints::get)
                .PUT("/api/endpoints/{id}", endpoints::replace)
                .DELETE("/api/endpoints/{id}", endpoints::delete)
                .POST("/api/endpoints/{id}/rotate-secret", endpoints::rotateSecret)
                .POST("/api/endpoints/{id}/test-filter", endpoints::testFilter)
                .POST("/webhook/send", messages::send)
                .GET("/webhook/messages", messages::list)
                .GET("/webhook/messages/{id}", messages::get)
                .POST("/webhook/messages/{id}/retry", messages::retry)
                .POST("/webhook/recover", recoveries::start)
                .GET("/webhook/recover/{id}", recoveries::get)
                .build();
    }
}
