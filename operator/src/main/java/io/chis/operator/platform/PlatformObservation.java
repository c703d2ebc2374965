package io.chis.operator.platform;

import io.chis.common.Role;
import io.chis.operator.api.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The children as the API server returned them in this reconcile: what status is computed from.
 *
 * @param grpcTlsPending the pods wait for a gRPC certificate cert-manager has not issued yet
 * @param cnpgCluster the CloudNativePG Cluster, where the database is one
 * @param volumes how the stores' claims compare with their spec ({@link StoreVolumes}): reported, never blocking
 */
public record PlatformObservation(
        Optional<StatefulSet> postgres,
        Optional<Deployment> redis,
        Optional<String> migrationJobName,
        Optional<Job> migration,
        Map<Role, Deployment> roles,
        Optional<Service> apiService,
        boolean grpcTlsPending,
        Optional<GenericKubernetesResource> cnpgCluster,
        List<Condition> volumes) {}
