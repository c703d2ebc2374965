package io.chis.e2e.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One Pod on the simulated node: its containers as local processes, its probes, its status. The kubelet's rules as
 * far as the operator's pods use them: a startup probe gates liveness and readiness; readiness flips after
 * successThreshold/failureThreshold results; failureThreshold liveness failures restart the container (SIGTERM,
 * SIGKILL after terminationGracePeriodSeconds); an exited container restarts under restartPolicy Always with a back-off
 * of 1 s doubling to 10 s (the kubelet's is 10 s doubling to 5 min); under Never the pod ends Succeeded or Failed.
 */
public final class SimPod {
    final NodeSimulator node;
    final String namespace;
    final String name;
    final String address;
    final Pod pod;
    final String templateHash;
    final Path dir;
    final List<Running> containers = new ArrayList<>();
    final Instant created = Instant.now();
    volatile boolean terminating;
    volatile boolean gone;
    private String writtenStatus = "";

    SimPod(NodeSimulator node, Pod pod, String templateHash, String address, Path dir) {
        this.node = node;
        this.namespace = pod.getMetadata().getNamespace();
        this.name = pod.getMetadata().getName();
        this.pod = pod;
        this.templateHash = templateHash;
        this.address = address;
        this.dir = dir;
        for (Container container : pod.getSpec().getContainers()) {
            containers.add(new Running(container));
        }
    }

    /** A container's life on the node. */
    final class Running {
        final Container spec;
        Map<String, String> env;
        Images.Prepared prepared;
        volatile Process process;
        int restarts;
        boolean started;
        boolean ready;
        int readySuccesses;
        int readyFailures;
        int liveFailures;
        int startupFailures;
        long nextStartup;
        long nextReadiness;
        long nextLiveness;
        long startAt;
        Instant startedAt;
        Integer exitCode;
        String waiting = "ContainerCreating";
        boolean killing;
        boolean done;

        Running(Container spec) {
            this.spec = spec;
        }

        String log() {
            return dir.resolve(spec.getName() + ".log").toString();
        }
    }

    boolean restartAlways() {
        return !"Never".equals(pod.getSpec().getRestartPolicy())
                && !"OnFailure".equals(pod.getSpec().getRestartPolicy());
    }

    void run() {
        Thread.ofVirtual().name("pod-" + name).start(() -> {
            while (!gone) {
                try {
                    tick();
                } catch (RuntimeException e) {
                    node.log("pod " + name + ": " + e);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void tick() {
        if (terminating) {
            return;
        }
        if (!node.runContainers) {
            for (Running c : containers) {
                c.startedAt = created;
                c.started = true;
                c.waiting = null;
                if (restartAlways()) {
                    c.ready = true;
                } else {
                    c.done = true;
                    c.exitCode = 0;
                }
            }
            writeStatus();
            return;
        }
        long now = System.nanoTime();
        for (Running c : containers) {
            if (c.done || c.killing) {
                continue;
            }
            if (c.process == null) {
                if (now >= c.startAt) {
                    start(c);
                }
                continue;
            }
            if (!c.process.isAlive()) {
                exited(c, c.process.exitValue());
                continue;
            }
            probe(c, now);
        }
        writeStatus();
    }

    private void start(Running c) {
        Map<String, Path> mounts;
        try {
            c.env = node.resolveEnv(this, c.spec);
            mounts = node.mounts(this, c.spec);
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            c.waiting = "CreateContainerConfigError";
            c.startAt = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            node.log("pod " + name + ": " + e.getMessage());
            return;
        }
        if (Images.kind(c.spec.getImage()) == Images.Kind.UNKNOWN) {
            c.waiting = "ErrImagePull";
            c.startAt = Long.MAX_VALUE;
            return;
        }
        try {
            c.prepared = node.images.prepare(c.spec, c.env, address, mounts);
            Files.createDirectories(dir);
            c.process = node.images.start(c.spec, c.prepared, address, dir, mounts, Path.of(c.log()));
        } catch (RuntimeException | IOException e) {
            node.log("pod " + name + " container " + c.spec.getName() + " failed to start: " + e.getMessage());
            c.waiting = "RunContainerError";
            c.restarts++;
            c.startAt = System.nanoTime() + backoff(c).toNanos();
            return;
        }
        c.waiting = null;
        c.startedAt = Instant.now();
        c.started = c.spec.getStartupProbe() == null;
        c.ready = false;
        c.readySuccesses = c.readyFailures = c.liveFailures = c.startupFailures = 0;
        long t = System.nanoTime();
        c.nextStartup = t + seconds(c.spec.getStartupProbe(), Probe::getInitialDelaySeconds, 0);
        c.nextReadiness = t + seconds(c.spec.getReadinessProbe(), Probe::getInitialDelaySeconds, 0);
        c.nextLiveness = t + seconds(c.spec.getLivenessProbe(), Probe::getInitialDelaySeconds, 0);
    }

    private void exited(Running c, int code) {
        c.exitCode = code;
        c.ready = false;
        c.started = false;
        c.process = null;
        if (restartAlways() || ("OnFailure".equals(pod.getSpec().getRestartPolicy()) && code != 0)) {
            c.restarts++;
            c.waiting = "CrashLoopBackOff";
            c.startAt = System.nanoTime() + backoff(c).toNanos();
            node.log("pod " + name + " container " + c.spec.getName() + " exited " + code + ", restart #" + c.restarts);
        } else {
            c.done = true;
        }
    }

    private static Duration backoff(Running c) {
        return Duration.ofSeconds(Math.min(10, 1L << Math.min(4, Math.max(0, c.restarts - 1))));
    }

    private void probe(Running c, long now) {
        if (!c.started) {
            Probe startup = c.spec.getStartupProbe();
            if (now >= c.nextStartup) {
                c.nextStartup = now + seconds(startup, Probe::getPeriodSeconds, 10);
                if (check(c, startup)) {
                    c.started = true;
                } else if (++c.startupFailures >= value(startup, Probe::getFailureThreshold, 3)) {
                    restart(c, "startup probe failed");
                }
            }
            return;
        }
        Probe liveness = c.spec.getLivenessProbe();
        if (liveness != null && now >= c.nextLiveness) {
            c.nextLiveness = now + seconds(liveness, Probe::getPeriodSeconds, 10);
            if (check(c, liveness)) {
                c.liveFailures = 0;
            } else if (++c.liveFailures >= value(liveness, Probe::getFailureThreshold, 3)) {
                restart(c, "liveness probe failed");
                return;
            }
        }
        Probe readiness = c.spec.getReadinessProbe();
        if (readiness == null) {
            c.ready = true;
        } else if (now >= c.nextReadiness) {
            c.nextReadiness = now + seconds(readiness, Probe::getPeriodSeconds, 10);
            if (check(c, readiness)) {
                c.readyFailures = 0;
                if (++c.readySuccesses >= value(readiness, Probe::getSuccessThreshold, 1)) {
                    c.ready = true;
                }
            } else {
                c.readySuccesses = 0;
                if (++c.readyFailures >= value(readiness, Probe::getFailureThreshold, 3)) {
                    c.ready = false;
                }
            }
        }
    }

    /** Kills the container as the kubelet does when a probe gives up on it; it then restarts like any exit. */
    private void restart(Running c, String why) {
        node.log("pod " + name + " container " + c.spec.getName() + ": " + why + ", restarting");
        node.probeRestarts.incrementAndGet();
        Process process = c.process;
        c.killing = true;
        c.ready = false;
        Thread.ofVirtual().start(() -> {
            Processes.stop(process, grace());
            c.killing = false;
        });
    }

    Duration grace() {
        return Duration.ofSeconds(Optional.ofNullable(pod.getSpec().getTerminationGracePeriodSeconds())
                .orElse(30L));
    }

    private boolean check(Running c, Probe probe) {
        int timeout = (int)
                Duration.ofSeconds(value(probe, Probe::getTimeoutSeconds, 1)).toMillis();
        try {
            if (probe.getHttpGet() != null) {
                int port = hostPort(c, probe.getHttpGet().getPort());
                String scheme = Optional.ofNullable(probe.getHttpGet().getScheme())
                        .orElse("HTTP")
                        .toLowerCase();
                HttpURLConnection http = (HttpURLConnection) URI.create(scheme + "://" + address + ":" + port
                                + Optional.ofNullable(probe.getHttpGet().getPath())
                                        .orElse("/"))
                        .toURL()
                        .openConnection();
                http.setConnectTimeout(timeout);
                http.setReadTimeout(timeout);
                http.setInstanceFollowRedirects(false);
                int code = http.getResponseCode();
                http.disconnect();
                return code >= 200 && code < 400;
            }
            if (probe.getTcpSocket() != null) {
                try (Socket socket = new Socket()) {
                    socket.connect(
                            new InetSocketAddress(
                                    address, hostPort(c, probe.getTcpSocket().getPort())),
                            timeout);
                    return true;
                }
            }
            if (probe.getExec() != null) {
                return node.images.exec(c.spec, probe.getExec().getCommand(), c.env, address, timeout);
            }
            throw new IllegalArgumentException("probe kind not simulated: " + probe);
        } catch (IOException e) {
            return false;
        }
    }

    /** A container port by number or name, where it really listens on the node. */
    int hostPort(Running c, IntOrString port) {
        int containerPort = port.getIntVal() != null
                ? port.getIntVal()
                : containerPort(port.getStrVal())
                        .orElseThrow(() -> new IllegalArgumentException(
                                "no container port named " + port.getStrVal() + " in pod " + name));
        for (Running r : containers) {
            if (r.prepared != null && r.prepared.ports().containsKey(containerPort)) {
                return r.prepared.ports().get(containerPort);
            }
        }
        return containerPort;
    }

    Optional<Integer> containerPort(String portName) {
        for (Container container : pod.getSpec().getContainers()) {
            for (ContainerPort p : Optional.ofNullable(container.getPorts()).orElse(List.of())) {
                if (portName.equals(p.getName())) {
                    return Optional.of(p.getContainerPort());
                }
            }
        }
        return Optional.empty();
    }

    /** Where a Service's targetPort reaches this pod, if it is ready. */
    Optional<InetSocketAddress> endpoint(IntOrString targetPort) {
        if (!ready() || terminating) {
            return Optional.empty();
        }
        return Optional.of(new InetSocketAddress(address, hostPort(containers.get(0), targetPort)));
    }

    boolean ready() {
        return !terminating
                && containers.stream()
                        .allMatch(c -> c.ready && (!node.runContainers || (c.process != null && c.process.isAlive())));
    }

    boolean finished() {
        return containers.stream().allMatch(c -> c.done);
    }

    boolean succeeded() {
        return finished() && containers.stream().allMatch(c -> Objects.equals(c.exitCode, 0));
    }

    int restarts() {
        return containers.stream().mapToInt(c -> c.restarts).sum();
    }

    /** {@code kill -9} of a container's main process (the container then restarts by its restart policy). */
    public void killContainer(String container) {
        containers.stream()
                .filter(c -> c.spec.getName().equals(container))
                .map(c -> c.process)
                .filter(Objects::nonNull)
                .forEach(Processes::kill);
    }

    public String name() {
        return name;
    }

    public int restartCount() {
        return restarts();
    }

    public boolean isReady() {
        return ready();
    }

    /** Where a named container port of this pod listens on the node, e.g. "metrics". */
    public InetSocketAddress port(String portName) {
        return new InetSocketAddress(address, hostPort(containers.get(0), new IntOrString(portName)));
    }

    public long pid(String container) {
        return containers.stream()
                .filter(c -> c.spec.getName().equals(container))
                .map(c -> c.process)
                .filter(Objects::nonNull)
                .mapToLong(Process::pid)
                .findFirst()
                .orElse(-1);
    }

    /** Deletion: SIGTERM to every container, SIGKILL after the grace period, then the Pod object goes. */
    void terminate() {
        if (terminating) {
            return;
        }
        terminating = true;
        Thread.ofVirtual().start(() -> {
            writeStatus();
            for (Running c : containers) {
                Process p = c.process;
                if (p != null) {
                    Processes.stop(p, grace());
                }
            }
            gone = true;
            node.podGone(this);
        });
    }

    /** Immediately, for the end of the suite. */
    void kill() {
        terminating = true;
        gone = true;
        containers.stream().map(c -> c.process).filter(Objects::nonNull).forEach(Processes::kill);
    }

    private synchronized void writeStatus() {
        if (gone) {
            return;
        }
        PodStatus status = status();
        String text = io.fabric8.kubernetes.client.utils.Serialization.asJson(status);
        if (text.equals(writtenStatus)) {
            return;
        }
        try {
            node.client.pods().inNamespace(namespace).withName(name).editStatus(p -> {
                p.setStatus(status);
                return p;
            });
            writtenStatus = text;
        } catch (RuntimeException e) {
            // the Pod object was deleted: the node notices through its informer
        }
    }

    private PodStatus status() {
        List<ContainerStatus> statuses = new ArrayList<>();
        for (Running c : containers) {
            ContainerStatusBuilder b = new ContainerStatusBuilder()
                    .withName(c.spec.getName())
                    .withImage(c.spec.getImage())
                    .withReady(c.ready && !terminating)
                    .withStarted(c.started)
                    .withRestartCount(c.restarts);
            if ((c.process != null || !node.runContainers) && c.startedAt != null && !c.done) {
                b.withNewState()
                        .withNewRunning()
                        .withStartedAt(c.startedAt.toString())
                        .endRunning()
                        .endState();
            } else if (c.done) {
                b.withNewState()
                        .withNewTerminated()
                        .withExitCode(c.exitCode)
                        .withReason(c.exitCode == 0 ? "Completed" : "Error")
                        .endTerminated()
                        .endState();
            } else {
                b.withNewState()
                        .withNewWaiting()
                        .withReason(Optional.ofNullable(c.waiting).orElse("ContainerCreating"))
                        .endWaiting()
                        .endState();
            }
            statuses.add(b.build());
        }
        String phase = finished()
                ? (succeeded() ? "Succeeded" : "Failed")
                : containers.stream().anyMatch(c -> c.process != null) || restarts() > 0 ? "Running" : "Pending";
        boolean ready = ready();
        return new PodStatusBuilder()
                .withPhase(phase)
                .withPodIP(address)
                .withHostIP("127.0.0.1")
                .withStartTime(created.toString())
                .withContainerStatuses(statuses)
                .addNewCondition()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .endCondition()
                .addNewCondition()
                .withType("ContainersReady")
                .withStatus(ready ? "True" : "False")
                .endCondition()
                .addNewCondition()
                .withType("PodScheduled")
                .withStatus("True")
                .endCondition()
                .build();
    }

    private static long seconds(Probe probe, java.util.function.Function<Probe, Integer> field, int fallback) {
        return Duration.ofSeconds(value(probe, field, fallback)).toNanos();
    }

    private static int value(Probe probe, java.util.function.Function<Probe, Integer> field, int fallback) {
        return probe == null
                ? fallback
                : Optional.ofNullable(field.apply(probe)).orElse(fallback);
    }
}
