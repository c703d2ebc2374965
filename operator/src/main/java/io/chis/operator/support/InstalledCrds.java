package io.chis.operator.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an optional engine (KEDA, CloudNativePG, cert-manager) is installed: its CRD read by name, the one
 * cluster-scoped request a namespaced install makes (ClusterRole {@code chis-operator-crds}: get on these three
 * customresourcedefinitions). Remembered for {@code recheck}, so an engine installed later is picked up by a later
 * reconcile.
 */
public final class InstalledCrds {
    public static final String KEDA_SCALED_OBJECTS = "scaledobjects.keda.sh";
    public static final String CNPG_CLUSTERS = "clusters.postgresql.cnpg.io";
    public static final String CERT_MANAGER_CERTIFICATES = "certificates.cert-manager.io";
    private static final Logger log = LoggerFactory.getLogger(InstalledCrds.class);

    private record Seen(boolean installed, Instant at) {}

    private final Duration recheck;
    private final Clock clock;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    public InstalledCrds(Duration recheck, Clock clock) {
        this.recheck = recheck;
        this.clock = clock;
    }

    public boolean installed(KubernetesClient client, String crd) {
        Instant now = clock.instant();
        Seen last = seen.get(crd);
        if (last != null && last.at().plus(recheck).isAfter(now)) {
            return last.installed();
        }
        boolean installed = read(client, crd);
        if (last == null || last.installed() != installed) {
            log.info("CRD {} is {}", crd, installed ? "installed" : "not installed");
        }
        seen.put(crd, new Seen(installed, now));
        return installed;
    }

    private static boolean read(KubernetesClient client, String crd) {
        try {
            return client.apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .withName(crd)
                            .get()
                    != null;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                log.warn(
                        "may not read CRD {} (ClusterRole chis-operator-crds grants get on it, README: Install); "
                                + "treating it as not installed",
                        crd);
                return false;
            }
            throw e;
        }
    }
}
