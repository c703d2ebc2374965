package io.chis.operator.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

/** What each failure of the runtime's admin API means for a resource's Ready condition. */
class SyncProblemTest {
    private static SyncProblem of(Status status) {
        return SyncProblem.of(status.asRuntimeException(), "chis", "chis-delivery.shop.svc:50051");
    }

    @Test
    void anUnknownOwnerIsOwnerNotFound() {
        SyncProblem problem = of(
                Status.FAILED_PRECONDITION.withDescription("no account with email ada@example.com; register it first"));
        assertThat(problem.reason()).isEqualTo("OwnerNotFound");
        assertThat(problem.getMessage()).isEqualTo("no account with email ada@example.com; register it first");
        assertThat(problem.retrySoon()).as("accounts are not watched").isTrue();
    }

    @Test
    void aRefusedSpecIsInvalidSpec() {
        SyncProblem problem =
                of(Status.INVALID_ARGUMENT.withDescription("headers: 'Host' is set by Chis and cannot be overridden"));
        assertThat(problem.reason()).isEqualTo("InvalidSpec");
        assertThat(problem.getMessage()).endsWith("cannot be overridden");
        assertThat(problem.retrySoon()).as("only a spec change fixes it").isFalse();
    }

    @Test
    void anythingElseIsPlatformUnavailableNamingWhere() {
        for (Status status : new Status[] {
            Status.UNAVAILABLE.withDescription("io exception"),
            Status.DEADLINE_EXCEEDED,
            Status.UNAUTHENTICATED.withDescription("the admin API is off: CHIS_ADMIN_TOKEN is not set"),
            Status.UNIMPLEMENTED
        }) {
            SyncProblem problem = of(status);
            assertThat(problem.reason()).isEqualTo("PlatformUnavailable");
            assertThat(problem.getMessage())
                    .contains("WebhookPlatform chis")
                    .contains("chis-delivery.shop.svc:50051")
                    .contains(status.getCode().name());
            assertThat(problem.retrySoon()).isTrue();
        }
    }
}
