package io.chis.runtime.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.proto.v1.DeliveryServiceGrpc;
import io.chis.proto.v1.ListMessagesRequest;
import io.chis.proto.v1.SubmitMessageRequest;
import io.chis.runtime.ChisRuntime;
import io.chis.runtime.testing.TestRuntime;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DeliveryService trusts the account id in each call, so the gRPC port admits only callers with the internal token:
 * here a runtime with no token configured (as {@code make run}), which generates one in its data dir.
 */
class InternalTokenIT {

    static ChisRuntime runtime;
    static Path dataDir;
    static ManagedChannel channel;

    @BeforeAll
    static void start() {
        Map<String, String> env = TestRuntime.environment();
        dataDir = Path.of(env.get("CHIS_DATA_DIR"));
        runtime = TestRuntime.start(env);
        channel = NettyChannelBuilder.forAddress("localhost", runtime.settings().grpcPort())
                .usePlaintext()
                .build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        runtime.close();
    }

    @Test
    void aCallWithoutTheInternalTokenIsUnauthenticated() {
        var stub = DeliveryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> stub.submitMessage(SubmitMessageRequest.newBuilder()
                        .setAccountId(UUID.randomUUID().toString())
                        .setUrl("https://example.com/")
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription()).contains("CHIS_INTERNAL_TOKEN");
                });
    }

    @Test
    void aWrongTokenIsUnauthenticatedAndTheGeneratedOneIsAdmitted() throws Exception {
        var wrong = DeliveryServiceGrpc.newBlockingStub(channel)
                .withInterceptors(BearerToken.attached("not-the-token"))
                .withDeadlineAfter(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> wrong.listMessages(request()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

        String token = Files.readString(dataDir.resolve("internal-token")).trim();
        assertThat(token).hasSizeGreaterThanOrEqualTo(48);
        var right = DeliveryServiceGrpc.newBlockingStub(channel)
                .withInterceptors(BearerToken.attached(token))
                .withDeadlineAfter(5, TimeUnit.SECONDS);
        assertThat(right.listMessages(request()).getMessagesList()).isEmpty();
    }

    private static ListMessagesRequest request() {
        return ListMessagesRequest.newBuilder()
                .setAccountId(UUID.randomUUID().toString())
                .build();
    }
}
