package io.chis.operator.admin;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Why a DeliveryPolicy or WebhookEndpoint could not be synced into a runtime; it becomes {@code Ready=False} with
 * this CamelCase reason and message.
 */
public final class SyncProblem extends RuntimeException {
    public static final String PLATFORM_NOT_FOUND = "PlatformNotFound";
    public static final String PLATFORM_AMBIGUOUS = "PlatformAmbiguous";
    public static final String PLATFORM_UNAVAILABLE = "PlatformUnavailable";
    public static final String OWNER_NOT_FOUND = "OwnerNotFound";
    public static final String SECRET_NOT_FOUND = "SecretNotFound";
    public static final String INVALID_SECRET = "InvalidSecret";
    public static final String INVALID_SPEC = "InvalidSpec";
    public static final String NAME_CONFLICT = "NameConflict";

    private final String reason;
    private final boolean retrySoon;

    /** @param retrySoon what it waits for is not watched (a runtime, an account, a user's Secret): look again soon */
    public SyncProblem(String reason, String message, boolean retrySoon) {
        super(message, null, false, false);
        this.reason = reason;
        this.retrySoon = retrySoon;
    }

    /** What a failed admin call means: the owner account is missing, the runtime refused the spec, or it is unreachable. */
    public static SyncProblem of(StatusRuntimeException e, String platform, String address) {
        Status status = e.getStatus();
        String detail = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        return switch (status.getCode()) {
            case FAILED_PRECONDITION -> new SyncProblem(OWNER_NOT_FOUND, detail, true);
            case INVALID_ARGUMENT -> new SyncProblem(INVALID_SPEC, "the runtime refused it: " + detail, false);
            default ->
                new SyncProblem(
                        PLATFORM_UNAVAILABLE,
                        "the admin API of WebhookPlatform " + platform + " at " + address + " did not answer: "
                                + status.getCode() + (status.getDescription() == null ? "" : " " + detail),
                        true);
        };
    }

    public String reason() {
        return reason;
    }

    public boolean retrySoon() {
        return retrySoon;
    }
}
