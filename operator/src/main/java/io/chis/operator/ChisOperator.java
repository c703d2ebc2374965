package io.chis.operator;

import io.chis.operator.platform.PlatformReconciler;
import io.chis.operator.policy.DeliveryPolicyReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of chis-operator.jar: in-cluster config or KUBECONFIG, all namespaces or WATCH_NAMESPACES. */
public final class ChisOperator {
    private static final Logger log = LoggerFactory.getLogger(ChisOperator.class);

    private ChisOperator() {
    }

    public static void main(String[] args) throws Exception {
        OperatorSettings settings = OperatorSettings.fromEnv(System.getenv());
        KubernetesClient client = new KubernetesClientBuilder().build();
        Operator operator = create(client, settings, true);
        if (settings.healthPort() > 0) {
            HealthServer health = new HealthServer(settings.healthPort(), operator);
            log.info("health probes on :{}/healthz and /readyz", health.port());
        }
        operator.installShutdownHook(Duration.ofSeconds(10));
        log.info("starting: namespaces={}, server-side apply={}, leader election={}",
                settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces(),
                settings.serverSideApply(), settings.leaderElection());
        operator.start();
    }

    /** The operator with its controllers registered, not yet started. */
    public static Operator create(KubernetesClient client, OperatorSettings settings, boolean closeClientOnStop) {
        return create(client, settings, closeClientOnStop, Metrics.NOOP);
    }

    /** As above, reporting each reconciliation to {@code metrics} (tests wait on it). */
    public static Operator create(KubernetesClient client, OperatorSettings settings, boolean closeClientOnStop, Metrics metrics) {
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withMetrics(metrics)
                    .withCloseClientOnStop(closeClientOnStop)
                    .withUseSSAToPatchPrimaryResource(settings.serverSideApply())
                    .withSSABasedCreateUpdateMatchForDependentResources(settings.serverSideApply());
            if (settings.leaderElection()) {
                o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(OperatorSettings.LEASE_NAME,
                        settings.leaseNamespace().orElse(null), settings.identity().orElse(null)));
            }
        });
        operator.register(new PlatformReconciler(settings.serverSideApply(), settings.secretRecheck()), namespaces(settings));
        operator.register(new DeliveryPolicyReconciler(), namespaces(settings));
        return operator;
    }

    private static <P extends io.fabric8.kubernetes.api.model.HasMetadata> Consumer<ControllerConfigurationOverrider<P>> namespaces(
            OperatorSettings settings) {
        return o -> {
            if (settings.watchNamespaces().isEmpty()) {
                o.watchingAllNamespaces();
            } else {
                o.settingNamespaces(settings.watchNamespaces());
            }
        };
    }
}
