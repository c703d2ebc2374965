package io.chis.e2e.manifests;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Pod Security Standards "restricted" profile (latest, which Kubernetes 1.25 to today apply alike to Linux pods),
 * rule by rule as https://kubernetes.io/docs/concepts/security/pod-security-standards/ lists them: the baseline rules,
 * then the restricted ones. {@link #RULES} names what is checked; {@link #violations} says which rule each problem breaks.
 */
final class RestrictedPodSecurity {
    static final List<String> RULES = List.of(
            "baseline: HostProcess (windowsOptions.hostProcess not true)",
            "baseline: Host Namespaces (hostNetwork, hostPID, hostIPC not true)",
            "baseline: Privileged Containers (privileged not true)",
            "baseline: Capabilities (add only from the baseline list)",
            "baseline: HostPath Volumes (none)",
            "baseline: Host Ports (hostPort unset or 0)",
            "baseline: AppArmor (annotation/appArmorProfile unset, runtime/default, RuntimeDefault or Localhost)",
            "baseline: SELinux (type unset or container_t/container_init_t/container_kvm_t; user and role unset)",
            "baseline: /proc Mount Type (procMount unset or Default)",
            "baseline: Seccomp (not Unconfined)",
            "baseline: Sysctls (only the safe set)",
            "restricted: Volume Types (configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret)",
            "restricted: Privilege Escalation (allowPrivilegeEscalation false in every container)",
            "restricted: Running as Non-root (runAsNonRoot true on the pod or every container, never false)",
            "restricted: Running as Non-root user (runAsUser not 0)",
            "restricted: Seccomp (RuntimeDefault or Localhost on the pod or every container)",
            "restricted: Capabilities (drop ALL; add only NET_BIND_SERVICE)");

    private static final Set<String> BASELINE_CAPABILITIES = Set.of(
            "AUDIT_WRITE",
            "CHOWN",
            "DAC_OVERRIDE",
            "FOWNER",
            "FSETID",
            "KILL",
            "MKNOD",
            "NET_BIND_SERVICE",
            "SETFCAP",
            "SETGID",
            "SETPCAP",
            "SETUID",
            "SYS_CHROOT");
    private static final Set<String> SAFE_SYSCTLS = Set.of(
            "kernel.shm_rmid_forced",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start",
            "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports",
            "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes");
    private static final Set<String> SELINUX_TYPES = Set.of("container_t", "container_init_t", "container_kvm_t");

    private RestrictedPodSecurity() {}

    static List<String> violations(Map<String, String> podAnnotations, PodSpec spec) {
        List<String> problems = new ArrayList<>();
        PodSecurityContext pod = Optional.ofNullable(spec.getSecurityContext()).orElse(new PodSecurityContext());
        List<Container> containers = Stream.of(spec.getInitContainers(), spec.getContainers())
                .filter(l -> l != null)
                .flatMap(List::stream)
                .toList();
        if (pod.getWindowsOptions() != null
                && Boolean.TRUE.equals(pod.getWindowsOptions().getHostProcess())) {
            problems.add(RULES.get(0) + ": pod");
        }
        if (Boolean.TRUE.equals(spec.getHostNetwork())
                || Boolean.TRUE.equals(spec.getHostPID())
                || Boolean.TRUE.equals(spec.getHostIPC())) {
            problems.add(RULES.get(1));
        }
        Optional.ofNullable(podAnnotations).orElse(Map.of()).forEach((k, v) -> {
            if (k.startsWith("container.apparmor.security.beta.kubernetes.io/")
                    && !v.equals("runtime/default")
                    && !v.startsWith("localhost/")) {
                problems.add(RULES.get(6) + ": " + k + "=" + v);
            }
        });
        if (pod.getSeLinuxOptions() != null) {
            selinux(pod.getSeLinuxOptions(), "pod", problems);
        }
        if (pod.getSeccompProfile() != null
                && "Unconfined".equals(pod.getSeccompProfile().getType())) {
            problems.add(RULES.get(9) + ": pod");
        }
        Optional.ofNullable(pod.getSysctls()).orElse(List.of()).stream()
                .filter(s -> !SAFE_SYSCTLS.contains(s.getName()))
                .forEach(s -> problems.add(RULES.get(10) + ": " + s.getName()));
        for (Volume volume : Optional.ofNullable(spec.getVolumes()).orElse(List.of())) {
            if (volume.getHostPath() != null) {
                problems.add(RULES.get(4) + ": " + volume.getName());
            }
            if (volume.getConfigMap() == null
                    && volume.getCsi() == null
                    && volume.getDownwardAPI() == null
                    && volume.getEmptyDir() == null
                    && volume.getEphemeral() == null
                    && volume.getPersistentVolumeClaim() == null
                    && volume.getProjected() == null
                    && volume.getSecret() == null) {
                problems.add(RULES.get(11) + ": " + volume.getName());
            }
        }
        boolean podNonRoot = Boolean.TRUE.equals(pod.getRunAsNonRoot());
        if (pod.getRunAsUser() != null && pod.getRunAsUser() == 0) {
            problems.add(RULES.get(14) + ": pod");
        }
        boolean podSeccomp = pod.getSeccompProfile() != null && isRestrictedSeccomp(pod.getSeccompProfile());
        for (Container container : containers) {
            String name = "container " + container.getName();
            SecurityContext c =
                    Optional.ofNullable(container.getSecurityContext()).orElse(new SecurityContext());
            if (c.getWindowsOptions() != null
                    && Boolean.TRUE.equals(c.getWindowsOptions().getHostProcess())) {
                problems.add(RULES.get(0) + ": " + name);
            }
            if (Boolean.TRUE.equals(c.getPrivileged())) {
                problems.add(RULES.get(2) + ": " + name);
            }
            Capabilities caps = Optional.ofNullable(c.getCapabilities()).orElse(new Capabilities());
            for (String add : Optional.ofNullable(caps.getAdd()).orElse(List.of())) {
                if (!BASELINE_CAPABILITIES.contains(add)) {
                    problems.add(RULES.get(3) + ": " + name + " adds " + add);
                }
                if (!add.equals("NET_BIND_SERVICE")) {
                    problems.add(RULES.get(16) + ": " + name + " adds " + add);
                }
            }
            if (!Optional.ofNullable(caps.getDrop()).orElse(List.of()).contains("ALL")) {
                problems.add(RULES.get(16) + ": " + name + " does not drop ALL");
            }
            for (ContainerPort port : Optional.ofNullable(container.getPorts()).orElse(List.of())) {
                if (port.getHostPort() != null && port.getHostPort() != 0) {
                    problems.add(RULES.get(5) + ": " + name + " hostPort " + port.getHostPort());
                }
            }
            if (c.getAppArmorProfile() != null
                    && !Set.of("RuntimeDefault", "Localhost")
                            .contains(c.getAppArmorProfile().getType())) {
                problems.add(RULES.get(6) + ": " + name);
            }
            if (c.getSeLinuxOptions() != null) {
                selinux(c.getSeLinuxOptions(), name, problems);
            }
            if (c.getProcMount() != null && !"Default".equals(c.getProcMount())) {
                problems.add(RULES.get(8) + ": " + name);
            }
            if (c.getSeccompProfile() != null
                    && "Unconfined".equals(c.getSeccompProfile().getType())) {
                problems.add(RULES.get(9) + ": " + name);
            }
            if (!Boolean.FALSE.equals(c.getAllowPrivilegeEscalation())) {
                problems.add(RULES.get(12) + ": " + name);
            }
            if (Boolean.FALSE.equals(c.getRunAsNonRoot())
                    || (!podNonRoot && !Boolean.TRUE.equals(c.getRunAsNonRoot()))) {
                problems.add(RULES.get(13) + ": " + name);
            }
            if (c.getRunAsUser() != null && c.getRunAsUser() == 0) {
                problems.add(RULES.get(14) + ": " + name);
            }
            if (c.getSeccompProfile() != null ? !isRestrictedSeccomp(c.getSeccompProfile()) : !podSeccomp) {
                problems.add(RULES.get(15) + ": " + name);
            }
        }
        return problems;
    }

    private static boolean isRestrictedSeccomp(SeccompProfile profile) {
        return "RuntimeDefault".equals(profile.getType()) || "Localhost".equals(profile.getType());
    }

    private static void selinux(
            io.fabric8.kubernetes.api.model.SELinuxOptions options, String where, List<String> problems) {
        if ((options.getType() != null && !options.getType().isEmpty() && !SELINUX_TYPES.contains(options.getType()))
                || (options.getUser() != null && !options.getUser().isEmpty())
                || (options.getRole() != null && !options.getRole().isEmpty())) {
            problems.add(RULES.get(7) + ": " + where);
        }
    }
}
