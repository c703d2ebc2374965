package io.chis.runtime.roles;

import io.chis.runtime.admin.AdminGrpcService;
import io.chis.runtime.persist.DeliveryGrpcService;
import io.chis.runtime.persist.GrpcServer;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The delivery role: the gRPC server on {@code GRPC_PORT} whose DeliveryService persists messages and queues their
 * deliveries, and whose AdminService the operator calls.
 */
@Configuration(proxyBeanMethods = false)
@Import({GrpcServer.class, DeliveryGrpcService.class, AdminGrpcService.class})
public class DeliveryRole {}
