package io.chis.runtime.roles;

import io.chis.common.Role;
import io.chis.proto.v1.DeliveryServiceGrpc;
import io.chis.runtime.api.ApiRouter;
import io.chis.runtime.api.MessageHandler;
import io.chis.runtime.api.OpenApiDocument;
import io.chis.runtime.apikey.ApiKeyHandler;
import io.chis.runtime.apikey.ApiKeyRepository;
import io.chis.runtime.auth.AuthHandler;
import io.chis.runtime.auth.Authenticator;
import io.chis.runtime.auth.TokenService;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.console.ConsoleRoutes;
import io.chis.runtime.endpoint.EndpointHandler;
import io.chis.runtime.metrics.HttpMetricsFilter;
import io.chis.runtime.persist.GrpcServer;
import io.chis.runtime.signing.SigningSecretHandler;
import io.chis.runtime.support.ProblemWebExceptionHandler;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
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
    Authenticator.class,
    TokenService.class,
    ApiKeyHandler.class,
    ApiKeyRepository.class,
    SigningSecretHandler.class,
    EndpointHandler.class,
    HttpMetricsFilter.class,
    ProblemWebExceptionHandler.class
})
public class ApiRole {

    /** In-process when the delivery role runs here too, else {@code GRPC_ADDRESS}. */
    @Bean(destroyMethod = "shutdownNow")
    ManagedChannel deliveryChannel(ChisSettings settings) {
        if (settings.runs(Role.DELIVERY)) {
            return InProcessChannelBuilder.forName(GrpcServer.IN_PROCESS_NAME)
                    .directExecutor()
                    .build();
        }
        return NettyChannelBuilder.forTarget(settings.grpcAddress())
                .usePlaintext()
                .keepAliveTime(30, TimeUnit.SECONDS)
                .build();
    }

    @Bean
    DeliveryServiceGrpc.DeliveryServiceStub deliveryStub(ManagedChannel deliveryChannel) {
        return DeliveryServiceGrpc.newStub(deliveryChannel);
    }
}
