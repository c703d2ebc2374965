package io.chis.runtime.support;

/**
 * Every REST error, as {@code application/problem+json} (RFC 9457): {@code type} is always {@code about:blank}, so
 * {@code title} is the status's reason phrase; {@code detail} says what was wrong; {@code instance} is the path.
 */
public record Problem(String type, String title, int status, String detail, String instance) {

    static Problem of(int status, String title, String detail, String path) {
        return new Problem("about:blank", title, status, detail, path);
    }
}
