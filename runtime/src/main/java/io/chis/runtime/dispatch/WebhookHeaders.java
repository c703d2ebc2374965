package io.chis.runtime.dispatch;

import io.chis.runtime.signing.WebhookSignature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The request headers of a webhook (README "What the receiver gets"): JSON, who sends it, and the Standard Webhooks trio. */
public final class WebhookHeaders {

    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";

    /**
     * Set by {@code POST /webhook/send} on its refusal of a request a Chis worker made, so the worker that made it
     * recognises the refusal without reading text and dead-letters the delivery at once.
     */
    public static final String REFUSED = "Chis-Refused";

    public static final String SELF_LOOP = "self-loop";

    private static final String PRODUCT = "Chis/";

    /** {@code Chis/<version>}: the jar manifest's Implementation-Version, else {@code -Dchis.version}, else {@code dev}. */
    public static final String USER_AGENT = PRODUCT + version();

    private WebhookHeaders() {}

    /**
     * @param messageId the message id, the same on every attempt so receivers can drop duplicates
     * @param secrets   the current secret first, then the previous one while a rotation overlaps
     */
    public static Map<String, String> of(String messageId, long timestampSeconds, byte[] body, List<String> secrets) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", USER_AGENT);
        headers.put(ID, messageId);
        headers.put(TIMESTAMP, String.valueOf(timestampSeconds));
        headers.put(SIGNATURE, WebhookSignature.header(secrets, messageId, timestampSeconds, body));
        return headers;
    }

    /** Whether a User-Agent is a Chis worker's (any version, so two installations cannot loop either). */
    public static boolean sentByChis(String userAgent) {
        return userAgent != null && userAgent.regionMatches(true, 0, PRODUCT, 0, PRODUCT.length());
    }

    private static String version() {
        String version = WebhookHeaders.class.getPackage().getImplementationVersion();
        if (version == null || version.isBlank()) version = System.getProperty("chis.version");
        return version == null || version.isBlank() ? "dev" : version;
    }
}
