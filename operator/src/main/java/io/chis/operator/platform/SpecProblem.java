package io.chis.operator.platform;

/**
 * Something in the spec the operator cannot act on. {@code conditionType} is the component condition it blocks
 * (DatabaseReady, QueueReady) or null when it blocks the platform as a whole; {@code reason} is CamelCase and
 * {@code message} says what to fix.
 */
public record SpecProblem(String conditionType, String reason, String message) {
    /** Problems a later apply of an unwatched object (a user's Secret) may fix, so the operator checks again. */
    public boolean waitsForSecret() {
        return reason.endsWith("SecretNotFound")
                || reason.endsWith("SecretKeyMissing")
                || reason.equals(CERT_MANAGER_NOT_INSTALLED);
    }

    public static final String CERT_MANAGER_NOT_INSTALLED = "CertManagerNotInstalled";

    /** A problem found while applying the children (one the operator made holds something it cannot use). */
    public static final class Raised extends RuntimeException {
        private final transient SpecProblem problem;

        public Raised(SpecProblem problem) {
            super(problem.message());
            this.problem = problem;
        }

        public SpecProblem problem() {
            return problem;
        }
    }
}
