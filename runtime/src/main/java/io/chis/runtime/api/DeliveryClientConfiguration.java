package io.chis.runtime.api;

import io.chis.proto.v1.DeliveryServiceGrpc;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.persist.GrpcServer;
import io.chis.common.Role;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The api role's channel to the delivery role: in-process when both run here, else {@code GRPC_ADDRESS}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("chis.role.api")
public class DeliveryClientConfiguration {

    @Bean(destroyMethod = "shutdownNow")
    ManagedChannel deliveryChannel(ChisSettings settings) {
        if (settings.runs(Role.DELIVERY)) {
            return InProcessChannelBuilder.forName(GrpcServer.IN_PROCESS_NAME).directExecutor().build();
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
