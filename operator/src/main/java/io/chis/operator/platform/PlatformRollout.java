package io.chis.operator.platform;

import io.chis.common.Role;
import io.chis.operator.api.SecretKeyRef;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.platform.GrpcCertificates.Issued;
import io.chis.operator.support.ChildApplier;
import io.chis.operator.support.Hashes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a valid platform's children in dependency order: Secrets, then the stores, then the migration Job once
 * the database is ready, then the role Deployments once the Job has succeeded; finally removes children that are
 * no longer wanted (a store switched to external, an old migration Job, a budget of a role scaled to one).
 */
final class PlatformRollout {
    private static final Logger log = LoggerFactory.getLogger(PlatformRollout.class);

    private final ChildApplier<WebhookPlatform> applier;
    private final KubernetesClient client;
    private final RandomTokens tokens;
    private final Clock clock;
    private final Optional<String> operatorNamespace;
    private final Engines engines;

    PlatformRollout(
            ChildApplier<WebhookPlatform> applier,
            KubernetesClient client,
            RandomTokens tokens,
            Clock clock,
            Optional<String> operatorNamespace,
            Engines engines) {
        this.applier = applier;
        this.client = client;
        this.tokens = tokens;
        this.clock = clock;
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
        List<StoreVolumes.Outcome> volumes = new ArrayList<>();

        Secret runtime = applySecret(
                keep,
                settings.runtimeSecretName(),
                existing -> PlatformSecrets.runtime(platform, settings, existing, tokens));
        secrets.put(runtime.getMetadata().getName(), runtime);
        String grpcCertificate = grpcTls(platform, settings, keep, userSecrets);

        Optional<StatefulSet> postgres = Optional.empty();
        if (settings.managedPostgres().isPresent()) {
            Secret secret = applySecret(
                    keep,
                    settings.postgresName(),
                    existing -> PlatformSecrets.postgres(platform, settings, existing, tokens));
            secrets.put(secret.getMetadata().getName(), secret);
            postgres = Optional.of(apply(
                    keep,
                    ManagedPostgres.statefulSet(
                            platform, settings, applier.get(StatefulSet.class, settings.postgresName()))));
            apply(keep, ManagedPostgres.service(platform, settings));
            resize(
                            platform,
                            settings,
                            StoreVolumes.DATABASE_VOLUME,
                            ManagedPostgres.claimName(settings),
                            settings.managedPostgres().get().storage())
                    .ifPresent(volumes::add);
        }
        // only where the CRD exists (the reconciler refuses cnpg otherwise)
        Optional<GenericKubernetesResource> cnpg = settings.scaling().cnpg().isPresent() && engines.cnpg()
                ? Optional.of(applier.applyUncached(CnpgCluster.CLUSTER, CnpgCluster.desired(platform, settings)))
                : Optional.empty();
        if (cnpg.isPresent()) {
            Set<String> scheduled = new HashSet<>();
            CnpgCluster.scheduledBackup(platform, settings)
                    .ifPresent(backup -> scheduled.add(applier.applyUncached(CnpgCluster.SCHEDULED_BACKUP, backup)
                            .getMetadata()
                            .getName()));
            // a schedule removed from the spec stops the base backups (those already made stay in the store)
            applier.pruneUncached(CnpgCluster.SCHEDULED_BACKUP, scheduled);
        }
        Optional<Deployment> redis = Optional.empty();
        if (settings.managedRedis().isPresent()) {
            Secret secret = applySecret(
                    keep,
                    settings.redisName(),
                    existing -> PlatformSecrets.redis(platform, settings, existing, tokens));
            secrets.put(secret.getMetadata().getName(), secret);
            Optional<PersistentVolumeClaim> claim = ManagedRedis.claim(platform, settings);
            if (claim.isPresent()) {
                // created once: its size changes only through resize, which refuses to shrink it
                keep.get(PersistentVolumeClaim.class).add(settings.redisClaimName());
                applier.createIfAbsent(claim.get());
                resize(
                                platform,
                                settings,
                                StoreVolumes.QUEUE_VOLUME,
                                settings.redisClaimName(),
                                claim.get()
                                        .getSpec()
                                        .getResources()
                                        .getRequests()
                                        .get("storage")
                                        .toString())
                        .ifPresent(volumes::add);
            }
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
                settings.defaultPolicy().orElse(""),
                // a renewed gRPC certificate rolls the pods, so none keeps serving the old one
                settings.grpcTls() ? "grpc-tls:" + grpcCertificate : "grpc-plaintext");
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
        return new PlatformObservation(
                postgres,
                redis,
                Optional.of(jobName),
                migration,
                roles,
                Optional.of(api),
                settings.grpcTls() && grpcCertificate.isEmpty(),
                cnpg,
                volumes.stream().map(StoreVolumes.Outcome::condition).toList());
    }

    /**
     * Compares a store's claim with the size the spec asks for and grows it where its StorageClass allows. The claim
     * is read directly: the StatefulSet controller makes the PostgreSQL one, without the operator's labels.
     */
    private Optional<StoreVolumes.Outcome> resize(
            WebhookPlatform platform,
            PlatformSettings settings,
            String conditionType,
            String claimName,
            String wanted) {
        var claims = client.persistentVolumeClaims().inNamespace(settings.namespace());
        PersistentVolumeClaim claim = claims.withName(claimName).get();
        if (claim == null) {
            return Optional.empty();
        }
        StoreVolumes.Outcome outcome = StoreVolumes.decide(conditionType, claim, wanted, this::storageClass);
        outcome.grow().ifPresent(size -> {
            log.info("{} growing claim {} to {}", ChildApplier.describe(platform), claimName, size);
            claims.withName(claimName).edit(c -> {
                c.getSpec().getResources().getRequests().put("storage", new Quantity(size));
                return c;
            });
        });
        return Optional.of(outcome);
    }

    /**
     * The gRPC TLS material: the operator's own CA (created once) and a leaf it renews, or a cert-manager Certificate
     * filling the same Secret. Returns the leaf certificate the pods mount (empty while cert-manager has not issued it).
     */
    private String grpcTls(
            WebhookPlatform platform,
            PlatformSettings settings,
            Map<Class<? extends HasMetadata>, Set<String>> keep,
            Function<String, Optional<Secret>> userSecrets) {
        Optional<PlatformSettings.Issuer> issuer = settings.tlsIssuer().filter(i -> settings.grpcTls());
        if (issuer.isEmpty()) {
            dropCertManagerCertificate(platform, settings, userSecrets);
        }
        if (!settings.grpcTls()) {
            return "";
        }
        // with cert-manager, the Secret the operator made before is kept for cert-manager to fill, not pruned
        keep.get(Secret.class).add(settings.grpcTlsName());
        if (issuer.isPresent()) {
            // not cached: the kind exists only where cert-manager is installed
            applier.applyUncached(GrpcTls.CERTIFICATES, GrpcTls.certificate(platform, settings, issuer.get()));
            return userSecrets
                    .apply(settings.grpcTlsName())
                    .flatMap(secret -> PlatformSecrets.value(secret, GrpcTls.CERT))
                    .orElse("");
        }
        keep.get(Secret.class).add(settings.grpcCaName());
        // created once and never written again: a new CA would invalidate every certificate in use
        Secret authority = applier.get(Secret.class, settings.grpcCaName())
                .orElseGet(() -> applier.createIfAbsent(GrpcTls.authoritySecret(platform, settings, clock.instant())));
        Issued ca = GrpcTls.authority(authority)
                .orElseThrow(() -> new SpecProblem.Raised(new SpecProblem(
                        null,
                        "GrpcCaInvalid",
                        "Secret '" + settings.grpcCaName() + "' holds no usable CA ("
                                + GrpcTls.CERT + ", " + GrpcTls.KEY + "): delete it and the operator issues a new CA"
                                + " and new certificates")));
        Secret leaf = applySecret(
                keep,
                settings.grpcTlsName(),
                existing -> GrpcTls.leafSecret(platform, settings, ca, existing, clock.instant()));
        return PlatformSecrets.value(leaf, GrpcTls.CERT).orElse("");
    }

    /**
     * After a switch away from cert-manager: its Certificate would keep writing the Secret the operator now fills (or
     * that no longer should exist), so it goes, and so does a Secret cert-manager created.
     */
    private void dropCertManagerCertificate(
            WebhookPlatform platform, PlatformSettings settings, Function<String, Optional<Secret>> userSecrets) {
        String name = settings.grpcTlsName();
        Optional<Secret> current = applier.get(Secret.class, name).or(() -> userSecrets.apply(name));
        if (current.filter(GrpcTls::filledByCertManager).isEmpty()) {
            return;
        }
        log.info("{} deleting Certificate {} (no issuer named any more)", ChildApplier.describe(platform), name);
        client.genericKubernetesResources(GrpcTls.CERTIFICATES)
                .inNamespace(settings.namespace())
                .withName(name)
                .delete();
        if (!ownedBy(current.get(), platform)) {
            client.resource(current.get()).delete();
        }
    }

    private static boolean ownedBy(HasMetadata child, WebhookPlatform platform) {
        String uid = platform.getMetadata().getUid();
        return child.getMetadata().getOwnerReferences() != null
                && child.getMetadata().getOwnerReferences().stream().anyMatch(ref -> Objects.equals(uid, ref.getUid()));
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

    /** A StorageClass by name; empty when missing or when the operator may not read it (rbac.engineCrds off). */
    private Optional<StorageClass> storageClass(String name) {
        try {
            return Optional.ofNullable(
                    client.storage().v1().storageClasses().withName(name).get());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                log.warn("may not read StorageClass {}: {}", name, e.getMessage());
                return Optional.empty();
            }
            throw e;
        }
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
                applier.get(Service.class, settings.roleName(Role.API)),
                false,
                Optional.empty(),
                List.of());
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
