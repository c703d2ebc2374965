package io.chis.runtime.support;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Every REST error, as {@code application/problem+json} (RFC 9457): {@code type} is always {@code about:blank}, so
 * {@code title} is the status's reason phrase; {@code detail} says what was wrong; {@code instance} is the path;
 * {@code violations}, only when a document was refused for its content, lists each thing wrong with it.
 */
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String instance,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Violation> violations) {

    public Problem(String type, String title, int status, String detail, String instance) {
        this(type, title, status, detail, instance, null);
    }

    static Problem of(int status, String title, String detail, String path, List<Violation> violations) {
        return new Problem("about:blank", title, status, detail, path, violations);
    }
}
