package io.chis.operator.platform;

import io.chis.common.Role;
import io.chis.operator.api.Condition;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.api.WebhookPlatformStatus;
import io.chis.operator.support.Conditions;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Status of a WebhookPlatform from its spec problems and observed children. Pure. */
public final class PlatformStatusBuilder {
    public static final String MIGRATIONS_APPLIED = "MigrationsApplied";
    private static final Set<String> FAILURES = Set.of("MigrationFailed");

    private PlatformStatusBuilder() {}

    public static WebhookPlatformStatus build(
            WebhookPlatform platform,
            PlatformSettings settings,
            List<SpecProblem> problems,
            PlatformObservation observed,
            Instant now) {
        List<Condition> components = new ArrayList<>();
        components.add(
                problem(problems, PlatformValidation.DATABASE_READY).orElseGet(() -> database(settings, observed)));
        components.add(problem(problems, PlatformValidation.QUEUE_READY).orElseGet(() -> queue(settings, observed)));
        Condition migrations = problems.isEmpty()
                ? migrations(observed)
                : Conditions.unknown(
                        MIGRATIONS_APPLIED,
                        "SpecInvalid",
                        "not run until the spec is fixed: " + problems.get(0).message());
        components.add(migrations);
        for (Role role : Role.values()) {
            components.add(role(settings, role, observed.roles().get(role), migrations.isTrue()));
        }

        List<Condition> all = new ArrayList<>();
        all.add(ready(problems, components));
        all.addAll(components);
        // after Ready's inputs: a claim that cannot grow is worth a condition, not an outage
        all.addAll(observed.volumes());

        WebhookPlatformStatus status = new WebhookPlatformStatus();
        long generation =
                Optional.ofNullable(platform.getMetadata().getGeneration()).orElse(0L);
        status.setObservedGeneration(generation);
        status.setConditions(Conditions.merge(platform.getStatus(), all, generation, now));
        status.setApiUrl(apiUrl(settings, observed));
        status.setImage(settings.image());
        status.setDatabase(
                settings.externalDatabase().isPresent()
                        ? "external"
                        : settings.managedPostgres().isPresent()
                                ? "managed"
                                : settings.scaling().cnpg().isPresent() ? "cnpg" : null);
        status.setRedis(
                settings.externalRedis().isPresent()
                        ? "external"
                        : settings.managedRedis().isPresent() ? "managed" : null);
        status.setMigrationJob(observed.migrationJobName().orElse(null));
        return status;
    }

    static Condition ready(List<SpecProblem> problems, List<Condition> components) {
        if (!problems.isEmpty()) {
            SpecProblem first = problems.get(0);
            String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + " more problem(s))" : "";
            return Conditions.condition(Conditions.READY, false, first.reason(), first.message() + more);
        }
        // a component that failed outranks one that is only on its way
        return components.stream()
                .filter(c -> !c.isTrue())
                .min(Comparator.comparing(c -> FAILURES.contains(c.getReason()) ? 0 : 1))
                .map(c -> Conditions.condition(
                        Conditions.READY, false, c.getReason(), c.getType() + ": " + c.getMessage()))
                .orElseGet(() -> Conditions.condition(
                        Conditions.READY,
                        true,
                        "AllComponentsReady",
                        "database, queue, migrations and all four roles are ready"));
    }

    private static Optional<Condition> problem(List<SpecProblem> problems, String type) {
        return problems.stream()
                .filter(p -> type.equals(p.conditionType()))
                .findFirst()
                .map(p -> Conditions.condition(type, false, p.reason(), p.message()));
    }

    private static Condition database(PlatformSettings settings, PlatformObservation observed) {
        String type = PlatformValidation.DATABASE_READY;
        if (settings.externalDatabase().isPresent()) {
            return Conditions.condition(
                    type,
                    true,
                    "ExternalDatabase",
                    "using the PostgreSQL URL in Secret '"
                            + settings.externalDatabase().get().getName() + "'");
        }
        if (settings.scaling().cnpg().isPresent()) {
            return cnpg(settings, observed);
        }
        return observed.postgres()
                .map(sts -> {
                    int ready = Optional.ofNullable(sts.getStatus())
                            .map(s -> s.getReadyReplicas())
                            .orElse(0);
                    return ready >= 1
                            ? Conditions.condition(
                                    type,
                                    true,
                                    "PostgresReady",
                                    "StatefulSet '" + sts.getMetadata().getName() + "' is ready")
                            : Conditions.condition(
                                    type,
                                    false,
                                    "PostgresNotReady",
                                    "StatefulSet '" + sts.getMetadata().getName() + "' has no ready pod yet");
                })
                .orElseGet(() -> Conditions.condition(
                        type, false, "PostgresNotCreated", "the PostgreSQL StatefulSet does not exist yet"));
    }

    private static Condition cnpg(PlatformSettings settings, PlatformObservation observed) {
        String type = PlatformValidation.DATABASE_READY;
        String name = settings.postgresName();
        return observed.cnpgCluster()
                .map(cluster -> CnpgCluster.healthy(cluster)
                        ? Conditions.condition(
                                type, true, "PostgresReady", "CloudNativePG Cluster '" + name + "' is healthy")
                        : Conditions.condition(
                                type,
                                false,
                                "PostgresNotReady",
                                "CloudNativePG Cluster '" + name + "': "
                                        + CnpgCluster.phase(cluster).orElse("no phase reported yet")))
                .orElseGet(() -> Conditions.condition(
                        type, false, "PostgresNotCreated", "the CloudNativePG Cluster does not exist yet"));
    }

    private static Condition queue(PlatformSettings settings, PlatformObservation observed) {
        String type = PlatformValidation.QUEUE_READY;
        if (settings.externalRedis().isPresent()) {
            return Conditions.condition(
                    type,
                    true,
                    "ExternalRedis",
                    "using the Redis URL in Secret '"
                            + settings.externalRedis().get().getName() + "'");
        }
        return observed.redis()
                .map(deployment -> available(deployment, 1)
                        ? Conditions.condition(
                                type,
                                true,
                                "RedisReady",
                                "Deployment '" + deployment.getMetadata().getName() + "' is available")
                        : Conditions.condition(
                                type,
                                false,
                                "RedisNotReady",
                                "Deployment '" + deployment.getMetadata().getName() + "' has no available pod yet"))
                .orElseGet(() -> Conditions.condition(
                        type, false, "RedisNotCreated", "the Redis Deployment does not exist yet"));
    }

    private static Condition migrations(PlatformObservation observed) {
        String name = observed.migrationJobName().orElse("");
        if (observed.migration().isEmpty()) {
            return Conditions.condition(
                    MIGRATIONS_APPLIED,
                    false,
                    "WaitingForDatabase",
                    "Job '" + name + "' starts once the database is ready");
        }
        Job job = observed.migration().get();
        if (MigrationState.of(job) == MigrationState.SUCCEEDED) {
            return Conditions.condition(
                    MIGRATIONS_APPLIED, true, "MigrationSucceeded", "Job '" + name + "' applied the migrations");
        }
        if (MigrationState.of(job) == MigrationState.FAILED) {
            return Conditions.condition(
                    MIGRATIONS_APPLIED,
                    false,
                    "MigrationFailed",
                    "Job '" + name + "' failed: see kubectl logs job/" + name + "; delete the Job to run it again");
        }
        return Conditions.condition(MIGRATIONS_APPLIED, false, "MigrationRunning", "Job '" + name + "' is running");
    }

    private static Condition role(PlatformSettings settings, Role role, Deployment deployment, boolean migrated) {
        String type = RoleConditions.type(role);
        if (deployment == null) {
            return migrated
                    ? Conditions.condition(
                            type,
                            false,
                            "DeploymentNotCreated",
                            "Deployment '" + settings.roleName(role) + "' does not exist yet")
                    : Conditions.condition(
                            type,
                            false,
                            "WaitingForMigrations",
                            "Deployment '" + settings.roleName(role) + "' is created once the migrations are applied");
        }
        int wanted = Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1);
        int available = Optional.ofNullable(deployment.getStatus())
                .map(s -> s.getAvailableReplicas())
                .orElse(0);
        String counts = available + "/" + wanted + " replicas of Deployment '"
                + deployment.getMetadata().getName() + "' available";
        return available(deployment, wanted)
                ? Conditions.condition(type, true, "DeploymentAvailable", counts)
                : Conditions.condition(type, false, "DeploymentUnavailable", counts);
    }

    /** Enough pods available, and the Deployment controller has seen the latest spec (when it reports that at all). */
    static boolean available(Deployment deployment, int wanted) {
        var status = deployment.getStatus();
        if (status == null) {
            return wanted == 0;
        }
        Long generation = deployment.getMetadata().getGeneration();
        if (status.getObservedGeneration() != null
                && generation != null
                && status.getObservedGeneration() < generation) {
            return false;
        }
        return Optional.ofNullable(status.getAvailableReplicas()).orElse(0) >= wanted;
    }

    static boolean ready(StatefulSet statefulSet) {
        return statefulSet.getStatus() != null
                && Optional.ofNullable(statefulSet.getStatus().getReadyReplicas())
                                .orElse(0)
                        >= 1;
    }

    static String apiUrl(PlatformSettings settings, PlatformObservation observed) {
        Optional<String> ingress = observed.apiService()
                .filter(s -> s.getStatus() != null
                        && s.getStatus().getLoadBalancer() != null
                        && s.getStatus().getLoadBalancer().getIngress() != null)
                .flatMap(s ->
                        s.getStatus().getLoadBalancer().getIngress().stream().findFirst())
                .map(PlatformStatusBuilder::host);
        return "http://" + ingress.orElse(settings.serviceHost(settings.roleName(Role.API))) + ":"
                + PlatformSettings.HTTP_PORT;
    }

    private static String host(LoadBalancerIngress ingress) {
        return ingress.getHostname() != null && !ingress.getHostname().isBlank()
                ? ingress.getHostname()
                : ingress.getIp();
    }
}
