package io.chis.runtime.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventTypesTest {

    @Test
    void wildcardsMatchBySegmentPrefix() {
        assertThat(EventTypes.matches("*", "anything.at.all")).isTrue();
        assertThat(EventTypes.matches("user.*", "user.created")).isTrue();
        assertThat(EventTypes.matches("user.*", "user.profile.updated")).isTrue();
        assertThat(EventTypes.matches("user.*", "user")).isFalse();
        assertThat(EventTypes.matches("user.*", "username.changed")).isFalse();
        assertThat(EventTypes.matches("user.created", "user.created")).isTrue();
        assertThat(EventTypes.matches("user.created", "user.created.v2")).isFalse();
        assertThat(EventTypes.anyMatches(List.of("order.paid", "user.*"), "user.deleted"))
                .isTrue();
        assertThat(EventTypes.anyMatches(List.of("order.paid"), "order.refunded"))
                .isFalse();
    }

    @Test
    void filtersMustBeDottedNamesWithAnOptionalTrailingWildcard() {
        for (String ok : List.of("*", "user.created", "user.*", "a_b-c.d1", "invoice")) {
            assertThat(EventTypes.isValidFilter(ok)).as(ok).isTrue();
        }
        for (String bad : List.of("", "user.", ".user", "user.*.created", "us er", "*.created", "user**")) {
            assertThat(EventTypes.isValidFilter(bad)).as(bad).isFalse();
        }
    }

    @Test
    void operationalTypesAreMatchedOnlyByFiltersThatNameThem() {
        assertThat(EventTypes.matches("*", "chis.endpoint.disabled")).isFalse();
        assertThat(EventTypes.matches("chis.*", "chis.endpoint.disabled")).isTrue();
        assertThat(EventTypes.matches("chis.endpoint.*", "chis.endpoint.enabled"))
                .isTrue();
        assertThat(EventTypes.matches("chis.endpoint.*", "chis.message.dead")).isFalse();
        assertThat(EventTypes.matches("chis.message.dead", "chis.message.dead")).isTrue();
        assertThat(EventTypes.anyMatches(List.of("*", "user.*"), "chis.message.dead"))
                .isFalse();
        // chis.* is a filter like any other: it does not reach user types
        assertThat(EventTypes.matches("chis.*", "user.created")).isFalse();
        assertThat(EventTypes.matches("*", "chisel.sharpened")).isTrue();
    }

    @Test
    void anEventTypeNameIsAFilterWithoutWildcard() {
        assertThat(EventTypes.isValidType("order.created")).isTrue();
        assertThat(EventTypes.isValidType("order.*")).isFalse();
        assertThat(EventTypes.isValidType("*")).isFalse();
        assertThat(EventTypes.isValidType("order.")).isFalse();
    }
}
