package io.chis.operator.platform;

import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.support.Labels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;

/** The one shape of every child Service: one TCP port, aimed at the component's pods by its named container port. */
final class ChildService {
    private ChildService() {}

    static Service of(WebhookPlatform platform, String name, String component, String type, ServicePort port) {
        return new ServiceBuilder()
                .withMetadata(ChildMetadata.of(platform, name, component))
                .withNewSpec()
                .withType(type)
                .withSelector(Labels.selector(platform, component))
                .withPorts(port)
                .endSpec()
                .build();
    }

    /** A TCP port that forwards to the container port of the same name. */
    static ServicePortBuilder port(String name, int number) {
        return new ServicePortBuilder()
                .withName(name)
                .withPort(number)
                .withTargetPort(new IntOrString(name))
                .withProtocol("TCP");
    }
}
