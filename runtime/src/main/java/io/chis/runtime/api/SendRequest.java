package io.chis.runtime.api;

import io.chis.runtime.support.ApiException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * A parsed {@code POST /webhook/send} body: to one {@code url}, or, without one, to every endpoint subscribed to
 * {@code eventType}. The payload is kept as the exact bytes the client sent, so the
 * receiver gets (and the signature covers) the same bytes, not a re-serialisation.
 */
public record SendRequest(String url, String eventType, byte[] payload) {

    private static final JsonFactory JSON = new JsonFactory();
    static final int MAX_URL_LENGTH = 2048;
    static final int MAX_EVENT_TYPE_LENGTH = 256;

    /** Parses and validates the body; any problem is a 400 naming the field, an oversize payload a 413. */
    public static SendRequest parse(byte[] body, int maxPayloadBytes) {
        String url = null;
        String eventType = null;
        byte[] payload = null;
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("request body must be a JSON object");
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "url" -> url = text(parser, value, "url");
                    case "eventType" -> eventType = text(parser, value, "eventType");
                    case "payload" -> {
                        if (value == JsonToken.VALUE_NULL) break;
                        int start = (int) parser.currentTokenLocation().getByteOffset();
                        parser.skipChildren();
                        parser.finishToken(); // scalars are read lazily: consume the whole value first
                        int end = (int) parser.currentLocation().getByteOffset();
                        payload = Arrays.copyOfRange(body, start, end);
                    }
                    default -> parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) throw ApiException.badRequest("unexpected content after the JSON object");
        } catch (JacksonException e) {
            throw ApiException.badRequest("request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (payload == null) throw ApiException.badRequest("payload is required");
        if (payload.length > maxPayloadBytes) {
            throw new ApiException(
                    org.springframework.http.HttpStatus.CONTENT_TOO_LARGE,
                    "payload is " + payload.length + " bytes; the limit is " + maxPayloadBytes);
        }
        if (eventType != null) {
            if (eventType.isBlank()) eventType = null;
            else if (eventType.length() > MAX_EVENT_TYPE_LENGTH) {
                throw ApiException.badRequest("eventType must be at most " + MAX_EVENT_TYPE_LENGTH + " characters");
            }
        }
        if (url == null || url.isBlank()) {
            // without a url the message fans out to the account's endpoints subscribed to its event type
            if (eventType == null)
                throw ApiException.badRequest("url is required (or eventType, to send to your endpoints)");
            return new SendRequest(null, eventType, payload);
        }
        return new SendRequest(checkUrl(url.trim()), eventType, payload);
    }

    /** An absolute http(s) URL with a host; where it resolves to is checked at delivery time. */
    public static String checkUrl(String url) {
        if (url.length() > MAX_URL_LENGTH) {
            throw ApiException.badRequest("url must be at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("url is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ApiException.badRequest("url must use http or https");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) throw ApiException.badRequest("url has no host");
        if (uri.getRawUserInfo() != null) throw ApiException.badRequest("url must not contain credentials");
        return url;
    }

    private static String text(JsonParser parser, JsonToken value, String field) {
        if (value == JsonToken.VALUE_NULL) return null;
        if (value != JsonToken.VALUE_STRING) throw ApiException.badRequest(field + " must be a string");
        return parser.getString();
    }
}
