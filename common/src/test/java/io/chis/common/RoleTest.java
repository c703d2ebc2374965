package io.chis.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class RoleTest {

    @Test
    void parsesCommaListsAndAll() {
        assertThat(Role.parse(null)).isEqualTo(EnumSet.allOf(Role.class));
        assertThat(Role.parse(" all ")).isEqualTo(EnumSet.allOf(Role.class));
        assertThat(Role.parse("api, Worker")).containsExactlyInAnyOrder(Role.API, Role.WORKER);
        assertThat(Role.SCHEDULER.id()).isEqualTo("scheduler");
    }

    @Test
    void unknownOrEmptyListsAreRefusedByName() {
        assertThatThrownBy(() -> Role.parse("api,web")).hasMessageContaining("unknown role 'web'");
        assertThatThrownBy(() -> Role.parse(" , ")).hasMessageContaining("names no role");
    }
}
