package io.chis.runtime.auth;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.config.SecuritySettings.AuthRate;
import io.chis.runtime.support.ApiException;
import io.chis.runtime.throttle.RateLimiter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * {@code CHIS_AUTH_RATE} on {@code /auth/*}: every request counts against its client address (each costs a bcrypt
 * hash), failed logins and registrations against their e-mail (password guessing); over either, 429 with Retry-After.
 */
public class AuthThrottle {

    private final RateLimiter limiter;
    private final AuthRate rate;

    public AuthThrottle(RateLimiter limiter, ChisSettings settings) {
        this.limiter = limiter;
        this.rate = settings.security().authRate();
    }

    /** Counts the request against its client address. */
    public Mono<Void> admitAddress(ServerRequest request) {
        return limiter.consume("auth:address:" + clientAddress(request), rate.perAddress())
                .flatMap(d -> d.allowed()
                        ? Mono.<Void>empty()
                        : Mono.error(ApiException.tooManyRequests(
                                "too many sign-in or registration requests from this address; try again later",
                                d.retryAfter())));
    }

    /** Refuses, without counting, an e-mail whose failures are at the limit. */
    public Mono<Void> admitEmail(String email) {
        return limiter.check(emailKey(email), rate.perEmail())
                .flatMap(d -> d.allowed() ? Mono.<Void>empty() : Mono.error(tooManyFailures(d.retryAfter())));
    }

    /** Counts a failure (a wrong password, a registration attempt) against the e-mail. */
    public Mono<Void> failed(String email) {
        return limiter.consume(emailKey(email), rate.perEmail()).then();
    }

    private static ApiException tooManyFailures(java.time.Duration retryAfter) {
        return ApiException.tooManyRequests("too many failed attempts for this email; try again later", retryAfter);
    }

    /**
     * The peer's address; behind a proxy on a private or loopback address (an ingress controller, a load balancer in
     * the cluster), the address that proxy appended last to {@code X-Forwarded-For}.
     */
    static String clientAddress(ServerRequest request) {
        InetAddress peer =
                request.remoteAddress().map(InetSocketAddress::getAddress).orElse(null);
        if (peer == null) return "unknown";
        String forwarded = request.headers().firstHeader("X-Forwarded-For");
        if (forwarded != null && (peer.isLoopbackAddress() || peer.isSiteLocalAddress() || peer.isLinkLocalAddress())) {
            String[] hops = forwarded.split(",");
            String last = hops[hops.length - 1].trim();
            if (!last.isEmpty() && last.length() <= 45) return last.toLowerCase(Locale.ROOT);
        }
        return peer.getHostAddress();
    }

    // hashed: the key names no address book of e-mails in Redis
    private static String emailKey(String email) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(email.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return "auth:email:" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
