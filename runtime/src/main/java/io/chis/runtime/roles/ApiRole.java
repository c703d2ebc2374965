package io.chis.runtime.roles;

import io.chis.common.Role;
import io.chis.proto.v1.DeliveryServiceGrpc;
import io.chis.runtime.api.ApiRouter;
import io.chis.runtime.api.ErrorConnectionClose;
import io.chis.runtime.api.MessageHandler;
import io.chis.runtime.api.OpenApiDocument;
import io.chis.runtime.apikey.ApiKeyHandler;
import io.chis.runtime.apikey.ApiKeyRepository;
import io.chis.runtime.auth.AuthHandler;
import io.chis.runtime.auth.AuthThrottle;
import io.chis.runtime.auth.Authenticator;
import io.chis.runtime.auth.TokenService;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.console.ConsoleRoutes;
import io.chis.runtime.endpoint.EndpointHandler;
import io.chis.runtime.endpoint.NamespaceGrantHandler;
import io.chis.runtime.eventtype.EventTypeHandler;
import io.chis.runtime.grpc.BearerToken;
import io.chis.runtime.grpc.GrpcTls;
import io.chis.runtime.grpc.ServiceChannel;
import io.chis.runtime.metrics.HttpMetricsFilter;
import io.chis.runtime.persist.GrpcServer;
import io.chis.runtime.recovery.RecoveryHandler;
import io.chis.runtime.signing.SigningSecretHandler;
import io.chis.runtime.support.ProblemWebExceptionHandler;
import io.chis.runtime.throttle.RateLimiter;
import io.chis.runtime.tracing.GrpcTracing;
import io.chis.runtime.tracing.RestTracingFilter;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The api role: the REST API on {@code HTTP_PORT} (routes, handlers, authentication, HTTP metrics), which accepts
 * webhooks and hands them to the delivery role over gRPC.
 */
@Configuration(proxyBeanMethods = false)
@Import({
    ApiRouter.class,
    OpenApiDocument.class,
    ConsoleRoutes.class,
    MessageHandler.class,
    AuthHandler.class,
    AuthThrottle.class,
    RateLimiter.class,
    Authenticator.class,
    TokenService.class,
    ApiKeyHandler.class,
    ApiKeyRepository.class,
    SigningSecretHandler.class,
    EndpointHandler.class,
    EventTypeHandler.class,
    NamespaceGrantHandler.class,
    RecoveryHandler.class,
    HttpMetricsFilter.class,
    ErrorConnectionClose.class,
    RestTracingFilter.class,
    ProblemWebExceptionHandler.class
})
public class ApiRole {

    /**
     * A connection that sends nothing (an unfinished request's headers, an idle keep-alive) is closed, so slow clients
     * cannot hold connections for ever.
     */
    @Bean
    NettyServerCustomizer idleTimeout(ChisSettings settings) {
        return server -> server.idleTimeout(settings.security().httpIdleTimeout());
    }

    @Bean(destroyMethod = "close")
    GrpcTls deliveryTls(ChisSettings settings) {
        return new GrpcTls(settings.security().grpcTls());
    }

    /** In-process when the delivery role runs here too, else {@code GRPC_ADDRESS} (over mutual TLS when configured). */
    @Bean(destroyMethod = "shutdownNow")
    ManagedChannel deliveryChannel(ChisSettings settings, GrpcTls deliveryTls) {
        if (settings.runs(Role.DELIVERY)) {
            return InProcessChannelBuilder.forName(GrpcServer.IN_PROCESS_NAME)
                    .directExecutor()
                    .build();
        }
        return ServiceChannel.open(settings.grpcAddress(), deliveryTls.client());
    }

    /** Every call carries the internal token, which is what DeliveryService admits. */
    @Bean
    DeliveryServiceGrpc.DeliveryServiceStub deliveryStub(ManagedChannel deliveryChannel, ChisSettings settings) {
        return DeliveryServiceGrpc.newStub(deliveryChannel)
                .withInterceptors(
                        BearerToken.attached(settings.security().internalToken()),
                        GrpcTracing.CLIENT,
                        ServiceChannel.reconnecting(deliveryChannel));
    }
}
