package io.chis.runtime.auth;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.support.ApiException;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import javax.crypto.SecretKey;

/** Issues and verifies the HS256 JWTs that authenticate account routes. */
public class TokenService {

    public static final Duration LIFETIME = Duration.ofHours(24);
    private static final String ISSUER = "chis";
    private static final String VERSION_CLAIM = "ver";

    /** Whose token it is, and the account's token version when it was issued. */
    public record Subject(UUID accountId, int tokenVersion) {}

    private final SecretKey key;
    private final Clock clock;

    @org.springframework.beans.factory.annotation.Autowired
    public TokenService(ChisSettings settings) {
        this(settings.jwtSecret(), Clock.systemUTC());
    }

    TokenService(String secret, Clock clock) {
        this.key = Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8));
        this.clock = clock;
    }

    public String issue(Account account) {
        Instant now = clock.instant();
        return Jwts.builder()
                .issuer(ISSUER)
                .subject(account.id().toString())
                .claim("email", account.email())
                .claim(VERSION_CLAIM, account.tokenVersion())
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(LIFETIME)))
                .signWith(key, Jwts.SIG.HS256)
                .compact();
    }

    /** The subject of a valid token; 401 for anything expired, forged or malformed. */
    public Subject verify(String token) {
        try {
            var claims = Jwts.parser()
                    .verifyWith(key)
                    .requireIssuer(ISSUER)
                    .clock(() -> Date.from(clock.instant()))
                    .build()
                    .parseSignedClaims(token)
                    .getPayload();
            Integer version = claims.get(VERSION_CLAIM, Integer.class);
            return new Subject(UUID.fromString(claims.getSubject()), version == null ? 0 : version);
        } catch (JwtException | IllegalArgumentException e) {
            throw ApiException.unauthorized("invalid or expired token");
        }
    }
}
