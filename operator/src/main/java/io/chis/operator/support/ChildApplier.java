package io.chis.operator.support;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or updates one owner's children. Reads them from the controller's informer caches ({@link ChildInformers})
 * and writes through JOSDK's resource operations, which put each write into the cache so the next pass sees it.
 * Each child carries a hash of the desired object it was last applied from, so an unchanged child is left alone
 * (no write, no new resourceVersion). Server-side apply in production; create/update with optimistic locking for
 * API servers without it (the fabric8 mock).
 */
public final class ChildApplier<P extends HasMetadata> {
    public static final String FIELD_MANAGER = "chis-operator";
    public static final String DESIRED_HASH = "chis.io/desired-hash";
    private static final Logger log = LoggerFactory.getLogger(ChildApplier.class);

    private final Context<P> context;
    private final boolean serverSideApply;
    private final P owner;

    public ChildApplier(Context<P> context, boolean serverSideApply) {
        this.context = context;
        this.serverSideApply = serverSideApply;
        this.owner = context.getPrimaryResource();
    }

    /** The owner's child of this kind and name, from the cache. */
    public <T extends HasMetadata> Optional<T> get(Class<T> type, String name) {
        return context.getSecondaryResourcesAsStream(type)
                .filter(child -> name.equals(child.getMetadata().getName()))
                .findFirst();
    }

    /** Makes the child match {@code desired}; returns it as the API server has it now. */
    public <T extends HasMetadata> T apply(T desired) {
        String hash = stampHash(desired);
        Optional<T> existing = current(desired);
        if (existing.isPresent() && hash.equals(annotation(existing.get(), DESIRED_HASH))) {
            return existing.get();
        }
        // Secrets hold generated values: never blind-apply them, so a stale read can't overwrite a password
        if (serverSideApply && !(desired instanceof Secret)) {
            log.info(
                    "{} applying {} {}",
                    describe(owner),
                    desired.getKind(),
                    desired.getMetadata().getName());
            return context.resourceOperations().serverSideApply(desired);
        }
        if (existing.isEmpty()) {
            log.info(
                    "{} creating {} {}",
                    describe(owner),
                    desired.getKind(),
                    desired.getMetadata().getName());
            return context.resourceOperations().create(desired);
        }
        log.info(
                "{} updating {} {}",
                describe(owner),
                desired.getKind(),
                desired.getMetadata().getName());
        desired.getMetadata().setResourceVersion(existing.get().getMetadata().getResourceVersion());
        keepAllocatedFields(desired, existing.get());
        return context.resourceOperations().update(desired);
    }

    /** Creates the child if it does not exist; never changes an existing one (for immutable objects like Jobs). */
    public <T extends HasMetadata> T createIfAbsent(T desired) {
        Optional<T> existing = current(desired);
        if (existing.isPresent()) {
            return existing.get();
        }
        stampHash(desired);
        log.info(
                "{} creating {} {}",
                describe(owner),
                desired.getKind(),
                desired.getMetadata().getName());
        return context.resourceOperations().create(desired);
    }

    /** Deletes the owner's cached children of these kinds whose names are not in {@code keep}. */
    public void prune(Map<Class<? extends HasMetadata>, Set<String>> keep) {
        keep.forEach((type, names) -> context.getSecondaryResources(type).stream()
                .filter(child -> !names.contains(child.getMetadata().getName()))
                .forEach(child -> {
                    log.info(
                            "{} deleting {} {} (no longer wanted)",
                            describe(owner),
                            child.getKind(),
                            child.getMetadata().getName());
                    context.getClient()
                            .resource(child)
                            .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                            .delete();
                }));
    }

    /** The owner's child of a kind whose CRD may be missing (KEDA, CloudNativePG): no informer, read directly. */
    public Optional<GenericKubernetesResource> getUncached(ResourceDefinitionContext kind, String name) {
        return Optional.ofNullable(context.getClient()
                        .genericKubernetesResources(kind)
                        .inNamespace(owner.getMetadata().getNamespace())
                        .withName(name)
                        .get())
                .map(live -> {
                    requireOwned(live);
                    return live;
                });
    }

    /** {@link #apply} for a kind without an informer: read and written directly, never taken over when not ours. */
    public GenericKubernetesResource applyUncached(ResourceDefinitionContext kind, GenericKubernetesResource desired) {
        String hash = stampHash(desired);
        Optional<GenericKubernetesResource> existing =
                getUncached(kind, desired.getMetadata().getName());
        if (existing.isPresent() && hash.equals(annotation(existing.get(), DESIRED_HASH))) {
            return existing.get();
        }
        var resource = context.getClient()
                .genericKubernetesResources(kind)
                .inNamespace(owner.getMetadata().getNamespace())
                .resource(desired);
        log.info(
                "{} {} {} {}",
                describe(owner),
                serverSideApply ? "applying" : existing.isEmpty() ? "creating" : "updating",
                desired.getKind(),
                desired.getMetadata().getName());
        if (serverSideApply) {
            return resource.fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        }
        if (existing.isEmpty()) {
            return resource.create();
        }
        desired.getMetadata().setResourceVersion(existing.get().getMetadata().getResourceVersion());
        return resource.update();
    }

    /** {@link #prune} for a kind without an informer: the owner's labelled children whose names are not kept. */
    public void pruneUncached(ResourceDefinitionContext kind, Set<String> keep) {
        String uid = owner.getMetadata().getUid();
        context
                .getClient()
                .genericKubernetesResources(kind)
                .inNamespace(owner.getMetadata().getNamespace())
                .withLabelSelector(Labels.MANAGED_SELECTOR)
                .list()
                .getItems()
                .stream()
                .filter(child -> !keep.contains(child.getMetadata().getName()))
                .filter(child -> child.getMetadata().getOwnerReferences() != null
                        && child.getMetadata().getOwnerReferences().stream()
                                .anyMatch(ref -> uid != null && uid.equals(ref.getUid())))
                .forEach(child -> {
                    log.info(
                            "{} deleting {} {} (no longer wanted)",
                            describe(owner),
                            child.getKind(),
                            child.getMetadata().getName());
                    context.getClient()
                            .genericKubernetesResources(kind)
                            .inNamespace(owner.getMetadata().getNamespace())
                            .withName(child.getMetadata().getName())
                            .delete();
                });
    }

    public static String describe(HasMetadata resource) {
        return resource.getKind() + " " + resource.getMetadata().getNamespace() + "/"
                + resource.getMetadata().getName();
    }

    /**
     * The child from the cache. One the cache lacks is looked up once before it is written: an object of that name
     * that is not ours must be reported, never taken over (a forced apply or an update would).
     */
    private <T extends HasMetadata> Optional<T> current(T desired) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) desired.getClass();
        Optional<T> cached = get(type, desired.getMetadata().getName());
        if (cached.isPresent()) {
            return cached;
        }
        Optional<T> live = Optional.ofNullable(context.getClient()
                .resources(type)
                .inNamespace(owner.getMetadata().getNamespace())
                .withName(desired.getMetadata().getName())
                .get());
        live.ifPresent(this::requireOwned);
        return live;
    }

    private String stampHash(HasMetadata desired) {
        Map<String, String> annotations = desired.getMetadata().getAnnotations() == null
                ? new HashMap<>()
                : new HashMap<>(desired.getMetadata().getAnnotations());
        annotations.remove(DESIRED_HASH);
        desired.getMetadata().setAnnotations(annotations.isEmpty() ? null : annotations);
        String hash = Hashes.sha256(Serialization.asJson(desired));
        annotations.put(DESIRED_HASH, hash);
        desired.getMetadata().setAnnotations(annotations);
        return hash;
    }

    private void requireOwned(HasMetadata existing) {
        String uid = owner.getMetadata().getUid();
        boolean owned = existing.getMetadata().getOwnerReferences() != null
                && existing.getMetadata().getOwnerReferences().stream()
                        .anyMatch(ref -> uid != null && uid.equals(ref.getUid()));
        if (!owned) {
            throw new ChildConflictException(
                    existing.getKind() + " '" + existing.getMetadata().getName() + "' exists in namespace '"
                            + existing.getMetadata().getNamespace() + "' but does not belong to " + describe(owner)
                            + ": rename or delete it");
        }
    }

    private static String annotation(HasMetadata resource, String key) {
        return resource.getMetadata().getAnnotations() == null
                ? null
                : resource.getMetadata().getAnnotations().get(key);
    }

    /** Keeps what the API server assigned, which a full update without it would try to clear. */
    private static void keepAllocatedFields(HasMetadata desired, HasMetadata existing) {
        // replicas left out: an autoscaler owns them, and an update without them would reset the Deployment to one
        if (desired instanceof Deployment deployment
                && existing instanceof Deployment current
                && deployment.getSpec().getReplicas() == null
                && current.getSpec() != null) {
            deployment.getSpec().setReplicas(current.getSpec().getReplicas());
        }
        if (desired instanceof Service service && existing instanceof Service current && current.getSpec() != null) {
            service.getSpec().setClusterIP(current.getSpec().getClusterIP());
            service.getSpec().setClusterIPs(current.getSpec().getClusterIPs());
            if (Objects.equals(service.getSpec().getType(), current.getSpec().getType())
                    && current.getSpec().getPorts() != null) {
                Map<String, Integer> nodePorts = current.getSpec().getPorts().stream()
                        .filter(p -> p.getNodePort() != null)
                        .collect(Collectors.toMap(p -> String.valueOf(p.getName()), p -> p.getNodePort(), (a, b) -> a));
                service.getSpec().getPorts().forEach(p -> p.setNodePort(nodePorts.get(String.valueOf(p.getName()))));
            }
        }
    }
}
