package io.chis.runtime.endpoint;

import io.chis.runtime.api.SendRequest;
import io.chis.runtime.support.ApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a caller asks an endpoint to be, from REST or from a WebhookEndpoint resource; {@link #validated()} checks
 * it once for both, and says what is wrong. {@code filter} is the payload filter's JSON text (null for none).
 */
public record EndpointDraft(
        String name,
        String url,
        List<String> eventTypes,
        String policy,
        Map<String, String> headers,
        boolean disabled,
        String ordering,
        String filter) {

    private static final Pattern HEADER_NAME = Pattern.compile("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$");
    // Set by Chis itself, or by the HTTP client: a subscriber may not override them.
    private static final Set<String> RESERVED_HEADERS = Set.of(
            "content-type",
            "content-length",
            "host",
            "user-agent",
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "connection",
            "transfer-encoding");
    static final int MAX_HEADERS = 20;

    public EndpointDraft validated() {
        if (name == null || name.isBlank()) throw ApiException.badRequest("name is required");
        if (name.length() > 100) throw ApiException.badRequest("name must be at most 100 characters");
        if (url == null || url.isBlank()) throw ApiException.badRequest("url is required");
        String checkedUrl = SendRequest.checkUrl(url.trim());
        if (eventTypes == null || eventTypes.isEmpty()) {
            throw ApiException.badRequest("eventTypes must list at least one event type (\"*\" for all)");
        }
        if (eventTypes.size() > EventTypes.MAX_FILTERS) {
            throw ApiException.badRequest("eventTypes may list at most " + EventTypes.MAX_FILTERS + " entries");
        }
        for (String filter : eventTypes) {
            if (!EventTypes.isValidFilter(filter)) {
                throw ApiException.badRequest(
                        "eventTypes: '" + filter + "' is not an event type such as user.created, user.* or *");
            }
        }
        Map<String, String> checkedHeaders = new LinkedHashMap<>();
        if (headers != null) {
            if (headers.size() > MAX_HEADERS)
                throw ApiException.badRequest("headers may hold at most " + MAX_HEADERS + " entries");
            headers.forEach((key, value) -> {
                if (!HEADER_NAME.matcher(key).matches())
                    throw ApiException.badRequest("headers: '" + key + "' is not a valid header name");
                if (RESERVED_HEADERS.contains(key.toLowerCase(Locale.ROOT))) {
                    throw ApiException.badRequest("headers: '" + key + "' is set by Chis and cannot be overridden");
                }
                if (value == null || value.length() > 1000 || value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
                    throw ApiException.badRequest(
                            "headers: the value of '" + key + "' must be one line of at most 1000 characters");
                }
                checkedHeaders.put(key, value);
            });
        }
        String checkedPolicy = policy == null || policy.isBlank() ? null : policy.trim();
        String checkedOrdering = ordering == null || ordering.isBlank() ? Endpoint.UNORDERED : ordering.trim();
        if (!checkedOrdering.equals(Endpoint.UNORDERED) && !checkedOrdering.equals(Endpoint.FIFO)) {
            throw ApiException.badRequest("ordering must be \"unordered\" or \"fifo\"");
        }
        String checkedFilter = null;
        if (filter != null && !filter.isBlank() && !filter.equals("null")) {
            try {
                checkedFilter = PayloadFilter.parse(filter).json();
            } catch (PayloadFilter.InvalidFilterException e) {
                throw ApiException.badRequest("filter: " + e.getMessage());
            }
        }
        return new EndpointDraft(
                name.trim(),
                checkedUrl,
                List.copyOf(eventTypes),
                checkedPolicy,
                checkedHeaders,
                disabled,
                checkedOrdering,
                checkedFilter);
    }
}
