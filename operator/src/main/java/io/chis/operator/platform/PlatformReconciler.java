package io.chis.operator.platform;

import io.chis.operator.api.Condition;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.api.WebhookPlatformStatus;
import io.chis.operator.support.ChildApplier;
import io.chis.operator.support.ChildConflictException;
import io.chis.operator.support.ChildInformers;
import io.chis.operator.support.Conditions;
import io.chis.operator.support.EventRecorder;
import io.chis.operator.support.InstalledCrds;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Observe, validate, apply, report: the WebhookPlatform control loop. The builders decide what each child looks like. */
// the user's own Secrets (external URLs, JWT key) are not watched: a periodic pass picks up a rotated value
@ControllerConfiguration(
        name = PlatformReconciler.NAME,
        fieldManager = ChildApplier.FIELD_MANAGER,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class PlatformReconciler implements Reconciler<WebhookPlatform> {
    public static final String NAME = "webhookplatform";
    /** The kinds of child the operator creates; one label-selected informer each. */
    public static final List<Class<? extends HasMetadata>> CHILD_KINDS = List.of(
            Secret.class,
            Service.class,
            PersistentVolumeClaim.class,
            StatefulSet.class,
            Deployment.class,
            Job.class,
            PodDisruptionBudget.class,
            Ingress.class,
            NetworkPolicy.class,
            HorizontalPodAutoscaler.class);

    private static final Logger log = LoggerFactory.getLogger(PlatformReconciler.class);

    private final boolean serverSideApply;
    private final EventRecorder events;
    private final RandomTokens tokens;
    private final Duration secretRecheck;
    private final Clock clock;
    private final Optional<String> operatorNamespace;
    private final InstalledCrds crds;

    /** @param operatorNamespace where the operator's pods run, for the NetworkPolicy that lets them call delivery */
    public PlatformReconciler(
            boolean serverSideApply, EventRecorder events, Duration secretRecheck, Optional<String> operatorNamespace) {
        this(serverSideApply, events, RandomTokens.secure(), secretRecheck, Clock.systemUTC(), operatorNamespace);
    }

    PlatformReconciler(
            boolean serverSideApply,
            EventRecorder events,
            RandomTokens tokens,
            Duration secretRecheck,
            Clock clock,
            Optional<String> operatorNamespace) {
        this.operatorNamespace = operatorNamespace;
        this.serverSideApply = serverSideApply;
        this.events = events;
        this.tokens = tokens;
        this.secretRecheck = secretRecheck;
        this.clock = clock;
        // a CRD's presence is trusted as long as a missing Secret is: a spec waiting for an engine sees it installed
        this.crds = new InstalledCrds(secretRecheck, clock);
    }

    @Override
    public List<EventSource<?, WebhookPlatform>> prepareEventSources(EventSourceContext<WebhookPlatform> context) {
        List<EventSource<?, WebhookPlatform>> sources = new ArrayList<>();
        for (Class<? extends HasMetadata> kind : CHILD_KINDS) {
            sources.add(ChildInformers.of(kind, context));
        }
        return sources;
    }

    @Override
    public UpdateControl<WebhookPlatform> reconcile(WebhookPlatform platform, Context<WebhookPlatform> context) {
        KubernetesClient client = context.getClient();
        PlatformSettings settings = PlatformSettings.of(platform);
        Map<String, Optional<Secret>> read = new HashMap<>();
        Function<String, Optional<Secret>> userSecrets = name -> read.computeIfAbsent(
                name,
                n -> Optional.ofNullable(client.secrets()
                        .inNamespace(settings.namespace())
                        .withName(n)
                        .get()));

        List<SpecProblem> problems = new ArrayList<>(PlatformValidation.validate(platform, settings, userSecrets));
        Predicate<String> installed = crd -> crds.installed(client, crd);
        certManagerMissing(settings, installed).ifPresent(problems::add);
        Engines engines = Engines.detect(settings, platform.getStatus(), installed);
        CnpgCluster.problem(settings, engines.cnpg()).ifPresent(problems::add);
        PlatformRollout rollout = new PlatformRollout(
                new ChildApplier<>(context, serverSideApply), client, tokens, clock, operatorNamespace, engines);
        PlatformObservation observed;
        if (problems.isEmpty()) {
            try {
                observed = rollout.apply(platform, settings, userSecrets);
            } catch (ChildConflictException e) {
                problems.add(new SpecProblem(null, "NameConflict", e.getMessage()));
                observed = rollout.observe(settings);
            } catch (SpecProblem.Raised e) {
                problems.add(e.problem());
                observed = rollout.observe(settings);
            }
        } else {
            observed = rollout.observe(settings);
        }

        WebhookPlatformStatus status =
                PlatformStatusBuilder.build(platform, settings, problems, observed, clock.instant());
        engines.report(settings, status);
        announce(platform, status, !problems.isEmpty());
        announceVolumes(platform, observed);
        UpdateControl<WebhookPlatform> control = Conditions.patchIfChanged(platform, status);
        // the user's Secrets are not watched (only labelled children are), so look again for the one that is missing
        if (problems.stream().anyMatch(SpecProblem::waitsForSecret) || observed.grpcTlsPending()) {
            control.rescheduleAfter(secretRecheck);
        }
        // a CloudNativePG Cluster is not watched: look again until it is healthy
        if (engines.cnpg()
                && !Conditions.find(status, PlatformValidation.DATABASE_READY)
                        .map(Condition::isTrue)
                        .orElse(false)) {
            control.rescheduleAfter(secretRecheck);
        }
        return control;
    }

    /** A spec naming a cert-manager issuer where cert-manager's Certificate CRD is missing. */
    static Optional<SpecProblem> certManagerMissing(PlatformSettings settings, Predicate<String> installed) {
        if (!settings.grpcTls()
                || settings.tlsIssuer().isEmpty()
                || installed.test(InstalledCrds.CERT_MANAGER_CERTIFICATES)) {
            return Optional.empty();
        }
        return Optional.of(new SpecProblem(
                null,
                SpecProblem.CERT_MANAGER_NOT_INSTALLED,
                "spec.tls.issuerRef names " + settings.tlsIssuer().get().kind() + " '"
                        + settings.tlsIssuer().get().name() + "', but cert-manager is not installed (no CRD "
                        + InstalledCrds.CERT_MANAGER_CERTIFICATES
                        + ", or the operator may not read it: README, Install):"
                        + " install cert-manager, or remove issuerRef to let the operator issue the gRPC certificates"
                        + " itself"));
    }

    @Override
    public ErrorStatusUpdateControl<WebhookPlatform> updateErrorStatus(
            WebhookPlatform platform, Context<WebhookPlatform> context, Exception e) {
        String message = "reconcile failed, retrying: " + e.getMessage();
        // one line: JOSDK's EventProcessor logs the same failure with its stack trace
        log.warn("{} {}", ChildApplier.describe(platform), message);
        WebhookPlatformStatus status = Optional.ofNullable(platform.getStatus()).orElseGet(WebhookPlatformStatus::new);
        Optional<Condition> ready = Conditions.find(status, Conditions.READY);
        if (ready.isPresent()
                && "ReconcileFailed".equals(ready.get().getReason())
                && message.equals(ready.get().getMessage())) {
            return ErrorStatusUpdateControl.defaultErrorProcessing();
        }
        events.record(platform, EventRecorder.WARNING, "ReconcileFailed", message);
        List<Condition> conditions = new ArrayList<>(status.getConditions());
        conditions.removeIf(c -> Conditions.READY.equals(c.getType()));
        conditions.add(0, Conditions.condition(Conditions.READY, false, "ReconcileFailed", message));
        long generation =
                Optional.ofNullable(platform.getMetadata().getGeneration()).orElse(0L);
        status.setConditions(Conditions.merge(platform.getStatus(), conditions, generation, clock.instant()));
        platform.setStatus(status);
        return ErrorStatusUpdateControl.patchStatus(platform);
    }

    /** An Event when a store's claim starts to grow or cannot be given the size the spec asks for. */
    private void announceVolumes(WebhookPlatform platform, PlatformObservation observed) {
        for (Condition volume : observed.volumes()) {
            boolean changed = Conditions.find(platform.getStatus(), volume.getType())
                    .map(before -> !before.getReason().equals(volume.getReason()))
                    .orElse(true);
            if (!changed || StoreVolumes.SIZE_APPLIED.equals(volume.getReason())) {
                continue;
            }
            log.info("{} {}: {}", ChildApplier.describe(platform), volume.getReason(), volume.getMessage());
            events.record(
                    platform,
                    volume.isTrue() ? EventRecorder.NORMAL : EventRecorder.WARNING,
                    volume.getReason(),
                    volume.getMessage());
        }
    }

    /** Logs and records an Event when Ready changes: a Warning with the reason to fix, or Normal when it becomes Ready. */
    private void announce(WebhookPlatform platform, WebhookPlatformStatus status, boolean specInvalid) {
        Condition ready = Conditions.find(status, Conditions.READY).orElseThrow();
        Optional<Condition> before = Conditions.find(platform.getStatus(), Conditions.READY);
        boolean changed = before.isEmpty()
                || !before.get().getStatus().equals(ready.getStatus())
                || !before.get().getReason().equals(ready.getReason());
        if (!changed) {
            return;
        }
        log.info(
                "{} Ready={} {}: {}",
                ChildApplier.describe(platform),
                ready.getStatus(),
                ready.getReason(),
                ready.getMessage());
        if (ready.isTrue()) {
            events.record(platform, EventRecorder.NORMAL, ready.getReason(), ready.getMessage());
        } else if (specInvalid || "MigrationFailed".equals(ready.getReason())) {
            events.record(platform, EventRecorder.WARNING, ready.getReason(), ready.getMessage());
        }
    }
}
