package io.chis.operator.admin;

import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.platform.PlatformSecrets;
import io.chis.operator.platform.PlatformSettings;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BinaryOperator;

/**
 * The gRPC channels to the platforms' delivery roles: one plaintext channel per address, shared by every
 * reconciler, all closed when the operator stops.
 */
public final class AdminChannels implements AutoCloseable {
    /** Every admin call gives up after this long, so a hung runtime never holds a reconcile thread. */
    public static final Duration DEADLINE = Duration.ofSeconds(5);

    private final BinaryOperator<String> address;
    private final Duration deadline;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
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
        return new AdminClient(settings.name(), target, channel(target), token, deadline);
    }

    private ManagedChannel channel(String target) {
        if (closed) {
            throw new IllegalStateException("the operator is stopping: no more admin calls");
        }
        return channels.computeIfAbsent(
                target,
                t -> Grpc.newChannelBuilder(t, InsecureChannelCredentials.create())
                        .build());
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : channels.values()) {
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
