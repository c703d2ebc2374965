package io.chis.e2e.node;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kubelet and the built-in controllers, for exactly what the operator creates, against any API server the client
 * points at (here the fabric8 mock, which has neither). Deployments (rolling with maxSurge/maxUnavailable, or
 * Recreate; pods owned by the Deployment directly, no ReplicaSet objects), StatefulSets (ordered, one
 * PersistentVolumeClaim per claim template and pod, kept on the node's disk across pod restarts), Jobs (to completion,
 * backoffLimit), Services (an address, a TCP proxy per port, LoadBalancer status filled in as a load-balancer controller
 * would), garbage collection by owner reference. With {@code runContainers=false} the pods become ready without
 * processes: enough to make the operator create every child, for the manifest checks.
 */
public final class NodeSimulator implements AutoCloseable {
    static final String TEMPLATE_HASH = "pod-template-hash";

    final KubernetesClient client;
    final Images images;
    final ServiceNetwork network;
    final boolean runContainers;
    final AtomicInteger probeRestarts = new AtomicInteger();
    private final Path work;
    private final Path nodeLog;
    private final Map<String, SimPod> pods = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();
    private final Map<String, String> writtenStatus = new ConcurrentHashMap<>();
    private final Semaphore wake = new Semaphore(0);
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final AtomicLong podCounter = new AtomicLong();
    private SharedIndexInformer<Deployment> deployments;
    private SharedIndexInformer<StatefulSet> statefulSets;
    private SharedIndexInformer<Job> jobs;
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<Pod> podObjects;
    private volatile boolean running = true;
    private Thread loop;
    private long lastCollection;

    public NodeSimulator(
            KubernetesClient client, Images images, ServiceNetwork network, Path work, boolean runContainers) {
        this.client = client;
        this.images = images;
        this.network = network;
        this.work = work;
        this.runContainers = runContainers;
        this.nodeLog = work.resolve("node.log");
    }

    public NodeSimulator start() {
        deployments = inform(client.apps().deployments().inAnyNamespace().inform());
        statefulSets = inform(client.apps().statefulSets().inAnyNamespace().inform());
        jobs = inform(client.batch().v1().jobs().inAnyNamespace().inform());
        services = inform(client.services().inAnyNamespace().inform());
        podObjects = inform(client.pods().inAnyNamespace().inform());
        loop = Thread.ofPlatform().name("node-simulator").daemon().start(() -> {
            while (running) {
                try {
                    wake.tryAcquire(300, TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                    reconcile();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log("reconcile: " + e);
                }
            }
        });
        return this;
    }

    private <T extends HasMetadata> SharedIndexInformer<T> inform(SharedIndexInformer<T> informer) {
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                wake.release();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                wake.release();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                wake.release();
            }
        });
        informers.add(informer);
        return informer;
    }

    void log(String line) {
        try {
            Files.createDirectories(work);
            Files.writeString(
                    nodeLog, Instant.now() + " " + line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the log is a convenience
        }
    }

    // ---- what tests look at

    public List<SimPod> pods(String namespace, String component) {
        return pods.values().stream()
                .filter(p -> p.namespace.equals(namespace)
                        && !p.terminating
                        && component.equals(labels(p.pod).get("app.kubernetes.io/component")))
                .sorted(Comparator.comparing(p -> p.name))
                .toList();
    }

    public int liveProcesses() {
        return (int) pods.values().stream()
                .flatMap(p -> p.containers.stream())
                .map(c -> c.process)
                .filter(p -> p != null && p.isAlive())
                .count();
    }

    public int podCount() {
        return pods.size();
    }

    public int probeRestarts() {
        return probeRestarts.get();
    }

    /** As {@code kubectl rollout status}: exactly {@code replicas} pods, all on the current template, all ready. */
    public boolean rolledOut(Deployment d) {
        String hash = hash(d.getSpec().getTemplate());
        List<SimPod> all = pods.values().stream().filter(p -> owns(d, p)).toList();
        return all.size() == Optional.ofNullable(d.getSpec().getReplicas()).orElse(1)
                && all.stream().allMatch(p -> p.templateHash.equals(hash) && p.ready());
    }

    /** The address a Service name resolves to on this node. */
    public Optional<String> serviceAddress(String namespace, String name) {
        return network.service(namespace, name).map(ServiceNetwork.ServiceEntry::address);
    }

    // ---- the controllers

    private synchronized void reconcile() {
        for (Deployment d : deployments.getStore().list()) {
            reconcileDeployment(d);
        }
        for (StatefulSet s : statefulSets.getStore().list()) {
            reconcileStatefulSet(s);
        }
        for (Job j : jobs.getStore().list()) {
            reconcileJob(j);
        }
        reconcileServices();
        // pods whose object was deleted (kubectl delete pod, or the garbage collector below) stop
        Set<String> objects = new HashSet<>();
        podObjects.getStore().list().forEach(p -> objects.add(key(p)));
        for (SimPod pod : pods.values()) {
            if (!objects.contains(pod.namespace + "/" + pod.name)
                    && Instant.now().isAfter(pod.created.plusSeconds(2))) {
                pod.terminate();
            }
        }
        if (System.currentTimeMillis() - lastCollection > 1000) {
            lastCollection = System.currentTimeMillis();
            collectGarbage();
        }
    }

    private void reconcileDeployment(Deployment d) {
        String hash = hash(d.getSpec().getTemplate());
        int replicas = Optional.ofNullable(d.getSpec().getReplicas()).orElse(1);
        List<SimPod> all = owned(d);
        List<SimPod> current =
                all.stream().filter(p -> p.templateHash.equals(hash)).toList();
        List<SimPod> old =
                all.stream().filter(p -> !p.templateHash.equals(hash)).toList();
        boolean recreate = d.getSpec().getStrategy() != null
                && "Recreate".equals(d.getSpec().getStrategy().getType());
        if (recreate) {
            old.forEach(SimPod::terminate);
            boolean oldGone = pods.values().stream().noneMatch(p -> owns(d, p) && !p.templateHash.equals(hash));
            for (int i = current.size(); oldGone && i < replicas; i++) {
                createPod(
                        d,
                        d.getSpec().getTemplate(),
                        hash,
                        d.getMetadata().getName() + "-" + hash + "-" + suffix(),
                        null);
            }
        } else {
            var rolling = d.getSpec().getStrategy() == null
                    ? null
                    : d.getSpec().getStrategy().getRollingUpdate();
            int surge = scaled(rolling == null ? null : rolling.getMaxSurge(), replicas, true);
            int unavailable = scaled(rolling == null ? null : rolling.getMaxUnavailable(), replicas, false);
            if (surge == 0 && unavailable == 0) {
                surge = 1;
            }
            int total = all.size();
            for (int made = current.size(); total < replicas + surge && made < replicas; made++, total++) {
                createPod(
                        d,
                        d.getSpec().getTemplate(),
                        hash,
                        d.getMetadata().getName() + "-" + hash + "-" + suffix(),
                        null);
            }
            long ready = all.stream().filter(SimPod::ready).count();
            int minAvailable = replicas - unavailable;
            for (SimPod p :
                    old.stream().sorted(Comparator.comparing(SimPod::ready)).toList()) {
                if (!p.ready()) {
                    p.terminate();
                } else if (ready - 1 >= minAvailable) {
                    p.terminate();
                    ready--;
                }
            }
            if (current.size() > replicas) {
                current.stream()
                        .sorted(Comparator.comparing(SimPod::ready)
                                .thenComparing(p -> p.created, Comparator.reverseOrder()))
                        .limit(current.size() - replicas)
                        .forEach(SimPod::terminate);
            }
        }
        List<SimPod> now = owned(d);
        int ready = (int) now.stream().filter(SimPod::ready).count();
        int updated =
                (int) now.stream().filter(p -> p.templateHash.equals(hash)).count();
        DeploymentStatus status = new DeploymentStatusBuilder()
                .withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(now.size())
                .withReadyReplicas(ready)
                .withAvailableReplicas(ready)
                .withUpdatedReplicas(updated)
                .withUnavailableReplicas(Math.max(0, replicas - ready))
                .addNewCondition()
                .withType("Available")
                .withStatus(ready >= replicas ? "True" : "False")
                .withReason(ready >= replicas ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
                .endCondition()
                .build();
        writeStatus(
                d,
                status,
                () -> client.apps()
                        .deployments()
                        .inNamespace(d.getMetadata().getNamespace())
                        .withName(d.getMetadata().getName())
                        .editStatus(x -> {
                            x.setStatus(status);
                            return x;
                        }));
    }

    private static int scaled(IntOrString value, int replicas, boolean roundUp) {
        if (value == null) {
            value = new IntOrString("25%");
        }
        if (value.getIntVal() != null) {
            return value.getIntVal();
        }
        double fraction = Double.parseDouble(value.getStrVal().replace("%", "")) / 100.0 * replicas;
        return (int) (roundUp ? Math.ceil(fraction) : Math.floor(fraction));
    }

    private void reconcileStatefulSet(StatefulSet s) {
        String hash = hash(s.getSpec().getTemplate());
        int replicas = Optional.ofNullable(s.getSpec().getReplicas()).orElse(1);
        String name = s.getMetadata().getName();
        Map<Integer, SimPod> byOrdinal = new HashMap<>();
        for (SimPod p : owned(s)) {
            byOrdinal.put(Integer.parseInt(p.name.substring(name.length() + 1)), p);
        }
        for (int i = 0; i < replicas; i++) {
            if (byOrdinal.containsKey(i)) {
                if (!byOrdinal.get(i).ready()) {
                    break;
                }
                continue;
            }
            String podName = name + "-" + i;
            if (pods.containsKey(s.getMetadata().getNamespace() + "/" + podName)) {
                break; // the previous pod of that name is still terminating
            }
            createPod(s, s.getSpec().getTemplate(), hash, podName, claims(s, i));
            break;
        }
        byOrdinal.entrySet().stream()
                .filter(e -> e.getKey() >= replicas)
                .max(Map.Entry.comparingByKey())
                .ifPresent(e -> e.getValue().terminate());
        boolean allReady =
                byOrdinal.size() >= replicas && byOrdinal.values().stream().allMatch(SimPod::ready);
        if (allReady) {
            byOrdinal.entrySet().stream()
                    .filter(e ->
                            e.getKey() < replicas && !e.getValue().templateHash.equals(hash))
                    .max(Map.Entry.comparingByKey())
                    .ifPresent(e -> e.getValue().terminate());
        }
        List<SimPod> now = owned(s);
        int ready = (int) now.stream().filter(SimPod::ready).count();
        int updated =
                (int) now.stream().filter(p -> p.templateHash.equals(hash)).count();
        StatefulSetStatus status = new StatefulSetStatusBuilder()
                .withObservedGeneration(s.getMetadata().getGeneration())
                .withReplicas(now.size())
                .withReadyReplicas(ready)
                .withAvailableReplicas(ready)
                .withCurrentReplicas(updated)
                .withUpdatedReplicas(updated)
                .withCurrentRevision(name + "-" + hash)
                .withUpdateRevision(name + "-" + hash)
                .build();
        writeStatus(
                s,
                status,
                () -> client.apps()
                        .statefulSets()
                        .inNamespace(s.getMetadata().getNamespace())
                        .withName(name)
                        .editStatus(x -> {
                            x.setStatus(status);
                            return x;
                        }));
    }

    /** The claims of one StatefulSet pod, created on first use as the StatefulSet controller does. */
    private List<Volume> claims(StatefulSet s, int ordinal) {
        List<Volume> volumes = new ArrayList<>();
        for (PersistentVolumeClaim template :
                Optional.ofNullable(s.getSpec().getVolumeClaimTemplates()).orElse(List.of())) {
            String claim =
                    template.getMetadata().getName() + "-" + s.getMetadata().getName() + "-" + ordinal;
            String namespace = s.getMetadata().getNamespace();
            if (client.persistentVolumeClaims()
                            .inNamespace(namespace)
                            .withName(claim)
                            .get()
                    == null) {
                boolean deleteWithSet = s.getSpec().getPersistentVolumeClaimRetentionPolicy() != null
                        && "Delete"
                                .equals(s.getSpec()
                                        .getPersistentVolumeClaimRetentionPolicy()
                                        .getWhenDeleted());
                PersistentVolumeClaimBuilder pvc = new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName(claim)
                        .withNamespace(namespace)
                        .withLabels(template.getMetadata().getLabels())
                        .withOwnerReferences(deleteWithSet ? List.of(ownerRef(s, false)) : List.of())
                        .endMetadata()
                        .withSpec(template.getSpec());
                client.persistentVolumeClaims()
                        .inNamespace(namespace)
                        .resource(pvc.build())
                        .create();
            }
            volumes.add(new VolumeBuilder()
                    .withName(template.getMetadata().getName())
                    .withNewPersistentVolumeClaim()
                    .withClaimName(claim)
                    .endPersistentVolumeClaim()
                    .build());
        }
        return volumes;
    }

    private void reconcileJob(Job j) {
        List<SimPod> all = owned(j);
        int succeeded = (int) all.stream().filter(SimPod::succeeded).count();
        int failed =
                (int) all.stream().filter(p -> p.finished() && !p.succeeded()).count();
        int active = (int) all.stream().filter(p -> !p.finished()).count();
        int backoffLimit = Optional.ofNullable(j.getSpec().getBackoffLimit()).orElse(6);
        JobStatus previous = j.getStatus();
        boolean over = previous != null
                && previous.getConditions() != null
                && previous.getConditions().stream()
                        .anyMatch(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                                && "True".equals(c.getStatus()));
        String hash = hash(j.getSpec().getTemplate());
        if (!over && succeeded == 0 && failed <= backoffLimit && active == 0) {
            createPod(j, j.getSpec().getTemplate(), hash, j.getMetadata().getName() + "-" + suffix(), null);
            active = 1;
        }
        JobStatusBuilder status = new JobStatusBuilder()
                .withActive(active)
                .withSucceeded(succeeded)
                .withFailed(failed)
                .withStartTime(
                        previous != null && previous.getStartTime() != null
                                ? previous.getStartTime()
                                : Instant.now().toString());
        if (succeeded >= 1) {
            status.withCompletionTime(
                    previous != null && previous.getCompletionTime() != null
                            ? previous.getCompletionTime()
                            : Instant.now().toString());
            status.addNewCondition().withType("Complete").withStatus("True").endCondition();
        } else if (failed > backoffLimit) {
            status.addNewCondition()
                    .withType("Failed")
                    .withStatus("True")
                    .withReason("BackoffLimitExceeded")
                    .endCondition();
        }
        JobStatus built = status.build();
        writeStatus(
                j,
                built,
                () -> client.batch()
                        .v1()
                        .jobs()
                        .inNamespace(j.getMetadata().getNamespace())
                        .withName(j.getMetadata().getName())
                        .editStatus(x -> {
                            x.setStatus(built);
                            return x;
                        }));
    }

    private void reconcileServices() {
        Set<String> present = new HashSet<>();
        for (Service service : services.getStore().list()) {
            String namespace = service.getMetadata().getNamespace();
            String name = service.getMetadata().getName();
            present.add(namespace + "/" + name);
            List<ServicePort> ports =
                    Optional.ofNullable(service.getSpec().getPorts()).orElse(List.of());
            ServiceNetwork.ServiceEntry entry = network.expose(
                    namespace,
                    name,
                    ports.stream().map(ServicePort::getPort).toList(),
                    port -> () -> backend(namespace, name, port));
            if ("LoadBalancer".equals(service.getSpec().getType())
                    && (service.getStatus() == null
                            || service.getStatus().getLoadBalancer() == null
                            || service.getStatus().getLoadBalancer().getIngress() == null
                            || service.getStatus()
                                    .getLoadBalancer()
                                    .getIngress()
                                    .isEmpty())) {
                client.services().inNamespace(namespace).withName(name).editStatus(s -> {
                    s.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder()
                            .withNewLoadBalancer()
                            .addNewIngress()
                            .withIp(entry.address())
                            .endIngress()
                            .endLoadBalancer()
                            .build());
                    return s;
                });
            }
        }
        for (String key : network.serviceKeys()) {
            if (!present.contains(key)) {
                network.remove(key.substring(0, key.indexOf('/')), key.substring(key.indexOf('/') + 1));
            }
        }
    }

    /** kube-proxy's choice: round robin over the ready pods the Service selects. */
    private Optional<InetSocketAddress> backend(String namespace, String name, int port) {
        Service service = services.getStore().getByKey(namespace + "/" + name);
        if (service == null || service.getSpec().getSelector() == null) {
            return Optional.empty();
        }
        ServicePort servicePort = service.getSpec().getPorts().stream()
                .filter(p -> p.getPort() == port)
                .findFirst()
                .orElseThrow();
        IntOrString target = Optional.ofNullable(servicePort.getTargetPort()).orElse(new IntOrString(port));
        List<InetSocketAddress> ready = new ArrayList<>();
        for (SimPod pod : pods.values()) {
            if (pod.namespace.equals(namespace)
                    && labels(pod.pod)
                            .entrySet()
                            .containsAll(service.getSpec().getSelector().entrySet())) {
                pod.endpoint(target).ifPresent(ready::add);
            }
        }
        if (ready.isEmpty()) {
            return Optional.empty();
        }
        ready.sort(Comparator.comparing(InetSocketAddress::toString));
        int next = roundRobin
                .computeIfAbsent(namespace + "/" + name, k -> new AtomicInteger())
                .getAndIncrement();
        return Optional.of(ready.get(Math.floorMod(next, ready.size())));
    }

    /** The garbage collector: whatever names an owner that no longer exists goes (background deletion). */
    private void collectGarbage() {
        List<HasMetadata> objects = new ArrayList<>();
        objects.addAll(client.secrets().inAnyNamespace().list().getItems());
        objects.addAll(client.configMaps().inAnyNamespace().list().getItems());
        objects.addAll(client.services().inAnyNamespace().list().getItems());
        objects.addAll(client.apps().deployments().inAnyNamespace().list().getItems());
        objects.addAll(client.apps().statefulSets().inAnyNamespace().list().getItems());
        objects.addAll(client.batch().v1().jobs().inAnyNamespace().list().getItems());
        objects.addAll(client.pods().inAnyNamespace().list().getItems());
        objects.addAll(client.persistentVolumeClaims().inAnyNamespace().list().getItems());
        objects.addAll(client.policy()
                .v1()
                .podDisruptionBudget()
                .inAnyNamespace()
                .list()
                .getItems());
        objects.addAll(client.network().v1().ingresses().inAnyNamespace().list().getItems());
        Set<String> uids = new HashSet<>();
        objects.forEach(o -> uids.add(o.getMetadata().getUid()));
        for (String kind : List.of("WebhookPlatform", "WebhookEndpoint", "DeliveryPolicy")) {
            client.genericKubernetesResources("chis.io/v1alpha1", kind)
                    .inAnyNamespace()
                    .list()
                    .getItems()
                    .forEach(o -> uids.add(o.getMetadata().getUid()));
        }
        for (HasMetadata o : objects) {
            List<OwnerReference> owners =
                    Optional.ofNullable(o.getMetadata().getOwnerReferences()).orElse(List.of());
            if (!owners.isEmpty() && owners.stream().noneMatch(r -> uids.contains(r.getUid()))) {
                log("garbage collector: deleting " + o.getKind() + " " + key(o));
                client.resource(o).delete();
            }
        }
    }

    // ---- pods

    private List<SimPod> owned(HasMetadata owner) {
        return pods.values().stream()
                .filter(p -> owns(owner, p) && !p.terminating)
                .toList();
    }

    private static boolean owns(HasMetadata owner, SimPod pod) {
        return Optional.ofNullable(pod.pod.getMetadata().getOwnerReferences()).orElse(List.of()).stream()
                .anyMatch(r -> Objects.equals(r.getUid(), owner.getMetadata().getUid()));
    }

    private void createPod(
            HasMetadata owner, PodTemplateSpec template, String hash, String name, List<Volume> extraVolumes) {
        String namespace = owner.getMetadata().getNamespace();
        Map<String, String> labels = new LinkedHashMap<>(
                Optional.ofNullable(template.getMetadata().getLabels()).orElse(Map.of()));
        labels.put(TEMPLATE_HASH, hash);
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(labels)
                .withAnnotations(template.getMetadata().getAnnotations())
                .withOwnerReferences(ownerRef(owner, true))
                .endMetadata()
                .withSpec(Serialization.clone(template.getSpec()))
                .build();
        pod.getSpec().setNodeName("simulated-node");
        if (extraVolumes != null) {
            List<Volume> volumes = new ArrayList<>(
                    Optional.ofNullable(pod.getSpec().getVolumes()).orElse(List.of()));
            volumes.addAll(extraVolumes);
            pod.getSpec().setVolumes(volumes);
        }
        Pod created = client.pods().inNamespace(namespace).resource(pod).create();
        String address = network.allocatePodAddress();
        SimPod sim = new SimPod(
                this,
                created,
                hash,
                address,
                work.resolve("pods").resolve(namespace).resolve(name));
        pods.put(namespace + "/" + name, sim);
        log("pod " + name + " created at " + address + " for " + owner.getKind() + " "
                + owner.getMetadata().getName());
        sim.run();
    }

    void podGone(SimPod pod) {
        pods.remove(pod.namespace + "/" + pod.name);
        try {
            client.pods().inNamespace(pod.namespace).withName(pod.name).delete();
        } catch (RuntimeException ignored) {
            // already gone
        }
        log("pod " + pod.name + " gone");
        wake.release();
    }

    /** The container's env as the kubelet builds it: values with $(VAR) expansion, valueFrom and envFrom resolved. */
    Map<String, String> resolveEnv(SimPod pod, Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        String namespace = pod.namespace;
        for (EnvFromSource from : Optional.ofNullable(container.getEnvFrom()).orElse(List.of())) {
            String prefix = Optional.ofNullable(from.getPrefix()).orElse("");
            if (from.getSecretRef() != null) {
                secretData(namespace, from.getSecretRef().getName()).forEach((k, v) -> env.put(prefix + k, v));
            }
            if (from.getConfigMapRef() != null) {
                ConfigMap map = client.configMaps()
                        .inNamespace(namespace)
                        .withName(from.getConfigMapRef().getName())
                        .get();
                if (map != null && map.getData() != null) {
                    map.getData().forEach((k, v) -> env.put(prefix + k, v));
                }
            }
        }
        for (EnvVar var : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
            if (var.getValueFrom() == null) {
                env.put(
                        var.getName(),
                        Images.expand(Optional.ofNullable(var.getValue()).orElse(""), env));
                continue;
            }
            var from = var.getValueFrom();
            String value = null;
            if (from.getSecretKeyRef() != null) {
                value = secretData(namespace, from.getSecretKeyRef().getName())
                        .get(from.getSecretKeyRef().getKey());
                if (value == null && !Boolean.TRUE.equals(from.getSecretKeyRef().getOptional())) {
                    throw new IllegalStateException(
                            "secret " + from.getSecretKeyRef().getName() + " has no key "
                                    + from.getSecretKeyRef().getKey() + " (env " + var.getName() + ")");
                }
            } else if (from.getConfigMapKeyRef() != null) {
                ConfigMap map = client.configMaps()
                        .inNamespace(namespace)
                        .withName(from.getConfigMapKeyRef().getName())
                        .get();
                value = map == null || map.getData() == null
                        ? null
                        : map.getData().get(from.getConfigMapKeyRef().getKey());
                if (value == null
                        && !Boolean.TRUE.equals(from.getConfigMapKeyRef().getOptional())) {
                    throw new IllegalStateException(
                            "configmap " + from.getConfigMapKeyRef().getName() + " has no key "
                                    + from.getConfigMapKeyRef().getKey() + " (env " + var.getName() + ")");
                }
            } else if (from.getFieldRef() != null) {
                value = field(pod, from.getFieldRef().getFieldPath());
            } else if (from.getResourceFieldRef() != null) {
                String resource = from.getResourceFieldRef().getResource();
                var resources = container.getResources();
                var map = resource.startsWith("limits.")
                        ? (resources == null ? null : resources.getLimits())
                        : (resources == null ? null : resources.getRequests());
                var quantity = map == null ? null : map.get(resource.substring(resource.indexOf('.') + 1));
                value = quantity == null ? "0" : quantity.toString();
            }
            if (value != null) {
                env.put(var.getName(), value);
            }
        }
        return env;
    }

    private Map<String, String> secretData(String namespace, String name) {
        Map<String, String> data = new LinkedHashMap<>();
        secretBytes(namespace, name, false).forEach((k, v) -> data.put(k, new String(v, StandardCharsets.UTF_8)));
        return data;
    }

    /** A Secret's keys and decoded values; empty when it is missing and {@code optional}. */
    private Map<String, byte[]> secretBytes(String namespace, String name, Boolean optional) {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
            if (Boolean.TRUE.equals(optional)) {
                return Map.of();
            }
            throw new IllegalStateException("secret " + name + " not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        Optional.ofNullable(secret.getData())
                .orElse(Map.of())
                .forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
        // the real API server folds stringData into data on write; the mock stores it as sent
        Optional.ofNullable(secret.getStringData())
                .orElse(Map.of())
                .forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
        return data;
    }

    /** A ConfigMap's keys (data and binaryData) and values; empty when it is missing and {@code optional}. */
    private Map<String, byte[]> configMapBytes(String namespace, String name, Boolean optional) {
        ConfigMap map =
                client.configMaps().inNamespace(namespace).withName(name).get();
        if (map == null) {
            if (Boolean.TRUE.equals(optional)) {
                return Map.of();
            }
            throw new IllegalStateException("configmap " + name + " not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        Optional.ofNullable(map.getData())
                .orElse(Map.of())
                .forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
        Optional.ofNullable(map.getBinaryData())
                .orElse(Map.of())
                .forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
        return data;
    }

    /**
     * A secret or configMap volume as the kubelet writes it: every key as a file named after it, or, with {@code items},
     * only those keys at their paths (a missing key is an error); what an earlier start wrote is replaced.
     */
    static void project(Path dir, String source, Map<String, byte[]> data, List<KeyToPath> items) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        if (items == null || items.isEmpty()) {
            data.keySet().forEach(key -> files.put(key, key));
        } else {
            for (KeyToPath item : items) {
                if (!data.containsKey(item.getKey())) {
                    throw new IllegalStateException(source + " has no key " + item.getKey());
                }
                files.put(item.getKey(), item.getPath());
            }
        }
        try (var old = Files.walk(dir)) {
            for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
                if (!path.equals(dir)) {
                    Files.delete(path);
                }
            }
        }
        for (var file : files.entrySet()) {
            Path target = dir.resolve(file.getValue()).normalize();
            if (!target.startsWith(dir) || target.equals(dir)) {
                throw new IllegalStateException(source + ": item path " + file.getValue() + " leaves the volume");
            }
            Files.createDirectories(target.getParent());
            Files.write(target, data.get(file.getKey()));
        }
    }

    private static String field(SimPod pod, String path) {
        var meta = pod.pod.getMetadata();
        return switch (path) {
            case "metadata.name" -> meta.getName();
            case "metadata.namespace" -> meta.getNamespace();
            case "metadata.uid" -> meta.getUid();
            case "status.podIP" -> pod.address;
            case "status.hostIP" -> "127.0.0.1";
            case "spec.nodeName" -> "simulated-node";
            case "spec.serviceAccountName" ->
                Optional.ofNullable(pod.pod.getSpec().getServiceAccountName()).orElse("default");
            default -> {
                if (path.startsWith("metadata.labels['")) {
                    yield labels(pod.pod).get(path.substring(17, path.length() - 2));
                }
                if (path.startsWith("metadata.annotations['")) {
                    yield Optional.ofNullable(meta.getAnnotations())
                            .orElse(Map.of())
                            .get(path.substring(22, path.length() - 2));
                }
                throw new IllegalStateException("fieldRef not simulated: " + path);
            }
        };
    }

    /** Where each volume mount of a container lives on the node's disk. */
    Map<String, Path> mounts(SimPod pod, Container container) {
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (VolumeMount mount :
                Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
            Volume volume = Optional.ofNullable(pod.pod.getSpec().getVolumes()).orElse(List.of()).stream()
                    .filter(v -> v.getName().equals(mount.getName()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no volume " + mount.getName()));
            Path dir;
            if (volume.getPersistentVolumeClaim() != null) {
                dir = work.resolve("volumes")
                        .resolve(pod.namespace)
                        .resolve(volume.getPersistentVolumeClaim().getClaimName());
            } else {
                dir = pod.dir.resolve("volumes").resolve(volume.getName());
            }
            try {
                Files.createDirectories(dir);
                if (volume.getSecret() != null) {
                    var source = volume.getSecret();
                    project(
                            dir,
                            "secret " + source.getSecretName(),
                            secretBytes(pod.namespace, source.getSecretName(), source.getOptional()),
                            source.getItems());
                } else if (volume.getConfigMap() != null) {
                    var source = volume.getConfigMap();
                    project(
                            dir,
                            "configmap " + source.getName(),
                            configMapBytes(pod.namespace, source.getName(), source.getOptional()),
                            source.getItems());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            mounts.put(
                    mount.getMountPath(),
                    mount.getSubPath() == null || mount.getSubPath().isEmpty() ? dir : dir.resolve(mount.getSubPath()));
        }
        return mounts;
    }

    // ---- helpers

    private void writeStatus(HasMetadata object, Object status, Runnable write) {
        String text = Serialization.asJson(status);
        String key = object.getKind() + "/" + key(object);
        if (text.equals(writtenStatus.get(key)) && text.equals(Serialization.asJson(statusOf(object)))) {
            return;
        }
        try {
            write.run();
            writtenStatus.put(key, text);
        } catch (RuntimeException e) {
            log("status of " + key + ": " + e.getMessage());
        }
    }

    private static Object statusOf(HasMetadata object) {
        if (object instanceof Deployment d) {
            return d.getStatus();
        }
        if (object instanceof StatefulSet s) {
            return s.getStatus();
        }
        if (object instanceof Job j) {
            return j.getStatus();
        }
        return null;
    }

    static Map<String, String> labels(HasMetadata object) {
        return Optional.ofNullable(object.getMetadata().getLabels()).orElse(Map.of());
    }

    private static String key(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    private static OwnerReference ownerRef(HasMetadata owner, boolean controller) {
        return new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(controller)
                .withBlockOwnerDeletion(true)
                .build();
    }

    private String suffix() {
        return Long.toString(36 * 36 * 36 * 36 + podCounter.incrementAndGet(), 36)
                .substring(0, 5);
    }

    static String hash(PodTemplateSpec template) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Serialization.asJson(template).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        running = false;
        if (loop != null) {
            loop.interrupt();
        }
        informers.forEach(SharedIndexInformer::close);
        Collection<SimPod> all = List.copyOf(pods.values());
        all.forEach(SimPod::kill);
        pods.clear();
        network.close();
    }

    /** Stops every pod gracefully (SIGTERM, then SIGKILL after its grace) and waits for them. */
    public void drain() {
        List.copyOf(pods.values()).forEach(SimPod::terminate);
    }
}
