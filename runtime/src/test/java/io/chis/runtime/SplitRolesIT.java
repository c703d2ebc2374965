package io.chis.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.proto.v1.DeliveryServiceGrpc;
import io.chis.proto.v1.ListMessagesRequest;
import io.chis.runtime.persist.DeliveryGrpcService;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.Db;
import io.chis.runtime.testing.NettyLeakGuard;
import io.chis.runtime.testing.TestRuntime;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.MediaType;

/** The api and delivery roles as separate processes (here: separate runtimes) talking over real gRPC. */
@ExtendWith(NettyLeakGuard.class)
class SplitRolesIT {

    @Test
    void apiForwardsToARemoteDeliveryRoleAndAnswers503WhenItIsGone() {
        Map<String, String> deliveryEnv = TestRuntime.environment();
        deliveryEnv.put("CHIS_ROLES", "delivery");
        Map<String, String> apiEnv = new HashMap<>(TestRuntime.environment());
        apiEnv.put("CHIS_ROLES", "api");
        apiEnv.put("DATABASE_URL", deliveryEnv.get("DATABASE_URL"));
        apiEnv.put("REDIS_URL", deliveryEnv.get("REDIS_URL"));
        apiEnv.put("GRPC_ADDRESS", "localhost:" + deliveryEnv.get("GRPC_PORT"));
        // as make run-api and run-grpc: no CHIS_INTERNAL_TOKEN, one data dir, so both read the same generated token
        apiEnv.put("CHIS_DATA_DIR", deliveryEnv.get("CHIS_DATA_DIR"));

        ChisRuntime delivery = TestRuntime.start(deliveryEnv);
        try (ChisRuntime apiRuntime = TestRuntime.start(apiEnv)) {
            assertThat(delivery.context().containsBean("messageHandler")).isFalse();
            // every role can submit a message (operational events), only the delivery role serves DeliveryService
            assertThat(apiRuntime.context().getBeanNamesForType(DeliveryGrpcService.class))
                    .isEmpty();
            assertThat(delivery.context().getBeanNamesForType(DeliveryGrpcService.class))
                    .hasSize(1);
            ApiClient api = new ApiClient(apiRuntime.settings().httpPort());
            String key = api.newApiKey(api.newAccountToken());
            String id = api.send(key, "{\"url\":\"https://example.com/split\",\"payload\":{\"over\":\"grpc\"}}");
            assertThat(api.message(key, id).get("status")).isEqualTo("pending");

            // anyone else on the network reaching the delivery role's port is refused
            ManagedChannel stranger = NettyChannelBuilder.forAddress(
                            "localhost", delivery.settings().grpcPort())
                    .usePlaintext()
                    .build();
            try {
                assertThatThrownBy(() -> DeliveryServiceGrpc.newBlockingStub(stranger)
                                .withDeadlineAfter(5, TimeUnit.SECONDS)
                                .listMessages(ListMessagesRequest.newBuilder()
                                        .setAccountId(UUID.randomUUID().toString())
                                        .build()))
                        .isInstanceOfSatisfying(
                                StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
            } finally {
                stranger.shutdownNow();
            }

            Db db = new Db(deliveryEnv.get("DATABASE_URL"));
            long stored = db.count("select count(*) from messages");
            delivery.close();
            api.http
                    .post()
                    .uri("/webhook/send")
                    .header("X-API-Key", key)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"url\":\"https://example.com/split\",\"payload\":{}}")
                    .exchange()
                    .expectStatus()
                    .isEqualTo(503)
                    .expectBody()
                    .jsonPath("$.detail")
                    .value(String.class, detail -> assertThat(detail).contains("nothing was accepted"));
            assertThat(db.count("select count(*) from messages")).isEqualTo(stored);
        } finally {
            delivery.close();
        }
    }
}
