package io.chis.operator.install;

import io.chis.operator.api.DeliveryPolicy;
import io.chis.operator.api.WebhookEndpoint;
import io.chis.operator.api.WebhookEventType;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.platform.PlatformReconciler;
import io.chis.operator.support.InstalledCrds;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the operator may do, as (API group, resource, verb) triples: the one list that config/rbac, the Helm chart's
 * RBAC and the running operator's requests are all held to.
 */
public final class OperatorPermissions {
    private static final List<String> READ = List.of("get", "list", "watch");
    private static final List<String> READ_WRITE =
            List.of("get", "list", "watch", "create", "update", "patch", "delete");
    /** A Job is never changed in place: a new image or database means a new Job. */
    private static final List<String> JOB = List.of("get", "list", "watch", "create", "delete");

    /** One thing the operator may do: {@code verb} on {@code resource} (with its subresource, e.g. {@code jobs/status}). */
    public record Permission(String group, String resource, String verb) implements Comparable<Permission> {
        @Override
        public int compareTo(Permission o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return (group.isEmpty() ? "core" : group) + "/" + resource + ":" + verb;
        }
    }

    private OperatorPermissions() {}

    /** In every namespace it watches: its custom resources, the children of a WebhookPlatform, Events. */
    public static Set<Permission> inWatchedNamespaces() {
        Set<Permission> permissions = new TreeSet<>();
        for (Class<? extends HasMetadata> kind :
                List.of(WebhookPlatform.class, DeliveryPolicy.class, WebhookEndpoint.class, WebhookEventType.class)) {
            add(permissions, kind, "", READ);
            add(permissions, kind, "/status", List.of("get", "patch", "update"));
        }
        // policies, endpoints and event types have a copy in the runtime: a finalizer (added and removed with patch)
        // deletes it
        for (Class<? extends HasMetadata> kind :
                List.of(DeliveryPolicy.class, WebhookEndpoint.class, WebhookEventType.class)) {
            add(permissions, kind, "", List.of("patch"));
        }
        // owner references with blockOwnerDeletion need this where OwnerReferencesPermissionEnforcement is on:
        // a platform owns its children, an endpoint its generated signing Secret
        add(permissions, WebhookPlatform.class, "/finalizers", List.of("update"));
        add(permissions, WebhookEndpoint.class, "/finalizers", List.of("update"));
        for (Class<? extends HasMetadata> kind : PlatformReconciler.CHILD_KINDS) {
            add(permissions, kind, "", kind == Job.class ? JOB : READ_WRITE);
        }
        // KEDA's objects on the worker (the CRDs may be missing: no informer, so no watch)
        for (String resource : List.of("scaledobjects", "triggerauthentications")) {
            for (String verb : List.of("get", "list", "create", "update", "patch", "delete")) {
                permissions.add(new Permission("keda.sh", resource, verb));
            }
        }
        // CloudNativePG's Cluster for spec.database.cnpg, and the ScheduledBackup of its backup.schedule
        for (String resource : List.of("clusters", "scheduledbackups")) {
            for (String verb : List.of("get", "list", "create", "update", "patch", "delete")) {
                permissions.add(new Permission("postgresql.cnpg.io", resource, verb));
            }
        }
        // the cert-manager Certificate of a platform naming spec.tls.issuerRef (read, applied and removed by name)
        for (String verb : List.of("get", "create", "update", "patch", "delete")) {
            permissions.add(new Permission("cert-manager.io", "certificates", verb));
        }
        // an Event seen before is read and its count raised instead of a new one being created
        permissions.add(new Permission("", "events", "get"));
        permissions.add(new Permission("", "events", "create"));
        permissions.add(new Permission("", "events", "patch"));
        return permissions;
    }

    /**
     * Cluster-wide, whatever it watches: whether KEDA, CloudNativePG or cert-manager is installed, by CRD name; whether
     * a store's StorageClass allows volume expansion.
     */
    public static Set<Permission> clusterWide() {
        return new TreeSet<>(Set.of(
                new Permission("apiextensions.k8s.io", "customresourcedefinitions", "get"),
                new Permission("storage.k8s.io", "storageclasses", "get")));
    }

    /** The only CRDs {@link #clusterWide()} reads. */
    public static final List<String> CRDS = List.of(
            InstalledCrds.KEDA_SCALED_OBJECTS, InstalledCrds.CNPG_CLUSTERS, InstalledCrds.CERT_MANAGER_CERTIFICATES);

    /** Whether these rules grant {@link #clusterWide()} and no more: get on those CRDs, named, and on StorageClasses. */
    public static boolean onlyReadTheCrds(Collection<PolicyRule> rules) {
        return grantedBy(rules).equals(clusterWide())
                && rules.stream()
                        .filter(rule -> rule.getResources().contains("customresourcedefinitions"))
                        .allMatch(rule -> rule.getResourceNames() != null
                                && Set.copyOf(CRDS).equals(Set.copyOf(rule.getResourceNames())));
    }

    /** In its own namespace: the leader-election Lease (JOSDK checks for get, create and update; renewals patch). */
    public static Set<Permission> forLeaderElection() {
        Set<Permission> permissions = new TreeSet<>();
        for (String verb : List.of("get", "create", "update", "patch")) {
            permissions.add(new Permission("coordination.k8s.io", "leases", verb));
        }
        return permissions;
    }

    /** Every triple the rules grant (a wildcard stays a "*" entry, so it can never equal a precise list). */
    public static Set<Permission> grantedBy(Collection<PolicyRule> rules) {
        Set<Permission> granted = new TreeSet<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        granted.add(new Permission(group, resource, verb));
                    }
                }
            }
        }
        return granted;
    }

    private static void add(
            Set<Permission> permissions, Class<? extends HasMetadata> kind, String subresource, List<String> verbs) {
        for (String verb : verbs) {
            permissions.add(
                    new Permission(HasMetadata.getGroup(kind), HasMetadata.getPlural(kind) + subresource, verb));
        }
    }
}
