package io.chis.runtime.api;

import io.chis.runtime.apikey.ApiKeyHandler;
import io.chis.runtime.auth.AuthHandler;
import io.chis.runtime.endpoint.EndpointHandler;
import io.chis.runtime.endpoint.NamespaceGrantHandler;
import io.chis.runtime.eventtype.EventTypeHandler;
import io.chis.runtime.health.HealthCheck;
import io.chis.runtime.recovery.RecoveryHandler;
import io.chis.runtime.signing.SigningSecretHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.RequestPredicates;
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
            EventTypeHandler eventTypes,
            NamespaceGrantHandler grants,
            MessageHandler messages,
            RecoveryHandler recoveries,
            OpenApiDocument openApi,
            HealthCheck health) {
        return RouterFunctions.route()
                .GET("/", IndexHandler::index)
                .GET("/health", request -> health.response())
                .GET("/openapi.json", openApi::get)
                .POST("/auth/register", auth::register)
                .POST("/auth/login", auth::login)
                .POST("/auth/logout", auth::logout)
                .POST("/auth/password", auth::changePassword)
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
                .GET("/api/event-types", eventTypes::list)
                .PUT("/api/event-types/{name}", eventTypes::put)
                .GET("/api/event-types/{name}", eventTypes::get)
                .DELETE("/api/event-types/{name}", eventTypes::delete)
                .POST("/api/namespace-grants", grants::create)
                .GET("/api/namespace-grants", grants::list)
                .DELETE("/api/namespace-grants/{namespace}", grants::delete)
                .POST("/api/endpoints/{id}/test-filter", endpoints::testFilter)
                .POST("/webhook/send", messages::send)
                .route(RequestPredicates.path("/webhook/send"), r -> IndexHandler.methodNotAllowed(r, HttpMethod.POST))
                .GET("/webhook/messages", messages::list)
                .GET("/webhook/messages/{id}", messages::get)
                .POST("/webhook/messages/{id}/retry", messages::retry)
                .POST("/webhook/recover", recoveries::start)
                .GET("/webhook/recover/{id}", recoveries::get)
                .GET("/webhook/stats", messages::stats)
                .build();
    }
}
