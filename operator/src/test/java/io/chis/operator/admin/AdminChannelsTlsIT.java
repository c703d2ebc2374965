package io.chis.operator.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.platform.GrpcCertificates;
import io.chis.operator.platform.GrpcCertificates.Issued;
import io.chis.operator.platform.Platforms;
import io.chis.proto.v1.AdminServiceGrpc;
import io.chis.proto.v1.DeletePolicyRequest;
import io.chis.proto.v1.DeletePolicyResponse;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's admin client against a real gRPC server on loopback that demands mutual TLS, as a platform's delivery
 * role does with CHIS_GRPC_TLS_*: the handshake with the material in {@code <platform>-grpc-tls}, a rotated
 * certificate, and a server the platform's CA did not sign.
 */
class AdminChannelsTlsIT {
    private static final String NS = "shop";
    private static final String TOKEN = "admin-token-for-the-test";
    private static final List<String> SANS = List.of(
            "acme-delivery",
            "acme-delivery.shop",
            "acme-delivery.shop.svc",
            "acme-delivery.shop.svc.cluster.local",
            "localhost");

    private final Issued ca = GrpcCertificates.certificateAuthority("acme-grpc-ca.shop", Instant.now());
    private final AtomicReference<X509Certificate> clientCertificate = new AtomicReference<>();
    private KubernetesMockServer mock;
    private KubernetesClient client;
    private Server server;
    private AdminChannels channels;
    private final WebhookPlatform platform = Platforms.stored(Platforms.managed(NS, "acme"));

    @BeforeEach
    void start() {
        mock = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(List.of()), true);
        mock.init();
        client = mock.createClient();
        client.resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("acme-runtime")
                        .withNamespace(NS)
                        .endMetadata()
                        .addToStringData("admin-token", TOKEN)
                        .build())
                .create();
    }

    @AfterEach
    void stop() {
        if (channels != null) {
            channels.close();
        }
        if (server != null) {
            server.shutdownNow();
        }
        client.close();
        mock.destroy();
    }

    @Test
    void theOperatorCallsOverMutualTlsWithThePlatformsCertificateAndFollowsARenewal() throws Exception {
        Issued serverLeaf = GrpcCertificates.leaf(ca, "acme-delivery", SANS, Instant.now());
        startServer(serverLeaf, ca);
        Issued operatorLeaf = GrpcCertificates.leaf(ca, "acme-delivery", SANS, Instant.now());
        storeTls(operatorLeaf, ca);

        assertThat(channels.connect(client, platform).deletePolicy("standard")).isTrue();
        assertThat(clientCertificate.get())
                .as("the certificate the operator presented")
                .isEqualTo(GrpcCertificates.certificate(operatorLeaf.certificatePem()));

        // renewed: the next call opens a channel with the new certificate
        Issued renewed = GrpcCertificates.leaf(ca, "acme-delivery", SANS, Instant.now());
        storeTls(renewed, ca);
        assertThat(channels.connect(client, platform).deletePolicy("standard")).isTrue();
        assertThat(clientCertificate.get()).isEqualTo(GrpcCertificates.certificate(renewed.certificatePem()));
    }

    @Test
    void aServerThePlatformsCaDidNotSignIsRefused() throws Exception {
        Issued impostorCa = GrpcCertificates.certificateAuthority("impostor", Instant.now());
        startServer(GrpcCertificates.leaf(impostorCa, "acme-delivery", SANS, Instant.now()), ca);
        storeTls(GrpcCertificates.leaf(ca, "acme-delivery", SANS, Instant.now()), ca);

        assertThatThrownBy(() -> channels.connect(client, platform).deletePolicy("standard"))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        assertThat(clientCertificate.get()).as("no call reached the server").isNull();
    }

    @Test
    void withoutItsCertificateThePlatformIsReportedUnavailableNotCalledInPlaintext() throws Exception {
        startServer(GrpcCertificates.leaf(ca, "acme-delivery", SANS, Instant.now()), ca);
        assertThatThrownBy(() -> channels.connect(client, platform)).isInstanceOfSatisfying(SyncProblem.class, p -> {
            assertThat(p.reason()).isEqualTo(SyncProblem.PLATFORM_UNAVAILABLE);
            assertThat(p.getMessage()).contains("acme-grpc-tls");
        });
    }

    /** A delivery role's admin API: mutual TLS required, the client certificate recorded, the token checked. */
    private void startServer(Issued leaf, Issued trusted) throws Exception {
        ServerInterceptor recordPeer = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
                try {
                    clientCertificate.set((X509Certificate) session.getPeerCertificates()[0]);
                } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                    call.close(Status.UNAUTHENTICATED, new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                String auth = headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER));
                if (!("Bearer " + TOKEN).equals(auth)) {
                    call.close(Status.UNAUTHENTICATED, new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return next.startCall(call, headers);
            }
        };
        AdminServiceGrpc.AdminServiceImplBase admin = new AdminServiceGrpc.AdminServiceImplBase() {
            @Override
            public void deletePolicy(DeletePolicyRequest request, StreamObserver<DeletePolicyResponse> response) {
                response.onNext(
                        DeletePolicyResponse.newBuilder().setDeleted(true).build());
                response.onCompleted();
            }
        };
        TlsServerCredentials.Builder credentials = TlsServerCredentials.newBuilder()
                .keyManager(stream(leaf.certificatePem()), stream(leaf.privateKeyPem()))
                .trustManager(stream(trusted.certificatePem()))
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
        server = Grpc.newServerBuilderForPort(0, credentials.build())
                .addService(ServerInterceptors.intercept(admin, recordPeer))
                .build()
                .start();
        // dialled by address, verified against the delivery Service's name the certificate carries
        channels = new AdminChannels((namespace, name) -> "127.0.0.1:" + server.getPort(), Duration.ofSeconds(5));
    }

    private void storeTls(Issued leaf, Issued authority) {
        client.resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("acme-grpc-tls")
                        .withNamespace(NS)
                        .endMetadata()
                        .withType("kubernetes.io/tls")
                        .addToStringData("tls.crt", leaf.certificatePem())
                        .addToStringData("tls.key", leaf.privateKeyPem())
                        .addToStringData("ca.crt", authority.certificatePem())
                        .build())
                .createOr(op -> op.update());
    }

    private static ByteArrayInputStream stream(String pem) {
        return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
