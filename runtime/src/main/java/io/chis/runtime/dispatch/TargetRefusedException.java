package io.chis.runtime.dispatch;

/** A connection the SSRF guard stopped before it was made; the delivery is not retried. */
public class TargetRefusedException extends RuntimeException {

    public TargetRefusedException(String message) {
        super(message, null, false, false);
    }
}
