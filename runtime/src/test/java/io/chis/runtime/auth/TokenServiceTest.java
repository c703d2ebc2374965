package io.chis.runtime.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.runtime.support.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TokenServiceTest {

    static final String SECRET = "a-test-secret-that-is-at-least-32-bytes";
    static final Account ADA = new Account(UUID.randomUUID(), "ada@example.com", "hash", "Ada", "L", Instant.now());

    @Test
    void verifiesItsOwnTokens() {
        TokenService tokens = new TokenService(SECRET, Clock.systemUTC());
        assertThat(tokens.verify(tokens.issue(ADA)).accountId()).isEqualTo(ADA.id());
    }

    @Test
    void refusesExpiredTokens() {
        Instant issued = Instant.parse("2026-01-01T00:00:00Z");
        String token = new TokenService(SECRET, Clock.fixed(issued, ZoneOffset.UTC)).issue(ADA);
        TokenService later = new TokenService(
                SECRET, Clock.fixed(issued.plus(TokenService.LIFETIME).plusSeconds(61), ZoneOffset.UTC));
        assertThatThrownBy(() -> later.verify(token))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void refusesTokensSignedWithAnotherKeyOrTampered() {
        String token = new TokenService("another-secret-that-is-32-bytes-long!!", Clock.systemUTC()).issue(ADA);
        TokenService tokens = new TokenService(SECRET, Clock.systemUTC());
        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(ApiException.class);
        String own = tokens.issue(ADA);
        String tampered = own.substring(0, own.length() - 2) + (own.endsWith("A") ? "BB" : "AA");
        assertThatThrownBy(() -> tokens.verify(tampered)).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> tokens.verify("garbage")).isInstanceOf(ApiException.class);
    }
}
