package io.chis.operator.platform;

import io.chis.common.Role;
import io.chis.operator.api.SecretKeyRef;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.support.ChildApplier;
import io.chis.operator.support.Hashes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Applies a valid platform's children in dependency order: Secrets, then the stores, then the migration Job once
 * the database is ready, then the role Deployments once the Job has succeeded; finally removes children that are
 * no longer wanted (a store switched to external, an old migration Job, a budget of a role scaled to one).
 */
final class PlatformRollout {
    private final ChildApplier<WebhookPlatform> applier;
    private final RandomTokens tokens;
    private final Optional<String> operatorNamespace;
    private final Engines engines;

    PlatformRollout(ChildApplier<WebhookPlatform> applier, RandomTokens tokens, Optional<String> operatorNamespace) {
        this(applier, tokens, operatorNamespace, Engines.NONE);
    }

    PlatformRollout(
            ChildApplier<WebhookPlatform> applier,
            RandomTokens tokens,
            Optional<String> operatorNamespace,
            Engines engines) {
        this.applier = applier;
        this.tokens = tokens;
        this.operatorNamespace = operatorNamespace;
        this.engines = engines;
    }

    PlatformObservation apply(
            WebhookPlatform platform, PlatformSettings settings, Function<String, Optional<Secret>> userSecrets) {
        Map<Class<? extends HasMetadata>, Set<String>> keep = new LinkedHashMap<>();
        for (Class<? extends HasMetadata> kind : PlatformReconciler.CHILD_KINDS) {
            keep.put(kind, new HashSet<>());
        }
        Map<String, Secret> secrets = new LinkedHashMap<>();

        Secret runtime = applySecret(
                keep,
                settings.runtimeSecretName(),
                existing -> PlatformSecrets.runtime(platform, settings, existing, tokens));
        secrets.put(runtime.getMetadata().getName(), runtime);

        Optional<StatefulSet> postgres = Optional.empty();
        if (settings.managedPostgres().isPresent()) {
            Secret secret = applySecret(
                    keep,
                    settings.postgresName(),
                    existing -> PlatformSecrets.postgres(platform, settings, existing, tokens));
            secrets.put(secret.getMetadata().getName(), secret);
            postgres = Optional.of(apply(keep, ManagedPostgres.statefulSet(platform, settings)));
            apply(keep, ManagedPostgres.service(platform, settings));
        }
        // only where the CRD exists (the reconciler refuses cnpg otherwise)
        Optional<GenericKubernetesResource> cnpg = settings.scaling().cnpg().isPresent() && engines.cnpg()
                ? Optional.of(applier.applyUncached(CnpgCluster.CLUSTER, CnpgCluster.desired(platform, settings)))
                : Optional.empty();
        Optional<Deployment> redis = Optional.empty();
        if (settings.managedRedis().isPresent()) {
            Secret secret = applySecret(
                    keep,
                    settings.redisName(),
                    existing -> PlatformSecrets.redis(platform, settings, existing, tokens));
            secrets.put(secret.getMetadata().getName(), secret);
            redis = Optional.of(apply(keep, ManagedRedis.deployment(platform, settings)));
            apply(keep, ManagedRedis.service(platform, settings));
        }

        ConnectionRefs refs = ConnectionRefs.of(settings);
        Function<SecretKeyRef, String> value = ref -> Optional.ofNullable(secrets.get(ref.getName()))
                .or(() -> userSecrets.apply(ref.getName()))
                .flatMap(secret -> PlatformSecrets.value(secret, ref.getKey()))
                .orElse("");
        String databaseUrl = value.apply(refs.databaseUrl());
        boolean databaseReady = postgres.map(PlatformStatusBuilder::ready)
                .or(() -> cnpg.map(CnpgCluster::healthy))
                .orElse(true);

        // not a dependent resource: the Job's name is a hash of image and database, and a new one replaces the old
        String jobName = MigrationJob.name(settings, databaseUrl);
        keep.get(Job.class).add(jobName);
        Optional<Job> migration = applier.get(Job.class, jobName);
        if (migration.isEmpty() && databaseReady) {
            migration =
                    Optional.of(applier.createIfAbsent(MigrationJob.desired(platform, settings, refs, databaseUrl)));
        }
        boolean migrated = migration
                .map(job -> MigrationState.of(job) == MigrationState.SUCCEEDED)
                .orElse(false);

        // the pods restart when a secret setting changes, not only when the spec does
        // keyed by the platform's random salt: the annotation is readable by anyone who can list pods
        String salt =
                PlatformSecrets.value(runtime, PlatformSecrets.CONFIG_SALT).orElseThrow();
        String configHash = Hashes.hmacSha256(
                salt,
                databaseUrl,
                value.apply(refs.redisUrl()),
                value.apply(refs.jwtSecret()),
                value.apply(refs.adminToken()),
                value.apply(refs.internalToken()),
                settings.defaultPolicy().orElse(""));
        Map<Role, Deployment> roles = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            String name = settings.roleName(role);
            keep.get(Deployment.class).add(name);
            Optional<Deployment> deployment = migrated
                    ? Optional.of(applier.apply(RoleDeployment.desired(platform, settings, role, refs, configHash)))
                    : applier.get(Deployment.class, name);
            deployment.ifPresent(d -> roles.put(role, d));
            RoleServices.disruptionBudget(platform, settings, role).ifPresent(pdb -> apply(keep, pdb));
        }
        applyAutoscalers(platform, settings, keep, roles.keySet());
        Service api = apply(keep, RoleServices.api(platform, settings));
        apply(keep, RoleServices.delivery(platform, settings));
        RoleServices.ingress(platform, settings).ifPresent(ingress -> apply(keep, ingress));
        if (settings.networkPolicies()) {
            PlatformNetworkPolicies.desired(platform, settings, operatorNamespace, kedaNamespace(settings))
                    .forEach(policy -> apply(keep, policy));
        }

        // not dependents' deletion: a leftover (old Job, budget of a role scaled to one) has a name no desired object
        // has
        applier.prune(keep);
        return new PlatformObservation(postgres, redis, Optional.of(jobName), migration, roles, Optional.of(api), cnpg);
    }

    /** An HPA or KEDA's ScaledObject for each autoscaled role whose Deployment exists; leftovers of the other kind go. */
    private void applyAutoscalers(
            WebhookPlatform platform,
            PlatformSettings settings,
            Map<Class<? extends HasMetadata>, Set<String>> keep,
            Set<Role> deployed) {
        Set<String> keda = new HashSet<>();
        for (Role role : deployed) {
            switch (Autoscalers.kind(settings, role, engines.keda())) {
                case Autoscalers.HPA -> apply(keep, Autoscalers.hpa(platform, settings, role));
                case Autoscalers.KEDA -> {
                    applier.applyUncached(
                            Autoscalers.TRIGGER_AUTHENTICATION, Autoscalers.triggerAuthentication(platform, settings));
                    keda.add(applier.applyUncached(
                                    Autoscalers.SCALED_OBJECT, Autoscalers.scaledObject(platform, settings))
                            .getMetadata()
                            .getName());
                }
                default -> {}
            }
        }
        // only where the CRD exists (listing a missing kind fails): a platform that stopped autoscaling drops them
        if (engines.keda()) {
            applier.pruneUncached(Autoscalers.SCALED_OBJECT, keda);
            applier.pruneUncached(Autoscalers.TRIGGER_AUTHENTICATION, keda);
        }
    }

    private Optional<String> kedaNamespace(PlatformSettings settings) {
        return Autoscalers.KEDA.equals(Autoscalers.kind(settings, Role.WORKER, engines.keda()))
                ? settings.scaling().autoscaling(Role.WORKER).map(PlatformScaling.Autoscaling::kedaNamespace)
                : Optional.empty();
    }

    /** Reads what exists without changing anything: for a spec the operator cannot act on. */
    PlatformObservation observe(PlatformSettings settings) {
        Map<Role, Deployment> roles = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            applier.get(Deployment.class, settings.roleName(role)).ifPresent(d -> roles.put(role, d));
        }
        return new PlatformObservation(
                applier.get(StatefulSet.class, settings.postgresName()),
                applier.get(Deployment.class, settings.redisName()),
                Optional.empty(),
                Optional.empty(),
                roles,
                applier.get(Service.class, settings.roleName(Role.API)));
    }

    private <T extends HasMetadata> T apply(Map<Class<? extends HasMetadata>, Set<String>> keep, T desired) {
        keep.get(desired.getClass()).add(desired.getMetadata().getName());
        return applier.apply(desired);
    }

    private Secret applySecret(
            Map<Class<? extends HasMetadata>, Set<String>> keep,
            String name,
            Function<Optional<Secret>, Secret> desired) {
        keep.get(Secret.class).add(name);
        return applier.apply(desired.apply(applier.get(Secret.class, name)));
    }
}
