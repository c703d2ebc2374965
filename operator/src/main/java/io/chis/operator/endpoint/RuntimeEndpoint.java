package io.chis.operator.endpoint;

import com.google.protobuf.CodedOutputStream;
import io.chis.operator.api.WebhookEndpoint;
import io.chis.operator.api.WebhookEndpointSpec;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.support.Hashes;
import io.chis.proto.v1.EndpointSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A WebhookEndpoint as the runtime's admin API takes it: pure mapping, defaults applied here and never in spec. */
public final class RuntimeEndpoint {
    /** The runtime keeps endpoint names to this length. */
    static final int MAX_NAME = 100;

    static final List<String> ALL_EVENTS = List.of("*");

    private RuntimeEndpoint() {}

    /** The endpoint's identity in the runtime: {@code namespace/name}. */
    public static String ref(WebhookEndpoint endpoint) {
        return endpoint.getMetadata().getNamespace() + "/"
                + endpoint.getMetadata().getName();
    }

    /** @param secret the whsec_ signing secret, from spec.secretRef or the generated Secret */
    public static EndpointSpec of(WebhookEndpoint endpoint, String secret) {
        WebhookEndpointSpec spec = endpoint.getSpec();
        String name = endpoint.getMetadata().getName();
        return EndpointSpec.newBuilder()
                .setRef(ref(endpoint))
                .setOwnerEmail(
                        Optional.ofNullable(spec.getOwner()).map(String::trim).orElse(""))
                .setName(name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name)
                .setUrl(Optional.ofNullable(spec.getUrl()).map(String::trim).orElse(""))
                .addAllEventTypes(
                        spec.getEventTypes() == null || spec.getEventTypes().isEmpty()
                                ? ALL_EVENTS
                                : spec.getEventTypes())
                // empty: the runtime's CHIS_DEFAULT_POLICY (the platform's defaultPolicy), else the built-in schedule
                .setPolicy(Optional.ofNullable(spec.getPolicyRef())
                        .map(String::trim)
                        .orElse(""))
                .putAllHeaders(spec.getHeaders() == null ? Map.of() : spec.getHeaders())
                .setDisabled(Boolean.TRUE.equals(spec.getDisabled()))
                .setOrdering(Optional.ofNullable(spec.getOrdering()).orElse("unordered"))
                // checked by the runtime: an invalid filter comes back INVALID_ARGUMENT, i.e. Ready=False InvalidSpec
                .setFilterJson(
                        spec.getFilter() == null || spec.getFilter().isNull()
                                ? ""
                                : spec.getFilter().toString())
                .setSecret(secret)
                .build();
    }

    /** The DeliveryPolicy the endpoint's deliveries follow: its own policyRef, else the platform's defaultPolicy. */
    public static Optional<String> effectivePolicy(WebhookEndpoint endpoint, WebhookPlatform platform) {
        return Optional.ofNullable(endpoint.getSpec().getPolicyRef())
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .or(() -> Optional.ofNullable(platform.getSpec())
                        .map(s -> s.getDefaultPolicy())
                        .map(String::trim)
                        .filter(s -> !s.isEmpty()));
    }

    /**
     * Identifies what was applied to which platform; a different hash means apply again. Short, so status never
     * carries enough of it to test guesses of the secret against.
     */
    public static String appliedHash(EndpointSpec applied, WebhookPlatform platform) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.useDeterministicSerialization(); // map entries in key order: the same spec, the same bytes
            applied.writeTo(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Hashes.shortSha256(
                platform.getMetadata().getName(),
                String.valueOf(platform.getMetadata().getUid()),
                Base64.getEncoder().encodeToString(bytes.toByteArray()));
    }
}
