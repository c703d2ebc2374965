package io.chis.operator.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or updates one owner's children. Each child carries a hash of the desired object it was last applied
 * from, so an unchanged child is left alone (no write, no new resourceVersion). Server-side apply when the API
 * server has it; create/update with optimistic locking otherwise.
 */
public final class ChildApplier {
    public static final String FIELD_MANAGER = "chis-operator";
    public static final String DESIRED_HASH = "chis.io/desired-hash";
    private static final Logger log = LoggerFactory.getLogger(ChildApplier.class);

    private final KubernetesClient client;
    private final boolean serverSideApply;
    private final HasMetadata owner;

    public ChildApplier(KubernetesClient client, boolean serverSideApply, HasMetadata owner) {
        this.client = client;
        this.serverSideApply = serverSideApply;
        this.owner = owner;
    }

    public <T extends HasMetadata> Optional<T> get(Class<T> type, String name) {
        return Optional.ofNullable(client.resources(type).inNamespace(owner.getMetadata().getNamespace()).withName(name).get());
    }

    /** Makes the child match {@code desired}; returns it as the API server has it now. */
    public <T extends HasMetadata> T apply(T desired) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) desired.getClass();
        String hash = stampHash(desired);
        Optional<T> existing = get(type, desired.getMetadata().getName());
        if (existing.isPresent()) {
            requireOwned(existing.get());
            if (hash.equals(annotation(existing.get(), DESIRED_HASH))) {
                return existing.get();
            }
        }
        // Secrets hold generated values: never blind-apply them, so a stale read can't overwrite a password
        if (serverSideApply && !(desired instanceof Secret)) {
            log.info("{} applying {} {}", describe(owner), desired.getKind(), desired.getMetadata().getName());
            return client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        }
        if (existing.isEmpty()) {
            log.info("{} creating {} {}", describe(owner), desired.getKind(), desired.getMetadata().getName());
            return client.resource(desired).create();
        }
        log.info("{} updating {} {}", describe(owner), desired.getKind(), desired.getMetadata().getName());
        desired.getMetadata().setResourceVersion(existing.get().getMetadata().getResourceVersion());
        keepAllocatedFields(desired, existing.get());
        return client.resource(desired).update();
    }

    /** Creates the child if it does not exist; never changes an existing one (for immutable objects like Jobs). */
    public <T extends HasMetadata> T createIfAbsent(T desired) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) desired.getClass();
        Optional<T> existing = get(type, desired.getMetadata().getName());
        if (existing.isPresent()) {
            requireOwned(existing.get());
            return existing.get();
        }
        stampHash(desired);
        log.info("{} creating {} {}", describe(owner), desired.getKind(), desired.getMetadata().getName());
        return client.resource(desired).create();
    }

    /** Deletes the owner's children of these kinds whose names are not in {@code keep}. */
    public void prune(Map<Class<? extends HasMetadata>, Set<String>> keep, Map<String, String> childSelector) {
        keep.forEach((type, names) -> {
            Collection<? extends HasMetadata> children = client.resources(type).inNamespace(owner.getMetadata().getNamespace())
                    .withLabels(childSelector).list().getItems();
            for (HasMetadata child : children) {
                if (isOwned(child) && !names.contains(child.getMetadata().getName())) {
                    log.info("{} deleting {} {} (no longer wanted)", describe(owner), child.getKind(), child.getMetadata().getName());
                    client.resource(child).withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
                }
            }
        });
    }

    public static String describe(HasMetadata resource) {
        return resource.getKind() + " " + resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    }

    private String stampHash(HasMetadata desired) {
        Map<String, String> annotations = desired.getMetadata().getAnnotations() == null
                ? new HashMap<>() : new HashMap<>(desired.getMetadata().getAnnotations());
        annotations.remove(DESIRED_HASH);
        desired.getMetadata().setAnnotations(annotations.isEmpty() ? null : annotations);
        String hash = Hashes.sha256(Serialization.asJson(desired));
        annotations.put(DESIRED_HASH, hash);
        desired.getMetadata().setAnnotations(annotations);
        return hash;
    }

    private void requireOwned(HasMetadata existing) {
        if (!isOwned(existing)) {
            throw new ChildConflictException(existing.getKind() + " '" + existing.getMetadata().getName() + "' exists in namespace '"
                    + existing.getMetadata().getNamespace() + "' but does not belong to " + describe(owner)
                    + ": rename or delete it");
        }
    }

    private boolean isOwned(HasMetadata child) {
        String uid = owner.getMetadata().getUid();
        return child.getMetadata().getOwnerReferences() != null && child.getMetadata().getOwnerReferences().stream()
                .anyMatch(ref -> uid != null && uid.equals(ref.getUid()));
    }

    private static String annotation(HasMetadata resource, String key) {
        return resource.getMetadata().getAnnotations() == null ? null : resource.getMetadata().getAnnotations().get(key);
    }

    /** Keeps what the API server assigned, which a full update without it would try to clear. */
    private static void keepAllocatedFields(HasMetadata desired, HasMetadata existing) {
        if (desired instanceof Service service && existing instanceof Service current && current.getSpec() != null) {
            service.getSpec().setClusterIP(current.getSpec().getClusterIP());
            service.getSpec().setClusterIPs(current.getSpec().getClusterIPs());
            if (Objects.equals(service.getSpec().getType(), current.getSpec().getType()) && current.getSpec().getPorts() != null) {
                Map<String, Integer> nodePorts = current.getSpec().getPorts().stream().filter(p -> p.getNodePort() != null)
                        .collect(Collectors.toMap(p -> String.valueOf(p.getName()), p -> p.getNodePort(), (a, b) -> a));
                service.getSpec().getPorts().forEach(p -> p.setNodePort(nodePorts.get(String.valueOf(p.getName()))));
            }
        }
    }

}
