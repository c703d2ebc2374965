package io.chis.runtime.dispatch;

import io.chis.runtime.dispatch.DeliveryRepository.Claimed;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A claimed delivery made ready for its attempt: a signed request, or the reason no request can be made. */
sealed interface Prepared {

    Claimed delivery();

    Target target();

    /** When the attempt is made; the signature's timestamp. */
    Instant at();

    /** The POST to make: the target's headers, then the content type, user agent and signature headers. */
    record Request(Claimed delivery, Target target, Instant at, URI url, Map<String, String> headers)
            implements Prepared {}

    /** No request can be made; the delivery is not retried. */
    record Refused(Claimed delivery, Target target, Instant at, AttemptOutcome.Rejected rejection)
            implements Prepared {}

    /** Pure: checks the URL and the secrets, and signs the payload as of {@code at}. */
    static Prepared of(Claimed delivery, Target target, Instant at) {
        URI url;
        try {
            url = new URI(delivery.url());
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
                throw new URISyntaxException(delivery.url(), "not an absolute http(s) URL");
            }
        } catch (URISyntaxException e) {
            return refused(delivery, target, at, "cannot request this URL: " + e.getMessage());
        }
        if (target.secrets().isEmpty()) return refused(delivery, target, at, "the account has no signing secret");
        Map<String, String> headers = new LinkedHashMap<>(target.headers());
        headers.putAll(WebhookHeaders.of(
                delivery.messageId().toString(), at.getEpochSecond(), delivery.payload(), target.secrets()));
        return new Request(delivery, target, at, url, headers);
    }

    private static Refused refused(Claimed delivery, Target target, Instant at, String reason) {
        return new Refused(delivery, target, at, new AttemptOutcome.Rejected(null, reason));
    }
}
