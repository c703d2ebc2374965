package io.chis.operator.platform;

/**
 * Something in the spec the operator cannot act on. {@code conditionType} is the component condition it blocks
 * (DatabaseReady, QueueReady) or null when it blocks the platform as a whole; {@code reason} is CamelCase and
 * {@code message} says what to fix.
 */
public record SpecProblem(String conditionType, String reason, String message) {
    /** Problems a later apply of an unwatched object (a user's Secret) may fix, so the operator checks again. */
    public boolean waitsForSecret() {
        return reason.endsWith("SecretNotFound") || reason.endsWith("SecretKeyMissing");
    }
}
