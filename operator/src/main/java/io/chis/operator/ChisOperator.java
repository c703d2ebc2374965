package io.chis.operator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chis.operator.admin.AdminChannels;
import io.chis.operator.endpoint.EndpointReconciler;
import io.chis.operator.eventtype.EventTypeReconciler;
import io.chis.operator.platform.PlatformReconciler;
import io.chis.operator.policy.DeliveryPolicyReconciler;
import io.chis.operator.support.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of chis-operator.jar: in-cluster config or KUBECONFIG, all namespaces or WATCH_NAMESPACES. */
public final class ChisOperator {
    private static final Logger log = LoggerFactory.getLogger(ChisOperator.class);

    private ChisOperator() {}

    public static void main(String[] args) throws Exception {
        OperatorSettings settings = OperatorSettings.fromEnv(System.getenv());
        // a field this operator's classes do not know (a newer CRD, a typo kept by the API server) is ignored, never
        // fatal
        ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        KubernetesClient client = new KubernetesClientBuilder()
                .withKubernetesSerialization(new KubernetesSerialization(mapper, true))
                .build();
        AtomicBoolean leading = new AtomicBoolean(!settings.leaderElection());
        Operator operator = create(client, settings, true, Metrics.NOOP, leading);
        HealthServer health =
                settings.healthPort() > 0 ? new HealthServer(settings.healthPort(), operator, leading::get) : null;
        // JOSDK installs no shutdown hook when leader election is on: stop cleanly on SIGTERM ourselves
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (health != null) {
                                health.stopping();
                            }
                            operator.stop();
                        },
                        "shutdown"));
        log.info(
                "starting: namespaces={}, server-side apply={}, leader election={}, health port={}, delivery address={}, stats every {}",
                settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces(),
                settings.serverSideApply(),
                settings.leaderElection(),
                settings.healthPort(),
                settings.deliveryAddress(),
                settings.statsInterval());
        operator.start();
        if (health != null) {
            health.started();
        }
    }

    /** The operator with its controllers registered, not yet started. */
    public static Operator create(KubernetesClient client, OperatorSettings settings, boolean closeClientOnStop) {
        return create(client, settings, closeClientOnStop, Metrics.NOOP);
    }

    /** As above, reporting each reconciliation to {@code metrics} (tests wait on it). */
    public static Operator create(
            KubernetesClient client, OperatorSettings settings, boolean closeClientOnStop, Metrics metrics) {
        return create(client, settings, closeClientOnStop, metrics, new AtomicBoolean());
    }

    /** As above; {@code leading} follows whether this replica holds the Lease. */
    static Operator create(
            KubernetesClient client,
            OperatorSettings settings,
            boolean closeClientOnStop,
            Metrics metrics,
            AtomicBoolean leading) {
        AdminChannels channels = new AdminChannels(settings::deliveryAddress, AdminChannels.DEADLINE);
        Operator operator =
                new Operator(o -> {
                    o.withKubernetesClient(client)
                            .withMetrics(metrics)
                            .withCloseClientOnStop(closeClientOnStop)
                            // one informer that cannot start (an odd resource, a missing CRD) must not stop every
                            // controller
                            .withStopOnInformerErrorDuringStartup(false)
                            .withUseSSAToPatchPrimaryResource(settings.serverSideApply())
                            .withSSABasedCreateUpdateMatchForDependentResources(settings.serverSideApply());
                    if (settings.leaderElection()) {
                        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(
                                OperatorSettings.LEASE_NAME,
                                settings.leaseNamespace().orElse(null),
                                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                                settings.identity().orElse(null),
                                new LeaderCallbacks(
                                        () -> {
                                            leading.set(true);
                                            log.info(
                                                    "leading: this replica holds Lease {}",
                                                    OperatorSettings.LEASE_NAME);
                                        },
                                        () -> leading.set(false),
                                        leader -> log.info("leader is {}", leader)),
                                true));
                    }
                }) {
                    @Override
                    public void stop() {
                        try {
                            super.stop();
                        } finally {
                            channels.close(); // after the controllers: no reconcile is left to call a runtime
                        }
                    }
                };
        EventRecorder events = new EventRecorder(client);
        operator.register(
                new PlatformReconciler(
                        settings.serverSideApply(), events, settings.secretRecheck(), settings.leaseNamespace()),
                namespaces(settings));
        operator.register(new DeliveryPolicyReconciler(channels, events, settings.syncRetry()), namespaces(settings));
        operator.register(
                new EndpointReconciler(channels, events, settings.statsInterval(), settings.syncRetry()),
                namespaces(settings));
        operator.register(new EventTypeReconciler(channels, events, settings.syncRetry()), namespaces(settings));
        return operator;
    }

    private static <P extends io.fabric8.kubernetes.api.model.HasMetadata>
            Consumer<ControllerConfigurationOverrider<P>> namespaces(OperatorSettings settings) {
        return o -> {
            if (settings.watchNamespaces().isEmpty()) {
                o.watchingAllNamespaces();
            } else {
                o.settingNamespaces(settings.watchNamespaces());
            }
        };
    }
}
