package io.chis.runtime.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.proto.v1.DeliveryServiceGrpc;
import io.chis.proto.v1.ListMessagesRequest;
import io.chis.runtime.ChisRuntime;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.TestCertificates;
import io.chis.runtime.testing.TestRuntime;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * gRPC between roles over mutual TLS (CHIS_GRPC_TLS_*), and the REST port over HTTPS (CHIS_TLS_*), with throwaway
 * certificates: the roles shake hands, a plaintext or certificate-less client is refused.
 */
class GrpcTlsIT {

    static final TestCertificates CERTS = TestCertificates.create();

    @Test
    void theApiRoleReachesTheDeliveryRoleOverMutualTlsAndStrangersAreRefused() throws Exception {
        Map<String, String> deliveryEnv = TestRuntime.environment();
        deliveryEnv.put("CHIS_ROLES", "delivery");
        grpcTls(deliveryEnv);
        Map<String, String> apiEnv = new HashMap<>(TestRuntime.environment());
        apiEnv.put("CHIS_ROLES", "api");
        apiEnv.put("DATABASE_URL", deliveryEnv.get("DATABASE_URL"));
        apiEnv.put("REDIS_URL", deliveryEnv.get("REDIS_URL"));
        apiEnv.put("GRPC_ADDRESS", "localhost:" + deliveryEnv.get("GRPC_PORT"));
        apiEnv.put("CHIS_INTERNAL_TOKEN", "internal-" + UUID.randomUUID());
        deliveryEnv.put("CHIS_INTERNAL_TOKEN", apiEnv.get("CHIS_INTERNAL_TOKEN"));
        grpcTls(apiEnv);

        try (ChisRuntime delivery = TestRuntime.start(deliveryEnv);
                ChisRuntime apiRuntime = TestRuntime.start(apiEnv)) {
            ApiClient api = new ApiClient(apiRuntime.settings().httpPort());
            String key = api.newApiKey(api.newAccountToken());
            String id = api.send(key, "{\"url\":\"https://example.com/tls\",\"payload\":{\"over\":\"mtls\"}}");
            assertThat(api.message(key, id).get("status")).isEqualTo("pending");

            int port = delivery.settings().grpcPort();
            refused(NettyChannelBuilder.forAddress("localhost", port).usePlaintext());
            // TLS that trusts the CA but presents no client certificate
            refused(NettyChannelBuilder.forAddress(
                    "localhost",
                    port,
                    TlsChannelCredentials.newBuilder()
                            .trustManager(CERTS.ca.toFile())
                            .build()));
        }
    }

    @Test
    void theRestPortServesHttpsFromPemFiles() throws Exception {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_TLS_CERT", CERTS.cert.toString());
        env.put("CHIS_TLS_KEY", CERTS.key.toString());
        try (ChisRuntime runtime = TestRuntime.start(env);
                HttpClient https =
                        HttpClient.newBuilder().sslContext(trustingCa()).build()) {
            int port = runtime.settings().httpPort();
            HttpResponse<String> health = https.send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/health"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            try (HttpClient plain = HttpClient.newHttpClient()) {
                assertThatThrownBy(() -> plain.send(
                                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()))
                        .isInstanceOf(IOException.class);
            }
        }
    }

    private static void grpcTls(Map<String, String> env) {
        env.put("CHIS_GRPC_TLS_CERT", CERTS.cert.toString());
        env.put("CHIS_GRPC_TLS_KEY", CERTS.key.toString());
        env.put("CHIS_GRPC_TLS_CA", CERTS.ca.toString());
    }

    private static void refused(NettyChannelBuilder builder) {
        ManagedChannel channel = builder.build();
        try {
            Consumer<Void> call = ignored -> DeliveryServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(BearerToken.attached("whatever"))
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .listMessages(ListMessagesRequest.newBuilder()
                            .setAccountId(UUID.randomUUID().toString())
                            .build());
            assertThatThrownBy(() -> call.accept(null))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        } finally {
            channel.shutdownNow();
        }
    }

    private static SSLContext trustingCa() throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(CERTS.ca)) {
            store.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
