package io.chis.operator.platform;

import io.chis.common.Role;
import io.chis.operator.api.WebhookPlatformStatus;
import io.chis.operator.support.InstalledCrds;
import java.util.function.Predicate;

/** Which optional engines are installed, as far as this platform needs to know. */
record Engines(boolean keda, boolean cnpg) {
    static final Engines NONE = new Engines(false, false);

    /** Reads a CRD only when the spec would use its engine, or the status says it did (its objects must go). */
    static Engines detect(PlatformSettings settings, WebhookPlatformStatus previous, Predicate<String> installed) {
        boolean usedKeda = previous != null && Autoscalers.KEDA.equals(previous.getWorkerAutoscaler());
        boolean keda = (settings.scaling().autoscaling(Role.WORKER).isPresent() || usedKeda)
                && installed.test(InstalledCrds.KEDA_SCALED_OBJECTS);
        boolean cnpg = settings.scaling().cnpg().isPresent() && installed.test(InstalledCrds.CNPG_CLUSTERS);
        return new Engines(keda, cnpg);
    }

    void report(PlatformSettings settings, WebhookPlatformStatus status) {
        status.setWorkerAutoscaler(Autoscalers.kind(settings, Role.WORKER, keda));
        status.setApiAutoscaler(Autoscalers.kind(settings, Role.API, keda));
    }
}
