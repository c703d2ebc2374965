package io.chis.runtime.auth;

/** The 200 answer to {@code POST /auth/login}: a Bearer JWT and its lifetime in seconds. */
public record TokenResponse(String token, String tokenType, long expiresIn) {

    static TokenResponse bearer(String token) {
        return new TokenResponse(token, "Bearer", TokenService.LIFETIME.toSeconds());
    }
}
