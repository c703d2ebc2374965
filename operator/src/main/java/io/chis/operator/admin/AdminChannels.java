package io.chis.operator.admin;

import io.chis.common.Role;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.platform.GrpcTls;
import io.chis.operator.platform.PlatformSecrets;
import io.chis.operator.platform.PlatformSettings;
import io.chis.operator.support.Hashes;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BinaryOperator;

/**
 * The gRPC channels to the platforms' delivery roles: one channel per address and credentials, shared by every
 * reconciler, all closed when the operator stops. A platform with gRPC TLS (the default) is called over mutual TLS:
 * the operator trusts the platform's CA and presents the certificate in {@code <name>-grpc-tls}, which serves as
 * client certificate too; a renewed certificate opens a new channel and closes the old one.
 */
public final class AdminChannels implements AutoCloseable {
    /** Every admin call gives up after this long, so a hung runtime never holds a reconcile thread. */
    public static final Duration DEADLINE = Duration.ofSeconds(5);

    // gRPC's shortest allowed keepalive; the delivery role permits pings this often
    private static final Duration KEEPALIVE_TIME = Duration.ofSeconds(10);
    private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(5);

    private final BinaryOperator<String> address;
    private final Duration deadline;
    private final Map<String, Keyed> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param address (namespace, platform name) to host:port of that platform's admin API */
    public AdminChannels(BinaryOperator<String> address, Duration deadline) {
        this.address = address;
        this.deadline = deadline;
    }

    /**
     * The admin API of {@code platform}, called with the token from its {@code <name>-runtime} Secret.
     *
     * @throws SyncProblem PlatformUnavailable while that Secret or its {@code admin-token} is missing
     */
    public AdminClient connect(KubernetesClient client, WebhookPlatform platform) {
        PlatformSettings settings = PlatformSettings.of(platform);
        Secret secret = client.secrets()
                .inNamespace(settings.namespace())
                .withName(settings.runtimeSecretName())
                .get();
        String token = PlatformSecrets.value(secret, PlatformSecrets.ADMIN_TOKEN)
                .filter(t -> !t.isBlank())
                .orElseThrow(() -> new SyncProblem(
                        SyncProblem.PLATFORM_UNAVAILABLE,
                        "WebhookPlatform " + settings.name()
                                + " has no admin token yet (Secret " + settings.runtimeSecretName() + ", key "
                                + PlatformSecrets.ADMIN_TOKEN + ")",
                        true));
        String target = address.apply(settings.namespace(), settings.name());
        Optional<Tls> tls = settings.grpcTls() ? Optional.of(tls(client, settings)) : Optional.empty();
        ManagedChannel channel = channel(target, tls);
        return new AdminClient(
                settings.name(), target, ClientInterceptors.intercept(channel, reconnecting(channel)), token, deadline);
    }

    /** The certificate, key and CA the operator calls a platform with. */
    private record Tls(String certificate, String key, String ca, String authority) {
        String fingerprint() {
            return Hashes.sha256(certificate, key, ca, authority);
        }

        ChannelCredentials credentials() {
            try (InputStream cert = stream(certificate);
                    InputStream privateKey = stream(key);
                    InputStream trusted = stream(ca)) {
                return TlsChannelCredentials.newBuilder()
                        .keyManager(cert, privateKey)
                        .trustManager(trusted)
                        .build();
            } catch (IOException | RuntimeException e) {
                throw new SyncProblem(
                        SyncProblem.PLATFORM_UNAVAILABLE,
                        "the gRPC certificate of the platform cannot be used: " + e.getMessage(),
                        true);
            }
        }

        private static InputStream stream(String pem) {
            return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private record Keyed(String fingerprint, ManagedChannel channel) {}

    private static Tls tls(KubernetesClient client, PlatformSettings settings) {
        Secret secret = client.secrets()
                .inNamespace(settings.namespace())
                .withName(settings.grpcTlsName())
                .get();
        Optional<String> certificate = PlatformSecrets.value(secret, GrpcTls.CERT);
        Optional<String> key = PlatformSecrets.value(secret, GrpcTls.KEY);
        Optional<String> ca = PlatformSecrets.value(secret, GrpcTls.CA);
        if (certificate.isEmpty() || key.isEmpty() || ca.isEmpty()) {
            throw new SyncProblem(
                    SyncProblem.PLATFORM_UNAVAILABLE,
                    "WebhookPlatform " + settings.name() + " has no gRPC certificate yet (Secret "
                            + settings.grpcTlsName() + ", keys " + GrpcTls.CERT + ", " + GrpcTls.KEY + ", "
                            + GrpcTls.CA + ")",
                    true);
        }
        // the certificate names the delivery Service whatever address the operator dials (a port-forward, an IP)
        String authority = settings.roleName(Role.DELIVERY) + "." + settings.namespace() + ".svc";
        return new Tls(certificate.get(), key.get(), ca.get(), authority);
    }

    private ManagedChannel channel(String target, Optional<Tls> tls) {
        if (closed) {
            throw new IllegalStateException("the operator is stopping: no more admin calls");
        }
        String fingerprint = tls.map(Tls::fingerprint).orElse("plaintext");
        Keyed current = channels.compute(target, (t, old) -> {
            if (old != null && old.fingerprint().equals(fingerprint)) {
                return old;
            }
            if (old != null) {
                old.channel().shutdown(); // calls in flight finish on it
            }
            ManagedChannelBuilder<?> builder = tls.isPresent()
                    ? Grpc.newChannelBuilder(t, tls.get().credentials())
                            .overrideAuthority(tls.get().authority())
                    : Grpc.newChannelBuilder(t, InsecureChannelCredentials.create());
            return new Keyed(
                    fingerprint,
                    builder
                            // a delivery pod gone without closing its connections is noticed in seconds
                            .keepAliveTime(KEEPALIVE_TIME.toSeconds(), TimeUnit.SECONDS)
                            .keepAliveTimeout(KEEPALIVE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                            .keepAliveWithoutCalls(true)
                            .build());
        });
        return current.channel();
    }

    /**
     * A call that failed for want of a connection (the pod behind the Service went away) idles the channel, so the
     * next reconcile resolves the Service name and connects afresh instead of waiting out gRPC's connect backoff.
     */
    private static ClientInterceptor reconnecting(ManagedChannel channel) {
        return new ClientInterceptor() {
            @Override
            public <Q, A> ClientCall<Q, A> interceptCall(
                    MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<A> listener, Metadata headers) {
                        super.start(
                                new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                                    @Override
                                    public void onClose(Status status, Metadata trailers) {
                                        if (status.getCode() == Status.Code.UNAVAILABLE
                                                || status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                                            channel.enterIdle(); // calls in flight finish on the old connection
                                        }
                                        super.onClose(status, trailers);
                                    }
                                },
                                headers);
                    }
                };
            }
        };
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(keyed -> keyed.channel().shutdownNow());
        for (ManagedChannel channel :
                channels.values().stream().map(Keyed::channel).toList()) {
            try {
                channel.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        channels.clear();
    }
}
